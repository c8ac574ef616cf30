package dev.evloop.streams;

import dev.evloop.Async;
import dev.evloop.EventLoops;
import dev.evloop.internal.Failures;
import dev.evloop.net.SocketOptions;
import dev.evloop.net.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.handler.ssl.SslContext;
import java.net.SocketAddress;
import java.net.SocketException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;

/**
 * Writes bytes to a connection from a task, with {@link #drain()} to wait while the peer is slow:
 * asyncio's {@code StreamWriter}.
 *
 * <pre>{@code
 * writer.write(payload);
 * writer.drain();          // suspends while the transport is over its high-water mark
 * writer.close();
 * writer.waitClosed();
 * }</pre>
 */
public final class StreamWriter {
    private final Transport transport;
    private final StreamProtocol protocol;

    StreamWriter(Transport transport, StreamProtocol protocol) {
        this.transport = transport;
        this.protocol = protocol;
    }

    /**
     * Writes bytes; they are copied. Mirrors {@code write(data)}.
     *
     * @param data the bytes
     * @throws NullPointerException if {@code data} is null
     */
    public void write(byte[] data) {
        transport.write(data);
    }

    /**
     * Writes a Netty buffer's readable bytes without copying them: the writer takes the buffer
     * over. Mirrors {@code write(data)}, with Netty's ownership rule for a written message.
     *
     * <p>Ownership: from the call on, the buffer belongs to the writer, which releases it once it
     * is sent, or at once if the connection is closing (the bytes are then dropped, as
     * {@link #write(byte[])} drops them) or the call throws; the caller must not release it nor
     * touch its bytes afterwards. To go on using it, pass {@code data.retain()} (or a
     * {@code retainedDuplicate()}) and release your own reference later. A buffer from
     * {@link StreamReader#readRetained(int)} fits as it is:
     * {@code writer.write(reader.readRetained(n))} echoes without a copy.
     *
     * @param data the bytes, from its reader index to its writer index
     * @throws NullPointerException if {@code data} is null
     * @throws IllegalArgumentException naming {@code data} if it is already released
     * @throws IllegalStateException if {@link #writeEof()} was called (the buffer is released)
     */
    public void write(ByteBuf data) {
        transport.write(data);
    }

    /**
     * Writes several byte arrays in order. Mirrors {@code writelines(data)}.
     *
     * @param lines the arrays
     * @throws NullPointerException if {@code lines} or one of them is null
     */
    public void writeLines(List<byte[]> lines) {
        Objects.requireNonNull(lines, "lines");
        for (byte[] line : lines) {
            transport.write(line);
        }
    }

    /**
     * Waits inside the current task while the transport's buffer is over its high-water mark.
     * Mirrors {@code await writer.drain()}.
     *
     * <p><b>Cancel safety.</b> A cancellation ends only the wait: the bytes written stay in the transport's
     * buffer and are all still sent, and the connection stays open.
     *
     * @throws UncheckedIOException if the connection is lost, carrying its error
     * @throws IllegalStateException if it must wait outside a task
     */
    public void drain() {
        protocol.drain();
    }

    /**
     * Upgrades the connection to TLS and waits inside the current task for the handshake; the
     * reader and writer go on over it. Mirrors {@code await writer.start_tls(sslcontext,
     * server_hostname=)}.
     *
     * @param sslContext     the TLS context; a server context for the accepting side
     * @param serverHostname for a client, the name to check in the server's certificate;
     *                       {@code null} for the remote IP address
     * @throws NullPointerException if {@code sslContext} is null
     * @throws java.util.concurrent.CompletionException carrying the handshake's
     *         {@link javax.net.ssl.SSLException} if it fails (the connection is then aborted)
     * @throws IllegalStateException if it must wait outside a task
     */
    public void startTls(SslContext sslContext, String serverHostname) {
        EventLoops.getRunningLoop().startTls(transport, sslContext, serverHostname,
                SocketOptions.defaults().sslHandshakeTimeout()).await();
    }

    /**
     * Closes the write side after the buffered data; once the connection is closing, does
     * nothing. Mirrors {@code write_eof()}.
     *
     * @throws UnsupportedOperationException if {@link #canWriteEof()} is false (TLS), closing or
     *         not, as asyncio's SSL transport raises
     * @throws IllegalStateException if the peer's end of stream closed a Unix socket connection on
     *         a backend that cannot write after it (see {@link Transport#writeEof()})
     */
    public void writeEof() {
        transport.writeEof();
    }

    /**
     * Whether {@link #writeEof()} is supported. Mirrors {@code can_write_eof()}.
     *
     * @return {@code true} for TCP
     */
    public boolean canWriteEof() {
        return transport.canWriteEof();
    }

    /** Closes the connection after the buffered data. Mirrors {@code close()}. */
    public void close() {
        transport.close();
    }

    /**
     * Whether the connection is closing or closed. Mirrors {@code is_closing()}.
     *
     * @return {@code true} once closing
     */
    public boolean isClosing() {
        return transport.isClosing();
    }

    /**
     * Waits inside the current task until the connection is closed; if it was lost with an error,
     * raises that error, every call, as asyncio's does. Mirrors {@code await writer.wait_closed()}.
     *
     * <p><b>Cancel safety.</b> A cancellation leaves the connection as it was (open stays open) and a later
     * {@code waitClosed} still works: each call waits on a future of its own (asyncio's waits on the
     * connection's one future, which a cancellation cancels).
     *
     * @throws UncheckedIOException if the connection was lost with an I/O error (a reset, a failed
     *         TLS record), carrying it; another error is thrown as it is
     * @throws IllegalStateException if it must wait outside a task
     */
    public void waitClosed() {
        // Through a shield: a cancelled wait must not cancel the connection's own closed future,
        // which every later waitClosed awaits.
        Async.shield(protocol.closed()).await();
        // Raised here rather than through the closed future: a future failed that nobody awaits
        // is reported as never retrieved, and most connections are never waited on.
        Throwable lostWith = protocol.lostCause();
        if (lostWith != null) {
            throw Failures.unchecked(lostWith);
        }
    }

    /**
     * The transport underneath. Mirrors {@code writer.transport}.
     *
     * @return the transport
     */
    public Transport transport() {
        return transport;
    }

    /**
     * The local address.
     *
     * @return the address
     */
    public SocketAddress localAddress() {
        return transport.localAddress();
    }

    /**
     * The peer's address.
     *
     * @return the address
     */
    public SocketAddress remoteAddress() {
        return transport.remoteAddress();
    }

    static UncheckedIOException connectionLost(Throwable cause) {
        SocketException e = new SocketException("Connection lost");
        if (cause != null) {
            e.initCause(cause);
        }
        return new UncheckedIOException(e.getMessage(), e);
    }
}
