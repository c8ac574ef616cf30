package dev.evloop.internal.net;

import dev.evloop.TimerHandle;
import dev.evloop.internal.BaseEventLoop;
import dev.evloop.internal.Durations;
import dev.evloop.net.SocketOptions;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.SocketAddress;
import java.time.Duration;

/**
 * The transports' time limits on the loop's own timers instead of Netty's scheduler: Netty's
 * {@code ManualIoEventLoop} schedules on the real clock, so a loop on a virtual clock would
 * otherwise run its handshake and connect limits in real time. Each limit fails the operation
 * exactly as Netty's own would (same exception types and messages), so callers see no difference
 * on the real clock. Called on the loop's thread.
 */
final class LoopDeadlines {
    /** Netty's connect limit when the user set none ({@code DefaultChannelConfig}'s 30 s). */
    private static final int NETTY_CONNECT_TIMEOUT_MILLIS = 30_000;

    private LoopDeadlines() {
    }

    /**
     * Takes the connect limit away from Netty: the user's {@code CONNECT_TIMEOUT_MILLIS}, or
     * Netty's default, is returned for {@link #connect} and the bootstrap gets none.
     */
    static int takeConnectTimeout(Bootstrap bootstrap, SocketOptions options) {
        Object set = options.extraOptions().get(ChannelOption.CONNECT_TIMEOUT_MILLIS);
        int millis = set instanceof Integer given ? given : NETTY_CONNECT_TIMEOUT_MILLIS;
        bootstrap.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 0);
        return millis;
    }

    /**
     * Fails a connect still pending after {@code millis} with Netty's
     * {@link ConnectTimeoutException} and closes its channel; 0 or less means no limit.
     */
    static void connect(BaseEventLoop loop, ChannelFuture connect, int millis, SocketAddress address) {
        if (millis <= 0 || connect.isDone() || !(connect instanceof ChannelPromise promise)) {
            return;
        }
        TimerHandle timer = loop.callLater(Duration.ofMillis(millis), () -> {
            if (promise.tryFailure(new ConnectTimeoutException("connection timed out after " + millis + " ms: " + address))) {
                promise.channel().close();
            }
        });
        connect.addListener(f -> timer.cancel());
    }

    /**
     * Starts the handshake limit of an {@link SslHandler} in a live channel's pipeline (Netty's
     * own is off, see {@link TlsHandlers}): when it passes first, the handshake fails with Netty's
     * {@link SslHandshakeTimeoutException}, the handlers after the SslHandler hear of it as Netty
     * tells them, and the channel closes without a close_notify, as Netty's timeout does.
     */
    static void handshake(BaseEventLoop loop, Channel channel, SslHandler ssl, Duration timeout) {
        long nanos = Durations.positiveNanos(timeout, "timeout");
        Future<Channel> done = ssl.handshakeFuture();
        if (Durations.isNoLimit(nanos) || done.isDone() || channel.pipeline().context(ssl) == null) {
            return;
        }
        TimerHandle timer = loop.callLater(timeout, () -> {
            ChannelHandlerContext ctx = channel.pipeline().context(ssl);
            long millis = Math.ceilDiv(nanos, 1_000_000L);
            SslHandshakeTimeoutException e = new SslHandshakeTimeoutException("handshake timed out after " + millis + "ms");
            if (ctx != null && done instanceof Promise<Channel> promise && promise.tryFailure(e)) {
                ctx.fireUserEventTriggered(new SslHandshakeCompletionEvent(e));
                ctx.close();
            }
        });
        done.addListener(f -> timer.cancel());
    }
}
