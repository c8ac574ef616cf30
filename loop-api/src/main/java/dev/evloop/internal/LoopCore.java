package dev.evloop.internal;

import dev.evloop.EventLoop;
import dev.evloop.LoopFuture;
import dev.evloop.Task;
import dev.evloop.TaskMode;
import dev.evloop.internal.tasks.TaskRun;
import java.util.Objects;
import java.util.Set;

/**
 * What futures and tasks need of their loop beyond {@link EventLoop}: which thread holds it, the
 * one scheduling call that works from any thread, and the task registry. {@code LoopFuture} and
 * {@code Task} see their loop through this interface rather than through {@link BaseEventLoop},
 * so that the public API depends on a small contract, not on the loop class.
 */
public interface LoopCore extends EventLoop {
    /**
     * The core behind a loop of the API.
     *
     * @param loop a loop made by evloop
     * @return its core
     * @throws NullPointerException if {@code loop} is null
     * @throws IllegalArgumentException if evloop did not make the loop
     */
    static LoopCore of(EventLoop loop) {
        Objects.requireNonNull(loop, "loop");
        if (loop instanceof LoopCore core) {
            return core;
        }
        throw new IllegalArgumentException("loop: not an evloop event loop (" + loop.getClass().getName()
                + "); create loops with EventLoops.newEventLoop()");
    }

    /** Whether the caller holds the loop now: it runs the loop, or it is one of the loop's tasks. */
    boolean inLoopThread();

    /** Whether the caller may touch the loop's state: the loop is not running, or the caller holds it. */
    boolean holdsLoop();

    /** Schedules a callback: straight into the ready queue when the caller holds the loop, threadsafe otherwise. */
    void callSoonFromAnyThread(Runnable callback);

    /** The mode this loop runs its tasks in. */
    TaskMode taskMode();

    /** The threads of a new task's run, in this loop's mode. */
    TaskRun newTaskRun(Task<?> task, Runnable body);

    /** Registers a new task; from its constructor, before it is started. */
    void taskCreated(Task<?> task, TaskRun run);

    /** Forgets a finished task; from its own thread, while it holds the loop. */
    void taskDone(Task<?> task);

    /** The tasks of this loop that are not done, as asyncio's {@code all_tasks(loop)}. */
    Set<Task<?>> allTasks();
}
