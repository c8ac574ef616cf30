package dev.evloop;

import dev.evloop.internal.BaseEventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * Runs several functions, one after another, as tasks on one loop, and cleans the loop up when
 * closed. Mirrors {@code asyncio.Runner}; {@link EventLoops#run} is one {@code Runner} used once.
 *
 * <pre>{@code
 * try (Runner runner = new Runner()) {
 *     Connection c = runner.run(() -> connect());
 *     runner.run(() -> c.send("hello"));
 * }   // cancels leftover tasks, waits for them, shuts the default executor down, closes the loop
 * }</pre>
 *
 * <p>The loop comes from the policy when first needed and is made the thread's current loop.
 * A runner is used on one thread.
 */
public final class Runner implements AutoCloseable {
    private static final Duration EXECUTOR_SHUTDOWN_TIMEOUT = Duration.ofMinutes(5);

    private EventLoop loop;
    private boolean closed;

    /** A runner whose loop will come from the current policy. */
    public Runner() {
    }

    /**
     * Runs a function as a task on the runner's loop until it is done. Mirrors
     * {@code asyncio.Runner.run}.
     *
     * @param main the function
     * @param <T>  the result type
     * @return its result
     * @throws NullPointerException if {@code main} is null
     * @throws IllegalStateException if the runner is closed, or a loop already runs on this thread
     */
    public <T> T run(Callable<T> main) {
        Objects.requireNonNull(main, "main");
        if (BaseEventLoop.running() != null) {
            throw new IllegalStateException("Runner.run() cannot be called from a running event loop");
        }
        return loop().runUntilComplete(main);
    }

    /**
     * The runner's loop, made on first use. Mirrors {@code asyncio.Runner.get_loop}.
     *
     * @return the loop
     * @throws IllegalStateException if the runner is closed
     */
    public EventLoop loop() {
        if (closed) {
            throw new IllegalStateException("the runner is closed");
        }
        if (loop == null) {
            loop = EventLoops.newEventLoop();
            EventLoops.setEventLoop(loop);
        }
        return loop;
    }

    /**
     * Cancels the tasks still running and waits for them, shuts the default executor down and
     * waits for it (five minutes at most), and closes the loop. Closing twice is fine.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (loop == null) {
            return;
        }
        try {
            cancelAllTasks(loop);
            loop.runUntilComplete(loop.shutdownDefaultExecutor(EXECUTOR_SHUTDOWN_TIMEOUT));
        } finally {
            EventLoops.setEventLoop(null);
            loop.close();
        }
    }

    /**
     * asyncio's {@code _cancel_all_tasks}: cancel, wait, and report failures that are not
     * cancellations. Runs the loop, which must not be running.
     */
    static void cancelAllTasks(EventLoop loop) {
        List<Task<?>> pending = new ArrayList<>(BaseEventLoop.of(loop).allTasks());
        if (pending.isEmpty()) {
            return;
        }
        for (Task<?> t : pending) {
            t.cancel();
        }
        loop.runUntilComplete(Async.gatherSettled(pending));
        for (Task<?> t : pending) {
            if (!t.isCancelled() && t.exception() != null) {
                loop.callExceptionHandler(ExceptionContext.of(
                        "unhandled exception during EventLoops.run() shutdown", t.exception())
                        .with(ExceptionContext.TASK, t));
            }
        }
    }
}
