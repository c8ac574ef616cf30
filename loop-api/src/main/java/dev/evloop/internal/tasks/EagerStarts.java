package dev.evloop.internal.tasks;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * Eager task starts in fast mode (asyncio's {@code Task(..., eager_start=True)}): the new task's
 * first step runs inside {@code createTask}, and its creator goes on only once that step has
 * suspended. One per loop; touched only by whoever holds the loop.
 *
 * <p>A virtual thread's step can run only on a platform thread. Created from a callback, on the
 * loop's own thread, the new task's first continuation simply runs there, inline. Created from a
 * task, whose virtual thread is mounted on the loop's thread, it cannot: the creating task keeps the
 * continuation, yields, and the loop's thread, handed the creator's continuation by the JDK right
 * after it unmounted, runs the new task's step and then the creator's, before returning to the
 * ready queue. Steps run so go through a trampoline: a task that starts another eager task from
 * inside one adds to it rather than nesting, so the stack stays flat however many it starts.
 */
public final class EagerStarts {
    /** Where a step goes when it cannot run eagerly: the loop's ordinary scheduling. */
    private final Executor ordinary;
    /**
     * The thread starting a task eagerly, while its {@code Thread.start()} runs: the continuation
     * that thread submits then is the new task's first step. Other threads read it racily and never
     * find themselves in it.
     */
    private Thread starter;
    /** The first step of a task created eagerly by a task, waiting for that task to yield. */
    private Runnable firstStep;
    /** The steps still to run inline, in order; non-null while the trampoline runs. */
    private ArrayDeque<Runnable> inline;

    /**
     * The eager starts of one loop.
     *
     * @param ordinary schedules a step as any other: the loop's own scheduler
     */
    public EagerStarts(Executor ordinary) {
        this.ordinary = ordinary;
    }

    /**
     * Starts {@code thread}, a fast-mode task thread of this loop, and returns once its first step
     * has suspended or ended; called by the holder of the running loop.
     */
    public void start(Thread thread) {
        starter = Thread.currentThread();
        try {
            thread.start();
        } finally {
            starter = null;
        }
        if (firstStep != null) {
            // Called from a task: step aside, so that the loop's thread runs the new task first.
            Thread.yield();
            Runnable notRun = firstStep;
            if (notRun != null) {
                // The task could not yield (its virtual thread is pinned): start the task lazily.
                firstStep = null;
                ordinary.execute(notRun);
            }
        }
    }

    /** Whether {@link #take} may take anything: one read of two fields on every step. */
    public boolean pending() {
        return starter != null || firstStep != null;
    }

    /**
     * Offers a continuation submitted to the loop's scheduler; {@code true} if it was taken (run,
     * or kept to run next).
     *
     * @param continuation   the continuation
     * @param onLoopThread   whether the caller is the loop's own (platform) thread
     */
    public boolean take(Runnable continuation, boolean onLoopThread) {
        Thread me = Thread.currentThread();
        if (starter == me) {
            starter = null;
            if (me.isVirtual()) {
                firstStep = continuation; // run once the creating task has yielded
            } else {
                runInline(continuation, null);
            }
            return true;
        }
        if (firstStep != null && onLoopThread) {
            // The creating task yielded and unmounted: this is its continuation.
            Runnable first = firstStep;
            firstStep = null;
            runInline(first, continuation);
            return true;
        }
        return false;
    }

    private void runInline(Runnable first, Runnable then) {
        ArrayDeque<Runnable> steps = inline;
        if (steps != null) {
            // Inside the trampoline already: these run next, before what it held.
            if (then != null) {
                steps.addFirst(then);
            }
            steps.addFirst(first);
            return;
        }
        steps = new ArrayDeque<>(4);
        steps.add(first);
        if (then != null) {
            steps.add(then);
        }
        inline = steps;
        try {
            Runnable step;
            while ((step = steps.pollFirst()) != null) {
                step.run();
            }
        } finally {
            inline = null;
            // Only if a step threw (the JDK's continuations do not): the rest still runs, later.
            Runnable rest;
            while ((rest = steps.pollFirst()) != null) {
                ordinary.execute(rest);
            }
        }
    }
}
