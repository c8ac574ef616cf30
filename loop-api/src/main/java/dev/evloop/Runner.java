package dev.evloop;

import dev.evloop.internal.LoopContext;
import dev.evloop.internal.LoopCore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Runs several functions, one after another, as tasks on one loop, and cleans the loop up when
 * closed. Mirrors {@code asyncio.Runner}; {@link EventLoops#run} is one {@code Runner} used once.
 *
 * <pre>{@code
 * try (Runner runner = new Runner(() -> EventLoops.newEventLoop("epoll"))) {
 *     Connection c = runner.run(() -> connect());
 *     runner.run(() -> c.send("hello"));
 * }   // cancels leftover tasks, waits for them, shuts the default executor down, closes the loop
 * }</pre>
 *
 * <p>The loop is made when first needed: by the loop factory, as asyncio 3.14 recommends over
 * policies, or else by the policy, in which case it is also made the thread's current loop (as
 * {@code asyncio.Runner} does without a factory). A runner is used on one thread.
 */
public final class Runner implements AutoCloseable {
    private static final Duration EXECUTOR_SHUTDOWN_TIMEOUT = Duration.ofMinutes(5);

    private final Supplier<? extends EventLoop> loopFactory;
    private EventLoop loop;
    private boolean closed;

    /** A runner whose loop will come from the current policy, and be the thread's current loop while the runner is open. */
    public Runner() {
        this.loopFactory = null;
    }

    /**
     * A runner whose loop the factory makes. Mirrors {@code asyncio.Runner(loop_factory=...)}: the
     * loop is not made the policy's current loop.
     *
     * @param loopFactory makes the loop when it is first needed, for example
     *                    {@code () -> EventLoops.newEventLoop("epoll")}; called at most once
     * @throws NullPointerException if {@code loopFactory} is null
     */
    public Runner(Supplier<? extends EventLoop> loopFactory) {
        this.loopFactory = Objects.requireNonNull(loopFactory, "loopFactory");
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
        if (LoopContext.runningLoop() != null) {
            throw new IllegalStateException("Runner.run() cannot be called from a running event loop");
        }
        return loop().runUntilComplete(main);
    }

    /**
     * The runner's loop, made on first use. Mirrors {@code asyncio.Runner.get_loop}.
     *
     * @return the loop
     * @throws IllegalStateException if the runner is closed, or the loop factory returned
     *     {@code null} or a closed loop
     */
    public EventLoop loop() {
        if (closed) {
            throw new IllegalStateException("the runner is closed");
        }
        if (loop == null) {
            if (loopFactory == null) {
                loop = EventLoops.newEventLoop();
                EventLoops.setEventLoop(loop);
            } else {
                EventLoop made = loopFactory.get();
                if (made == null || made.isClosed()) {
                    throw new IllegalStateException("loopFactory returned " + (made == null ? "null" : "a closed loop"));
                }
                loop = made;
            }
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
            if (loopFactory == null) {
                EventLoops.setEventLoop(null);
            }
            loop.close();
        }
    }

    /**
     * asyncio's {@code _cancel_all_tasks}: cancel, wait, and report failures that are not
     * cancellations. Runs the loop, which must not be running.
     */
    static void cancelAllTasks(EventLoop loop) {
        List<Task<?>> pending = new ArrayList<>(LoopCore.of(loop).allTasks());
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
