package dev.evloop.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.socket.DatagramChannel;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * One UDP endpoint, as its protocol sees it: send datagrams with it, close it. Mirrors asyncio's
 * {@code DatagramTransport}.
 *
 * <pre>{@code
 * public void connectionMade(DatagramTransport t) {
 *     t.sendTo("ping".getBytes(StandardCharsets.US_ASCII), null);   // to the connected peer
 * }
 * }</pre>
 *
 * <p>Each {@code sendTo} is one datagram. Datagrams are buffered and flushed once per loop
 * iteration, so a burst of sends costs few system calls (one on backends that batch them); past
 * 64 KiB unflushed they are flushed at once. An empty datagram is not sent, on any backend (as
 * asyncio before 3.13). One over the largest UDP payload is not sent either, and the protocol's
 * {@link DatagramProtocol#errorReceived} hears why; the endpoint stays open.
 * Every method is for the loop's thread and its tasks.
 *
 * <p>Like asyncio's, it has no {@code pause_reading()}: every datagram that arrives goes to
 * {@code datagramReceived} at once; one that comes faster than the protocol can take is dropped by
 * the kernel when the socket's receive buffer is full, as UDP does.
 *
 * <p>evloop implements this interface; users do not.
 */
public interface DatagramTransport {

    /**
     * Sends one datagram; the bytes are copied, so the array may be reused at once. Mirrors
     * {@code sendto(data, addr)}.
     *
     * @param data the datagram's bytes
     * @param addr where to send it; {@code null} for the endpoint's remote address
     * @throws NullPointerException if {@code data} is null, or {@code addr} is null and the
     *                              endpoint has no remote address
     * @throws IllegalArgumentException if the endpoint has a remote address and {@code addr} is
     *                                  another one, or {@code addr} is not a resolved
     *                                  {@link java.net.InetSocketAddress}
     */
    void sendTo(byte[] data, SocketAddress addr);

    /**
     * Sends the buffer's bytes from its position to its limit as one datagram; the position is
     * left unchanged. Mirrors {@code sendto(data, addr)}.
     *
     * <p>The bytes are copied, except the view a receive callback of this loop is being handed
     * now (or a slice of it), which is sent without a copy; see {@link Transport#write(ByteBuffer)}.
     *
     * @param data the datagram's bytes
     * @param addr where to send it; {@code null} for the endpoint's remote address
     * @throws NullPointerException if {@code data} is null, or {@code addr} is null and the
     *                              endpoint has no remote address
     * @throws IllegalArgumentException as {@link #sendTo(byte[], SocketAddress)}
     * @throws IllegalStateException if {@code data} is the view a receive callback was handed and
     *                               that callback has returned
     */
    void sendTo(ByteBuffer data, SocketAddress addr);

    /**
     * Sends a Netty buffer as one datagram without copying: the transport takes ownership and
     * releases it, also when it throws.
     *
     * @param data the datagram's bytes
     * @param addr where to send it; {@code null} for the endpoint's remote address
     * @throws NullPointerException if {@code data} is null, or {@code addr} is null and the
     *                              endpoint has no remote address
     * @throws IllegalArgumentException as {@link #sendTo(byte[], SocketAddress)}, and naming
     *                                  {@code data} if it is already released
     */
    void sendTo(ByteBuf data, SocketAddress addr);

    /**
     * Closes the endpoint once the buffered datagrams are sent; the protocol's
     * {@code connectionLost(null)} follows. Closing twice is fine. Mirrors {@code close()}.
     */
    void close();

    /**
     * Closes the endpoint at once, dropping buffered datagrams. Mirrors {@code abort()}.
     */
    void abort();

    /**
     * Whether the endpoint is closing or closed. Mirrors {@code is_closing()}.
     *
     * @return {@code true} once {@code close}, {@code abort} or a fatal error happened
     */
    boolean isClosing();

    /**
     * Sets when the protocol is told to pause sending (buffer above {@code high}) and to resume
     * (at or below {@code low}). asyncio's defaults: 64 KiB and 16 KiB. Mirrors
     * {@code set_write_buffer_limits(high, low)}.
     * If the buffer already holds more than the new {@code high}, the protocol is told to pause
     * before this returns, and to resume once the buffer falls to {@code low}, as asyncio's call
     * does.
     *
     * @param high the high-water mark in bytes
     * @param low  the low-water mark in bytes
     * @throws IllegalArgumentException unless {@code high >= low >= 0}
     */
    void setWriteBufferLimits(int high, int low);

    /**
     * Bytes of datagrams handed over but not yet sent, as Netty counts them: each datagram's
     * bytes plus a small fixed overhead, the count the write buffer limits are compared with.
     * Mirrors {@code get_write_buffer_size()}.
     *
     * @return the count
     */
    long writeBufferSize();

    /**
     * The address the endpoint is bound to. Mirrors {@code get_extra_info('sockname')}.
     *
     * @return the address
     */
    SocketAddress localAddress();

    /**
     * The peer a connected endpoint sends to and hears from. Mirrors
     * {@code get_extra_info('peername')}.
     *
     * @return the address, or {@code null} if the endpoint is not connected
     */
    SocketAddress remoteAddress();

    /**
     * The Netty datagram channel underneath, as an escape hatch: it joins multicast groups, and
     * its config takes any option.
     *
     * @return the channel
     */
    DatagramChannel channel();
}
