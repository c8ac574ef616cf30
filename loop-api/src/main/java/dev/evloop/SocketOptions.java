package dev.evloop;

import io.netty.channel.ChannelOption;
import java.net.SocketAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a server or connection sets up its sockets: the keyword arguments of asyncio's
 * {@code create_server} and {@code create_connection}, as an immutable value with withers.
 *
 * <pre>{@code
 * SocketOptions options = SocketOptions.defaults()
 *         .backlog(1024)
 *         .reusePort(true)
 *         .option(ChannelOption.SO_LINGER, 0);      // any Netty option, as an escape hatch
 * }</pre>
 *
 * <p>Defaults: backlog 100 (asyncio's), SO_REUSEADDR on for servers, TCP_NODELAY on (as asyncio
 * sets it), keep-alive off, the OS's buffer sizes, and servers accept at once.
 */
public final class SocketOptions {
    private static final SocketOptions DEFAULTS = new SocketOptions(100, true, false, true, false, null, 0, 0,
            true, Map.of());

    private final int backlog;
    private final boolean reuseAddress;
    private final boolean reusePort;
    private final boolean noDelay;
    private final boolean keepAlive;
    private final SocketAddress localAddress;
    private final int sendBufferSize;
    private final int receiveBufferSize;
    private final boolean startServing;
    private final Map<ChannelOption<?>, Object> extra;

    private SocketOptions(int backlog, boolean reuseAddress, boolean reusePort, boolean noDelay, boolean keepAlive,
                          SocketAddress localAddress, int sendBufferSize, int receiveBufferSize,
                          boolean startServing, Map<ChannelOption<?>, Object> extra) {
        this.backlog = backlog;
        this.reuseAddress = reuseAddress;
        this.reusePort = reusePort;
        this.noDelay = noDelay;
        this.keepAlive = keepAlive;
        this.localAddress = localAddress;
        this.sendBufferSize = sendBufferSize;
        this.receiveBufferSize = receiveBufferSize;
        this.startServing = startServing;
        this.extra = extra;
    }

    /**
     * The defaults described above.
     *
     * @return the default options
     */
    public static SocketOptions defaults() {
        return DEFAULTS;
    }

    /**
     * The listen backlog of a server. Mirrors {@code backlog=}.
     *
     * @param backlog pending connections the OS may queue
     * @return a copy with it set
     * @throws IllegalArgumentException if {@code backlog} is not positive
     */
    public SocketOptions backlog(int backlog) {
        if (backlog <= 0) {
            throw new IllegalArgumentException("backlog must be positive, got " + backlog);
        }
        return new SocketOptions(backlog, reuseAddress, reusePort, noDelay, keepAlive, localAddress, sendBufferSize,
                receiveBufferSize, startServing, extra);
    }

    /**
     * SO_REUSEADDR on a server's socket. Mirrors {@code reuse_address=}.
     *
     * @param on whether to set it
     * @return a copy with it set
     */
    public SocketOptions reuseAddress(boolean on) {
        return new SocketOptions(backlog, on, reusePort, noDelay, keepAlive, localAddress, sendBufferSize,
                receiveBufferSize, startServing, extra);
    }

    /**
     * SO_REUSEPORT, where the backend supports it. Mirrors {@code reuse_port=}.
     *
     * @param on whether to set it
     * @return a copy with it set
     */
    public SocketOptions reusePort(boolean on) {
        return new SocketOptions(backlog, reuseAddress, on, noDelay, keepAlive, localAddress, sendBufferSize,
                receiveBufferSize, startServing, extra);
    }

    /**
     * TCP_NODELAY (on by default, as asyncio sets it).
     *
     * @param on whether to set it
     * @return a copy with it set
     */
    public SocketOptions noDelay(boolean on) {
        return new SocketOptions(backlog, reuseAddress, reusePort, on, keepAlive, localAddress, sendBufferSize,
                receiveBufferSize, startServing, extra);
    }

