package dev.evloop.internal.net;

import dev.evloop.Async;
import dev.evloop.LoopFuture;
import dev.evloop.TaskGroupException;
import dev.evloop.internal.BaseEventLoop;
import dev.evloop.net.Server;
import io.netty.channel.Channel;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;

/**
 * The listening channels of one {@code createServer} (one per address, as asyncio binds one
 * socket per address its host resolves to) and the connections they accepted: asyncio's
 * {@code Server}. The server is closed when its listeners are; it is gone, for
 * {@link #waitClosed()}, when its connections are too.
 */
final class TcpServer implements Server {
    private final BaseEventLoop loop;
    private final List<Channel> listeners = new ArrayList<>();
    private final Set<Channel> connections = new HashSet<>();
    private final LoopFuture<Void> listenersClosed;
    private final LoopFuture<Void> gone;
    private boolean closed;
    /** A task waits in {@link #serveForever()}. */
    private boolean servingForever;

    TcpServer(BaseEventLoop loop) {
        this.loop = loop;
        this.listenersClosed = loop.createFuture();
        this.gone = loop.createFuture();
    }

    /** Adds a listener that is bound; on the loop thread, before the server is handed out. */
    void listening(Channel listener) {
        listeners.add(listener);
        listener.closeFuture().addListener(f -> {
            if (listeners.stream().noneMatch(Channel::isOpen)) {
                closed = true;
                if (!listenersClosed.isDone()) {
                    listenersClosed.setResult(null);
                }
                checkGone();
            }
        });
    }

    /** Whether a listener was added. */
    boolean isListening() {
        return !listeners.isEmpty();
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
        // From a task, Netty would queue the closes behind later work.
        loop.runOnLoopThread(() -> listeners.forEach(Channel::close));
    }

    @Override
    public LoopFuture<Void> waitClosed() {
        // A future per call: a task cancelled while awaiting it must not cancel the server's own.
        return Async.shield(gone);
    }

    @Override
    public void startServing() {
        Networking.refuseIfClosed(this, closed);
        loop.runOnLoopThread(() -> {
            for (Channel listener : listeners) {
                if (!closed && !listener.config().isAutoRead()) {
                    listener.config().setAutoRead(true);
                    listener.read();
                }
            }
        });
    }

    @Override
    public void serveForever() {
        if (servingForever) {
            throw Networking.alreadyServingForever(this);
        }
        Networking.refuseIfClosed(this, closed);
        servingForever = true;
        try {
            // Inside the try: from a task, startServing suspends it while the loop's thread turns
            // accepting on, and a cancellation there must close the server too.
            startServing();
            // A future of this call's own: cancelling the waiting task must not cancel the server's.
            LoopFuture<Void> closedFuture = loop.createFuture();
            listenersClosed.addDoneCallback(f -> {
                if (!closedFuture.isDone()) {
                    closedFuture.setResult(null);
                }
            });
            closedFuture.await();
        } catch (CancellationException | TaskGroupException e) {
            // A TaskGroup tells its body of a failed child by raising its exception where a
            // cancellation would be: the server closes on that too.
            close();
            throw e;
        } finally {
            servingForever = false;
        }
    }

    @Override
    public boolean isServing() {
        return !closed && listeners.stream().anyMatch(l -> l.isActive() && l.config().isAutoRead());
    }

    @Override
    public List<SocketAddress> addresses() {
        return closed ? List.of() : listeners.stream().map(Channel::localAddress).toList();
    }

    @Override
    public String toString() {
        return "<Server " + listeners.stream().map(l -> String.valueOf(l.localAddress())).toList()
                + (closed ? " closed" : "") + ">";
    }
}
