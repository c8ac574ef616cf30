package dev.evloop;

import dev.evloop.internal.BaseEventLoop;
import dev.evloop.internal.LoopContext;
import dev.evloop.internal.choice.Backends;
import dev.evloop.internal.tasks.TaskModes;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The entry points: make loops, find the current one, set the policy, list the backends. Mirrors
 * asyncio's module-level functions ({@code asyncio.new_event_loop}, {@code get_event_loop},
 * {@code get_running_loop}, {@code set_event_loop_policy}, ...).
 *
 * <pre>{@code
 * try (EventLoop loop = EventLoops.newEventLoop()) {           // -Dloop.backend, or the best here
 *     LoopFuture<String> f = loop.createFuture();
 *     loop.callLater(Duration.ofMillis(10), () -> f.setResult("done"));
 *     System.out.println(loop.runUntilComplete(f) + " on " + loop.backend());
 * }
 * }</pre>
 *
 * <h2>Choosing a backend</h2>
 * {@code -Dloop.backend=epoll} (or a list in order of preference, {@code io_uring,epoll}) picks the
 * backend; a name that is unknown, absent or cannot run here fails with a
 * {@link BackendUnavailableException} listing what is present and why each absent one cannot run.
 * Without the property, the first available backend of the on-host calibration is used when it
 * matches this host ({@code ./evloop calibrate}; see {@link DefaultEventLoopPolicy}), else the
 * highest-ranked available one. {@link #backends()} and {@code ./evloop report} show the choice and why.
 */
public final class EventLoops {
    private static volatile EventLoopPolicy policy = new DefaultEventLoopPolicy();

    private EventLoops() {
    }

    /**
     * A new event loop from the current policy. Mirrors {@code asyncio.new_event_loop()}.
     *
     * @return the loop; close it when done
     * @throws BackendUnavailableException if no backend asked for can run here
     */
    public static EventLoop newEventLoop() {
        return policy.newEventLoop();
    }

    /**
     * A new event loop on a backend chosen here rather than by the policy.
     *
     * @param backends a backend name, or a comma-separated list in order of preference
     * @return the loop; close it when done
     * @throws NullPointerException if {@code backends} is null
     * @throws BackendUnavailableException if none of them is known, present and able to run here
     */
    public static EventLoop newEventLoop(String backends) {
        Objects.requireNonNull(backends, "backends");
        return new BaseEventLoop(Backends.select(backends));
    }

    /**
     * A new event loop whose timers run on a virtual clock, on the backend a default policy would
     * pick ({@link #defaultBackend()}). Beyond asyncio: Trio's {@code trio.run(..., clock=MockClock())},
     * Tokio's {@code time::pause}. The clock's Javadoc says how time moves.
     *
     * <pre>{@code
     * VirtualClock clock = new VirtualClock();
     * Duration slept = EventLoops.run(() -> {
     *     Async.sleep(Duration.ofHours(1));            // returns at once in real time
     *     return clock.elapsed();                       // PT1H
     * }, () -> EventLoops.newEventLoop(clock));
     * }</pre>
     *
     * @param clock the clock, driving no other loop
     * @return the loop; close it when done
     * @throws NullPointerException if {@code clock} is null
     * @throws IllegalArgumentException if the clock already drives another loop
     * @throws BackendUnavailableException if no backend asked for can run here
     */
    public static EventLoop newEventLoop(VirtualClock clock) {
        Objects.requireNonNull(clock, "clock");
        return newEventLoop(defaultBackend(), clock);
    }

    /**
     * A new event loop on a backend chosen here whose timers run on a virtual clock; see
     * {@link #newEventLoop(VirtualClock)}.
     *
     * <pre>{@code
     * try (EventLoop loop = EventLoops.newEventLoop("epoll", new VirtualClock())) { ... }
     * }</pre>
     *
     * @param backends a backend name, or a comma-separated list in order of preference
     * @param clock    the clock, driving no other loop
     * @return the loop; close it when done
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the clock already drives another loop
     * @throws BackendUnavailableException if none of the backends is known, present and able to run here
     */
    public static EventLoop newEventLoop(String backends, VirtualClock clock) {
        Objects.requireNonNull(backends, "backends");
        Objects.requireNonNull(clock, "clock");
        return new BaseEventLoop(Backends.select(backends), clock.time);
    }

    /**
     * Runs a function as the main task of a fresh loop from the policy, then cancels the tasks
     * left over and waits for them, shuts the default executor down and closes the loop. Mirrors
     * {@code asyncio.run(main())}.
     *
     * <pre>{@code
     * public static void main(String[] args) {
     *     String greeting = EventLoops.run(() -> {
     *         Async.sleep(Duration.ofMillis(10));
     *         return "hello";
     *     });
     * }
     * }</pre>
     *
     * @param main the function
     * @param <T>  the result type
     * @return its result
     * @throws NullPointerException if {@code main} is null
     * @throws IllegalStateException if called where a loop is already running
     * @throws java.util.concurrent.CancellationException if the main task was cancelled
     * @throws java.util.concurrent.CompletionException  carrying a checked exception of {@code main}
     */
    public static <T> T run(Callable<T> main) {
        Objects.requireNonNull(main, "main");
        if (LoopContext.runningLoop() != null) {
            throw new IllegalStateException("EventLoops.run() cannot be called from a running event loop");
        }
        try (Runner runner = new Runner()) {
            return runner.run(main);
        }
    }

    /**
     * Runs a function as the main task of a loop the factory makes, then cleans up as
     * {@link #run(Callable)} does. Mirrors {@code asyncio.run(main(), loop_factory=...)}, which
     * asyncio 3.14 recommends over policies; the loop is not made the policy's current loop.
     *
     * <pre>{@code
     * int answer = EventLoops.run(() -> 42, () -> EventLoops.newEventLoop("epoll"));
     * }</pre>
     *
     * @param main        the function
     * @param loopFactory makes the loop, called once
     * @param <T>         the result type
     * @return its result
     * @throws NullPointerException if an argument is null
     * @throws IllegalStateException if called where a loop is already running, or the factory
     *     returned {@code null} or a closed loop
     * @throws java.util.concurrent.CancellationException if the main task was cancelled
     * @throws java.util.concurrent.CompletionException  carrying a checked exception of {@code main}
     */
    public static <T> T run(Callable<T> main, Supplier<? extends EventLoop> loopFactory) {
        Objects.requireNonNull(main, "main");
        Objects.requireNonNull(loopFactory, "loopFactory");
        if (LoopContext.runningLoop() != null) {
            throw new IllegalStateException("EventLoops.run() cannot be called from a running event loop");
        }
        try (Runner runner = new Runner(loopFactory)) {
            return runner.run(main);
        }
    }

    /**
     * Runs a function as a task on a loop from any other thread, and returns a future of its
     * result that completes on the loop's thread. Cancelling the returned future cancels the task.
     * Mirrors {@code asyncio.run_coroutine_threadsafe(coro, loop)}.
     *
     * <pre>{@code
     * CompletableFuture<Integer> answer = EventLoops.runCoroutineThreadsafe(loop, () -> 42);
     * }</pre>
     *
     * @param loop     the loop, running on its own thread
     * @param callable the function
     * @param <T>      the result type
     * @return a future of the function's result
     * @throws NullPointerException if an argument is null
     * @throws IllegalStateException if the loop is closed
     */
    public static <T> CompletableFuture<T> runCoroutineThreadsafe(EventLoop loop, Callable<T> callable) {
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(callable, "callable");
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.callSoonThreadsafe(() -> {
            if (result.isDone()) {
                return; // cancelled before it started
            }
            Task<T> task;
            try {
                task = loop.createTask(callable);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
                return;
            }
            task.toCompletableFuture().whenComplete((value, error) -> {
                if (error == null) {
                    result.complete(value);
                } else {
                    result.completeExceptionally(error instanceof java.util.concurrent.CompletionException
                            && error.getCause() != null ? error.getCause() : error);
                }
            });
            result.whenComplete((value, error) -> {
                if (result.isCancelled()) {
                    task.cancel();
                }
            });
        });
        return result;
    }

    /**
     * The mode new loops run tasks in, given this JVM's flags and {@code -Dloop.tasks}.
     *
     * @return the mode
     */
    public static TaskMode taskMode() {
        return TaskModes.current();
    }

    /**
     * The running loop of this thread if there is one, else the policy's loop for this thread.
     * Mirrors {@code asyncio.get_event_loop()}.
     *
     * @return the loop
     * @throws IllegalStateException if no loop runs here and the policy has none for this thread
     */
    public static EventLoop getEventLoop() {
        EventLoop running = LoopContext.runningLoop();
        return running != null ? running : policy.getEventLoop();
    }

    /**
     * Makes a loop the current thread's loop in the policy. Mirrors {@code asyncio.set_event_loop}.
     *
     * @param loop the loop, or {@code null} to clear it
     */
    public static void setEventLoop(EventLoop loop) {
        policy.setEventLoop(loop);
    }

    /**
     * The loop running on this thread, in a callback or a task: the outermost
     * {@link ForwardingEventLoop} around it if it has one. Mirrors {@code asyncio.get_running_loop()}.
     *
     * @return the running loop
     * @throws IllegalStateException if no loop runs on this thread
     */
    public static EventLoop getRunningLoop() {
        EventLoop running = LoopContext.runningLoop();
        if (running == null) {
            throw new IllegalStateException("no running event loop in thread '" + Thread.currentThread().getName() + "'");
        }
        return running;
    }

    /**
     * The policy in force. Mirrors {@code asyncio.get_event_loop_policy()}.
     *
     * @return the policy
     */
    public static EventLoopPolicy getPolicy() {
        return policy;
    }

    /**
     * Installs a policy; {@code null} restores a fresh {@link DefaultEventLoopPolicy}. Mirrors
     * {@code asyncio.set_event_loop_policy}.
     *
     * @param newPolicy the policy, or {@code null}
     */
    public static void setPolicy(EventLoopPolicy newPolicy) {
        policy = newPolicy != null ? newPolicy : new DefaultEventLoopPolicy();
    }

    /**
     * Every backend on the class path, highest rank first, with whether it runs here and why not.
     *
     * @return the backends
     */
    public static List<BackendInfo> backends() {
        return Backends.infos();
    }

    /**
     * The backend a default policy would build a loop on now, given {@code -Dloop.backend} and the
     * on-host calibration.
     *
     * @return its name
     * @throws BackendUnavailableException if none asked for can run here
     */
    public static String defaultBackend() {
        return Backends.select().name();
    }
}