    /**
     * SO_KEEPALIVE. Mirrors {@code keep_alive=}.
     *
     * @param on whether to set it
     * @return a copy with it set
     */
    public SocketOptions keepAlive(boolean on) {
        return new SocketOptions(backlog, reuseAddress, reusePort, noDelay, on, localAddress, sendBufferSize,
                receiveBufferSize, startServing, extra);
    }

    /**
     * The local address a connection binds to before connecting. Mirrors {@code local_addr=}.
     *
     * @param address the address, or {@code null} for any
     * @return a copy with it set
     */
    public SocketOptions localAddress(SocketAddress address) {
        return new SocketOptions(backlog, reuseAddress, reusePort, noDelay, keepAlive, address, sendBufferSize,
                receiveBufferSize, startServing, extra);
    }

    /**
     * SO_SNDBUF; 0 leaves the OS default.
     *
     * @param bytes the size
     * @return a copy with it set
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public SocketOptions sendBufferSize(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must not be negative, got " + bytes);
        }
        return new SocketOptions(backlog, reuseAddress, reusePort, noDelay, keepAlive, localAddress, bytes,
                receiveBufferSize, startServing, extra);
    }

    /**
     * SO_RCVBUF; 0 leaves the OS default.
     *
     * @param bytes the size
     * @return a copy with it set
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public SocketOptions receiveBufferSize(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must not be negative, got " + bytes);
        }
        return new SocketOptions(backlog, reuseAddress, reusePort, noDelay, keepAlive, localAddress, sendBufferSize,
                bytes, startServing, extra);
    }

    /**
     * Whether a server accepts connections as soon as it is created (the default), or only after
     * {@link Server#startServing()}. Mirrors {@code start_serving=}.
     *
     * @param on whether to start at once
     * @return a copy with it set
     */
    public SocketOptions startServing(boolean on) {
        return new SocketOptions(backlog, reuseAddress, reusePort, noDelay, keepAlive, localAddress, sendBufferSize,
                receiveBufferSize, on, extra);
    }

    /**
     * Any Netty channel option, applied after the others.
     *
     * @param option the option
     * @param value  its value
     * @param <T>    its type
     * @return a copy with it set
     * @throws NullPointerException if an argument is null
     */
    public <T> SocketOptions option(ChannelOption<T> option, T value) {
        Objects.requireNonNull(option, "option");
        Objects.requireNonNull(value, "value");
        Map<ChannelOption<?>, Object> copy = new LinkedHashMap<>(extra);
        copy.put(option, value);
        return new SocketOptions(backlog, reuseAddress, reusePort, noDelay, keepAlive, localAddress, sendBufferSize,
                receiveBufferSize, startServing, Collections.unmodifiableMap(copy));
    }

    /** @return the listen backlog */
    public int backlog() {
        return backlog;
    }

    /** @return whether SO_REUSEADDR is set on servers */
    public boolean reuseAddress() {
        return reuseAddress;
    }

    /** @return whether SO_REUSEPORT is asked for */
    public boolean reusePort() {
        return reusePort;
    }

    /** @return whether TCP_NODELAY is set */
    public boolean noDelay() {
        return noDelay;
    }

    /** @return whether SO_KEEPALIVE is set */
    public boolean keepAlive() {
        return keepAlive;
    }

    /** @return the local address of connections, or {@code null} */
    public SocketAddress localAddress() {
        return localAddress;
    }

    /** @return SO_SNDBUF, or 0 for the OS default */
    public int sendBufferSize() {
        return sendBufferSize;
    }

    /** @return SO_RCVBUF, or 0 for the OS default */
    public int receiveBufferSize() {
        return receiveBufferSize;
    }

    /** @return whether servers accept at once */
    public boolean startServing() {
        return startServing;
    }

    /** @return the extra Netty options, in the order they were set */
    public Map<ChannelOption<?>, Object> extraOptions() {
        return extra;
    }
}
