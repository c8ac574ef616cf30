package dev.evloop;

import dev.evloop.internal.BaseEventLoop;
import dev.evloop.internal.net.GroupServer;
import dev.evloop.net.BaseProtocol;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.streams.StreamHandler;
import dev.evloop.streams.StreamProtocol;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Several event loops, each on a platform thread of its own, for servers that use every core:
 * Netty's {@code EventLoopGroup} with asyncio's loop on each thread. asyncio has no counterpart;
 * Python servers get the same with one process per core.
 *
 * <pre>{@code
 * try (LoopGroup group = new LoopGroup()) {                 // one loop per available processor
 *     Server server = group.createServer(Echo::new, "0.0.0.0", 8888,
 *             SocketOptions.defaults().reusePort(true)).join();
 *     System.out.println("listening on " + server.addresses() + " with " + group.size() + " loops");
 *     server.waitClosed().get();                            // until something closes it
 * }   // closes the servers' listeners, stops every loop, cancels its tasks, joins every thread
 * }</pre>
 *
 * <p>Every loop comes from the current policy, so all use the same backend. Each connection of a
 * group's server lives on one loop: its protocol is made there and all its callbacks run there, so
 * a protocol needs no locking for its own state. With {@link SocketOptions#reusePort(boolean)} and
 * a backend that can set SO_REUSEPORT, every loop listens on the port itself and the kernel spreads
 * the connections; otherwise one listener on the first loop hands them out in turn.
 *
 * <p>The threads are daemons, so a forgotten group does not keep the JVM alive; close it to end
 * its tasks cleanly.
 */
public final class LoopGroup implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final List<LoopThread> workers;
    private final List<EventLoop> loops;
    private final AtomicInteger turn = new AtomicInteger();
    /** Servers that may still listen, for close(). */
    private final Set<GroupServer> servers = new LinkedHashSet<>();
    private boolean closed;

    /**
     * Starts one loop per available processor, on threads named {@code evloop-group-N-0},
     * {@code evloop-group-N-1}, ...
     *
     * @throws BackendUnavailableException if the policy cannot make a loop here
     */
    public LoopGroup() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /**
     * Starts {@code loops} loops on threads named {@code evloop-group-N-0}, {@code evloop-group-N-1}, ...
     *
     * @param loops how many loops, each on its own thread
     * @throws IllegalArgumentException if {@code loops} is not positive
     * @throws BackendUnavailableException if the policy cannot make a loop here
     */
    public LoopGroup(int loops) {
        this(loops, "evloop-group-" + COUNTER.incrementAndGet());
    }

    /**
     * Starts {@code loops} loops on threads named {@code namePrefix-0}, {@code namePrefix-1}, ...
     *
     * @param loops      how many loops, each on its own thread
     * @param namePrefix what the threads' names start with
     * @throws IllegalArgumentException if {@code loops} is not positive
     * @throws NullPointerException if {@code namePrefix} is null
     * @throws BackendUnavailableException if the policy cannot make a loop here
     * @throws IllegalStateException if the policy makes loops on different backends
     */
    public LoopGroup(int loops, String namePrefix) {
        if (loops <= 0) {
            throw new IllegalArgumentException("loops must be positive, got " + loops);
        }
        Objects.requireNonNull(namePrefix, "namePrefix");
        EventLoopPolicy policy = EventLoops.getPolicy();
        List<LoopThread> started = new ArrayList<>(loops);
        for (int i = 0; i < loops; i++) {
            started.add(new LoopThread(namePrefix + "-" + i, policy));
        }
        workers = List.copyOf(started);
        List<EventLoop> made = new ArrayList<>(loops);
        RuntimeException failure = null;
        for (LoopThread worker : workers) {
            try {
                made.add(worker.awaitStarted());
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure == null && made.stream().map(EventLoop::backend).distinct().count() > 1) {
            failure = new IllegalStateException("the policy made loops on different backends ("
                    + String.join(", ", made.stream().map(EventLoop::backend).distinct().toList())
                    + "): a LoopGroup hands connections between its loops, which needs one backend");
        }
        if (failure != null) {
            stopAndJoin();
            throw failure;
        }
        this.loops = List.copyOf(made);
    }

    /**
     * The loops, in a fixed order; the first is the one a server without SO_REUSEPORT listens on.
     *
     * @return the loops, unmodifiable
     */
    public List<EventLoop> loops() {
        return loops;
    }

    /**
     * How many loops the group has.
     *
     * @return the number of loops
     */
    public int size() {
        return loops.size();
    }

    /**
     * The next loop in turn, round-robin, as Netty's {@code EventLoopGroup.next()}; safe from any
     * thread. Feed it with thread-safe calls: {@code callSoonThreadsafe},
     * {@link EventLoops#runCoroutineThreadsafe}.
     *
     * @return a loop of the group
     */
    public EventLoop next() {
        return loops.get(Math.floorMod(turn.getAndIncrement(), loops.size()));
    }

    /**
     * Runs a function as a task on the next loop in turn. Mirrors
     * {@code asyncio.run_coroutine_threadsafe(coro, loop)}, as {@link BackgroundLoop#submit} does.
     *
     * @param callable the function
     * @param <T>      the result type
     * @return a future of its result; cancelling it cancels the task
     * @throws NullPointerException if {@code callable} is null
     * @throws IllegalStateException if the group is closed
     */
    public <T> CompletableFuture<T> submit(Callable<T> callable) {
        Objects.requireNonNull(callable, "callable");
        checkOpen();
        return EventLoops.runCoroutineThreadsafe(next(), callable);
    }

    /**
     * Starts a TCP server whose connections are spread over the group's loops; from any thread.
     * Each connection gets a protocol from {@code protocolFactory}, called on the loop the
     * connection lives on, whose thread runs all of the protocol's callbacks. Mirrors
     * {@code loop.create_server} across loops.
     *
     * <p>With {@code options.reusePort(true)} on a backend that can set SO_REUSEPORT (epoll,
     * io_uring, kqueue, and the selector where the JDK can), every loop binds a listener of its own
     * to the same address (for port 0, the port the first one got) and the kernel spreads the
     * connections among them. Otherwise one listener, on the first loop, hands the connections to
     * the loops in turn.
     *
     * <p>The server's {@link Server#close()} works from any thread: it asks every listener's loop
     * to stop listening and keeps the connections. Its {@link Server#waitClosed()}, done once every
     * listener is closed and every connection on every loop is gone, is a future of the caller's
     * loop, if any (a task of any loop can await it), else of the group's first loop: from a plain
     * thread use {@code waitClosed().get()}.
     *
     * @param protocolFactory makes each connection's protocol
     * @param host            the address to listen on, a name or an IP literal; {@code null} for every
     *                        interface; a name listens on every address it resolves to, as
     *                        {@link EventLoop#createServer} does; an address no interface has is
     *                        skipped
     * @param port            the port; 0 picks a free one for each address, shared by its loops
     * @param options         socket options
     * @return a future of the server, listening on every loop it uses; it fails if no address can
     *         be bound or a bind fails for another reason; cancelling it closes what was bound
     * @throws NullPointerException if {@code protocolFactory} or {@code options} is null
     * @throws IllegalArgumentException if {@code port} is outside 0..65535
     * @throws IllegalStateException if the group is closed
     */
    public CompletableFuture<Server> createServer(Supplier<? extends BaseProtocol> protocolFactory, String host,
                                                  int port, SocketOptions options) {
        List<BaseEventLoop> members = new ArrayList<>(loops.size());
        for (EventLoop loop : loops) {
            members.add(BaseEventLoop.of(loop));
        }
        GroupServer server = new GroupServer(members, protocolFactory, host, port, options);
        synchronized (this) {
            checkOpen();
            servers.add(server);
        }
        server.whenGone(() -> forget(server));
        return server.start();
    }

    /**
     * Starts a streams server whose connections are spread over the group's loops, as
     * {@link #createServer} spreads them: each connection's {@code handler} runs as a task on the
     * loop the connection lives on. Mirrors {@code asyncio.start_server} across loops.
     *
     * @param handler what serves each connection
     * @param host    the address to listen on; {@code null} for every interface; a name listens on
     *                every address it resolves to, as in {@link #createServer}
     * @param port    the port; 0 picks a free one
     * @param options socket options
     * @return a future of the server, listening
     * @throws NullPointerException if {@code handler} or {@code options} is null
     * @throws IllegalArgumentException if {@code port} is outside 0..65535
     * @throws IllegalStateException if the group is closed
     */
    public CompletableFuture<Server> startServer(StreamHandler handler, String host, int port, SocketOptions options) {
        Objects.requireNonNull(handler, "handler");
        return createServer(() -> StreamProtocol.serving(EventLoops.getRunningLoop(), handler), host, port, options);
    }

    private synchronized void forget(GroupServer server) {
        servers.remove(server);
    }

    private synchronized void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the loop group is closed");
        }
    }

    /**
     * Closes the servers' listeners, then stops every loop, cancels the tasks left on each and waits
     * for them, shuts the default executors down, closes the loops (and with them the connections
     * still open), and joins every thread. Closing twice is fine.
     *
     * @throws IllegalStateException if called from one of the group's loops, which would wait for
     *                               itself
     */
    @Override
    public void close() {
        List<GroupServer> listening;
        synchronized (this) {
            if (closed) {
                return;
            }
            for (LoopThread worker : workers) {
                if (worker.isCurrent()) {
                    throw new IllegalStateException("a LoopGroup cannot be closed from one of its own loops:"
                            + " it would wait for itself");
                }
            }
            closed = true;
            listening = List.copyOf(servers);
        }
        for (GroupServer server : listening) {
            server.closeAndAwaitListeners();
        }
        stopAndJoin();
        for (GroupServer server : listening) {
            server.abandonStart(new IllegalStateException("the loop group closed while the server started"));
        }
    }

    /** Stops every loop first, so they clean up side by side, then waits for each thread. */
    private void stopAndJoin() {
        for (LoopThread worker : workers) {
            worker.stop();
        }
        for (LoopThread worker : workers) {
            worker.join();
        }
    }

    @Override
    public String toString() {
        return "LoopGroup[" + loops.size() + " loops, " + loops.get(0).backend() + (closed ? ", closed" : "") + "]";
    }
}
