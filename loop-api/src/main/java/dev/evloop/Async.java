package dev.evloop;

import dev.evloop.internal.BaseEventLoop;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * What code inside a task calls where asyncio code would {@code await}: sleeping, yielding,
 * spawning other tasks, and finding its loop and task. asyncio's module-level coroutine functions.
 *
 * <pre>{@code
 * String r = EventLoops.run(() -> {
 *     Async.sleep(Duration.ofMillis(10));            // suspends this task only
 *     Task<Integer> a = Async.spawn(() -> work(1));
 *     Task<Integer> b = Async.spawn(() -> work(2));
 *     return "sum " + (a.await() + b.await());
 * });
 * }</pre>
 *
 * <p>Methods that wait ({@code sleep}, {@code yieldNow}) work only inside a task and raise a
 * {@link java.util.concurrent.CancellationException} when the task is cancelled meanwhile.
 */
public final class Async {
    private Async() {
    }

    /**
     * Suspends the current task for a while; zero or negative means {@link #yieldNow()}, as in
     * asyncio. Mirrors {@code asyncio.sleep(delay)}.
     *
     * @param delay how long
     * @throws NullPointerException if {@code delay} is null
     * @throws IllegalStateException if not called inside a task
     * @throws java.util.concurrent.CancellationException if the task is cancelled meanwhile
     */
    public static void sleep(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        Task<?> task = requireTask("sleep");
        if (delay.isNegative() || delay.isZero()) {
            task.yieldNow();
            return;
        }
        LoopFuture<Void> done = new LoopFuture<>(task.taskLoop());
        TimerHandle timer = task.taskLoop().callLater(delay, () -> {
            if (!done.isDone()) {
                done.setResult(null);
            }
        });
        try {
            done.await();
        } finally {
            timer.cancel();
        }
    }

    /**
     * Suspends the current task for a number of seconds; see {@link #sleep(Duration)}.
     * Mirrors {@code asyncio.sleep(seconds)}.
     *
     * @param seconds how long; zero or negative yields
     * @throws IllegalArgumentException if {@code seconds} is NaN or infinite
     * @throws IllegalStateException if not called inside a task
     */
    public static void sleep(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("seconds must be a finite number, got " + seconds);
        }
        sleep(seconds <= 0 ? Duration.ZERO : Duration.ofNanos((long) Math.min(seconds * 1e9, Long.MAX_VALUE)));
    }

    /**
     * Lets every callback and task step that is ready run, then resumes: asyncio's
     * {@code await asyncio.sleep(0)}.
     *
     * @throws IllegalStateException if not called inside a task
     * @throws java.util.concurrent.CancellationException if the task was cancelled
     */
    public static void yieldNow() {
        requireTask("yieldNow").yieldNow();
    }

    /**
     * Starts a function as a new task on the running loop. Mirrors {@code asyncio.create_task}.
     *
     * @param callable the function
     * @param <T>      the result type
     * @return the new task
     * @throws NullPointerException if {@code callable} is null
     * @throws IllegalStateException if no loop is running on this thread
     */
    public static <T> Task<T> spawn(Callable<T> callable) {
        Objects.requireNonNull(callable, "callable");
        return currentLoop().createTask(callable);
    }

    /**
     * Starts a named task on the running loop. Mirrors {@code asyncio.create_task(coro, name=...)}.
     *
     * @param name     the task's name
     * @param callable the function
     * @param <T>      the result type
     * @return the new task
     * @throws NullPointerException if {@code callable} is null
     * @throws IllegalStateException if no loop is running on this thread
     */
    public static <T> Task<T> spawn(String name, Callable<T> callable) {
        Objects.requireNonNull(callable, "callable");
        return currentLoop().createTask(name, callable);
    }

    /**
     * The task this code runs in. Mirrors {@code asyncio.current_task()}.
     *
     * @return the task, or {@code null} outside a task
     */
    public static Task<?> currentTask() {
        return Task.current();
    }

    /**
     * The unfinished tasks of the running loop. Mirrors {@code asyncio.all_tasks()}.
     *
     * @return a snapshot of the tasks
     * @throws IllegalStateException if no loop is running on this thread
     */
    public static Set<Task<?>> allTasks() {
        return BaseEventLoop.of(currentLoop()).allTasks();
    }

    /**
     * The loop running this code, in a task or a callback. Mirrors
     * {@code asyncio.get_running_loop()}.
     *
     * @return the loop
     * @throws IllegalStateException if no loop is running on this thread
     */
    public static EventLoop currentLoop() {
        return EventLoops.getRunningLoop();
    }

    private static Task<?> requireTask(String method) {
        Task<?> task = Task.current();
        if (task == null) {
            throw new IllegalStateException("Async." + method + "() works only inside a task:"
                    + " start the code with loop.createTask, Async.spawn or EventLoops.run");
        }
        return task;
    }
}
