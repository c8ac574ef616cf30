package dev.evloop.net;

import dev.evloop.internal.Durations;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContext;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

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
 * sets it), keep-alive off, the OS's buffer sizes, servers accept at once, no TLS, and a TLS
 * handshake may take 60 seconds.
 */
public final class SocketOptions {
    /** asyncio's {@code SSL_HANDSHAKE_TIMEOUT}. */
    private static final Duration DEFAULT_SSL_HANDSHAKE_TIMEOUT = Duration.ofSeconds(60);
    private static final SocketOptions DEFAULTS = new SocketOptions();

    // Not final so that a wither can copy and set one field; no instance changes once returned.
    private int backlog = 100;
    private boolean reuseAddress = true;
    private boolean reusePort;
    private boolean noDelay = true;
    private boolean keepAlive;
    private boolean broadcast;
    private SocketAddress localAddress;
    private int sendBufferSize;
    private int receiveBufferSize;
    private boolean startServing = true;
    private SslContext ssl;
    private String serverHostname;
    private Duration sslHandshakeTimeout = DEFAULT_SSL_HANDSHAKE_TIMEOUT;
    private Map<ChannelOption<?>, Object> extra = Map.of();

    private SocketOptions() {
    }

    /** A copy of these options with one change made by {@code change}. */
    private SocketOptions with(Consumer<SocketOptions> change) {
        SocketOptions copy = new SocketOptions();
        copy.backlog = backlog;
        copy.reuseAddress = reuseAddress;
        copy.reusePort = reusePort;
        copy.noDelay = noDelay;
        copy.keepAlive = keepAlive;
        copy.broadcast = broadcast;
        copy.localAddress = localAddress;
        copy.sendBufferSize = sendBufferSize;
        copy.receiveBufferSize = receiveBufferSize;
        copy.startServing = startServing;
        copy.ssl = ssl;
        copy.serverHostname = serverHostname;
        copy.sslHandshakeTimeout = sslHandshakeTimeout;
        copy.extra = extra;
        change.accept(copy);
        return copy;
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
        return with(o -> o.backlog = backlog);
    }

    /**
     * SO_REUSEADDR on a server's socket. Mirrors {@code reuse_address=}.
     *
     * @param on whether to set it
     * @return a copy with it set
     */
    public SocketOptions reuseAddress(boolean on) {
        return with(o -> o.reuseAddress = on);
    }

    /**
     * SO_REUSEPORT, where the backend supports it. Mirrors {@code reuse_port=}.
     *
     * @param on whether to set it
     * @return a copy with it set
     */
    public SocketOptions reusePort(boolean on) {
        return with(o -> o.reusePort = on);
    }

    /**
     * TCP_NODELAY (on by default, as asyncio sets it).
     *
     * @param on whether to set it
     * @return a copy with it set
     */
    public SocketOptions noDelay(boolean on) {
        return with(o -> o.noDelay = on);
    }

    /**
     * SO_KEEPALIVE. Mirrors {@code keep_alive=}.
     *
     * @param on whether to set it
     * @return a copy with it set
     */
    public SocketOptions keepAlive(boolean on) {
        return with(o -> o.keepAlive = on);
    }

    /**
     * SO_BROADCAST on a datagram endpoint. Mirrors {@code allow_broadcast=}.
     *
     * @param on whether to set it
     * @return a copy with it set
     */
    public SocketOptions broadcast(boolean on) {
        return with(o -> o.broadcast = on);
    }

    /**
     * The local address a connection binds to before connecting. Mirrors {@code local_addr=}.
     *
     * @param address the address, or {@code null} for any
     * @return a copy with it set
     */
    public SocketOptions localAddress(SocketAddress address) {
        return with(o -> o.localAddress = address);
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
        return with(o -> o.sendBufferSize = bytes);
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
        return with(o -> o.receiveBufferSize = bytes);
    }

