package dev.evloop.internal;

import dev.evloop.EventLoop;
import dev.evloop.ExceptionContext;
import dev.evloop.ExceptionHandler;
import dev.evloop.Handle;
import dev.evloop.LoopFuture;
import dev.evloop.LoopMetrics;
import dev.evloop.LoopObserver;
import dev.evloop.Task;
import dev.evloop.TaskFactory;
import dev.evloop.TaskMode;
import dev.evloop.TimerHandle;
import dev.evloop.internal.jfr.PollEvent;
import dev.evloop.internal.jfr.Recordings;
import dev.evloop.internal.jfr.SlowCallbackEvent;
import dev.evloop.internal.jfr.TaskCreatedEvent;
import dev.evloop.internal.jfr.TaskDoneEvent;
import dev.evloop.internal.net.DatagramEndpoints;
import dev.evloop.internal.net.FlushOnPoll;
import dev.evloop.internal.net.Networking;
import dev.evloop.internal.net.Resolver;
import dev.evloop.internal.net.StartTls;
import dev.evloop.internal.net.UnixSockets;
import dev.evloop.internal.tasks.EagerStarts;
import dev.evloop.internal.tasks.LoopTasks;
import dev.evloop.internal.tasks.TaskRun;
import dev.evloop.internal.tasks.TaskStep;
import dev.evloop.net.BaseProtocol;
import dev.evloop.net.Connection;
import dev.evloop.net.DatagramEndpoint;
import dev.evloop.net.DatagramProtocol;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.net.Transport;
import dev.evloop.spi.ChildPipes;
import dev.evloop.spi.LoopBackend;
import io.netty.channel.ManualIoEventLoop;
import io.netty.handler.ssl.SslContext;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The scheduling core of every loop, whatever its backend: asyncio's {@code base_events.py}.
 * It owns a Netty {@link ManualIoEventLoop} built from the backend's {@code IoHandlerFactory} and
 * drives it from the thread that runs the loop.
 *
 * <p>State touched only by the running thread (the ready queue, the timer heap, the counters) is
 * plain; what other threads may read or write is volatile, and what they submit travels through
 * the Netty loop's MPSC task queue, which also wakes a blocked poll.
 */
public final class BaseEventLoop implements LoopCore, Recordings.Loop {
    private static final String CLOSED = "event loop is closed";
    /** How long a busy loop may go without polling after a poll that found nothing; see iterate. */
    private static final long POLL_DEFERRAL_NANOS = 20_000;
    /** How many iterations a busy loop runs after a poll before it first looks at the clock. */
    private static final int FIRST_POLL_CHECK = 8;
    /** The most iterations between two looks at the clock, reached while iterations stay short. */
    private static final int MAX_POLL_CHECK = 64;
    /**
     * The longest a poll waits for a timer: asyncio's {@code MAXIMUM_SELECT_TIMEOUT}, 24 hours. A
     * timer further out (up to "never") wakes the loop once a day, and no backend is handed a wait
     * too long for its own arithmetic (Netty's io_uring timeout holds at most 2^31 seconds).
     */
    private static final long MAX_POLL_WAIT_NANOS = Duration.ofHours(24).toNanos();
    private static final VarHandle RUNNING_THREAD;

