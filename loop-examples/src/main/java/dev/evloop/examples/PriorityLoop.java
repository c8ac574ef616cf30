package dev.evloop.examples;

import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.ExceptionContext;
import dev.evloop.ForwardingEventLoop;
import dev.evloop.Handle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A loop with {@link #callSoonWithPriority}: callbacks that run before the ordinary ones of the same
 * iteration, lowest priority first, first come first served among equals.
 *
 * <p>How it hooks into the iteration: every {@code callSoon} of this loop (task steps and done
 * callbacks included, which evloop schedules through the decorator) and every prioritised
 * callback is kept here, and the first of an iteration schedules one {@code drain} on the loop
 * underneath. On the next iteration the drain runs what was kept when it started: the prioritised
 * ones in order, then the ordinary ones in FIFO order; what they schedule waits for the next drain,
 * as asyncio runs only the callbacks ready when an iteration starts. Timers and callbacks from other
 * threads ({@code callSoonThreadsafe}) are not kept: they run in the loop underneath's own order.
 *
 * <pre>{@code
 * ./evloop example PriorityLoop
 * }</pre>
 */
public class PriorityLoop extends ForwardingEventLoop {
    private static final Comparator<Kept> ORDER = Comparator.comparingInt(Kept::priority).thenComparingLong(Kept::seq);

    private final PriorityQueue<Kept> prioritised = new PriorityQueue<>(ORDER);
    private ArrayDeque<Kept> ordinary = new ArrayDeque<>();
    private long seq;
    private boolean drainScheduled;

    /**
     * Adds priorities to {@code loop}.
     *
     * @param loop the loop underneath
     */
    public PriorityLoop(EventLoop loop) {
        super(loop);
    }

    /**
     * Schedules a callback to run on the next iteration before every ordinary callback; lower
     * priorities run first, equal ones in the order they were scheduled.
     *
     * @param priority the priority: lower runs first
     * @param callback what to run
     * @return a handle that can cancel it
     * @throws NullPointerException if {@code callback} is null
     * @throws IllegalStateException if the loop is closed, or runs on another thread
     */
    public Handle callSoonWithPriority(int priority, Runnable callback) {
        Kept kept = keep(priority, callback, "callSoonWithPriority");
        prioritised.add(kept);
        return kept;
    }

    @Override
    public Handle callSoon(Runnable callback) {
        Kept kept = keep(0, callback, "callSoon");
        ordinary.add(kept);
        return kept;
    }

    private Kept keep(int priority, Runnable callback, String method) {
        if (callback == null) {
            throw new NullPointerException("callback");
        }
        if (!drainScheduled) {
            super.callSoon(this::drain); // checks that the loop is open and this is its thread
            drainScheduled = true;
        } else if (isClosed()) {
            throw new IllegalStateException("event loop is closed");
        } else if (isRunning() && !runsHere()) {
            throw new IllegalStateException(method + " called from another thread: use callSoonThreadsafe");
        }
        return new Kept(priority, seq++, callback);
    }

    private boolean runsHere() {
        try {
            return EventLoops.getRunningLoop() == this;
        } catch (IllegalStateException noLoopHere) {
            return false;
        }
    }

    /** One iteration's share: what was kept when it started, prioritised first. */
    private void drain() {
        drainScheduled = false;
        List<Kept> first = new ArrayList<>(prioritised.size());
        while (!prioritised.isEmpty()) {
            first.add(prioritised.poll());
        }
        ArrayDeque<Kept> then = ordinary;
        ordinary = new ArrayDeque<>();
        first.forEach(this::runGuarded);
        then.forEach(this::runGuarded);
    }

    /** A failing callback goes to the exception handler, and the rest of the drain still runs. */
    private void runGuarded(Kept kept) {
        if (kept.cancelled) {
            return;
        }
        try {
            kept.callback.run();
        } catch (RuntimeException | Error e) {
            callExceptionHandler(ExceptionContext.of("Exception in callback " + kept, e)
                    .with(ExceptionContext.HANDLE, kept));
        }
    }

    /** A kept callback, and its handle. */
    private static final class Kept implements Handle {
        private final int priority;
        private final long seq;
        private final Runnable callback;
        private volatile boolean cancelled;

        Kept(int priority, long seq, Runnable callback) {
            this.priority = priority;
            this.seq = seq;
            this.callback = callback;
        }

        int priority() {
            return priority;
        }

        long seq() {
            return seq;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public String toString() {
            return "<Handle " + callback + " priority " + priority + ">";
        }
    }

    /**
     * Shows the order: two ordinary callbacks and three prioritised ones, scheduled mixed.
     *
     * @param args none
     */
    public static void main(String[] args) {
        try (PriorityLoop loop = new PriorityLoop(EventLoops.newEventLoop())) {
            loop.callSoon(() -> System.out.println("ordinary 1"));
            loop.callSoonWithPriority(5, () -> System.out.println("priority 5"));
            loop.callSoonWithPriority(1, () -> System.out.println("priority 1, first"));
            loop.callSoon(() -> System.out.println("ordinary 2"));
            loop.callSoonWithPriority(1, () -> System.out.println("priority 1, second"));
            loop.runOnce();
        }
    }
}
