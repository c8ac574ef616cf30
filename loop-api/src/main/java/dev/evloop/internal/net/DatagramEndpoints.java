package dev.evloop.internal.net;

import dev.evloop.LoopFuture;
import dev.evloop.internal.BaseEventLoop;
import dev.evloop.net.DatagramEndpoint;
import dev.evloop.net.DatagramProtocol;
import dev.evloop.net.SocketOptions;
import dev.evloop.spi.LoopBackend;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramChannel;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * UDP endpoints on Netty datagram channels registered on the loop's {@code ManualIoEventLoop}:
 * asyncio's {@code create_datagram_endpoint}.
 */
public final class DatagramEndpoints {
    /**
     * Each read has room for the largest UDP payload (65,507 bytes over IPv4, 65,527 over IPv6),
     * so no datagram is cut short; Netty's default, 2,048 bytes, truncates bigger ones silently.
     */
    private static final int MAX_DATAGRAM = 64 * 1024;

    private final BaseEventLoop loop;
    private final LoopBackend backend;
    private final Networking networking;

    public DatagramEndpoints(BaseEventLoop loop, LoopBackend backend, Networking networking) {
        this.loop = loop;
        this.backend = backend;
        this.networking = networking;
    }

    public <P extends DatagramProtocol> LoopFuture<DatagramEndpoint<P>> create(Supplier<P> factory, InetSocketAddress local,
                                                                       InetSocketAddress remote, SocketOptions options) {
        Objects.requireNonNull(factory, "protocolFactory");
        Objects.requireNonNull(options, "options");
        if (options.localAddress() != null) {
            throw new IllegalArgumentException("options: localAddress(" + options.localAddress()
                    + ") is for connections; a datagram endpoint takes its local address as the localAddress argument");
        }
        ChannelOption<Boolean> reusePort = options.reusePort() ? networking.reusePort() : null;
        LoopFuture<DatagramEndpoint<P>> result = loop.createFuture();
        resolve(local).addDoneCallback(localResolved -> {
            if (Networking.failedInto(localResolved, result)) {
                return;
            }
            resolve(remote).addDoneCallback(remoteResolved -> {
                if (!Networking.failedInto(remoteResolved, result)) {
                    open(factory, localResolved.result(), remoteResolved.result(), options, reusePort, result);
                }
            });
        });
        return result;
    }

    /** An address as given, or resolved off the loop if it is a name (see {@link Networking#resolve}). */
    private LoopFuture<InetSocketAddress> resolve(InetSocketAddress address) {
        if (address != null && address.isUnresolved()) {
            return networking.firstAddress(address.getHostString(), address.getPort());
        }
        LoopFuture<InetSocketAddress> given = loop.createFuture();
        given.setResult(address);
        return given;
    }

    /**
     * Binds, or connects if there is a remote address, as asyncio does: a connected endpoint's
     * socket hears only its peer and learns of ICMP errors; with neither address the endpoint
     * binds any port on every interface, where asyncio's unbound socket gets one at its first send.
     */
    private <P extends DatagramProtocol> void open(Supplier<P> factory, InetSocketAddress local, InetSocketAddress remote,
                                                  SocketOptions options, ChannelOption<Boolean> reusePort,
                                                  LoopFuture<DatagramEndpoint<P>> result) {
        P protocol;
        try {
            protocol = Objects.requireNonNull(factory.get(), "the protocol factory returned null");
        } catch (Throwable t) {
            result.setException(t);
            return;
        }
        Bootstrap bootstrap = new Bootstrap()
                .group(loop.ioEventLoop())
                .channel(backend.datagramChannelClass())
                .option(ChannelOption.SO_BROADCAST, options.broadcast())
                .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM));
        if (reusePort != null) {
            bootstrap.option(reusePort, true);
        }
        if (options.sendBufferSize() > 0) {
            bootstrap.option(ChannelOption.SO_SNDBUF, options.sendBufferSize());
        }
        if (options.receiveBufferSize() > 0) {
            bootstrap.option(ChannelOption.SO_RCVBUF, options.receiveBufferSize());
        }
        for (Map.Entry<ChannelOption<?>, Object> e : options.extraOptions().entrySet()) {
            setUnchecked(bootstrap, e.getKey(), e.getValue());
        }
        UdpTransport[] transport = new UdpTransport[1];
        ClientInitializer init = new ClientInitializer() {
            @Override
            void setUp(Channel ch) {
                transport[0] = new UdpTransport(loop, (DatagramChannel) ch, protocol, remote);
                ch.pipeline().addLast(transport[0]);
            }
        };
        bootstrap.handler(init);
        ChannelFuture opened;
        try {
            if (remote == null) {
                opened = bootstrap.bind(local == null ? new InetSocketAddress(0) : local);
            } else {
                opened = local == null ? bootstrap.connect(remote) : bootstrap.connect(remote, local);
            }
        } catch (RuntimeException e) {
            result.setException(e);
            return;
        }
        opened.addListener(f -> {
            if (result.isDone()) {
                // The caller cancelled meanwhile. No transport means registration failed, and
                // Netty closed the channel then.
                if (transport[0] != null) {
                    transport[0].abort();
                }
            } else if (init.failure() != null) {
                opened.channel().close();
                result.setException(init.failure());
            } else if (f.isSuccess()) {
                transport[0].connectionMade();
                result.setResult(new DatagramEndpoint<>(transport[0], protocol));
            } else {
                result.setException(f.cause());
            }
        });
    }

    @SuppressWarnings("unchecked")
    private static <T> void setUnchecked(Bootstrap bootstrap, ChannelOption<T> option, Object value) {
        bootstrap.option(option, (T) value);
    }
}