    static {
        try {
            RUNNING_THREAD = MethodHandles.lookup().findVarHandle(BaseEventLoop.class, "runningThread", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String backend;
    private final Networking networking;
    private final UnixSockets unixSockets;
    private final DatagramEndpoints datagrams;
    /** Transports that wrote since the last poll: flushed once, before the next. */
    private final ArrayList<FlushOnPoll> toFlush = new ArrayList<>();
    private final ManualIoEventLoop io;
    private final ReadyQueue ready = new ReadyQueue();
    /** Handles cancelled on other threads, whose callbacks the loop takes back before it runs any. */
    private final Queue<SoonHandle> takenBackElsewhere = new ConcurrentLinkedQueue<>();
    /** {@link #takenBackElsewhere} may hold something: read before each callback, so it must be cheap. */
    private volatile boolean takeBacksPending;
    private final TimerQueue timers = new TimerQueue();
    /** The clock of a virtual-time loop; {@code null} for the real clock, read by {@link #now()}. */
    private final VirtualTime virtualTime;
    private final Runnable stopTask = () -> stopping = true;

    private volatile Thread runningThread;
    /** The thread the Netty loop is bound to: the first that ran this loop. */
    private Thread owner;
    private volatile boolean stopping;
    private volatile boolean closed;
    /**
     * Something has registered with the backend (a socket, pipe or watched fd), so Netty's
     * per-thread pools have objects to pool; set on the loop's thread by {@link WatchedIoHandler}.
     */
    private boolean doesIo;
    private final DebugMode debug = new DebugMode();
    private final ExceptionReporting exceptions = new ExceptionReporting();
    private final DefaultExecutor executor = new DefaultExecutor();
    private final LoopTasks tasks = new LoopTasks(this, this::executeStep);
    private final EagerStarts eagerStarts = new EagerStarts(this::scheduleStep);
    /** The loop users see: this one, or the outermost ForwardingEventLoop around it. */
    private volatile EventLoop front = this;
    private volatile TaskFactory taskFactory;
    /** Who watches this loop (observer, stall watchdog, JFR), or null: read once per iteration. */
    private volatile LoopWatch watch;
    /** {@link #watch} as the current iteration read it; the loop thread's own. */
    private LoopWatch iterationWatch;
    /** Debug mode as the iteration under way read it. */
    private boolean iterationDebug;
    /** While the poll's I/O callbacks are timed: their watch (or null), JFR event (or null) and start. */
    private LoopWatch ioWatch;
    private SlowCallbackEvent ioEvent;
    private long ioStartedAt;
    /** The innermost eager first step running now, or null; read by the stall watchdog's thread. */
    private volatile TaskRun eagerStep;
    private final Watching watching = new Watching(this);
    private final SignalHandlers signals = new SignalHandlers(this);
    private final FdWatchers watchers;
    /** What close() runs first; insertion order, touched on the loop's thread. */
    private final Map<Handle, Runnable> closeHooks = new java.util.LinkedHashMap<>();

    /** The shortest wait the backend's poll can make, in nanoseconds; waits round up to it. */
    private final long pollResolutionNanos;
    /** What {@code io.run} is given for a poll that must not wait (see {@link LoopBackend#pollsNowAsPassedDeadline}). */
    private final long pollNowNanos;
    private long iterations;
    private long polls;
    /** The last poll found no I/O and no submitted work: a busy loop may defer the next one. */
    private boolean lastPollIdle;
    private long lastPollAt;
    private int iterationsSincePoll;
    /** At how many iterations since the poll the deferring loop next looks at the clock. */
    private int nextPollCheck;
    /** Iterations between two looks at the clock: doubles while iterations stay short. */
    private int pollCheckStep;
    /**
     * Work went into the Netty loop's task queue (a threadsafe callback, a stop or a wake-up from
     * elsewhere) since the last run began: the next run polls first, so that it runs there.
     */
    private volatile boolean submittedBeforeRun;
    private long callbacksRun;
    private long timersFired;
    private long timersCancelled;
    private long pollNanos;

    /**
     * Builds a loop on a backend.
     *
     * @param backend the backend; it must be available
     */
    public BaseEventLoop(LoopBackend backend) {
        this(backend, null);
    }

    /**
     * Builds a loop on a backend whose timers run on a virtual clock (see {@code VirtualClock}).
     *
     * @param backend     the backend; it must be available
     * @param virtualTime the clock, not yet driving another loop, or {@code null} for the real clock
     * @throws IllegalArgumentException if the clock already drives another loop
     */
    public BaseEventLoop(LoopBackend backend, VirtualTime virtualTime) {
        this.virtualTime = virtualTime;
        this.backend = backend.name();
        this.pollResolutionNanos = pollResolutionNanos(backend);
        this.pollNowNanos = backend.pollsNowAsPassedDeadline() ? 1 : -1;
        this.networking = new Networking(this, backend);
        this.watchers = new FdWatchers(this, backend);
        this.unixSockets = new UnixSockets(this, backend, networking);
        this.datagrams = new DatagramEndpoints(this, backend, networking);
        this.io = new ManualIoEventLoop(null, null, WatchedIoHandler.factory(backend.ioHandlerFactory(), this));
        if (virtualTime != null) {
            virtualTime.bind(this); // after every step that can fail: a loop that failed to build leaves the clock free
        }
        Recordings.register(this);
        watching.refresh();
    }

    private static long pollResolutionNanos(LoopBackend backend) {
        Duration resolution = Objects.requireNonNull(backend.pollResolution(), "backend.pollResolution()");
        return Math.max(1, Durations.saturatedNanos(resolution));
    }

    /**
     * The evloop loop behind the API type, for the core's classes that reach into it.
     *
     * @throws IllegalArgumentException if evloop did not make the loop
     */
    public static BaseEventLoop of(EventLoop loop) {
        if (LoopCore.of(loop) instanceof BaseEventLoop base) {
            return base;
        }
        throw new IllegalArgumentException("loop: not an evloop event loop (" + loop.getClass().getName()
                + "); create loops with EventLoops.newEventLoop()");
    }


    // ---- scheduling -------------------------------------------------------------------------

    @Override
    public Handle callSoon(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        checkClosed();
        checkThread("callSoon");
        if (debug.enabled()) {
            CallbackHandle handle = new CallbackHandle(callback, CreationSite.capture());
            ready.add(handle);
            return handle;
        }
        return new SoonHandle(this, ready.add(callback), callback);
    }

    @Override
    public Handle callSoonThreadsafe(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        checkClosed();
        ThreadsafeCallback handle = new ThreadsafeCallback(this, callback, debug.enabled() ? CreationSite.capture() : null);
        submit(handle);
        return handle;
    }

    /** A {@link SoonHandle} was cancelled: take its callback back, now or, from elsewhere, before the next callback runs. */
    void takeBack(SoonHandle handle) {
        if (inLoopThread()) {
            ready.takeBack(handle.sequence(), handle.callback());
        } else {
            takenBackElsewhere.offer(handle);
            takeBacksPending = true;
        }
    }

    private void applyTakeBacks() {
        takeBacksPending = false; // before draining: a later offer raises it again
        SoonHandle handle;
        while ((handle = takenBackElsewhere.poll()) != null) {
            ready.takeBack(handle.sequence(), handle.callback());
        }
    }

    @Override
    public void callSoonFromAnyThread(Runnable callback) {
        EventLoop through = front; // evloop's calls on a user's behalf go through a decorator, as asyncio's through self
        if (inLoopThread()) {
            through.callSoon(callback);
        } else {
            through.callSoonThreadsafe(callback);
        }
    }

    @Override
    public EventLoop front() {
        return front;
    }

    @Override
    public void decorate(EventLoop inner, EventLoop decorator) {
        Objects.requireNonNull(decorator, "decorator");
        if (inner != front) {
            throw new IllegalArgumentException("delegate: this loop is already decorated by " + front
                    + "; decorate that one instead");
        }
        checkClosed();
        if (runningThread != null) {
            throw new IllegalStateException("cannot decorate a running event loop");
        }
        if (!tasks.notDone().isEmpty()) {
            throw new IllegalStateException("cannot decorate an event loop that has unfinished tasks:"
                    + " their steps would bypass the decorator");
        }
        front = decorator;
    }

    @Override
    public TimerHandle callLater(Duration delay, Runnable callback) {
        long nanos = Durations.waitNanos(delay, "delay");
        return schedule(LoopClock.plus(now(), nanos), callback, "callLater");
    }

    @Override
    public TimerHandle callLater(double delaySeconds, Runnable callback) {
        long nanos = Math.max(0, Durations.secondsToNanos(delaySeconds, "delaySeconds"));
        return schedule(LoopClock.plus(now(), nanos), callback, "callLater");
    }

    @Override
    public TimerHandle callAt(double when, Runnable callback) {
        return schedule(Durations.secondsToNanos(when, "when"), callback, "callAt");
    }

    private TimerHandle schedule(long deadline, Runnable callback, String method) {
        Objects.requireNonNull(callback, "callback");
        checkClosed();
        checkThread(method);
        ScheduledCallback timer = new ScheduledCallback(this, deadline, callback, debug.enabled() ? CreationSite.capture() : null);
        timers.add(timer);
        return timer;
    }

    @Override
    public double time() {
        return LoopClock.seconds(now());
    }

    /**
     * The loop's clock in nanoseconds: the shared real clock, or the virtual one. A final field
     * that is null for every real loop keeps the real path one predictable branch away from
     * {@link LoopClock#nanos()}.
     */
    private long now() {
        VirtualTime virtual = virtualTime;
        return virtual == null ? LoopClock.nanos() : virtual.nanos();
    }

    /** This loop's virtual clock, or {@code null} if it runs on the real one. */
    public VirtualTime virtualTime() {
        return virtualTime;
    }

    /**
     * The virtual clock moved by hand: on the loop's thread (or before the loop runs) the timers
     * now due join the ready queue at once, ahead of whatever the caller schedules next; from
     * another thread the loop is woken to see them.
     */
    void virtualTimeAdvanced() {
        if (closed) {
            return;
        }
        if (holdsLoop()) {
            timers.moveDue(now(), ready);
        } else {
            markSubmitted();
            try {
                io.execute(() -> { });
            } catch (RejectedExecutionException closing) {
                // A closing loop runs no timers.
            }
        }
    }

    /** Adds a handle to the ready queue; on the loop thread. */
    void enqueueReady(CallbackHandle handle) {
        if (!closed) {
            ready.add(handle);
        }
    }

    /** A timer was cancelled, on whatever thread: account for it on the loop's thread. */
    void timerCancelled(ScheduledCallback timer) {
        if (holdsLoop()) {
            countCancelled(timer);
        } else if (!closed) {
            try {
                io.execute(() -> countCancelled(timer));
            } catch (RejectedExecutionException closing) {
                // The loop is closing and drops its heap anyway.
            }
        }
    }

    private void countCancelled(ScheduledCallback timer) {
        if (!timer.ran) {
            timersCancelled++;
        }
        timers.cancelled(timer);
    }

    private void submit(Runnable task) {
        markSubmitted();
        try {
            io.execute(task);
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException(CLOSED, e);
        }
    }

    // ---- running ----------------------------------------------------------------------------

    @Override
    public void runForever() {
        enter();
        beginRun();
        try {
            iterateUntilStopped();
        } finally {
            stopping = false;
            exit();
        }
    }

    /** Before the queue's write: a run that reads the mark unset began before the work was submitted. */
    private void markSubmitted() {
        if (!submittedBeforeRun) { // a read, not a write, while already marked: other threads keep submitting
            submittedBeforeRun = true;
        }
    }

    /**
     * A run's first iteration polls, as asyncio's {@code _run_once} does, unless polling now would
     * only repeat a recent poll: one that found nothing, less than the busy loop's deferral ago,
     * with nothing submitted through the Netty loop's task queue since (work handed over before a
     * run still runs in its first iteration). Runs back to back, such as {@code runUntilComplete}
     * of short futures, then cost no system call each; I/O waits at most the deferral, as in a
     * busy run.
     */
    private void beginRun() {
        if (submittedBeforeRun) {
            submittedBeforeRun = false;
            lastPollIdle = false;
        } else if (lastPollIdle) {
            nextPollCheck = iterationsSincePoll + 1; // the first iteration looks at the clock
        }
    }

    /**
     * Runs iterations until {@link #stop}, at least one, inside Netty's per-thread pools
     * ({@link PooledRun}) from the first iteration the loop does I/O: a loop that only runs
     * callbacks, timers and tasks gives Netty nothing to pool, and the pools' set-up and release
     * would be all its run cost.
     */
    private void iterateUntilStopped() {
        if (!doesIo) {
            do {
                iterate(true, true);
            } while (!stopping && !doesIo);
            if (stopping) {
                return;
            }
        }
        PooledRun.run(() -> { // Netty recycles its objects on this thread while the loop runs
            do {
                iterate(true, true);
            } while (!stopping);
        });
    }

    /** Something registered with the backend (told by {@link WatchedIoHandler}, on the loop's thread). */
    void ioRegistered() {
        doesIo = true;
    }

    @Override
    public <T> T runUntilComplete(LoopFuture<T> future) {
        Objects.requireNonNull(future, "future");
        checkClosed();
        if (future.loop() != front) {
            throw new IllegalArgumentException("future: it belongs to another event loop");
        }
        Consumer<LoopFuture<T>> stopWhenDone = f -> stop();
        future.addDoneCallback(stopWhenDone);
        try {
            runForever();
        } finally {
            future.removeDoneCallback(stopWhenDone);
        }
        if (!future.isDone()) {
            throw new IllegalStateException("event loop stopped before the future completed");
        }
        return future.result();
    }

    @Override
    public int runOnce() {
        return runOnce(true);
    }

    @Override
    public int runOnce(boolean block) {
        enter();
        try {
            return iterate(block, false);
        } finally {
            exit();
        }
    }

    private void enter() {
        checkClosed();
        if (LoopContext.currentTask() != null) {
            throw new IllegalStateException(inLoopThread()
                    ? "this event loop is already running: inside a task, await the future instead"
                    : "cannot run an event loop inside a task of another loop");
        }
        Thread me = Thread.currentThread();
        if (!RUNNING_THREAD.compareAndSet(this, null, me)) {
            throw new IllegalStateException("this event loop is already running");
        }
        try {
            if (LoopContext.loopOfThisThread() != null) {
                throw new IllegalStateException(
                        "cannot run the event loop while another loop is running on this thread");
            }
            bindOwner(me);
        } catch (RuntimeException e) {
            runningThread = null;
            throw e;
        }
        LoopContext.enterLoop(this);
    }

    private void exit() {
        LoopContext.exitLoop();
        runningThread = null;
    }

    private void bindOwner(Thread me) {
        if (owner == me) {
            return;
        }
        if (owner != null) {
            throw new IllegalStateException("this event loop is bound to thread '" + owner.getName()
                    + "', which first ran it or watched a file descriptor with it: its Netty ManualIoEventLoop cannot change threads,"
                    + " so run and close it there, or give each thread its own loop");
        }
        io.setOwningThread(me);
        owner = me;
    }

    /**
     * One iteration, asyncio's {@code _run_once}; returns the number of callbacks run.
     *
     * <p>{@code mayDeferPoll}: while callbacks are ready and the last poll found nothing, polling
     * again costs a system call per iteration (an {@code epoll_wait} or {@code selectNow}) that
     * would very likely find nothing either. Such iterations skip the poll (see
     * {@link #pollMayWait()}), so a chain of callbacks or task switches runs at the speed of the
     * callbacks. A poll that found anything, a loop about to block, and a stopping loop always
     * poll; so does {@code runOnce}, which asks for one full iteration.
     */
    private int iterate(boolean block, boolean mayDeferPoll) {
        LoopWatch w = watch;
        iterationWatch = w;
        boolean debugging = debug.enabled();
        iterationDebug = debugging;
        if (w != null) {
            w.iterationStarted();
        }
        // Writes made since the last poll (by callbacks, by protocols during it, or before the
        // loop ran) leave now, together, before this poll may block.
        flushWrites();
        timers.dropCancelled();

        if (mayDeferPoll && pollMayWait()) {
            if (!timers.isEmpty()) {
                timers.moveDue(now(), ready);
            }
        } else {
            timers.moveDue(poll(block), ready);
        }

        LoopWatch callbacksWatch = w != null && w.watchesCallbacks() ? w : null;
        int ran = 0;
        for (int n = ready.size(); n > 0; n--) {
            if (takeBacksPending) {
                applyTakeBacks(); // before the next entry is taken, so a cancel that returned holds
            }
            Object entry = ready.poll();
            if (entry == null) {
                continue; // taken back
            }
            ran += callbacksWatch != null ? runWatched(callbacksWatch, entry, debugging)
                    : debugging ? runTimed(entry) : runGuarded(entry);
        }
        callbacksRun += ran;
        iterations++;
        if (w != null) {
            w.iterationEnded(ran);
        }
        return ran;
    }

    /**
     * Whether a busy iteration may skip its poll: the last poll found nothing and callbacks are
     * ready. I/O and work from other threads then wait at most {@link #POLL_DEFERRAL_NANOS}, or a
     * few iterations more when those are slow. The clock costs 25-40 ns to read, more than a
     * trivial iteration, so the loop looks at it {@link #FIRST_POLL_CHECK} iterations after the
     * poll and then, while less than a quarter of the deferral has passed at each look, twice as
     * many iterations later each time, up to {@link #MAX_POLL_CHECK}. Iterations that turn slow
     * after fast ones can thus overrun the deferral by at most that many.
     */
    private boolean pollMayWait() {
        if (!lastPollIdle || stopping || ready.isEmpty()) {
            return false;
        }
        if (++iterationsSincePoll < nextPollCheck) {
            return true;
        }
        long sincePoll = LoopClock.nanos() - lastPollAt;
        if (sincePoll >= POLL_DEFERRAL_NANOS) {
            return false;
        }
        if (sincePoll < POLL_DEFERRAL_NANOS / 4 && pollCheckStep < MAX_POLL_CHECK) {
            pollCheckStep *= 2;
        }
        nextPollCheck = iterationsSincePoll + pollCheckStep;
        return true;
    }

    /** Polls I/O, waiting as asyncio's {@code _run_once} computes; returns the clock after it. */
    private long poll(boolean block) {
        long waitNanos; // ManualIoEventLoop.run: -1 polls without blocking, 0 blocks until woken
        boolean mayJump = false;
        if (!block || stopping || !ready.isEmpty()) {
            waitNanos = -1;
        } else if (timers.isEmpty()) {
            waitNanos = 0;
        } else {
            long untilNext = timers.nextDeadline() - now();
            if (untilNext <= 0) {
                waitNanos = -1;
            } else if (virtualTime == null) {
                waitNanos = roundUpToPollResolution(Math.min(untilNext, MAX_POLL_WAIT_NANOS));
            } else {
                waitNanos = virtualWait();
                mayJump = true;
            }
        }

        LoopWatch w = iterationWatch;
        PollEvent event = w == null ? null : w.beforePoll(waitNanos);
        long pollStart = LoopClock.nanos();
        int found = io.run(waitNanos == -1 ? pollNowNanos : waitNanos);
        lastPollIdle = found == 0;
        long now = LoopClock.nanos();
        pollNanos += now - pollStart;
        if (w != null) {
            w.afterPoll(event, now - pollStart, found);
        }
        polls++;
        lastPollAt = now;
        iterationsSincePoll = 0;
        nextPollCheck = FIRST_POLL_CHECK;
        pollCheckStep = FIRST_POLL_CHECK;
        if (virtualTime == null) {
            return now;
        }
        if (mayJump && lastPollIdle && ready.isEmpty() && virtualTime.mayJump()) {
            virtualTime.jumpTo(timers.nextDeadline());
        }
        return virtualTime.nanos();
    }

    /**
     * The real wait of an idle virtual-time loop with timers pending: Trio's
     * {@code autojump_threshold}, so I/O already in flight lands before the clock jumps; until
     * woken when jumps are off or a result from another thread is awaited.
     */
    private long virtualWait() {
        if (!virtualTime.mayJump()) {
            return 0;
        }
        long threshold = virtualTime.autojumpNanos();
        return threshold == 0 ? -1 : roundUpToPollResolution(Math.min(threshold, MAX_POLL_WAIT_NANOS));
    }

    /**
     * A wait as a whole number of the backend's poll resolution, rounded up: a backend that cannot
     * wait less than that (NIO waits in whole milliseconds and does not wait at all below half of
     * one) would otherwise return at once, again and again, until the timer is due.
     */
    private long roundUpToPollResolution(long nanos) {
        long rest = nanos % pollResolutionNanos;
        return rest == 0 ? nanos : nanos - rest + pollResolutionNanos;
    }

    /** Asks for a transport's writes to be flushed before the next poll. */
    public void flushBeforeNextPoll(FlushOnPoll transport) {
        toFlush.add(transport);
    }

    private void flushWrites() {
        if (toFlush.isEmpty()) {
            return; // most iterations of a busy loop: skip clear()'s bookkeeping
        }
        for (int i = 0; i < toFlush.size(); i++) {
            toFlush.get(i).flushNow();
        }
        toFlush.clear();
    }

    /** Runs a ready entry, reporting what it throws; returns 1 if a callback ran, 0 if it was cancelled. */
    private int runGuarded(Object entry) {
        if (entry instanceof CallbackHandle handle) {
            if (handle instanceof ScheduledCallback timer && !timer.isCancelled()) {
                timer.ran = true;
                timersFired++;
            }
            try {
                return handle.run0() ? 1 : 0;
            } catch (Throwable t) {
                callbackFailed(handle, t);
                return 1;
            }
        }
        try {
            ((Runnable) entry).run();
        } catch (Throwable t) {
            callbackFailed(handleOf(entry), t);
        }
        return 1;
    }

    private void callbackFailed(Handle handle, Throwable t) {
        callExceptionHandler(ExceptionContext.of("Exception in callback " + handle, t)
                .with(ExceptionContext.HANDLE, handle));
    }

    /** The handle of the entry just taken from the ready queue: its own, or one found by its place there. */
    private Handle handleOf(Object entry) {
        return entry instanceof CallbackHandle handle ? handle : new SoonHandle(this, ready.lastPolled(), (Runnable) entry);
    }

    /** Runs a ready entry for a loop being watched: timed, and told to the watchers. */
    private int runWatched(LoopWatch w, Object entry, boolean debugging) {
        Object inner = entry instanceof CallbackHandle wrapped ? wrapped.callbackOrNull() : entry;
        TaskStep step = inner instanceof TaskStep s ? s : null;
        Handle handle = w.wantsHandles() ? handleOf(entry) : null; // before anything else polls the queue
        long start = System.nanoTime();
        SlowCallbackEvent event = w.beforeCallback(entry, step, handle, start);
        int ran = runGuarded(entry);
        long end = System.nanoTime();
        long took = end - start;
        boolean slow = debug.isSlow(took);
        w.afterCallback(entry, step, handle, end, took, slow, event);
        if (debugging && slow) {
            DebugMode.warnSlow(handle != null ? handle : handleOf(entry), entry instanceof CallbackHandle h ? h.createdAt() : null, took);
        }
        return ran;
    }

    private int runTimed(Object entry) {
        long start = System.nanoTime();
        int ran = runGuarded(entry);
        long took = System.nanoTime() - start;
        if (debug.isSlow(took)) {
            DebugMode.warnSlow(handleOf(entry), entry instanceof CallbackHandle handle ? handle.createdAt() : null, took);
        }
        return ran;
    }

    @Override
    public void stop() {
        checkClosed();
        if (holdsLoop()) {
            stopping = true;
        } else {
            submit(stopTask);
        }
    }

    @Override
    public void close() {
        if (runningThread != null) {
            throw new IllegalStateException("cannot close a running event loop");
        }
        if (closed) {
            return;
        }
        Thread me = Thread.currentThread();
        if (owner == null) {
            io.setOwningThread(me);
            owner = me;
        } else if (owner != me) {
            throw new IllegalStateException("close this event loop on thread '" + owner.getName()
                    + "', which ran it: its Netty ManualIoEventLoop only releases its resources there");
        }
        for (Task<?> task : allTasks()) {
            callExceptionHandler(ExceptionContext.of("Task was destroyed but it is pending!")
                    .with(ExceptionContext.TASK, task));
        }
        tasks.clear();
        signals.removeAll();
        watching.close();
        Recordings.unregister(this);
        runCloseHooks();
        watchers.closeAll();
        closed = true;
        ready.clear();
        takenBackElsewhere.clear();
        timers.clear();
        executor.loopClosed();
        // No quiet period: the channels Netty closes while it shuts down still run their close tasks.
        io.shutdownGracefully(0, 0, TimeUnit.NANOSECONDS);
        while (!io.isTerminated()) {
            io.runNow();
        }
    }

    /**
     * Adds what {@link #close()} runs before it drops the watchers, such as closing the pipes of
     * subprocesses; a hook removes itself with the returned handle once its resource is gone.
     * Called on the loop's thread.
     *
     * @param hook what to run; a throwing hook goes to the exception handler
     * @return a handle whose {@code cancel} removes the hook
     */
    public Handle addCloseHook(Runnable hook) {
        Objects.requireNonNull(hook, "hook");
        Handle handle = new Handle() {
            @Override
            public void cancel() {
                closeHooks.remove(this);
            }

            @Override
            public boolean isCancelled() {
                return !closeHooks.containsKey(this);
            }
        };
        closeHooks.put(handle, hook);
        return handle;
    }

    private void runCloseHooks() {
        for (Runnable hook : new ArrayList<>(closeHooks.values())) {
            try {
                hook.run();
            } catch (RuntimeException e) {
                callExceptionHandler(ExceptionContext.of("Exception in a close hook", e));
            }
        }
        closeHooks.clear();
    }

    @Override
    public boolean inLoopThread() {
        Thread me = Thread.currentThread();
        if (runningThread == me) {
            return true;
        }
        if (!me.isVirtual()) {
            return false;
        }
        Task<?> task = LoopContext.currentTask();
        return task != null && task.loop() == front;
    }

    @Override
    public boolean holdsLoop() {
        return runningThread == null || inLoopThread();
    }

    @Override
    public boolean isRunning() {
        return runningThread != null;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public <T> LoopFuture<T> createFuture() {
        checkClosed();
        return new LoopFuture<>(this);
    }

    // ---- tasks ------------------------------------------------------------------------------

    @Override
    public <T> Task<T> createTask(Callable<T> callable) {
        return createTask(null, callable);
    }

    @Override
    public <T> Task<T> createTask(String name, Callable<T> callable) {
        TaskFactory factory = taskFactory;
        if (factory == null) {
            return new Task<>(front, name, callable);
        }
        Objects.requireNonNull(callable, "callable");
        Task<?> task = factory.newTask(front, name, callable);
        if (task == null) {
            throw new IllegalStateException("the task factory " + factory + " returned null");
        }
        if (task.loop() != front) {
            throw new IllegalStateException("the task factory " + factory + " made a task of another loop");
        }
        @SuppressWarnings("unchecked") // the factory's contract: a task of the callable's result
        Task<T> typed = (Task<T>) task;
        return typed;
    }

    @Override
    public void setTaskFactory(TaskFactory factory) {
        checkClosed();
        checkThread("setTaskFactory");
        taskFactory = factory;
    }

    @Override
    public TaskFactory getTaskFactory() {
        return taskFactory;
    }

    @Override
    public <T> T runUntilComplete(Callable<T> callable) {
        Objects.requireNonNull(callable, "callable");
        return runUntilComplete(front.createTask(callable));
    }

    @Override
    public TaskMode taskMode() {
        return tasks.mode();
    }

    @Override
    public TaskRun newTaskRun(Task<?> task, Runnable body) {
        return tasks.newRun(task, body);
    }

    /**
     * The scheduler of fast mode's virtual threads: a runnable continuation is a callback. While
     * callbacks are watched it travels as a {@link TaskStep}, so the watchers can name its task.
     */
    private void executeStep(TaskRun run, Runnable continuation) {
        if (closed) {
            throw new RejectedExecutionException(CLOSED);
        }
        boolean onLoop = inLoopThread(); // once: it looks up the current task, and this runs every step
        Runnable step = front != this || watchesSteps(onLoop) ? TaskStep.of(run, continuation) : continuation;
        if (!eagerStarts.pending() || !eagerStarts.take(step, Thread.currentThread() == runningThread)) {
            scheduleStep(step, onLoop);
        }
    }

    /**
     * Whether fast mode's steps travel as {@link TaskStep}s, so that the watchers can name their
     * task: while callbacks are watched (the iteration's reading on the loop's thread).
     */
    private boolean watchesSteps(boolean onLoop) {
        LoopWatch w = onLoop ? iterationWatch : watch;
        return w != null && w.watchesCallbacks();
    }

    private void scheduleStep(Runnable step) {
        scheduleStep(step, inLoopThread());
    }

    /** A task's step joins the ready queue, through the decorator if there is one (asyncio's call_soon(__step)). */
    private void scheduleStep(Runnable step, boolean onLoop) {
        EventLoop through = front;
        if (onLoop) {
            if (through == this) {
                ready.add(step);
            } else {
                through.callSoon(step);
            }
        } else if (through == this) {
            submit(new ThreadsafeCallback(this, step, null));
        } else {
            through.callSoonThreadsafe(step);
        }
    }

    @Override
    public void startEagerly(Thread thread) {
        eagerStarts.start(thread);
    }

    @Override
    public TaskRun eagerStepStarts(TaskRun run) {
        TaskRun outer = eagerStep;
        eagerStep = run;
        return outer;
    }

    @Override
    public void eagerStepEnded(TaskRun outer) {
        eagerStep = outer;
    }

    /** The task whose eager first step runs now, inside the callback or step the loop runs, or {@code null}. */
    TaskRun eagerStepOrNull() {
        return eagerStep;
    }

    /**
     * Runs {@code op} on the loop's own thread, where Netty expects channel operations: at once
     * when called there, or, from one of the loop's tasks (whose virtual thread Netty does not
     * recognise as its event loop), by suspending the task until the loop has run it. Either way
     * the operation has happened, in order, when this returns.
     */
    public void runOnLoopThread(Runnable op) {
        if (io.inEventLoop()) {
            op.run();
            return;
        }
        Task<?> task = LoopContext.currentTask();
        if (task == null || task.loop() != front) {
            throw new IllegalStateException("channel operations run on the event loop's thread or in its tasks, not on thread '"
                    + Thread.currentThread().getName() + "'");
        }
        LoopFuture<Void> done = createFuture();
        // The operation runs even if the task is cancelled while it waits, as a call that cannot
        // suspend in asyncio would have run; only a failure nobody waits for any more is reported.
        callSoon(() -> {
            try {
                op.run();
            } catch (Throwable t) {
                if (done.isDone()) {
                    throw t;
                }
                done.setException(t);
                return;
            }
            if (!done.isDone()) {
                done.setResult(null);
            }
        });
        done.await();
    }

    @Override
    public void taskCreated(Task<?> task, TaskRun run) {
        checkClosed();
        checkThread("createTask");
        tasks.add(task, run);
        TaskCreatedEvent.emit(this, task);
        LoopWatch w = watch;
        if (w != null) {
            w.taskCreated(task);
        }
    }

    @Override
    public void taskDone(Task<?> task) {
        TaskRun run = tasks.remove(task);
        TaskDoneEvent.emit(this, task, run == null ? System.nanoTime() : run.createdNanos());
        LoopWatch w = watch;
        if (w != null) {
            w.taskDone(task);
        }
    }

    @Override
    public Set<Task<?>> allTasks() {
        return tasks.notDone();
    }

    // ---- networking -------------------------------------------------------------------------

    @Override
    public LoopFuture<Server> createServer(Supplier<? extends BaseProtocol> protocolFactory, String host, int port,
                                           SocketOptions options) {
        checkClosed();
        checkThread("createServer");
        return networking.createServer(protocolFactory, host, port, options);
    }

    @Override
    public LoopFuture<Transport> startTls(Transport transport, SslContext sslContext) {
        return startTls(transport, sslContext, null, SocketOptions.defaults().sslHandshakeTimeout());
    }

    @Override
    public LoopFuture<Transport> startTls(Transport transport, SslContext sslContext, String serverHostname,
                                          Duration handshakeTimeout) {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(sslContext, "sslContext");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        checkClosed();
        checkThread("startTls");
        return StartTls.start(this, transport, sslContext, serverHostname, handshakeTimeout);
    }

    @Override
    public <P extends BaseProtocol> LoopFuture<Connection<P>> createConnection(Supplier<P> protocolFactory,
                                                                             String host, int port,
                                                                             SocketOptions options) {
        checkClosed();
        checkThread("createConnection");
        return networking.createConnection(protocolFactory, host, port, options);
    }

    // ---- readers and writers -----------------------------------------------------------------

    @Override
    public void addReader(int fd, Runnable callback) {
        addWatcher("addReader", FdWatchers.fd(fd), true, callback);
    }

    @Override
    public boolean removeReader(int fd) {
        return removeWatcher("removeReader", FdWatchers.fd(fd), true);
    }

    @Override
    public void addWriter(int fd, Runnable callback) {
        addWatcher("addWriter", FdWatchers.fd(fd), false, callback);
    }

    @Override
    public boolean removeWriter(int fd) {
        return removeWatcher("removeWriter", FdWatchers.fd(fd), false);
    }

    @Override
    public void addReader(SelectableChannel channel, Runnable callback) {
        addWatcher("addReader", FdWatchers.channel(channel), true, callback);
    }

    @Override
    public boolean removeReader(SelectableChannel channel) {
        return removeWatcher("removeReader", FdWatchers.channel(channel), true);
    }

    @Override
    public void addWriter(SelectableChannel channel, Runnable callback) {
        addWatcher("addWriter", FdWatchers.channel(channel), false, callback);
    }

    @Override
    public boolean removeWriter(SelectableChannel channel) {
        return removeWatcher("removeWriter", FdWatchers.channel(channel), false);
    }

    private void addWatcher(String method, Object target, boolean reading, Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        checkClosed();
        checkThread(method);
        onWatcherThread(() -> watchers.add(target, reading, callback));
    }

    private boolean removeWatcher(String method, Object target, boolean reading) {
        if (closed || owner == null) {
            return false; // as asyncio: nothing is watched by a closed loop, nor by one never bound
        }
        checkThread(method);
        boolean[] removed = new boolean[1];
        onWatcherThread(() -> removed[0] = watchers.remove(target, reading));
        return removed[0];
    }

    /** Whether the backend watches {@code SelectableChannel}s, and so a {@code Pipe}'s channels. */
    public boolean watchesChannels() {
        return watchers.watchesChannels();
    }

    /** The backend's pipes for children that the loop watches, if it has them. */
    public Optional<ChildPipes> childPipes() {
        return watchers.childPipes();
    }

    /** The backend's opener of FIFOs and character devices that the loop watches, if it has one. */
    public Optional<dev.evloop.spi.PipeFiles> pipeFiles() {
        return watchers.pipeFiles();
    }

    /**
     * Watches register on the Netty loop's own thread. A loop that has not run yet is bound to the
     * caller first, as {@link #close()} binds it: the thread that sets up its watchers runs it.
     */
    private void onWatcherThread(Runnable op) {
        if (runningThread == null && LoopContext.currentTask() == null) {
            bindOwner(Thread.currentThread());
        }
        runOnLoopThread(op);
    }

    // ---- Unix domain sockets ----------------------------------------------------------------

    @Override
    public LoopFuture<Server> createUnixServer(Supplier<? extends BaseProtocol> protocolFactory, Path path,
                                               SocketOptions options) {
        checkClosed();
        checkThread("createUnixServer");
        return unixSockets.createUnixServer(protocolFactory, path, options);
    }

    @Override
    public <P extends BaseProtocol> LoopFuture<Connection<P>> createUnixConnection(Supplier<P> protocolFactory,
                                                                                 Path path, SocketOptions options) {
        checkClosed();
        checkThread("createUnixConnection");
        return unixSockets.createUnixConnection(protocolFactory, path, options);
    }

    // ---- datagram endpoints -----------------------------------------------------------------

    @Override
    public <P extends DatagramProtocol> LoopFuture<DatagramEndpoint<P>> createDatagramEndpoint(
            Supplier<P> protocolFactory, InetSocketAddress localAddress, InetSocketAddress remoteAddress,
            SocketOptions options) {
        checkClosed();
        checkThread("createDatagramEndpoint");
        return datagrams.create(protocolFactory, localAddress, remoteAddress, options);
    }

    // ---- name resolution and sendfile ------------------------------------------------------

    @Override
    public LoopFuture<List<InetSocketAddress>> resolve(String host, int port) {
        checkClosed();
        checkThread("resolve");
        return Resolver.resolve(this, host, port);
    }

    /** The backend's answer to whether a range of a file goes to a socket without copying. */
    public boolean sendsFileZeroCopy(long offset, long count) {
        return networking.backend().sendsFileZeroCopy(offset, count);
    }

    // ---- networking across loops ------------------------------------------------------------

    /** This loop's sockets, for a server whose listeners and connections span several loops. */
    public Networking networking() {
        return networking;
    }

    // ---- signals ----------------------------------------------------------------------------

    @Override
    public void addSignalHandler(String signal, Runnable callback) {
        Objects.requireNonNull(signal, "signal");
        Objects.requireNonNull(callback, "callback");
        checkClosed();
        signals.add(signal, callback);
    }

    @Override
    public boolean removeSignalHandler(String signal) {
        Objects.requireNonNull(signal, "signal");
        return signals.remove(signal);
    }

    // ---- executors --------------------------------------------------------------------------

    @Override
    public <T> LoopFuture<T> runInExecutor(Executor executor, Callable<T> function) {
        Objects.requireNonNull(function, "function");
        checkClosed();
        VirtualTime virtual = virtualTime;
        if (virtual == null) {
            return this.executor.run(this, executor, function, null);
        }
        // As Tokio holds a paused clock while spawn_blocking work runs: time does not jump past
        // work still under way on another thread. The hold ends through the loop's threadsafe
        // queue, behind the wake-ups the outcome sent, so the loop sees them before it may jump.
        virtual.hold();
        return this.executor.run(this, executor, function, () -> {
            try {
                callSoonThreadsafe(virtual::release);
            } catch (IllegalStateException closed) {
                virtual.release();
            }
        });
    }

    @Override
    public void setDefaultExecutor(Executor executor) {
        Objects.requireNonNull(executor, "executor");
        checkClosed();
        this.executor.set(executor);
    }

    @Override
    public LoopFuture<Void> shutdownDefaultExecutor(Duration timeout) {
        return executor.shutdown(this, timeout);
    }

    // ---- errors and debugging ---------------------------------------------------------------

    @Override
    public void setExceptionHandler(ExceptionHandler handler) {
        exceptions.setHandler(handler);
    }

    @Override
    public ExceptionHandler getExceptionHandler() {
        return exceptions.handler();
    }

    @Override
    public void callExceptionHandler(ExceptionContext context) {
        Objects.requireNonNull(context, "context");
        exceptions.report(front, context); // a handler is given the loop everyone sees, as asyncio passes self
    }

    @Override
    public void defaultExceptionHandler(ExceptionContext context) {
        Objects.requireNonNull(context, "context");
        ExceptionReporting.logDefault(context);
    }

    @Override
    public void setDebug(boolean enabled) {
        debug.setEnabled(enabled);
        watching.refresh();
    }

    @Override
    public boolean isDebug() {
        return debug.enabled();
    }

    @Override
    public void setSlowCallbackDuration(Duration duration) {
        debug.setSlowCallbackDuration(duration);
    }

    @Override
    public Duration slowCallbackDuration() {
        return debug.slowCallbackDuration();
    }

    @Override
    public void setObserver(LoopObserver observer) {
        watching.setObserver(observer);
    }

    @Override
    public LoopObserver observer() {
        return watching.observer();
    }

    @Override
    public void setStallThreshold(Duration threshold) {
        watching.setThreshold(threshold);
    }

    @Override
    public Duration stallThreshold() {
        return watching.threshold();
    }

    @Override
    public Set<Transport> openConnections() {
        if (!holdsLoop()) {
            throw new IllegalStateException("openConnections called from thread '" + Thread.currentThread().getName()
                    + "' while the loop runs on another: call it from the loop");
        }
        return networking.openConnections();
    }

    @Override
    public String dumpTasks() {
        if (!holdsLoop()) {
            throw new IllegalStateException("dumpTasks called from thread '" + Thread.currentThread().getName()
                    + "' while the loop runs on another: call it from the loop, as callSoonThreadsafe(loop::logTaskDump)");
        }
        return tasks.dump(toString());
    }

    @Override
    public void logTaskDump() {
        String dump = dumpTasks();
        System.getLogger("dev.evloop").log(System.Logger.Level.INFO, dump);
    }

    /** Installs what watches this loop now; {@code null} when nothing does. */
    void installWatch(LoopWatch watch) {
        this.watch = watch;
    }

    /**
     * The poll has waited and starts running the I/O callbacks it found (told by
     * {@link WatchedIoHandler}); returns whether they are timed, as the ready queue's callbacks
     * are: while callbacks are watched, or in debug mode. {@link #ioCallbacksEnded} follows.
     */
    boolean ioCallbacksStarted() {
        LoopWatch w = iterationWatch;
        LoopWatch watching = w != null && w.watchesCallbacks() ? w : null;
        if (watching == null && !iterationDebug) {
            return false;
        }
        long now = System.nanoTime();
        ioWatch = watching;
        ioStartedAt = now;
        ioEvent = watching != null ? watching.ioCallbacksStarted(now) : null;
        return true;
    }

    /** The I/O callbacks timed since {@link #ioCallbacksStarted} have run. */
    void ioCallbacksEnded() {
        long now = System.nanoTime();
        long took = now - ioStartedAt;
        boolean slow = debug.isSlow(took);
        LoopWatch w = ioWatch;
        if (w != null) {
            ioWatch = null;
            w.ioCallbacksEnded(now, took, slow, ioEvent);
            ioEvent = null;
        }
        if (slow && iterationDebug) {
            DebugMode.warnSlow(IoCallbacks.HANDLE, null, took);
        }
    }

    /** The thread running the loop, or {@code null}; for the stall watchdog. */
    Thread runningThreadOrNull() {
        return runningThread;
    }

    @Override
    public void recordingsChanged() {
        watching.refresh();
    }

    @Override
    public LoopMetrics metrics() {
        return new LoopMetrics(iterations, polls, callbacksRun, timersFired, timersCancelled,
                Duration.ofNanos(pollNanos), ready.size(), timers.size(), tasks.mode());
    }

    @Override
    public String backend() {
        return backend;
    }

    /** The Netty event loop underneath, for channels that register on it. */
    public ManualIoEventLoop ioEventLoop() {
        return io;
    }

    private void checkClosed() {
        if (closed) {
            throw new IllegalStateException(CLOSED);
        }
    }

    private void checkThread(String method) {
        Thread running = runningThread;
        if (running != null && running != Thread.currentThread() && !inLoopThread()) {
            throw new IllegalStateException(method + " called from thread '" + Thread.currentThread().getName()
                    + "' while the loop runs on thread '" + running.getName()
                    + "': from other threads use callSoonThreadsafe");
        }
    }

    @Override
    public String toString() {
        return "EventLoop[" + backend + (closed ? ", closed" : runningThread != null ? ", running" : "") + "]";
    }
}
