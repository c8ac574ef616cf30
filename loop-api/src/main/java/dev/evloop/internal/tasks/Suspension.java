package dev.evloop.internal.tasks;

import dev.evloop.EventLoop;

/**
 * A place where one task at a time waits to be woken, made once and used for every wait: what an
 * object that waits again and again (a stream reader waiting for data, as asyncio's
 * {@code _wait_for_data}) uses instead of a new future and its wake-up listener per wait, so that a
 * wait allocates nothing. Touched only by whoever holds the loop.
 *
 * <p>A wait ends when {@link #wake()} is called, or when the waiting task is cancelled (the wait
 * then raises the task's {@link java.util.concurrent.CancellationException}, as an awaited future
 * cancelled on the task's behalf would). A wake reaches only the task waiting at the time: a task
 * woken but not yet resumed no longer counts as waiting, so another task may start waiting
 * meanwhile, and the first still resumes (each wait is told apart by the number of wakes before it).
 */
public final class Suspension {
    /** Waits through {@link dev.evloop.Task}, which keeps the task's side of a wait to itself. */
    public interface Waits {
        /**
         * In the current task: arms {@code suspension}, runs {@code armed}, and suspends until it
         * is woken or the task is cancelled.
         */
        void await(Suspension suspension, EventLoop loop, Runnable armed);
    }

    private static volatile Waits waits;

    private final EventLoop loop;
    /** The run of the task waiting now, or {@code null}. */
    private TaskRun waiting;
    /**
     * How many waits were ended so far. Read by a waiting task in fast mode after each unpark, on
     * the loop's thread that also wrote it; volatile so that no reordering can hide a wake.
     */
    private volatile long wakes;

    /**
     * A suspension for tasks of {@code loop}.
     *
     * @param loop the loop whose tasks wait on it
     */
    public Suspension(EventLoop loop) {
        this.loop = loop;
    }

    /** Called once, by {@link dev.evloop.Task}'s class initialisation. */
    public static void install(Waits taskSide) {
        waits = taskSide;
    }

    /**
     * Suspends the current task until {@link #wake()}; {@code armed} runs once this suspension
     * counts the task as waiting, before it suspends (a wake from inside it ends the wait at once).
     *
     * @throws IllegalStateException if the caller is not a task, or a task already waits here
     * @throws IllegalArgumentException if the current task belongs to another loop
     * @throws java.util.concurrent.CancellationException if the task is cancelled before or during the wait
     */
    public void await(Runnable armed) {
        Waits w = waits;
        if (w == null) {
            // No task was ever made, so the caller is none: Task's initialisation installs it.
            throw new IllegalStateException("a wait works only inside a task");
        }
        w.await(this, loop, armed);
    }

    /** How many waits were ended so far: the number a wait armed now is known by. */
    public long wakes() {
        return wakes;
    }

    /** Whether a task waits here now (and has not been woken). */
    public boolean hasWaiter() {
        return waiting != null;
    }

    /** Ends the current wait, if any: its task resumes on a later step. */
    public void wake() {
        TaskRun run = waiting;
        if (run != null) {
            waiting = null;
            wakes++;
            run.wake();
        }
    }

    /**
     * Makes {@code run}'s task the waiting one; returns the number of wakes so far, which changes
     * when the wait ends.
     *
     * @throws IllegalStateException if another task waits here
     */
    public long arm(TaskRun run) {
        if (waiting != null) {
            throw new IllegalStateException("another task is already waiting");
        }
        waiting = run;
        return wakes;
    }

    /** Whether the wait armed when the number of wakes was {@code ticket} has ended. */
    public boolean woken(long ticket) {
        return wakes != ticket;
    }

    /** Ends {@code run}'s wait, if it is the one waiting: {@code true} if it was (a cancellation reaches it). */
    public boolean wake(TaskRun run) {
        if (waiting != run) {
            return false;
        }
        wake();
        return true;
    }

    /** Forgets {@code run}'s wait without waking it, if it is still the one waiting: it left another way. */
    public void disarm(TaskRun run) {
        if (waiting == run) {
            waiting = null;
        }
    }
}
