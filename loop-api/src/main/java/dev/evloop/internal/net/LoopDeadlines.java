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
import io.netty.channel.ChannelOutboundHandlerAdapter;
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
 * The transports' time limits (connect, TLS handshake, TLS close_notify flush) on the loop's own
 * timers instead of Netty's scheduler: Netty's
 * {@code ManualIoEventLoop} schedules on the real clock, so a loop on a virtual clock would
 * otherwise run these limits in real time. Each limit fails the operation
 * exactly as Netty's own would (same exception types and messages), so callers see no difference
 * on the real clock. Called on the loop's thread.
 */
final class LoopDeadlines {
    /** Netty's connect limit when the user set none ({@code DefaultChannelConfig}'s 30 s). */
    private static final int NETTY_CONNECT_TIMEOUT_MILLIS = 30_000;
    private static final System.Logger LOG = System.getLogger("dev.evloop");

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
     * Puts an {@link SslHandler} in a live channel's pipeline on the loop's clock: its handshake
     * limit (Netty's own is off, see {@link TlsHandlers}) and its close_notify flush limit.
     *
     * <p>When the handshake limit passes first, the handshake fails with Netty's
     * {@link SslHandshakeTimeoutException}, the handlers after the SslHandler hear of it as Netty
     * tells them, and the channel closes without a close_notify, as Netty's timeout does.
     *
     * <p>When a close cannot flush the close_notify (the peer stopped reading), Netty force-closes
     * after {@code closeNotifyFlushTimeout} (3 s unless changed); that wait moves to the loop's
     * timers too, with Netty's warning.
     */
    static void arm(BaseEventLoop loop, Channel channel, SslHandler ssl, Duration timeout) {
        long nanos = Durations.positiveNanos(timeout, "timeout");
        ChannelHandlerContext sslContext = channel.pipeline().context(ssl);
        if (sslContext == null) {
            return; // the handler never went in: the connection refused the upgrade
        }
        long flushMillis = ssl.getCloseNotifyFlushTimeoutMillis();
        if (flushMillis > 0) {
            ssl.setCloseNotifyFlushTimeoutMillis(0);
            channel.pipeline().addAfter(sslContext.name(), null, new CloseNotifyLimit(loop, sslContext, flushMillis));
        }
        Future<Channel> done = ssl.handshakeFuture();
        if (Durations.isNoLimit(nanos) || done.isDone()) {
            return;
        }
        TimerHandle timer = loop.callLater(timeout, () -> {
            long millis = Math.ceilDiv(nanos, 1_000_000L);
            SslHandshakeTimeoutException e = new SslHandshakeTimeoutException("handshake timed out after " + millis + "ms");
            if (!sslContext.isRemoved() && done instanceof Promise<Channel> promise && promise.tryFailure(e)) {
                sslContext.fireUserEventTriggered(new SslHandshakeCompletionEvent(e));
                sslContext.close();
            }
        });
        done.addListener(f -> timer.cancel());
    }

    /**
     * Sits just after the SslHandler and sees each close before it does: if the channel is still
     * open once the SslHandler has taken the close (its close_notify waits to be flushed), the
     * channel is closed under it after the limit, as Netty's own close_notify timeout would.
     */
    private static final class CloseNotifyLimit extends ChannelOutboundHandlerAdapter {
        private final BaseEventLoop loop;
        private final ChannelHandlerContext sslContext;
        private final long millis;
        private TimerHandle timer;

        CloseNotifyLimit(BaseEventLoop loop, ChannelHandlerContext sslContext, long millis) {
            this.loop = loop;
            this.sslContext = sslContext;
            this.millis = millis;
        }

        @Override
        public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
            ctx.close(promise);
            Channel channel = ctx.channel();
            if (timer != null || !channel.isOpen() || loop.isClosed()) {
                return; // a closed loop's channels are closed outright by Netty's shutdown
            }
            timer = loop.callLater(Duration.ofMillis(millis), () -> {
                if (channel.isOpen()) {
                    LOG.log(System.Logger.Level.WARNING, channel + " Last write attempt timed out; force-closing the connection.");
                    sslContext.close();
                }
            });
            channel.closeFuture().addListener(f -> timer.cancel());
        }
    }
}
