package dev.evloop;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * One stream connection, as its protocol sees it: write to it, close it, pause reading from it.
 * Mirrors asyncio's {@code Transport}.
 *
 * <pre>{@code
 * public void connectionMade(Transport t) {
 *     t.setWriteBufferLimits(256 * 1024, 64 * 1024);
 *     t.write("hello\n".getBytes(StandardCharsets.US_ASCII));
 * }
 * }</pre>
 *
 * <p>Writes are buffered and flushed once per loop iteration, so a burst of small writes costs
 * one system call; a large write is flushed at once. Every method is for the loop's thread.
 */
public interface Transport {

    /**
     * Writes bytes; they are copied, so the array may be reused at once. Mirrors
     * {@code write(data)}.
     *
     * @param data the bytes
     * @throws NullPointerException if {@code data} is null
     * @throws IllegalStateException if {@link #writeEof()} was called, or if the peer's end of stream
     *         closed a Unix socket connection on a backend that cannot write after it (see
     *         {@link EventLoop#createUnixConnection})
     */
    void write(byte[] data);

    /**
     * Writes the buffer's bytes from its position to its limit, copying them; the position is
     * left unchanged. Mirrors {@code write(data)}.
     *
     * @param data the bytes
     * @throws NullPointerException if {@code data} is null
     * @throws IllegalStateException if {@link #writeEof()} was called, or if the peer's end of stream
     *         closed a Unix socket connection on a backend that cannot write after it (see
     *         {@link EventLoop#createUnixConnection})
     */
    void write(ByteBuffer data);

    /**
     * Writes a Netty buffer without copying: the transport takes ownership and releases it.
     *
     * @param data the bytes
     * @throws NullPointerException if {@code data} is null
     * @throws IllegalStateException if {@link #writeEof()} was called, or if the peer's end of stream
     *         closed a Unix socket connection on a backend that cannot write after it (see
     *         {@link EventLoop#createUnixConnection}); the buffer
     *         is released
     */
    void write(ByteBuf data);

    /**
     * Closes the write side once the buffered data is sent (a TCP half-close); reading goes on.
     * Mirrors {@code write_eof()}.
     *
     * @throws UnsupportedOperationException if {@link #canWriteEof()} is false
     * @throws IllegalStateException if the peer's end of stream closed a Unix socket connection on
     *         a backend that cannot write after it (see {@link EventLoop#createUnixConnection})
     */
    void writeEof();

    /**
     * Whether {@link #writeEof()} is supported. Mirrors {@code can_write_eof()}.
     *
     * @return {@code true} for TCP and Unix stream sockets
     */
    boolean canWriteEof();

    /**
     * Closes the connection once the buffered data is sent; the protocol's
     * {@code connectionLost(null)} follows. Closing twice is fine. Mirrors {@code close()}.
     */
    void close();

    /**
     * Closes the connection at once, dropping buffered data. Mirrors {@code abort()}.
     */
    void abort();

    /**
     * Whether the transport is closing or closed. Mirrors {@code is_closing()}.
     *
     * @return {@code true} once {@code close}, {@code abort} or a connection loss happened
     */
    boolean isClosing();

    /** Stops delivering received data until {@link #resumeReading()}. Mirrors {@code pause_reading()}. */
    void pauseReading();

    /** Delivers received data again. Mirrors {@code resume_reading()}. */
    void resumeReading();

    /**
     * Whether received data is being delivered. Mirrors {@code is_reading()}.
     *
     * @return {@code false} while paused
     */
    boolean isReading();

    /**
     * Sets when the protocol is told to pause writing (buffer above {@code high}) and to resume
     * (below {@code low}). asyncio's defaults: 64 KiB and 16 KiB. Mirrors
     * {@code set_write_buffer_limits(high, low)}.
     *
     * @param high the high-water mark in bytes
     * @param low  the low-water mark in bytes
     * @throws IllegalArgumentException unless {@code high >= low >= 0}
     */
    void setWriteBufferLimits(int high, int low);

    /**
     * Bytes written but not yet sent. Mirrors {@code get_write_buffer_size()}.
     *
     * @return the count
     */
    long writeBufferSize();

    /**
     * The local address. Mirrors {@code get_extra_info('sockname')}.
     *
     * @return the address
     */
    SocketAddress localAddress();

    /**
     * The peer's address. Mirrors {@code get_extra_info('peername')}.
     *
     * @return the address
     */
    SocketAddress remoteAddress();

    /**
     * The Netty channel underneath, as an escape hatch: its pipeline takes Netty handlers.
     *
     * @return the channel
     */
    Channel channel();
}
