package dev.evloop.internal;

import dev.evloop.BaseProtocol;
import dev.evloop.Connection;
import dev.evloop.ExceptionContext;
import dev.evloop.LoopFuture;
import dev.evloop.Server;
import dev.evloop.SocketOptions;
import dev.evloop.spi.LoopBackend;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Stream servers and connections on Netty channels registered on the loop's
 * {@code ManualIoEventLoop}: asyncio's {@code create_server} and {@code create_connection}, the
 * part of {@code selector_events.py} and {@code base_events.py} that opens sockets.
 */
final class Networking {
    /**
     * Receive buffers grow up to this size: a 100 KiB message arrives in one or two reads where
     * the kernel has it, where Netty's default ceiling (64 KiB) needs more.
     */
    private static final int MAX_RECEIVE_BUFFER = 256 * 1024;

    private final BaseEventLoop loop;
    private final LoopBackend backend;

    Networking(BaseEventLoop loop, LoopBackend backend) {
        this.loop = loop;
        this.backend = backend;
    }

    <P extends BaseProtocol> LoopFuture<Server> createServer(Supplier<P> factory, String host, int port,
                                                           SocketOptions options) {
        Objects.requireNonNull(factory, "protocolFactory");
        Objects.requireNonNull(options, "options");
        checkPort(port);
        LoopFuture<Server> result = loop.createFuture();
        resolve(host, port, true).addDoneCallback(resolved -> {
            if (failedInto(resolved, result)) {
                return;
            }
            ServerBootstrap bootstrap = serverBootstrap(options, options.reusePort());
            TcpServer[] server = new TcpServer[1];
            bootstrap.childHandler(new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {
                    server[0].accepted(ch);
                    attach(ch, factory, () -> server[0].lost(ch));
                }
            });
            ChannelFuture bind;
            try {
                bind = bootstrap.bind(resolved.result());
            } catch (RuntimeException e) {
                result.setException(e);
                return;
            }
            server[0] = new TcpServer(loop, bind.channel());
            bind.addListener(f -> {
                if (result.isDone()) {
                    server[0].close(); // the caller cancelled meanwhile
                } else if (f.isSuccess()) {
                    result.setResult(server[0]);
                } else {
                    result.setException(f.cause());
                }
            });
        });
        return result;
    }

    <P extends BaseProtocol> LoopFuture<Connection<P>> createConnection(Supplier<P> factory, String host, int port,
                                                                      SocketOptions options) {
        Objects.requireNonNull(factory, "protocolFactory");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(options, "options");
        checkPort(port);
        LoopFuture<Connection<P>> result = loop.createFuture();
        resolve(host, port, false).addDoneCallback(resolved -> {
            if (failedInto(resolved, result)) {
                return;
            }
            Bootstrap bootstrap = new Bootstrap()
                    .group(loop.ioEventLoop())
                    .channel(backend.socketChannelClass());
            applyStreamOptions(new OptionSink() {
                @Override
                public <T> void set(ChannelOption<T> option, T value) {
                    bootstrap.option(option, value);
                }
            }, options);
            if (options.reusePort()) {
                bootstrap.option(reusePort(), true);
            }
            @SuppressWarnings("unchecked")
            P[] protocol = (P[]) new BaseProtocol[1];
            StreamTransport[] transport = new StreamTransport[1];
            bootstrap.handler(new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {
                    protocol[0] = factory.get();
                    transport[0] = new StreamTransport(loop, ch, protocol[0], null);
                    ch.pipeline().addLast(transport[0]);
                }
            });
            ChannelFuture connect = options.localAddress() == null
                    ? bootstrap.connect(resolved.result())
                    : bootstrap.connect(resolved.result(), options.localAddress());
            connect.addListener(f -> {
                if (result.isDone()) {
                    connect.channel().close(); // the caller cancelled meanwhile
                } else if (f.isSuccess()) {
                    result.setResult(new Connection<>(transport[0], protocol[0]));
                } else {
                    result.setException(f.cause());
                }
            });
        });
        return result;
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
        }, options);
        return bootstrap;
    }

    /** Whether this loop's backend can set SO_REUSEPORT. */
    boolean canReusePort() {
        return backend.reusePortOption() != null;
    }

    /** Puts a transport for a new protocol on an accepted channel; a failing factory closes it. */
    <P extends BaseProtocol> void attach(Channel ch, Supplier<P> factory, Runnable onLost) {
        P protocol;
        try {
            protocol = Objects.requireNonNull(factory.get(), "the protocol factory returned null");
        } catch (Throwable t) {
            loop.callExceptionHandler(ExceptionContext.of("Error in the protocol factory; connection closed", t));
            ch.close();
            onLost.run();
            return;
        }
        ch.pipeline().addLast(new StreamTransport(loop, ch, protocol, onLost));
    }

    /** Where a bootstrap takes the options of its stream channels: a server's children, or a client. */
    interface OptionSink {
        <T> void set(ChannelOption<T> option, T value);
    }

    /** Options of every stream channel, accepted or connecting. */
    static void applyStreamOptions(OptionSink sink, SocketOptions options) {
        sink.set(ChannelOption.TCP_NODELAY, options.noDelay());
        sink.set(ChannelOption.SO_KEEPALIVE, options.keepAlive());
        sink.set(ChannelOption.ALLOW_HALF_CLOSURE, true);
        sink.set(ChannelOption.RCVBUF_ALLOCATOR, receiveBuffers());
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

    private static AdaptiveRecvByteBufAllocator receiveBuffers() {
        return new AdaptiveRecvByteBufAllocator(512, 16 * 1024, MAX_RECEIVE_BUFFER);
    }

    private ChannelOption<Boolean> reusePort() {
        ChannelOption<Boolean> option = backend.reusePortOption();
        if (option == null) {
            throw new UnsupportedOperationException("the " + backend.name() + " backend cannot set SO_REUSEPORT");
        }
        return option;
    }

    static void checkPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be within 0..65535, got " + port);
        }
    }

    /**
     * The address to bind or connect to, resolved without blocking the loop: an IP literal at
     * once, a name on the default executor (asyncio runs getaddrinfo there too).
     */
    LoopFuture<InetSocketAddress> resolve(String host, int port, boolean wildcardIfNull) {
        LoopFuture<InetSocketAddress> result = loop.createFuture();
        if (host == null && wildcardIfNull) {
            result.setResult(new InetSocketAddress(port));
            return result;
        }
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
        if (literal != null) {
            try {
                result.setResult(new InetSocketAddress(InetAddress.getByAddress(host, literal), port));
            } catch (java.net.UnknownHostException e) {
                result.setException(e);
            }
            return result;
        }
        return loop.runInExecutor(null, () -> new InetSocketAddress(InetAddress.getByName(host), port));
    }

    /** Passes a failure of {@code step} on to {@code result}; true if it did, or if result is done. */
    private static boolean failedInto(LoopFuture<?> step, LoopFuture<?> result) {
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
}
