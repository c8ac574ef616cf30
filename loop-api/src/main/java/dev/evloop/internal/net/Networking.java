package dev.evloop.internal.net;

import dev.evloop.ExceptionContext;
import dev.evloop.LoopFuture;
import dev.evloop.internal.BaseEventLoop;
import dev.evloop.net.BaseProtocol;
import dev.evloop.net.Connection;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.net.Transport;
import dev.evloop.spi.LoopBackend;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.handler.ssl.SslHandler;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Stream servers and connections on Netty channels registered on the loop's
 * {@code ManualIoEventLoop}: asyncio's {@code create_server} and {@code create_connection}, the
 * part of {@code selector_events.py} and {@code base_events.py} that opens sockets.
 */
public final class Networking {
    /**
     * Receive buffers grow up to this size: a 100 KiB message arrives in one or two reads where
     * the kernel has it, where Netty's default ceiling (64 KiB) needs more.
     */
    private static final int MAX_RECEIVE_BUFFER = 256 * 1024;

    private final BaseEventLoop loop;
    private final LoopBackend backend;
    /** This loop's stream connections whose channel is open, in opening order; on the loop's thread. */
    private final Set<Transport> openConnections = new LinkedHashSet<>();
    /** What this loop's transports are handing a protocol now: its writes need no copy. */
    private final ReceivedData received = new ReceivedData();

    public Networking(BaseEventLoop loop, LoopBackend backend) {
        this.loop = loop;
        this.backend = backend;
    }

