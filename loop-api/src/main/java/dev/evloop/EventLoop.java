package dev.evloop;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * An event loop: runs callbacks, timers and I/O on the one thread that drives it. Mirrors asyncio's
 * {@code AbstractEventLoop}.
 *
 * <p>There is no hidden loop thread: the thread that calls {@link #runForever()},
 * {@link #runUntilComplete} or {@link #runOnce()} runs the loop, as in asyncio. Underneath, each
 * loop owns a Netty {@code ManualIoEventLoop} built from its backend (selector, epoll, io_uring or
 * kqueue), so Netty channels registered on it run on the same thread.
 *
 * <pre>{@code
 * try (EventLoop loop = EventLoops.newEventLoop()) {      // backend chosen by the policy
 *     loop.callSoon(() -> System.out.println("first"));
 *     TimerHandle t = loop.callLater(Duration.ofSeconds(1), () -> System.out.println("never"));
 *     loop.callAt(loop.time() + 0.2, loop::stop);
 *     t.cancel();
 *     loop.runForever();                                  // prints "first", stops after 0.2 s
 * }
 * }</pre>
 *
 * <h2>One iteration</h2>
 * As asyncio's {@code _run_once}: drop cancelled timers from the head of the timer heap; poll I/O
 * without blocking if callbacks are ready or the loop is stopping, else until the earliest timer,
 * else until woken; move due timers to the ready queue; run the callbacks that were ready at that
 * moment, no more: callbacks they schedule run in the next iteration.
 *
 * <h2>Threads</h2>
 * Only {@link #callSoonThreadsafe}, {@link #stop()}, {@link Handle#cancel()} and the getters may be
 * called from other threads while the loop runs; the other scheduling methods then fail with an
 * {@link IllegalStateException} that says so. At most one loop runs on a thread at a time. The
 * Netty event loop underneath is bound to the first thread that runs this loop: run and close it on
 * that thread.
 *
 * <h2>Errors</h2>
 * An exception thrown by a callback goes to the {@linkplain #setExceptionHandler exception handler}
 * and the loop goes on. Once {@linkplain #close() closed}, the loop refuses new work with an
 * {@link IllegalStateException} whose message is {@code "event loop is closed"}.
 */
public interface EventLoop extends AutoCloseable {

    /**
     * Schedules a callback to run on the next iteration, after those already scheduled (FIFO).
     * Mirrors asyncio's {@code loop.call_soon}.
     *
     * @param callback what to run
     * @return a handle that can cancel it
     * @throws NullPointerException if {@code callback} is null
     * @throws IllegalStateException if the loop is closed, or runs on another thread
     */
    Handle callSoon(Runnable callback);

    /**
     * Like {@link #callSoon} but safe from any thread: wakes the loop if it is blocked polling.
     * Callbacks from one thread run in the order that thread submitted them.
     * Mirrors asyncio's {@code loop.call_soon_threadsafe}.
     *
     * @param callback what to run
     * @return a handle that can cancel it
     * @throws NullPointerException if {@code callback} is null
     * @throws IllegalStateException if the loop is closed
     */
    Handle callSoonThreadsafe(Runnable callback);

    /**
     * Schedules a callback after a delay. A zero or negative delay runs it as soon as possible, on
     * the next iteration after callbacks already ready. Timers due at the same time run in the order
     * they were scheduled. Mirrors asyncio's {@code loop.call_later}.
     *
     * @param delay    how long to wait
     * @param callback what to run
     * @return a handle that can cancel it
     * @throws NullPointerException if an argument is null
     * @throws IllegalStateException if the loop is closed, or runs on another thread
     */
    TimerHandle callLater(Duration delay, Runnable callback);

    /**
     * Schedules a callback after a delay in seconds; see {@link #callLater(Duration, Runnable)}.
     * Mirrors asyncio's {@code loop.call_later(delay, callback)}.
     *
     * @param delaySeconds how long to wait, in seconds; zero or negative means as soon as possible
     * @param callback     what to run
     * @return a handle that can cancel it
     * @throws IllegalArgumentException if {@code delaySeconds} is NaN or infinite
     * @throws NullPointerException if {@code callback} is null
     * @throws IllegalStateException if the loop is closed, or runs on another thread
     */
    TimerHandle callLater(double delaySeconds, Runnable callback);

    /**
     * Schedules a callback at a time on the loop's clock ({@link #time()}). A time in the past runs
     * it as soon as possible. Mirrors asyncio's {@code loop.call_at}.
     *
     * @param when     when to run it, in seconds on the loop's clock
     * @param callback what to run
     * @return a handle that can cancel it
     * @throws IllegalArgumentException if {@code when} is NaN or infinite
     * @throws NullPointerException if {@code callback} is null
     * @throws IllegalStateException if the loop is closed, or runs on another thread
     */
    TimerHandle callAt(double when, Runnable callback);

    /**
     * The loop's clock: monotonic seconds, shared by every loop in this JVM, with nanosecond
     * resolution. Mirrors asyncio's {@code loop.time()}.
     *
     * @return the current time in seconds
     */
    double time();

    /**
     * Runs the loop on the calling thread until {@link #stop()} is called. If {@code stop()} was
     * called before, runs one iteration. Mirrors asyncio's {@code loop.run_forever()}.
     *
     * @throws IllegalStateException if the loop is closed, already running, another loop runs on
     *                               this thread, or the loop is bound to another thread
     */
    void runForever();

    /**
     * Runs the loop until the future is done, then returns its result. Mirrors asyncio's
     * {@code loop.run_until_complete(future)}.
     *
     * @param future the future to wait for; it must belong to this loop
     * @param <T>    the result type
     * @return the future's result
     * @throws java.util.concurrent.CancellationException if the future was cancelled
     * @throws java.util.concurrent.CompletionException  carrying the future's exception if it was a
     *                                                   checked one; unchecked ones are thrown as is
     * @throws IllegalStateException if the loop stopped before the future was done, or cannot run
     *                               (see {@link #runForever()})
     * @throws IllegalArgumentException if the future belongs to another loop
     * @throws NullPointerException if {@code future} is null
     */
    <T> T runUntilComplete(LoopFuture<T> future);

    /**
     * Runs exactly one iteration, blocking in the poll as {@link #runForever()} would. Like libuv's
     * {@code UV_RUN_ONCE}. A pending {@link #stop()} keeps it from blocking and stays pending.
     *
     * @return the number of callbacks it ran
     * @throws IllegalStateException if the loop cannot run (see {@link #runForever()})
     */
    int runOnce();

    /**
     * Runs exactly one iteration. Like libuv's {@code UV_RUN_ONCE}, or {@code UV_RUN_NOWAIT}
     * when {@code block} is false.
     *
     * @param block whether the poll may wait for I/O or the next timer when no callback is ready
     * @return the number of callbacks it ran
     * @throws IllegalStateException if the loop cannot run (see {@link #runForever()})
     */
    int runOnce(boolean block);

    /**
     * Stops the loop after the current iteration. Safe from any thread: from another thread it
     * wakes the loop. Mirrors asyncio's {@code loop.stop()}.
     *
     * @throws IllegalStateException if the loop is closed
     */
    void stop();

    /**
     * Closes the loop: drops pending callbacks and timers and releases the backend's resources
     * (file descriptors, native memory). Closing twice is fine. Mirrors asyncio's
     * {@code loop.close()}.
     *
     * @throws IllegalStateException if the loop is running, or was run by another thread
     */
    @Override
    void close();

    /**
     * Whether a thread is running the loop now. Mirrors asyncio's {@code loop.is_running()}.
     *
     * @return {@code true} while running
     */
    boolean isRunning();

    /**
     * Whether {@link #close()} was called. Mirrors asyncio's {@code loop.is_closed()}.
     *
     * @return {@code true} once closed
     */
    boolean isClosed();

    /**
     * A new pending future bound to this loop. Mirrors asyncio's {@code loop.create_future()}.
     *
     * @param <T> the result type
     * @return the future
     * @throws IllegalStateException if the loop is closed
     */
    <T> LoopFuture<T> createFuture();

    /**
     * Starts a function as a task on this loop; its first step runs on the next iteration.
     * Mirrors asyncio's {@code loop.create_task(coro)}.
     *
     * @param callable the function; it may await futures and sleep
     * @param <T>      the result type
     * @return the task, which is also the future of its result
     * @throws NullPointerException if {@code callable} is null
     * @throws IllegalStateException if the loop is closed, or runs on another thread
     */
    <T> Task<T> createTask(Callable<T> callable);

    /**
     * Starts a named task; see {@link #createTask(Callable)}. Mirrors asyncio's
     * {@code loop.create_task(coro, name=name)}.
     *
     * @param name     the task's name, or {@code null} for {@code "Task-N"}
     * @param callable the function
     * @param <T>      the result type
     * @return the task
     * @throws NullPointerException if {@code callable} is null
     * @throws IllegalStateException if the loop is closed, or runs on another thread
     */
    <T> Task<T> createTask(String name, Callable<T> callable);

    /**
     * Runs a function as a task and runs the loop until it is done. Mirrors asyncio's
     * {@code loop.run_until_complete(coro)}.
     *
     * @param callable the function
     * @param <T>      the result type
     * @return the function's result
     * @throws java.util.concurrent.CancellationException if the task was cancelled
     * @throws java.util.concurrent.CompletionException  carrying a checked exception of the function
     * @throws NullPointerException if {@code callable} is null
     * @throws IllegalStateException if the loop cannot run (see {@link #runForever()})
     */
    <T> T runUntilComplete(Callable<T> callable);

    /**
     * Listens for TCP connections; each one gets a protocol from the factory and a transport.
     * Mirrors asyncio's {@code loop.create_server(protocol_factory, host, port, ...)}.
     *
     * <pre>{@code
     * Server server = loop.createServer(Echo::new, "127.0.0.1", 8888, SocketOptions.defaults()).await();
     * }</pre>
     *
     * @param protocolFactory makes the protocol of each connection
     * @param host            the address to listen on, a name or an IP literal; {@code null} for all;
     *                        a name listens on the first address it resolves to (asyncio listens
     *                        on all of them)
     * @param port            the port; 0 picks a free one (see {@link Server#addresses()})
     * @param options         socket options
     * @return a future of the server, listening once it completes
     * @throws NullPointerException if {@code protocolFactory} or {@code options} is null
     * @throws IllegalArgumentException if {@code port} is out of range
     * @throws IllegalStateException if the loop is closed
     */
    LoopFuture<Server> createServer(Supplier<? extends BaseProtocol> protocolFactory, String host, int port,
                                    SocketOptions options);

    /**
     * Opens a TCP connection and gives it a protocol from the factory; the protocol's
     * {@code connectionMade} has run when the future completes. Name resolution never blocks the
     * loop (see {@link #resolve}); the host's addresses are tried in order until one connects, and
     * the factory runs once per attempt (a failed attempt's protocol is never called). Mirrors
     * asyncio's {@code loop.create_connection(protocol_factory, host, port, ...)}.
     *
     * @param protocolFactory makes the connection's protocol
     * @param host            the peer, a name or an IP literal
     * @param port            the peer's port
     * @param options         socket options
     * @param <P>             the protocol type
     * @return a future of the transport and protocol; it fails with a
     *         {@link java.net.ConnectException} if the peer refuses: when every address fails,
     *         with the last one's error, carrying the earlier ones as suppressed exceptions
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code port} is out of range
     * @throws IllegalStateException if the loop is closed
     */
    <P extends BaseProtocol> LoopFuture<Connection<P>> createConnection(Supplier<P> protocolFactory, String host,
                                                                      int port, SocketOptions options);

    /**
     * Resolves a host name to every address it has, without blocking the loop. An IP literal
     * ({@code "127.0.0.1"}, {@code "::1"}, {@code "[::1]"}) becomes its address at once, with no
     * lookup and no executor; a name is looked up with {@link java.net.InetAddress#getAllByName}
     * on the default executor (see {@link #setDefaultExecutor}). {@link #createConnection} uses it
     * and tries the addresses in order. Mirrors asyncio's {@code loop.getaddrinfo(host, port)}.
     *
     * <pre>{@code
     * List<InetSocketAddress> addresses = loop.resolve("localhost", 8080).await();
     * }</pre>
     *
     * @param host a name or an IP literal
     * @param port the port every address gets
     * @return a future of the addresses, in the resolver's order and never empty; it fails with
     *         a {@link java.net.UnknownHostException} if the name is unknown
     * @throws NullPointerException if {@code host} is null
     * @throws IllegalArgumentException if {@code port} is out of range
     * @throws IllegalStateException if the loop is closed
     */
    LoopFuture<List<InetSocketAddress>> resolve(String host, int port);

    /**
     * Runs a blocking function on an executor and returns a future of its result, completed on
     * this loop. Cancelling the future does not interrupt the function, as in asyncio. Mirrors
     * asyncio's {@code loop.run_in_executor(executor, func)}.
     *
     * <pre>{@code
     * LoopFuture<byte[]> bytes = loop.runInExecutor(null, () -> Files.readAllBytes(path));
     * }</pre>
     *
     * @param executor where to run it; {@code null} means the loop's default executor
     * @param function what to run
     * @param <T>      the result type
     * @return a future of the function's result or exception
     * @throws NullPointerException if {@code function} is null
     * @throws IllegalStateException if the loop is closed
     * @throws java.util.concurrent.RejectedExecutionException if the executor refuses the work
     */
    <T> LoopFuture<T> runInExecutor(Executor executor, Callable<T> function);

    /**
     * Sets the executor {@link #runInExecutor} uses when given {@code null}. Until one is set, the
     * loop makes a virtual-thread-per-task executor when first needed. The loop shuts its default
     * executor down when it closes, whoever made it. Mirrors asyncio's
     * {@code loop.set_default_executor}.
     *
     * @param executor the executor
     * @throws NullPointerException if {@code executor} is null
     * @throws IllegalStateException if the loop is closed
     */
    void setDefaultExecutor(Executor executor);

    /**
     * Shuts the default executor down and returns a future that completes when its work has
     * finished, or when {@code timeout} has passed (then a warning is logged). Mirrors asyncio's
     * {@code loop.shutdown_default_executor(timeout)}.
     *
     * @param timeout how long to wait for running work
     * @return a future completed on this loop
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalStateException if the loop is closed
     */
    LoopFuture<Void> shutdownDefaultExecutor(Duration timeout);

    /**
     * Runs a callback on this loop's thread whenever the process receives a signal; replaces the
     * loop's earlier handler for it. Mirrors asyncio's {@code loop.add_signal_handler(sig, callback)}.
     *
     * <pre>{@code
     * loop.addSignalHandler("TERM", () -> Async.allTasks().forEach(Task::cancel));
     * }</pre>
     *
     * @param signal   the signal's name: {@code "INT"}, {@code "SIGTERM"}, ...
     * @param callback what to run
     * @throws IllegalArgumentException if the signal is unknown here, cannot be caught (KILL,
     *                                  STOP), or is one the JVM keeps for itself
     * @throws NullPointerException if an argument is null
     * @throws IllegalStateException if the loop is closed
     */
    void addSignalHandler(String signal, Runnable callback);

    /**
     * Removes this loop's handler for a signal and restores the one it replaced. Mirrors asyncio's
     * {@code loop.remove_signal_handler(sig)}.
     *
     * @param signal the signal's name
     * @return whether there was a handler to remove
     * @throws NullPointerException if {@code signal} is null
     */
    boolean removeSignalHandler(String signal);

    /**
     * Sets the handler for errors nobody else can take; {@code null} restores the default, which
     * logs. Mirrors asyncio's {@code loop.set_exception_handler}.
     *
     * @param handler the handler, or {@code null}
     */
    void setExceptionHandler(ExceptionHandler handler);

    /**
     * The handler set by {@link #setExceptionHandler}. Mirrors asyncio's
     * {@code loop.get_exception_handler()}.
     *
     * @return the custom handler, or {@code null} if the default is in use
     */
    ExceptionHandler getExceptionHandler();

    /**
     * Reports an error to the exception handler. Never throws: a failing handler is logged.
     * Mirrors asyncio's {@code loop.call_exception_handler(context)}.
     *
     * @param context what happened
     * @throws NullPointerException if {@code context} is null
     */
    void callExceptionHandler(ExceptionContext context);

    /**
     * The default handling: logs the message, the context's entries and the exception at ERROR
     * through {@link System.Logger} {@code "dev.evloop"}; in debug mode also where the failing
     * callback was scheduled. Mirrors asyncio's {@code loop.default_exception_handler(context)}.
     *
     * @param context what happened
     * @throws NullPointerException if {@code context} is null
     */
    void defaultExceptionHandler(ExceptionContext context);

    /**
     * Turns debug mode on or off. In debug mode the loop records where each callback was scheduled
     * and logs callbacks that run longer than {@link #slowCallbackDuration()}. The default is the
     * system property {@code loop.debug}. Mirrors asyncio's {@code loop.set_debug}.
     *
     * @param enabled {@code true} for debug mode
     */
    void setDebug(boolean enabled);

    /**
     * Whether debug mode is on. Mirrors asyncio's {@code loop.get_debug()}.
     *
     * @return {@code true} in debug mode
     */
    boolean isDebug();

    /**
     * Sets how long a callback may run before debug mode logs it as slow; 100 ms by default.
     * Mirrors asyncio's {@code loop.slow_callback_duration}.
     *
     * @param duration the threshold
     * @throws NullPointerException if {@code duration} is null
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    void setSlowCallbackDuration(Duration duration);

    /**
     * The slow-callback threshold of debug mode.
     *
     * @return the threshold
     */
    Duration slowCallbackDuration();

    /**
     * Counters of this loop: iterations, callbacks, timers, time spent polling.
     *
     * @return a snapshot
     */
    LoopMetrics metrics();

    /**
     * The name of the backend this loop polls I/O with, such as {@code "epoll"}.
     *
     * @return the backend's name
     */
    String backend();
}
