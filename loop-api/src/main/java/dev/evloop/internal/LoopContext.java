package dev.evloop.internal;

import dev.evloop.EventLoop;
import dev.evloop.Task;


/**
 * Which loop and which task the current thread belongs to: asyncio's {@code _get_running_loop}
 * and {@code current_task}, kept in thread locals. A loop's own thread is marked while it runs the
 * loop; a task's virtual (or baton) thread is marked once, by the task, when it starts.
 */
public final class LoopContext {
    private static final ThreadLocal<BaseEventLoop> RUNNING = new ThreadLocal<>();
    private static final ThreadLocal<Task<?>> CURRENT_TASK = new ThreadLocal<>();

    private LoopContext() {
    }

    /**
     * The loop running on the current thread, or whose task this thread is, as its users see it
     * (its outermost decorator, if it has one); else {@code null}.
     */
    public static EventLoop runningLoop() {
        BaseEventLoop loop = RUNNING.get();
        if (loop == null) {
            Task<?> task = CURRENT_TASK.get();
            return task == null ? null : task.loop();
        }
        return loop.front();
    }

    /** The task whose thread is the current one, or {@code null}. */
    public static Task<?> currentTask() {
        return CURRENT_TASK.get();
    }

    /** Called by a task, first thing on its own thread. */
    public static void enterTask(Task<?> task) {
        CURRENT_TASK.set(task);
    }

    /** The loop this (platform) thread is running now, ignoring tasks; {@code null} if none. */
    static BaseEventLoop loopOfThisThread() {
        return RUNNING.get();
    }

    static void enterLoop(BaseEventLoop loop) {
        RUNNING.set(loop);
    }

    static void exitLoop() {
        RUNNING.remove();
    }
}