    /**
     * The stream connections (TCP, TLS, Unix) of this loop whose socket is still open, in the
     * order they opened: what a test checks for leaks at its end. Read on the loop's thread.
     */
    public Set<Transport> openConnections() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(openConnections));
    }

    /** A connection's channel exists: it counts as open until the channel closes. */
    void opened(StreamTransport transport, Channel channel) {
        openConnections.add(transport);
        channel.closeFuture().addListener(f -> openConnections.remove(transport));
    }

    public <P extends BaseProtocol> LoopFuture<Server> createServer(Supplier<P> factory, String host, int port,
                                                           SocketOptions options) {
        Objects.requireNonNull(factory, "protocolFactory");
        Objects.requireNonNull(options, "options");
        Resolver.checkPort(port);
        TlsHandlers.checkServerOptions(options);
        LoopFuture<Server> result = loop.createFuture();
        listenAddresses(host, port).addDoneCallback(resolved -> {
            if (failedInto(resolved, result)) {
                return;
            }
            ServerBootstrap bootstrap = serverBootstrap(options, options.reusePort());
            TcpServer server = new TcpServer(loop);
            bootstrap.childHandler(new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {
                    server.accepted(ch);
                    attach(ch, factory, options, () -> server.lost(ch));
                }
            });
            bindEach(bootstrap, resolved.result(), 0, server, new ArrayList<>(), result);
        });
        return result;
    }

    /**
     * Binds a listener to each address in turn, as asyncio's {@code create_server} does. An
     * address the host cannot assign is skipped, as asyncio skips it (bpo-30945: "localhost" may
     * resolve to {@code ::1} on a host without IPv6); any other failure closes the listeners bound
     * so far and fails the server, and so does finding no address to bind at all.
     */
    private void bindEach(ServerBootstrap bootstrap, List<InetSocketAddress> addresses, int index, TcpServer server,
                          List<Throwable> skipped, LoopFuture<Server> result) {
        if (result.isDone()) {
            server.close(); // the caller cancelled meanwhile
            return;
        }
        if (index == addresses.size()) {
            if (server.isListening()) {
                result.setResult(server);
            } else {
                BindException none = new BindException("could not bind on any address out of " + addresses);
                skipped.forEach(none::addSuppressed);
                result.setException(none);
            }
            return;
        }
        ChannelFuture bind;
        try {
            bind = bootstrap.bind(addresses.get(index));
        } catch (RuntimeException e) {
            server.close();
            result.setException(e);
            return;
        }
        bind.addListener(f -> {
            if (f.isSuccess()) {
                server.listening(bind.channel());
            } else if (isAddressNotAvailable(f.cause())) {
                skipped.add(f.cause());
            } else {
                server.close();
                if (!result.isDone()) {
                    result.setException(f.cause());
                }
                return;
            }
            bindEach(bootstrap, addresses, index + 1, server, skipped, result);
        });
    }

    /** EADDRNOTAVAIL, as the JDK and Netty's native transports word it (both from strerror). */
    static boolean isAddressNotAvailable(Throwable bindFailure) {
        String message = bindFailure.getMessage();
        return message != null && message.contains("Cannot assign requested address");
    }

    /** Where a server listens: every interface for a null host, else each address the host resolves to. */
    LoopFuture<List<InetSocketAddress>> listenAddresses(String host, int port) {
        if (host == null) {
            LoopFuture<List<InetSocketAddress>> every = loop.createFuture();
            every.setResult(List.of(new InetSocketAddress(port)));
            return every;
        }
        return Resolver.resolve(loop, host, port);
    }

    public <P extends BaseProtocol> LoopFuture<Connection<P>> createConnection(Supplier<P> factory, String host, int port,
                                                                      SocketOptions options) {
        Objects.requireNonNull(factory, "protocolFactory");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(options, "options");
        Resolver.checkPort(port);
        TlsHandlers.checkClientOptions(options);
        LoopFuture<Connection<P>> result = loop.createFuture();
        Resolver.resolve(loop, host, port).addDoneCallback(resolved -> {
            if (!failedInto(resolved, result)) {
                String peer = options.serverHostname() != null ? options.serverHostname() : host;
                connect(factory, options, peer, resolved.result(), 0, new ArrayList<>(), result);
            }
        });
        return result;
    }

    /**
     * Tries the addresses in order, from {@code index} on, until one connects, as asyncio's
     * {@code create_connection} does; if none does, fails with the last attempt's error, carrying
     * the earlier ones as suppressed exceptions (asyncio 3.12's {@code all_errors} in Java's
     * shape). The protocol factory runs once per attempt; the protocol of a failed attempt is
     * never called.
     */
    private <P extends BaseProtocol> void connect(Supplier<P> factory, SocketOptions options, String peerHost,
                                                  List<InetSocketAddress> addresses, int index,
                                                  List<Throwable> errors, LoopFuture<Connection<P>> result) {
        Bootstrap bootstrap = new Bootstrap()
                .group(loop.ioEventLoop())
                .channel(backend.socketChannelClass());
        applyStreamOptions(new OptionSink() {
            @Override
            public <T> void set(ChannelOption<T> option, T value) {
                bootstrap.option(option, value);
            }
        }, options, backend);
        if (options.reusePort()) {
            bootstrap.option(reusePort(), true);
        }
        @SuppressWarnings("unchecked")
        P[] protocol = (P[]) new BaseProtocol[1];
        StreamTransport[] transport = new StreamTransport[1];
        InetSocketAddress address = addresses.get(index);
        ClientInitializer init = new ClientInitializer() {
            @Override
            void setUp(Channel ch) {
                if (options.ssl() != null) {
                    ch.pipeline().addLast(TlsHandlers.client(options.ssl(), ch, peerHost, address.getPort(),
                            options.sslHandshakeTimeout()));
                }
                protocol[0] = factory.get();
                transport[0] = new StreamTransport(loop, ch, protocol[0], null);
                ch.pipeline().addLast(transport[0]);
            }
        };
        bootstrap.handler(init);
        int connectTimeoutMillis = LoopDeadlines.takeConnectTimeout(bootstrap, options);
        ChannelFuture connect = options.localAddress() == null
                ? bootstrap.connect(address)
                : bootstrap.connect(address, options.localAddress());
        LoopDeadlines.connect(loop, connect, connectTimeoutMillis, address);
        connect.addListener(f -> {
            if (result.isDone()) {
                connect.channel().close(); // the caller cancelled meanwhile
            } else if (init.failure() != null) { // ours, not the address's: no other address is tried
                connect.channel().close();
                result.setException(init.failure());
            } else if (f.isSuccess()) {
                connected(connect.channel(), new Connection<>(transport[0], protocol[0]), options, result);
            } else if (index + 1 < addresses.size()) {
                errors.add(f.cause());
                connect(factory, options, peerHost, addresses, index + 1, errors, result);
            } else {
                Throwable last = f.cause();
                errors.forEach(last::addSuppressed);
                result.setException(last);
            }
        });
    }

    /**
     * Completes a connection that is up: at once for plain TCP, after the handshake for TLS, as
     * asyncio's {@code create_connection} returns once it is done (a failed handshake fails the
     * connection without trying further addresses: the peer was reached).
     */
    private <P extends BaseProtocol> void connected(Channel channel, Connection<P> connection, SocketOptions options,
                                                    LoopFuture<Connection<P>> result) {
        if (options.ssl() == null) {
            result.setResult(connection);
            return;
        }
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        LoopDeadlines.arm(loop, channel, ssl, options.sslHandshakeTimeout());
        ssl.handshakeFuture().addListener(h -> {
            if (result.isDone()) {
                channel.close();
            } else if (h.isSuccess()) {
                result.setResult(connection);
            } else {
                result.setException(h.cause());
            }
        });
    }

    /**
     * A bootstrap for a listener on this loop with {@code options}, its children's options included;
     * with SO_REUSEPORT if {@code reusePort} (which the backend must support). The caller adds the
     * handlers.
     */
    ServerBootstrap serverBootstrap(SocketOptions options, boolean reusePort) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loop.ioEventLoop())
                .channel(backend.serverSocketChannelClass())
                .option(ChannelOption.SO_BACKLOG, options.backlog())
                .option(ChannelOption.SO_REUSEADDR, options.reuseAddress())
                .option(ChannelOption.AUTO_READ, options.startServing());
        if (reusePort) {
            bootstrap.option(reusePort(), true);
        }
        applyStreamOptions(new OptionSink() {
            @Override
            public <T> void set(ChannelOption<T> option, T value) {
                bootstrap.childOption(option, value);
            }
        }, options, backend);
        return bootstrap;
    }

    /** The bytes this loop's transports are handing a protocol now; see {@link ReceivedData}. */
    ReceivedData received() {
        return received;
    }

    /** Whether this loop's backend can set SO_REUSEPORT. */
    boolean canReusePort() {
        return backend.reusePortOption() != null;
    }

    /** Puts a transport for a new protocol on an accepted channel; a failing factory closes it. */
    <P extends BaseProtocol> void attach(Channel ch, Supplier<P> factory, SocketOptions options, Runnable onLost) {
        P protocol;
        try {
            protocol = Objects.requireNonNull(factory.get(), "the protocol factory returned null");
        } catch (Throwable t) {
            loop.callExceptionHandler(ExceptionContext.of("Error in the protocol factory; connection closed", t));
            ch.close();
            onLost.run();
            return;
        }
        SslHandler ssl = options.ssl() == null ? null : TlsHandlers.server(options.ssl(), ch, options.sslHandshakeTimeout());
        if (ssl != null) {
            ch.pipeline().addLast(ssl);
        }
        ch.pipeline().addLast(new StreamTransport(loop, ch, protocol, onLost));
        if (ssl != null) {
            LoopDeadlines.arm(loop, ch, ssl, options.sslHandshakeTimeout());
        }
    }

    /** Where a bootstrap takes the options of its stream channels: a server's children, or a client. */
    interface OptionSink {
        <T> void set(ChannelOption<T> option, T value);
    }

    /** Options of every stream channel of {@code backend}, accepted or connecting. */
    static void applyStreamOptions(OptionSink sink, SocketOptions options, LoopBackend backend) {
        sink.set(ChannelOption.TCP_NODELAY, options.noDelay());
        sink.set(ChannelOption.SO_KEEPALIVE, options.keepAlive());
        applyChannelOptions(sink, options, backend);
    }

    /** Options of every stream channel of {@code backend}, TCP or Unix: those that are not about TCP. */
    static void applyChannelOptions(OptionSink sink, SocketOptions options, LoopBackend backend) {
        sink.set(ChannelOption.ALLOW_HALF_CLOSURE, true);
        sink.set(ChannelOption.RECVBUF_ALLOCATOR, receiveBuffers(backend));
        if (options.sendBufferSize() > 0) {
            sink.set(ChannelOption.SO_SNDBUF, options.sendBufferSize());
        }
        if (options.receiveBufferSize() > 0) {
            sink.set(ChannelOption.SO_RCVBUF, options.receiveBufferSize());
        }
        for (Map.Entry<ChannelOption<?>, Object> e : options.extraOptions().entrySet()) {
            setUnchecked(sink, e.getKey(), e.getValue());
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void setUnchecked(OptionSink sink, ChannelOption<T> option, Object value) {
        sink.set(option, (T) value);
    }

    /**
     * Netty's adaptive sizing, except where a waiting read holds its buffer: there its jump to a
     * sixteenfold buffer after one filled read is held by every connection while it waits, and
     * buffers that double instead keep a connection near its messages' size.
     */
    private static RecvByteBufAllocator receiveBuffers(LoopBackend backend) {
        if (backend.readsHoldBufferWhileWaiting()) {
            return new ReceiveBufferSizes(512, 16 * 1024, MAX_RECEIVE_BUFFER);
        }
        return new AdaptiveRecvByteBufAllocator(512, 16 * 1024, MAX_RECEIVE_BUFFER);
    }

    ChannelOption<Boolean> reusePort() {
        ChannelOption<Boolean> option = backend.reusePortOption();
        if (option == null) {
            throw new UnsupportedOperationException("the " + backend.name() + " backend cannot set SO_REUSEPORT");
        }
        return option;
    }

    /**
     * Every interface for a null host, else the first address the host resolves to: a datagram
     * endpoint's address, as asyncio's {@code create_datagram_endpoint} takes the first.
     */
    LoopFuture<InetSocketAddress> firstAddress(String host, int port) {
        LoopFuture<InetSocketAddress> result = loop.createFuture();
        if (host == null) {
            result.setResult(new InetSocketAddress(port));
            return result;
        }
        Resolver.resolve(loop, host, port).addDoneCallback(resolved -> {
            if (!failedInto(resolved, result)) {
                result.setResult(resolved.result().get(0));
            }
        });
        return result;
    }

    public LoopBackend backend() {
        return backend;
    }

    /** Passes a failure of {@code step} on to {@code result}; true if it did, or if result is done. */
    static boolean failedInto(LoopFuture<?> step, LoopFuture<?> result) {
        if (result.isDone()) {
            return true;
        }
        if (step.isCancelled()) {
            result.cancel();
            return true;
        }
        Throwable error = step.exception();
        if (error != null) {
            result.setException(error);
            return true;
        }
        return false;
    }

    /**
     * Refuses to serve a closed server: it stays closed, and serving it again is a mistake, said at
     * the call as asyncio's {@code RuntimeError} says it. For every kind of server alike.
     */
    static void refuseIfClosed(Server server, boolean closed) {
        if (closed) {
            throw new IllegalStateException("server " + server + " is closed");
        }
    }

    /** What a second {@code serveForever()} on a server already served forever throws, as asyncio's. */
    static IllegalStateException alreadyServingForever(Server server) {
        return new IllegalStateException("server " + server + " is already being awaited on serveForever()");
    }
}
