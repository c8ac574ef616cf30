package dev.evloop.internal.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/**
 * The set-up of a channel evloop opens for a caller (a connection or a datagram endpoint), which
 * runs user code (the protocol factory, an {@code SslContext} making its engine) and may fail. The
 * failure is kept, and the channel closed, so that the open's listener fails the caller's future
 * with it: asyncio's {@code create_connection} raises what the factory raised. Left to Netty, it
 * is only logged, and the caller sees a {@code ClosedChannelException}, or, where a backend
 * completes the connect after the close (seen once on io_uring under load), a connection without
 * a transport, so a future that never completed.
 */
abstract class ClientInitializer extends ChannelInitializer<Channel> {
    private Throwable failure;

    /** Sets up {@code channel}; whatever it throws fails the open. */
    abstract void setUp(Channel channel);

    @Override
    protected final void initChannel(Channel channel) {
        try {
            setUp(channel);
        } catch (RuntimeException | Error e) {
            failure = e;
            channel.close();
        }
    }

    /** What the set-up threw, or {@code null}: read in the open's listener, on the loop. */
    Throwable failure() {
        return failure;
    }
}
