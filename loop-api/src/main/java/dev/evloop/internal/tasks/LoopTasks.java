package dev.evloop.internal.tasks;

import dev.evloop.Task;
import dev.evloop.TaskMode;
import dev.evloop.internal.LoopCore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One loop's tasks: the mode they run in, the threads of each task's run, and the tasks not done
 * yet (asyncio's {@code _all_tasks} for one loop). Touched by whoever holds the loop.
 */
public final class LoopTasks {
    private final LoopCore loop;
    private final TaskMode mode = TaskModes.current();
    /** Where fast mode's virtual threads run their steps: the loop, as callbacks. */
    private final StepScheduler scheduler;
    /**
     * Tasks not done yet, each with its run, for allTasks(), the task dump and the report of a
     * loop closed with tasks pending.
     */
    private final Map<Task<?>, TaskRun> pending = new HashMap<>();

    /**
     * The tasks of a loop.
     *
     * @param loop      the loop
     * @param scheduler the loop's scheduler for the continuations of fast mode's virtual threads
     */
    public LoopTasks(LoopCore loop, StepScheduler scheduler) {
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
    public TaskRun newRun(Task<?> task, Runnable body) {
        if (mode == TaskMode.FALLBACK) {
            return new BatonTasks.Run(loop, task, body);
        }
        return new VirtualThreadTasks.Run(loop, task, scheduler, body);
    }

    /** Registers a new task and its run. */
    public void add(Task<?> task, TaskRun run) {
        pending.put(task, run);
    }

    /** Forgets a finished task; returns its run, or {@code null} if it was unknown (the loop closed). */
    public TaskRun remove(Task<?> task) {
        return pending.remove(task);
    }

    /** The tasks not done, in no particular order. */
    public Set<Task<?>> notDone() {
        Set<Task<?>> result = new LinkedHashSet<>();
        for (Task<?> t : pending.keySet()) {
            if (!t.isDone()) {
                result.add(t);
            }
        }
        return result;
    }

    /**
     * Every task not done, oldest first: name, state, age, and where it waits (its thread's stack).
     *
     * @param loopName the loop, for the heading
     */
    public String dump(String loopName) {
        List<Map.Entry<Task<?>, TaskRun>> entries = new ArrayList<>(pending.entrySet());
        entries.removeIf(e -> e.getKey().isDone());
        entries.sort(Comparator.comparingLong(e -> e.getValue().createdNanos()));
        long now = System.nanoTime();
        StringBuilder sb = new StringBuilder("Tasks of ").append(loopName).append(": ").append(entries.size());
        for (Map.Entry<Task<?>, TaskRun> e : entries) {
            Thread thread = e.getValue().thread();
            sb.append(String.format("%n%s  %s  age %.3f s", e.getKey().getName(), state(thread),
                    (now - e.getValue().createdNanos()) / 1e9));
            for (StackTraceElement frame : e.getValue().stack()) {
                sb.append("\n\tat ").append(frame);
            }
        }
        return sb.toString();
    }

    /** A pending task's state, from its thread's. */
    private static String state(Thread thread) {
        return switch (thread.getState()) {
            case NEW -> "scheduled, not started";
            case RUNNABLE -> "running or ready";
            case TERMINATED -> "finishing";
            default -> "suspended";
        };
    }

    /** Forgets every task: the loop is closing. */
    public void clear() {
        pending.clear();
    }
}
