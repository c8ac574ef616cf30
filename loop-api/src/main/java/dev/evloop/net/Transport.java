package dev.evloop.net;

import dev.evloop.EventLoop;
import dev.evloop.LoopFuture;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

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
 *
 * <p>evloop implements this interface; users do not: methods that take a transport, such as
 * {@code startTls}, refuse one evloop did not make.
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
     * Writes the buffer's bytes from its position to its limit; the position is left unchanged.
     * Mirrors {@code write(data)}.
     *
     * <p>The bytes are copied, so the buffer may be reused at once, except on a socket transport
     * (TCP, TLS, Unix) while a receive callback of this loop runs ({@link Protocol#dataReceived}, {@link
     * DatagramProtocol#datagramReceived}): the view it was handed, or a slice or duplicate of it,
     * is written without a copy, the transport keeping the received memory until the bytes are
     * sent, as raw Netty writes back the buffer it read. Once that callback has returned, its view
     * is dead and writing it is refused.
     *
     * @param data the bytes
     * @throws NullPointerException if {@code data} is null
     * @throws IllegalStateException if {@link #writeEof()} was called, if the peer's end of stream
     *         closed a Unix socket connection on a backend that cannot write after it (see
     *         {@link EventLoop#createUnixConnection}), or if {@code data} is the view a receive
     *         callback was handed and that callback has returned
     */
    void write(ByteBuffer data);

    /**
     * Writes a Netty buffer without copying: the transport takes ownership and releases it, also
     * when the call throws. A buffer the caller releases after the call anyway (or writes twice)
     * is not sent: the connection is lost with an
     * {@link io.netty.util.IllegalReferenceCountException}, and the loop goes on.
     *
     * @param data the bytes
     * @throws NullPointerException if {@code data} is null
     * @throws IllegalArgumentException naming {@code data} if it is already released
     * @throws UnsupportedOperationException on a read pipe's transport (the buffer is released)
     * @throws IllegalStateException if {@link #writeEof()} was called, or if the peer's end of stream
     *         closed a Unix socket connection on a backend that cannot write after it (see
     *         {@link EventLoop#createUnixConnection}); the buffer
     *         is released
     */
    void write(ByteBuf data);

    /**
     * Sends a file, or a slice of it, after the data written so far: zero-copy where the backend
     * can hand the file straight to the socket (sendfile(2), splice, {@code transferTo}) and no
     * other handler sits between the transport and the socket (TLS must read the bytes), else by
     * reading it on the loop's thread in 16 KiB chunks. The transport opens the file and closes
     * it when done. Mirrors asyncio's {@code loop.sendfile(transport, file, offset, count)}.
     *
     * <pre>{@code
     * transport.write("HTTP/1.1 200 OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
     * transport.sendfile(Path.of("index.html"), 0, 0);   // the whole file, after the header
     * transport.write(trailer);                          // sent after the file
     * }</pre>
     *
     * <p>Order: data written before the call goes out before the file; data written after it,
     * even while the file is still being sent (asyncio raises instead), goes out after it, and so
     * do later files, {@link #writeEof()} and {@link #close()}; {@link #abort()} cuts it short.
     *
     * <p>Flow control: the file alone does not make the protocol pause. Zero-copy bytes take no
     * buffer and are not counted by {@link #writeBufferSize()}; the copying path reads the next
     * chunk only while the file's chunks in flight stay under the high-water mark (one chunk at
     * least, so a mark below 16 KiB does pause it). Writes queued behind a file count in
     * {@link #writeBufferSize()} and pause the protocol as usual, until the file and they drain.
     *
     * <p>If sending fails while the connection is still open (the file cannot be read, or has
     * shrunk), the connection is aborted with that error, since the peer would otherwise read a
     * truncated file followed by whatever comes next.
     *
     * @param path   the file
     * @param offset where to start in the file
     * @param count  how many bytes to send; {@code 0} means up to the end of the file (asyncio's
     *               {@code count=None}); a count past the end sends up to the end
     * @return a future of the number of bytes sent, completed once they have all been handed to
     *         the socket; it fails with the connection's error if the connection ends first, or
     *         with the {@link java.io.IOException} if the file cannot be opened or read
     * @throws NullPointerException if {@code path} is null
     * @throws IllegalArgumentException if {@code offset} or {@code count} is negative, or
     *         {@code offset} is past the end of the file
     * @throws IllegalStateException if the transport is closing, or {@link #writeEof()} was called
     */
    LoopFuture<Long> sendfile(Path path, long offset, long count);

    /**
     * Sends a slice of a file the caller has opened for reading, as {@link #sendfile(Path, long, long)}
     * does; the channel stays the caller's: it is not closed, and its position is not used nor
     * changed (asyncio seeks the file to the end of what was sent; absolute reads instead let one
     * channel feed several transports at once). Keep it open until the future completes.
     * Mirrors asyncio's {@code loop.sendfile(transport, file, offset, count)}.
     *
     * @param file   a channel open for reading
     * @param offset where to start in the file
     * @param count  how many bytes to send; {@code 0} means up to the end of the file
     * @return a future of the number of bytes sent, as for {@link #sendfile(Path, long, long)}
     * @throws NullPointerException if {@code file} is null
     * @throws IllegalArgumentException if {@code offset} or {@code count} is negative, or
     *         {@code offset} is past the end of the file
     * @throws IllegalStateException if the transport is closing, or {@link #writeEof()} was called
     */
    LoopFuture<Long> sendfile(FileChannel file, long offset, long count);

    /**
     * Closes the write side once the buffered data is sent (a TCP half-close); reading goes on.
     * Mirrors {@code write_eof()}. Once the transport is closing (closed, aborted or lost), or
     * after a first call, it does nothing, as asyncio's socket and pipe transports, but for the
     * Unix socket refusal below.
     *
     * @throws UnsupportedOperationException if {@link #canWriteEof()} is false (TLS, a read pipe),
     *         closing or not, as asyncio's SSL transport raises whatever its state
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
     * {@code connectionLost(null)} follows. From the call on the transport reads nothing: the
     * protocol hears no more data and no end of stream, however long the buffered data keeps the
     * connection open. Closing twice is fine. Mirrors {@code close()}.
     */
    void close();

    /**
     * Closes the connection at once, dropping buffered data; the protocol hears nothing more but
     * its {@code connectionLost}. Mirrors {@code abort()}.
     */
    void abort();

    /**
     * Whether the transport is closing or closed. Mirrors {@code is_closing()}.
     *
     * @return {@code true} once {@code close}, {@code abort} or a connection loss happened
     */
    boolean isClosing();

    /**
     * Stops delivering received data until {@link #resumeReading()}. Mirrors
     * {@code pause_reading()}.
     *
     * <p>Once the call returns the protocol hears nothing at all, over TLS and at the peer's close
     * too: no {@code dataReceived} or {@code bufferUpdated}, no {@code eofReceived}, no
     * {@code connectionLost}. The backend stops reading the socket; what it had already read (bytes
     * of a TLS record, or the rest of the stream, the peer's EOF and the connection's end, which
     * some backends read in one go once the peer has closed) is held, in order, for
     * {@link #resumeReading()}. A reset while paused is reported after the data that came before
     * it, as asyncio, which does not read a paused socket, only sees it after resuming (here
     * {@link #isClosing()} already says {@code true} and writes are dropped meanwhile).
     * {@link #close()} or {@link #abort()} while paused drops what was held, unread, and
     * {@code connectionLost} comes once, soon after, as asyncio's does. Does nothing if the
     * transport is already paused, was closed or aborted, or its protocol heard connectionLost.
     */
    void pauseReading();

    /**
     * Delivers received data again. Mirrors {@code resume_reading()}.
     *
     * <p>What was held while paused comes first, from a callback of the loop, on the loop's
     * thread, in the order it arrived (data, then the peer's EOF, then {@code connectionLost}) and
     * before anything read later; a protocol that pauses again inside one of those callbacks stops
     * the rest until it resumes. Does nothing if the transport is not paused, or was closed or
     * aborted.
     */
    void resumeReading();

    /**
     * Whether received data is being delivered. Mirrors {@code is_reading()}.
     *
     * @return {@code false} while paused
     */
    boolean isReading();

    /**
     * Sets when the protocol is told to pause writing (buffer above {@code high}) and to resume
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
     * Bytes written but not yet sent, the count the write buffer limits are compared with. Mirrors
     * {@code get_write_buffer_size()}, which counts bytes only: a socket's transport counts them as
     * Netty does, each write that waits in the channel with a small fixed overhead (96 bytes by
     * default), so many small writes a slow peer holds back reach the high mark sooner than
     * asyncio's; a pipe's counts the bytes.
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
