package dev.evloop.internal.process;

import dev.evloop.EventLoop;
import dev.evloop.Handle;
import dev.evloop.internal.BaseEventLoop;
import dev.evloop.net.Transport;
import io.netty.channel.Channel;
import java.net.SocketAddress;

/**
 * What every pipe transport shares: a pipe has no addresses and no Netty channel. The base of
 * {@link ReadPipeTransport} and {@link WritePipeTransport}, asyncio's {@code _UnixReadPipeTransport}
 * and {@code _UnixWritePipeTransport}.
 */
abstract class PipeTransport implements Transport {
    /** Aborts this transport if the loop closes first; cancelled once the pipe is lost. */
    private Handle loopCloseHook;

    /**
     * Closes the pipe when the loop closes, as the loop's close closes a child's pipes: the
     * transport owns its pipe, and nothing could close it after the loop is gone. On the loop's
     * thread, before the transport starts.
     */
    final void closeWithLoop(EventLoop loop) {
        loopCloseHook = BaseEventLoop.of(loop).addCloseHook(this::abort);
    }

    /** The pipe is closed: the loop's close has nothing left to do for this transport. */
    final void pipeClosed() {
        if (loopCloseHook != null) {
            loopCloseHook.cancel();
            loopCloseHook = null;
        }
    }

    /** A pipe has no address: {@code null}. */
    @Override
    public SocketAddress localAddress() {
        return null;
    }

    /** A pipe has no address: {@code null}. */
    @Override
    public SocketAddress remoteAddress() {
        return null;
    }

    /** A pipe is not a Netty channel: {@code null}. */
    @Override
    public Channel channel() {
        return null;
    }
}
