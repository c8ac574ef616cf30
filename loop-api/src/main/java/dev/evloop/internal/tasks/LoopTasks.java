package dev.evloop.internal.tasks;

import dev.evloop.Task;
import dev.evloop.TaskMode;
import dev.evloop.internal.LoopCore;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * One loop's tasks: the mode they run in, the threads of each task's run, and the tasks not done
 * yet (asyncio's {@code _all_tasks} for one loop). Touched by whoever holds the loop.
 */
public final class LoopTasks {
    private final LoopCore loop;
    private final TaskMode mode = TaskModes.current();
    /** Where fast mode's virtual threads run their steps: the loop, as callbacks. */
    private final Executor scheduler;
    private Thread.Builder.OfVirtual threads;
    /** Tasks not done yet, for allTasks() and for the report of a loop closed with tasks pending. */
    private final Set<Task<?>> pending = new HashSet<>();

    /**
     * The tasks of a loop.
     *
     * @param loop      the loop
     * @param scheduler the loop's scheduler for the continuations of fast mode's virtual threads
     */
    public LoopTasks(LoopCore loop, Executor scheduler) {
        this.loop = loop;
        this.scheduler = scheduler;
        if (mode == TaskMode.FALLBACK) {
            TaskModes.explainOnce();
        }
    }

    /** The mode this loop runs its tasks in. */
    public TaskMode mode() {
        return mode;
    }

    /** The threads of a new task's run, in this loop's mode. */
    public TaskRun newRun(Runnable body) {
        if (mode == TaskMode.FALLBACK) {
            return new BatonTasks.Run(loop, body);
        }
        if (loop.front() != loop) {
            return new VirtualThreadTasks.Run(loop, scheduler, body);
        }
        if (threads == null) {
            threads = VirtualThreadTasks.builder(scheduler);
        }
        return new VirtualThreadTasks.Run(loop, threads, body);
    }

    /** Registers a new task. */
    public void add(Task<?> task) {
        pending.add(task);
    }

    /** Forgets a finished task. */
    public void remove(Task<?> task) {
        pending.remove(task);
    }

    /** The tasks not done, in no particular order. */
    public Set<Task<?>> notDone() {
        Set<Task<?>> result = new LinkedHashSet<>();
        for (Task<?> t : pending) {
            if (!t.isDone()) {
                result.add(t);
            }
        }
        return result;
    }

    /** Forgets every task: the loop is closing. */
    public void clear() {
        pending.clear();
    }
}
