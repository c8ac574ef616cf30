package dev.evloop.internal.net;

import dev.evloop.EventLoop;
import dev.evloop.LoopFuture;
import dev.evloop.Task;
import dev.evloop.TaskGroupException;
import dev.evloop.internal.BaseEventLoop;
import dev.evloop.internal.LoopContext;
import dev.evloop.net.BaseProtocol;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A TCP server whose listeners and connections span the loops of a loop group. With SO_REUSEPORT
 * (asked for, and the backend can set it) every loop has a listener of its own on the same port
 * and the kernel spreads the connections; otherwise one listener on the first loop hands each
 * connection to the loops in turn. A connection lives on one loop: its protocol is made there and
 * every callback of it runs there.
 *
 * <pre>{@code
 * GroupServer server = new GroupServer(loops, Echo::new, "127.0.0.1", 0, SocketOptions.defaults().reusePort(true));
 * Server listening = server.start().join();
 * }</pre>
 *
 * <p>As {@link TcpServer}: closed once its listeners are, gone (for {@link #waitClosed()}) once its
 * connections are too. Listeners and connections are counted with atomics, since they come and go
 * on different threads.
 */
public final class GroupServer implements Server {
    private static final System.Logger LOG = System.getLogger("dev.evloop");

    private final List<BaseEventLoop> loops;
    private final Supplier<? extends BaseProtocol> factory;
    private final String host;
    private final int port;
    private final SocketOptions options;
    /**
     * Per address the host resolves to: one listener per loop with SO_REUSEPORT, else one on the
     * first loop. Bound listeners only: an address skipped or a bind that failed adds none.
     */
    private final List<Channel> listeners = new CopyOnWriteArrayList<>();
    /** Listeners not yet closed; {@link #serveForever()} returns at zero. */
    private final AtomicInteger listening = new AtomicInteger();
    /** Listeners and connections not yet closed; the server is gone at zero, once closed. */
    private final AtomicInteger open = new AtomicInteger();
    private final CompletableFuture<Void> stoppedListening = new CompletableFuture<>();
    private final CompletableFuture<Void> gone = new CompletableFuture<>();
    private final CompletableFuture<Server> started = new CompletableFuture<>();
    private volatile boolean closed;
    /** A task, of any loop, waits in {@link #serveForever()}. */
    private final AtomicBoolean servingForever = new AtomicBoolean();
    private volatile boolean serving;

    /**
     * Describes a server on {@code loops}, which must all run, each on its own thread, on one
     * backend; {@link #start()} opens it.
     *
     * @param loops    the loops, the first of which resolves the address and binds first
     * @param factory  makes each connection's protocol, on the connection's loop
     * @param host     the address to listen on; {@code null} for all
     * @param port     the port; 0 lets the first listener pick one, which the others share
     * @param options  socket options; {@link SocketOptions#reusePort()} chooses how connections spread
     * @throws NullPointerException if {@code factory} or {@code options} is null
     * @throws IllegalArgumentException if {@code port} is outside 0..65535
     */
    public GroupServer(List<BaseEventLoop> loops, Supplier<? extends BaseProtocol> factory, String host, int port,
                       SocketOptions options) {
        Objects.requireNonNull(factory, "protocolFactory");
        Objects.requireNonNull(options, "options");
        Resolver.checkPort(port);
        TlsHandlers.checkServerOptions(options);
        this.loops = List.copyOf(loops);
        this.factory = factory;
        this.host = host;
        this.port = port;
        this.options = options;
        this.serving = options.startServing();
    }

    /** Whether every loop listens for itself (SO_REUSEPORT), rather than the first for all. */
    private boolean spreadByKernel() {
        return options.reusePort() && loops.get(0).networking().canReusePort();
    }

    /**
     * Resolves the host and binds the listeners, each on its loop's thread; from any thread. Each
     * address the host resolves to gets its listeners in turn, as {@link EventLoop#createServer}
     * binds one per address; an address no interface has is skipped, as there.
     *
     * @return a future of this server, listening; it fails if a listener cannot bind (the others are
     *         closed then) or no address can be bound, and cancelling it closes whatever was bound
     */
    public CompletableFuture<Server> start() {
        if (options.reusePort() && !spreadByKernel()) {
            LOG.log(System.Logger.Level.INFO, "the " + loops.get(0).backend() + " backend cannot set SO_REUSEPORT:"
                    + " one listener hands connections to the loops in turn");
        }
        started.whenComplete((server, error) -> {
            if (started.isCancelled()) {
                closeListeners();
            }
        });
        BaseEventLoop first = loops.get(0);
        onLoop(first, () -> first.networking().listenAddresses(host, port).addDoneCallback(resolved -> {
            if (resolved.isCancelled()) {
                fail(new CancellationException("resolving " + host + " was cancelled"));
            } else if (resolved.exception() != null) {
                fail(resolved.exception());
            } else {
                listenOn(resolved.result(), 0, new ArrayList<>());
            }
        }));
        return started;
    }

    /**
     * Binds the listeners of address {@code index}, then of the next; completes the start after
     * the last. {@code skipped} collects the addresses no interface has.
     */
    private void listenOn(List<InetSocketAddress> addresses, int index, List<Throwable> skipped) {
        if (index == addresses.size()) {
            if (listeners.isEmpty()) {
                BindException none = new BindException("could not bind on any address out of " + addresses);
                skipped.forEach(none::addSuppressed);
                fail(none);
            } else {
                started.complete(this);
            }
            return;
        }
        Runnable next = () -> listenOn(addresses, index + 1, skipped);
        Consumer<Throwable> unassignable = cause -> {
            skipped.add(cause);
            next.run();
        };
        InetSocketAddress address = addresses.get(index);
        if (!spreadByKernel()) {
            List<ChannelHandler> homes = new ArrayList<>(loops.size());
            for (BaseEventLoop loop : loops) {
                homes.add(home(loop));
            }
            listen(0, address, homes, bound -> next.run(), unassignable);
            return;
        }
        listen(0, address, List.of(home(loops.get(0))), firstListener -> {
            if (loops.size() == 1) {
                next.run();
                return;
            }
            InetSocketAddress shared = new InetSocketAddress(address.getAddress(),
                    ((InetSocketAddress) firstListener.localAddress()).getPort());
            AtomicInteger toBind = new AtomicInteger(loops.size() - 1);
            Consumer<Channel> oneBound = listener -> {
                if (toBind.decrementAndGet() == 0) {
                    onLoop(loops.get(0), next);
                }
            };
            for (int i = 1; i < loops.size(); i++) {
                int loop = i;
                onLoop(loops.get(i), () -> listen(loop, shared, List.of(home(loops.get(loop))), oneBound, this::fail));
            }
        }, unassignable);
    }

    /**
     * Binds a listener on loop {@code loopIndex}'s thread. {@code homes} give connections their
     * protocol: the first on this loop, the others on the loops this listener hands connections to.
     * A bind refused because no interface has the address goes to {@code unassignable}; any other
     * failure fails the start.
     */
    private void listen(int loopIndex, InetSocketAddress address, List<ChannelHandler> homes,
                        Consumer<Channel> onBound, Consumer<Throwable> unassignable) {
        BaseEventLoop loop = loops.get(loopIndex);
        List<BaseEventLoop> targets = homes.size() == 1 ? List.of(loop) : loops;
        ChannelFuture bind;
        try {
            bind = loop.networking().serverBootstrap(options, spreadByKernel())
                    .handler(new GroupAcceptor(this, targets, homes, options))
                    .childHandler(homes.get(0))
                    .bind(address);
        } catch (RuntimeException e) {
            fail(e);
            return;
        }
        bind.addListener(f -> {
            if (f.isSuccess()) {
                Channel listener = bind.channel();
                listeners.add(listener);
                listening.incrementAndGet();
                open.incrementAndGet();
                listener.closeFuture().addListener(closed -> listenerClosed());
                if (closed) {
                    fail(new IllegalStateException("the server was closed while it started"));
                } else {
                    onBound.accept(listener);
                }
            } else if (Networking.isAddressNotAvailable(f.cause())) {
                unassignable.accept(f.cause());
            } else {
                fail(f.cause());
            }
        });
    }

    /** What gives a connection on {@code loop} its protocol and transport, there. */
    private ChannelHandler home(BaseEventLoop loop) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                loop.networking().attach(ch, factory, options, GroupServer.this::connectionGone);
            }
        };
    }

    /** Runs {@code op} on {@code loop}'s thread; a closed loop fails the start. */
    private void onLoop(BaseEventLoop loop, Runnable op) {
        try {
            loop.callSoonThreadsafe(op);
        } catch (IllegalStateException closedLoop) {
            fail(closedLoop);
        }
    }

    private void fail(Throwable cause) {
        started.completeExceptionally(cause);
        closeListeners();
    }

    /**
     * Fails a start still under way, for a loop group that closed meanwhile: its loops may have
     * ended before they could finish it.
     */
    public void abandonStart(Throwable cause) {
        fail(cause);
    }

    /** Runs {@code action}, on whatever thread, once the server is closed and its connections are gone. */
    public void whenGone(Runnable action) {
        gone.whenComplete((nothing, error) -> action.run());
    }

    /** An accepted connection, counted on the listener's thread before it goes to its loop. */
    void connectionAccepted() {
        open.incrementAndGet();
    }

    /** A connection closed, or never reached its loop. */
    void connectionGone() {
        if (open.decrementAndGet() == 0 && closed) {
            gone.complete(null);
        }
    }

    /** A listener closed: on its own (its loop ended) or not, the server is closed with it. */
    private void listenerClosed() {
        closeListeners();
        if (listening.decrementAndGet() == 0) {
            stoppedListening.complete(null);
        }
        connectionGone();
    }

    /** Closes every listener, on its loop, without waiting; idempotent, from any thread. */
    private void closeListeners() {
        closed = true;
        serving = false;
        for (Channel listener : listeners) {
            if (listener.isOpen()) {
                listener.close(); // Netty hands it to the listener's loop from any other thread
            }
        }
        if (listening.get() == 0) {
            stoppedListening.complete(null);
        }
        if (open.get() == 0) {
            gone.complete(null);
        }
    }

    /**
     * Stops listening on every loop; connections already accepted stay open. From any thread, and
     * without waiting: each listener closes on its own loop's thread right after, as a
     * {@link TcpServer} closed from a task does; {@link #waitClosed()} tells when they all have and
     * the connections are gone.
     */
    @Override
    public void close() {
        closeListeners();
    }

    /**
     * Closes every listener and waits until each has closed on its loop: for a loop group about to
     * stop its loops, from a thread outside the group. Once a listener has closed, every connection
     * it accepted is already queued on its loop, ahead of the stop that follows; one handed to a
     * loop that had begun to shut down would never be closed.
     */
    public void closeAndAwaitListeners() {
        closeListeners();
        for (Channel listener : listeners) {
            listener.closeFuture().awaitUninterruptibly();
        }
    }

    /**
     * A future that completes once the server is closed and every connection it accepted, on every
     * loop, is gone. It belongs to the caller's loop when there is one (so a task of any loop can
     * await it), else to the group's first loop: other threads use {@code get()} or
     * {@code toCompletableFuture()}.
     */
    @Override
    public LoopFuture<Void> waitClosed() {
        EventLoop running = LoopContext.runningLoop();
        return LoopFuture.wrap(gone.copy(), running != null ? running : loops.get(0));
    }

    @Override
    public void startServing() {
        Networking.refuseIfClosed(this, closed);
        serving = true;
        for (Channel listener : listeners) {
            listener.config().setAutoRead(true); // thread-safe in Netty: it asks the listener's loop to read
        }
    }

    /**
     * Accepts connections until the server is closed or the calling task, of any loop, is
     * cancelled (which closes it).
     */
    @Override
    public void serveForever() {
        Task<?> task = LoopContext.currentTask();
        if (task == null) {
            throw new IllegalStateException("serveForever() works only inside a task");
        }
        Networking.refuseIfClosed(this, closed);
        // Tasks of several loops may call it at once: one of them serves.
        if (!servingForever.compareAndSet(false, true)) {
            throw Networking.alreadyServingForever(this);
        }
        try {
            startServing();
            LoopFuture.wrap(stoppedListening.copy(), task.loop()).await();
        } catch (CancellationException | TaskGroupException e) {
            // A TaskGroup tells its body of a failed child by raising its exception where a
            // cancellation would be: the server closes on that too.
            close();
            throw e;
        } finally {
            servingForever.set(false);
        }
    }

    @Override
    public boolean isServing() {
        if (closed || !serving) {
            return false;
        }
        for (Channel listener : listeners) {
            if (!listener.isActive()) {
                return false;
            }
        }
        return !listeners.isEmpty();
    }

    /**
     * One address per listener, in the order the host resolved them: with SO_REUSEPORT, one per
     * loop for each.
     */
    @Override
    public List<SocketAddress> addresses() {
        if (closed) {
            return List.of();
        }
        return listeners.stream().map(Channel::localAddress).toList();
    }

    @Override
    public String toString() {
        return "<Server " + addresses() + " on " + loops.size() + " loops" + (closed ? " closed" : "") + ">";
    }
}