    /**
     * Whether a server accepts connections as soon as it is created (the default), or only after
     * {@link Server#startServing()}. Mirrors {@code start_serving=}.
     *
     * @param on whether to start at once
     * @return a copy with it set
     */
    public SocketOptions startServing(boolean on) {
        return with(o -> o.startServing = on);
    }

    /**
     * TLS on the connection or on every connection a server accepts: a server context (see
     * {@link Tls#serverContext}) for servers, a client context (see {@link Tls#clientContext()})
     * for connections. Mirrors {@code ssl=}. The protocol's {@code connectionMade} comes after the
     * handshake, and a connection's future fails if the handshake does.
     *
     * @param context the TLS context, or {@code null} for plain TCP
     * @return a copy with it set
     */
    public SocketOptions ssl(SslContext context) {
        return with(o -> o.ssl = context);
    }

    /**
     * The name a TLS client sends (SNI) and checks the server's certificate against; by default
     * the host it connects to. Mirrors {@code server_hostname=}. To skip the check, build the
     * client context with {@code endpointIdentificationAlgorithm(null)}, knowing what that gives
     * up.
     *
     * @param hostname the expected name, or {@code null} for the host connected to
     * @return a copy with it set
     */
    public SocketOptions serverHostname(String hostname) {
        return with(o -> o.serverHostname = hostname);
    }

    /**
     * How long a TLS handshake may take before the connection is closed; 60 seconds by default,
     * as asyncio. Mirrors {@code ssl_handshake_timeout=}. The limit is kept to the millisecond,
     * rounded up; 73 years or more (up to {@code ChronoUnit.FOREVER}) means no limit.
     *
     * @param timeout the limit, positive
     * @return a copy with it set
     * @throws IllegalArgumentException naming {@code timeout} if it is zero or negative, as asyncio
     * @throws NullPointerException if {@code timeout} is null
     */
    public SocketOptions sslHandshakeTimeout(Duration timeout) {
        Durations.positiveNanos(timeout, "timeout");
        return with(o -> o.sslHandshakeTimeout = timeout);
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
        Map<ChannelOption<?>, Object> frozen = Collections.unmodifiableMap(copy);
        return with(o -> o.extra = frozen);
    }

    /** {@return the listen backlog} */
    public int backlog() {
        return backlog;
    }

    /** {@return whether SO_REUSEADDR is set on servers} */
    public boolean reuseAddress() {
        return reuseAddress;
    }

    /** {@return whether SO_REUSEPORT is asked for} */
    public boolean reusePort() {
        return reusePort;
    }

    /** {@return whether TCP_NODELAY is set} */
    public boolean noDelay() {
        return noDelay;
    }

    /** {@return whether SO_KEEPALIVE is set} */
    public boolean keepAlive() {
        return keepAlive;
    }

    /** {@return whether datagram endpoints may broadcast} */
    public boolean broadcast() {
        return broadcast;
    }

    /** {@return the local address of connections, or {@code null}} */
    public SocketAddress localAddress() {
        return localAddress;
    }

    /** {@return SO_SNDBUF, or 0 for the OS default} */
    public int sendBufferSize() {
        return sendBufferSize;
    }

    /** {@return SO_RCVBUF, or 0 for the OS default} */
    public int receiveBufferSize() {
        return receiveBufferSize;
    }

    /** {@return whether servers accept at once} */
    public boolean startServing() {
        return startServing;
    }

    /** {@return the TLS context, or {@code null} for plain TCP} */
    public SslContext ssl() {
        return ssl;
    }

    /** {@return the name a TLS client expects, or {@code null} for the host it connects to} */
    public String serverHostname() {
        return serverHostname;
    }

    /** {@return how long a TLS handshake may take} */
    public Duration sslHandshakeTimeout() {
        return sslHandshakeTimeout;
    }

    /** {@return the extra Netty options, in the order they were set} */
    public Map<ChannelOption<?>, Object> extraOptions() {
        return extra;
    }
}
