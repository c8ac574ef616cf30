package dev.evloop.internal.net;

import dev.evloop.LoopFuture;
import dev.evloop.internal.BaseEventLoop;
import dev.evloop.internal.Durations;
import dev.evloop.net.Transport;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * asyncio's {@code loop.start_tls}: upgrades a plain connection of a loop to TLS in place. The
 * handshake runs on the connection's channel; the protocol keeps receiving, now decrypted.
 */
public final class StartTls {
    private StartTls() {
    }

    /**
     * Starts TLS on a connection; the arguments are checked here, before anything changes.
     *
     * @return a future of the same transport, done when the handshake is
     * @throws IllegalArgumentException if the transport is not one of {@code loop}'s connections,
     *     the timeout is not positive, or a server context is given a server host name
     */
    public static LoopFuture<Transport> start(BaseEventLoop loop, Transport transport, SslContext sslContext,
                                              String serverHostname, Duration handshakeTimeout) {
        if (!(transport instanceof StreamTransport stream) || stream.channel().eventLoop() != loop.ioEventLoop()) {
            throw new IllegalArgumentException("transport: not a transport of this loop: " + transport);
        }
        Durations.positiveNanos(handshakeTimeout, "handshakeTimeout");
        if (sslContext.isServer() && serverHostname != null) {
            throw new IllegalArgumentException("serverHostname is for a client; sslContext is a server context");
        }
        LoopFuture<Transport> result = loop.createFuture();
        loop.runOnLoopThread(() -> {
            Channel channel = stream.channel();
            SslHandler handler;
            try {
                if (sslContext.isServer()) {
                    handler = TlsHandlers.server(sslContext, channel, handshakeTimeout);
                } else {
                    InetSocketAddress remote = channel.remoteAddress() instanceof InetSocketAddress ip ? ip : null;
                    String host = serverHostname != null ? serverHostname
                            : remote != null ? remote.getHostString() : null;
                    handler = TlsHandlers.client(sslContext, channel, host, remote != null ? remote.getPort() : -1,
                            handshakeTimeout);
                }
            } catch (RuntimeException e) {
                // A context that cannot make an engine fails this call, not the loop; the connection goes on plain.
                result.setException(e);
                return;
            }
            stream.startTls(handler, result);
            LoopDeadlines.arm(loop, channel, handler, handshakeTimeout);
        });
        return result;
    }
}
