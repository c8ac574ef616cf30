package dev.evloop.internal.net;

import dev.evloop.internal.BaseEventLoop;
import dev.evloop.net.SocketOptions;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.EventLoop;
import java.util.List;

/**
 * The first handler of a group server's listener, ahead of Netty's own acceptor: it counts each
 * accepted connection for the server, then gives it to the next loop in turn. The listener's own
 * loop (the first target) lets it go on down the pipeline, where Netty's acceptor registers it
 * here with the children's options and handler; for another loop it does that work itself, so the
 * connection is registered on that loop's {@code ManualIoEventLoop} and its protocol is made and
 * called on that loop's thread.
 *
 * <pre>{@code
 * serverBootstrap.handler(new GroupAcceptor(server, loops, homes, options)).childHandler(homes.get(0));
 * }</pre>
 *
 * <p>Runs on the listener's loop only, so its turn needs no synchronisation.
 */
final class GroupAcceptor extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger("dev.evloop");

    private final GroupServer server;
    private final List<BaseEventLoop> targets;
    private final List<ChannelHandler> homes;
    private final SocketOptions options;
    private int turn;

    /**
     * @param targets the loops that take connections in turn, the listener's own first
     * @param homes   for each target, the handler that gives a connection its protocol there
     */
    GroupAcceptor(GroupServer server, List<BaseEventLoop> targets, List<ChannelHandler> homes, SocketOptions options) {
        this.server = server;
        this.targets = targets;
        this.homes = homes;
        this.options = options;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel child = (Channel) msg;
        server.connectionAccepted();
        int target = turn;
        turn = target + 1 == targets.size() ? 0 : target + 1;
        if (target == 0) {
            ctx.fireChannelRead(child);
        } else {
            handOver(ctx, child, target);
        }
    }

    /** Registers an accepted connection on another loop, as Netty's acceptor would on its own. */
    private void handOver(ChannelHandlerContext ctx, Channel child, int target) {
        child.pipeline().addLast(homes.get(target));
        Networking.applyStreamOptions(new Networking.OptionSink() {
            @Override
            public <T> void set(ChannelOption<T> option, T value) {
                if (!child.config().setOption(option, value)) {
                    LOG.log(System.Logger.Level.WARNING, "unknown channel option " + option + " for " + child);
                }
            }
        }, options, targets.get(target).networking().backend());
        // The promise belongs to this loop, so a refusal (the target loop has closed) is heard here
        // even though the target can no longer run anything.
        ChannelPromise registered = new DefaultChannelPromise(child, ctx.channel().eventLoop());
        registered.addListener(f -> {
            if (!f.isSuccess()) {
                LOG.log(System.Logger.Level.WARNING, "could not hand " + child + " to its loop; closed it", f.cause());
                child.unsafe().closeForcibly();
                server.connectionGone();
            }
        });
        EventLoop loop = targets.get(target).ioEventLoop();
        loop.register(registered);
    }
}
