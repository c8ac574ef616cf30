package dev.evloop.internal.net;

import dev.evloop.internal.Durations;
import dev.evloop.net.SocketOptions;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.time.Duration;

/**
 * Netty {@link SslHandler}s for evloop's TLS options: the checks asyncio makes of {@code ssl=} and
 * {@code server_hostname=} before it opens anything, and the handler's set-up.
 */
final class TlsHandlers {
    private TlsHandlers() {
    }

    /** Rejects TLS options that cannot work for a client, at the call. */
    static void checkClientOptions(SocketOptions options) {
        SslContext ssl = options.ssl();
        if (ssl == null && options.serverHostname() != null) {
            throw new IllegalArgumentException("options.serverHostname is only meaningful with options.ssl");
        }
        if (ssl != null && ssl.isServer()) {
            throw new IllegalArgumentException("options.ssl is a server context; a connection needs a client one");
        }
    }

    /** Rejects TLS options that cannot work for a server, at the call. */
    static void checkServerOptions(SocketOptions options) {
        if (options.serverHostname() != null) {
            throw new IllegalArgumentException("options.serverHostname is for connections, not servers");
        }
        if (options.ssl() != null && options.ssl().isClient()) {
            throw new IllegalArgumentException("options.ssl is a client context; a server needs a server one");
        }
    }

    /** A client's handler: it sends {@code peerHost} (SNI) and checks the certificate against it. */
    static SslHandler client(SslContext context, Channel channel, String peerHost, int peerPort, Duration timeout) {
        return configured(context.newHandler(channel.alloc(), peerHost, peerPort), timeout);
    }

    /** A server's handler for one accepted channel. */
    static SslHandler server(SslContext context, Channel channel, Duration timeout) {
        return configured(context.newHandler(channel.alloc()), timeout);
    }

    /**
     * Checks the handshake limit, a positive span, and turns Netty's own off: Netty would count it
     * on its real-time scheduler, so the caller starts it on the loop's clock with
     * {@link LoopDeadlines#arm} once the channel is live.
     */
    private static SslHandler configured(SslHandler handler, Duration timeout) {
        Durations.positiveNanos(timeout, "timeout");
        handler.setHandshakeTimeoutMillis(0);
        return handler;
    }
}
