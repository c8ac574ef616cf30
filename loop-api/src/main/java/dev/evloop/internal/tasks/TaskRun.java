package dev.evloop.internal.tasks;

import dev.evloop.LoopFuture;
import dev.evloop.Task;

/**
 * How one task's thread takes turns with its loop: the part of a task that depends on the
 * {@link dev.evloop.TaskMode}. Every method but {@link #wake()} is called on the task's own thread
 * while it holds the loop.
 */
public interface TaskRun {

    /** The task's thread. */
    Thread thread();

    /** The task this run belongs to. */
    Task<?> task();

    /** When the run was made, in {@link System#nanoTime()}: the task's birth, for its age. */
    long createdNanos();

    /** Schedules the task's first step; called once, on the loop. */
    void start();

    /**
     * Instead of {@link #start()}: runs the task's first step now, up to its first suspension, and
     * returns after it; called once, by the holder of the running loop.
     */
    void startEagerly();

    /**
     * Suspends the task until {@code future} is done. The caller has already registered a listener
     * on the future that calls {@link #wake()}.
     */
    void suspendUntilDone(LoopFuture<?> future);

    /** Makes the task's next step run on the loop; safe from any thread. */
    void wake();

    /** Lets every callback already ready run, then resumes: asyncio's {@code sleep(0)}. */
    void yieldNow();

    /** The task's body has returned; called last on the task's thread. */
    void finished();
}
