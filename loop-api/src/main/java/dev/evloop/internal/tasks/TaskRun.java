package dev.evloop.internal.tasks;

import dev.evloop.LoopFuture;
import dev.evloop.Task;
import java.util.Arrays;

/**
 * How one task's thread takes turns with its loop: the part of a task that depends on the
 * {@link dev.evloop.TaskMode}. Every method but {@link #wake()} is called on the task's own thread
 * while it holds the loop.
 */
public interface TaskRun {

    /** The task's thread. */
    Thread thread();

    /**
     * Where the task is, innermost frame first, without the frames of its hand-off to the loop
     * (this package's, the JDK's parking and continuation frames): those change while a suspended
     * task finishes parking, and say nothing a user can act on. The innermost frame left is the
     * task's wait ({@code LoopFuture.await}, {@code Async.sleep}, ...) or its own code.
     */
    default StackTraceElement[] stack() {
        StackTraceElement[] frames = thread().getStackTrace();
        int first = 0;
        while (first < frames.length && isHandOff(frames[first].getClassName())) {
            first++;
        }
        return Arrays.copyOfRange(frames, first, frames.length);
    }

    private static boolean isHandOff(String className) {
        return className.startsWith("dev.evloop.internal.tasks.")
                || className.startsWith("java.lang.VirtualThread")
                || className.startsWith("java.lang.System$")
                || className.startsWith("java.lang.Thread")
                || className.startsWith("java.util.concurrent.locks.LockSupport")
                || className.startsWith("jdk.internal.");
    }

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

    /**
     * Suspends the task until {@code suspension}'s wait armed at {@code ticket} wakes it (see
     * {@link Suspension}): {@link Suspension#wake()} calls {@link #wake()} once for it.
     */
    void suspendUntilWoken(Suspension suspension, long ticket);

    /** Makes the task's next step run on the loop; safe from any thread. */
    void wake();

    /** Lets every callback already ready run, then resumes: asyncio's {@code sleep(0)}. */
    void yieldNow();

    /** The task's body has returned; called last on the task's thread. */
    void finished();
}
