package dev.evloop;

import java.util.concurrent.Callable;

/**
 * Makes the task of every {@link EventLoop#createTask} of a loop: asyncio's task factory, set with
 * {@link EventLoop#setTaskFactory} (asyncio's {@code loop.set_task_factory}). {@link Async#spawn},
 * {@link TaskGroup} and {@link EventLoop#runUntilComplete(Callable)} create their tasks through it
 * too.
 *
 * <pre>{@code
 * loop.setTaskFactory((l, name, body) -> new Task<>(l, "job-" + name, body));   // rename every task
 * loop.setTaskFactory(TaskFactory.eager());                                   // asyncio.eager_task_factory
 * }</pre>
 *
 * <p>The factory is called on the thread that holds the loop, inside {@code createTask}; what it
 * throws, {@code createTask} throws. It returns a new task of {@code loop} that runs
 * {@code callable} (or a function that calls it) and whose result is the callable's: evloop
 * casts it to the caller's {@code Task<T>}.
 */
@FunctionalInterface
public interface TaskFactory {

    /**
     * Makes a task. Mirrors asyncio's {@code factory(loop, coro, name=name)}.
     *
     * @param loop     the loop to make it on (the loop users see, a decorator if there is one)
     * @param name     the name asked for, or {@code null} for {@code "Task-N"}
     * @param callable the function
     * @return the task; never {@code null}
     */
    Task<?> newTask(EventLoop loop, String name, Callable<?> callable);

    /**
     * A factory of eager tasks: asyncio's {@code eager_task_factory} (3.12). When {@code createTask}
     * is called while the loop runs, the new task's function starts at once, inside
     * {@code createTask}, and runs until its first suspension (an await of a pending future, a
     * sleep, a yield) or to its end; only then does {@code createTask} return. A task that
     * finished so is already done, with its result or its exception, which is never thrown to the
     * caller of {@code createTask}; one that suspended goes on as any task. Called while the loop
     * is not running, it makes an ordinary task, whose first step runs on the next iteration.
     *
     * <p>It behaves alike in both task modes: in fallback mode the caller hands the baton to the
     * new task and waits for it; in fast mode the loop's thread runs the new task's first step at
     * once (from a task, the creating task steps aside and resumes right after, before any other
     * callback runs). In fast mode, a task that cannot step aside because its virtual thread is
     * pinned (inside a native call) starts the new task on the next iteration instead.
     *
     * <p><b>Cancel safety.</b> {@code createTask} does not wait for anything but the new task's
     * first step, so it raises no cancellation: a cancellation of the creating task requested
     * during that step (by the new task, say) is raised at the creator's next suspension, as in
     * asyncio. Cancelling the new task once {@code createTask} returned cancels it where it waits.
     *
     * @return the factory
     */
    static TaskFactory eager() {
        return EagerTasks.FACTORY;
    }
}

/** The one eager factory. */
final class EagerTasks {
    static final TaskFactory FACTORY = new TaskFactory() {
        @Override
        public Task<?> newTask(EventLoop loop, String name, Callable<?> callable) {
            return new Task<>(loop, name, callable, true);
        }

        @Override
        public String toString() {
            return "eager_task_factory";
        }
    };

    private EagerTasks() {
    }
}
