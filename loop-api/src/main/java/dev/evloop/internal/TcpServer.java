package dev.evloop.internal;

import dev.evloop.LoopFuture;
import dev.evloop.Server;
import io.netty.channel.Channel;
import java.net.SocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;

/**
 * A listening channel and the connections it accepted: asyncio's {@code Server}. The server is
 * closed when its listener is; it is gone, for {@link #waitClosed()}, when its connections are too.
 */
final class TcpServer implements Server {
    private final BaseEventLoop loop;
    private final Channel listener;
    private final Set<Channel> connections = new HashSet<>();
    private final LoopFuture<Void> gone;
    private boolean closed;

    TcpServer(BaseEventLoop loop, Channel listener) {
        this.loop = loop;
        this.listener = listener;
        this.gone = loop.createFuture();
        listener.closeFuture().addListener(f -> {
            closed = true;
            checkGone();
        });
    }

    void accepted(Channel connection) {
        connections.add(connection);
    }

    void lost(Channel connection) {
        connections.remove(connection);
        checkGone();
    }

    private void checkGone() {
        if (closed && connections.isEmpty() && !gone.isDone()) {
            gone.setResult(null);
        }
    }

    @Override
    public void close() {
        closed = true;
        loop.runOnLoopThread(listener::close); // from a task, Netty would queue it behind later work
    }

    @Override
    public LoopFuture<Void> waitClosed() {
        return gone;
    }

    @Override
    public void startServing() {
        loop.runOnLoopThread(() -> {
            if (!closed && !listener.config().isAutoRead()) {
                listener.config().setAutoRead(true);
                listener.read();
            }
        });
    }

    @Override
    public void serveForever() {
        startServing();
        try {
            LoopFuture<Void> closedFuture = loop.createFuture();
            listener.closeFuture().addListener(f -> {
                if (!closedFuture.isDone()) {
                    closedFuture.setResult(null);
                }
            });
            closedFuture.await();
        } catch (CancellationException e) {
            close();
            throw e;
        }
    }

    @Override
    public boolean isServing() {
        return !closed && listener.isActive() && listener.config().isAutoRead();
    }

    @Override
    public List<SocketAddress> addresses() {
        return closed ? List.of() : List.of(listener.localAddress());
    }

    @Override
    public String toString() {
        return "<Server " + listener.localAddress() + (closed ? " closed" : "") + ">";
    }
}
