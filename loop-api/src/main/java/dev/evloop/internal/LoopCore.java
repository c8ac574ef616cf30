package dev.evloop.internal;

import dev.evloop.EventLoop;
import dev.evloop.ForwardingEventLoop;
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
     * The core behind a loop of the API: the loop itself, or the one a
     * {@link ForwardingEventLoop} (however many deep) forwards to.
     *
     * @param loop a loop made by evloop, or a decorator of one
     * @return its core
     * @throws NullPointerException if {@code loop} is null
     * @throws IllegalArgumentException if evloop did not make the loop
     */
    static LoopCore of(EventLoop loop) {
        Objects.requireNonNull(loop, "loop");
        EventLoop l = loop;
        while (l instanceof ForwardingEventLoop decorator) {
            l = decorator.delegate();
        }
        if (l instanceof LoopCore core) {
            return core;
        }
        throw new IllegalArgumentException("loop: not an evloop event loop (" + loop.getClass().getName()
                + "); create loops with EventLoops.newEventLoop(), or extend ForwardingEventLoop");
    }

    /**
     * The loop its users see: the outermost {@link ForwardingEventLoop} around this core, or the
     * core itself. Futures, tasks and {@code getRunningLoop} answer with it, and the calls the core
     * makes on a user's behalf (a task's steps, done callbacks) go through it.
     */
    EventLoop front();

    /**
     * Makes {@code decorator} the loop users see from now on; from {@link ForwardingEventLoop}'s
     * constructor.
     *
     * @param inner     what the decorator forwards to: it must be the current {@link #front()}
     * @param decorator the new front
     * @throws IllegalArgumentException if {@code inner} is not the current front
     * @throws IllegalStateException if the loop is closed, running, or has unfinished tasks
     */
    void decorate(EventLoop inner, EventLoop decorator);

    /**
     * Starts a new task's virtual thread (fast mode) so that its first step runs now, up to its
     * first suspension, before the caller goes on: asyncio's eager start. Called by the thread
     * that holds the running loop.
     */
    void startEagerly(Thread thread);

    /**
     * A task's eager first step starts inside its creator's step or callback, on the thread that
     * holds the loop: the stall watchdog then shows that task's stack, not the creator's (which
     * waits for it). Returns the eager step it runs inside, if any, for {@link #eagerStepEnded}.
     */
    TaskRun eagerStepStarts(TaskRun run);

    /** The eager step started by {@link #eagerStepStarts} ended; {@code outer} is its return. */
    void eagerStepEnded(TaskRun outer);

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
