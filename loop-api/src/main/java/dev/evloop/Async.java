package dev.evloop;

import dev.evloop.internal.Durations;
import dev.evloop.internal.Failures;
import dev.evloop.internal.LoopCore;
import dev.evloop.net.Connection;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.process.Subprocess;
import dev.evloop.process.SubprocessOptions;
import dev.evloop.streams.StreamHandler;
import dev.evloop.streams.StreamProtocol;
import dev.evloop.streams.StreamReader;
import dev.evloop.streams.Streams;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

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
     * asyncio, and 73 years or more (up to {@code ChronoUnit.FOREVER}) means until the task is
     * cancelled. Mirrors {@code asyncio.sleep(delay)}.
     *
     * <p><b>Cancel safety.</b> A cancellation during the sleep leaves nothing behind: its timer is cancelled.
     *
     * @param delay how long
     * @throws NullPointerException if {@code delay} is null
     * @throws IllegalStateException if not called inside a task
     * @throws java.util.concurrent.CancellationException if the task is cancelled meanwhile
     */
    public static void sleep(Duration delay) {
        long nanos = Durations.waitNanos(delay, "delay");
        Task<?> task = requireTask("sleep");
        if (nanos == 0) {
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
     * @param seconds how long; zero or negative yields, 73 years or more sleeps until cancelled
     * @throws IllegalArgumentException naming {@code seconds} if it is NaN or infinite
     * @throws IllegalStateException if not called inside a task
     * @throws java.util.concurrent.CancellationException if the task is cancelled meanwhile
     */
    public static void sleep(double seconds) {
        sleep(Duration.ofNanos(Math.max(0, Durations.secondsToNanos(seconds, "seconds"))));
    }

    /**
     * Lets every callback and task step that is ready run, then resumes: asyncio's
     * {@code await asyncio.sleep(0)}.
     *
     * <p><b>Cancel safety.</b> A cancellation raises when the task resumes, and leaves nothing
     * behind.
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
        return LoopCore.of(currentLoop()).allTasks();
    }

    /**
     * The unfinished tasks of a loop, running or not, from the thread that holds it. Mirrors
     * {@code asyncio.all_tasks(loop)}.
     *
     * <pre>{@code
     * loop.runUntilComplete(...);
     * Async.allTasks(loop).forEach(Task::cancel);
     * }</pre>
     *
     * @param loop the loop
     * @return a snapshot of the tasks
     * @throws NullPointerException if {@code loop} is null
     * @throws IllegalArgumentException if evloop did not make the loop
     * @throws IllegalStateException if the loop runs on another thread than the caller's
     */
    public static Set<Task<?>> allTasks(EventLoop loop) {
        LoopCore core = LoopCore.of(loop);
        if (!core.holdsLoop()) {
            throw new IllegalStateException("allTasks(loop) called from thread '" + Thread.currentThread().getName()
                    + "' while the loop runs on another thread: call it from the loop, with callSoonThreadsafe");
        }
        return core.allTasks();
    }

    /**
     * The loop running this code, in a task or a callback (the outermost
     * {@link ForwardingEventLoop} around it if it has one). Mirrors
     * {@code asyncio.get_running_loop()}.
     *
     * @return the loop
     * @throws IllegalStateException if no loop is running on this thread
     */
    public static EventLoop currentLoop() {
        return EventLoops.getRunningLoop();
    }

    /**
     * A future of the results of several futures, in argument order; the first failure fails it
     * at once (the other futures go on). Cancelling it cancels every future not yet done.
     * Mirrors {@code asyncio.gather(*fs)}.
     *
     * <p><b>Cancel safety.</b> Cancelling the task that awaits the gather cancels the gather, which cancels
     * every future not yet done; those already done keep their results. As in asyncio, the gather
     * ends cancelled as soon as one of them ends cancelled, so the awaiting task may resume while
     * others still unwind; {@link #gatherSettled} waits for all of them. Cancelled from another
     * thread than the loop's, the gather hands the cancellation to the loop, as {@link Task#cancel}
     * does, so that no child settling meanwhile turns it into a result.
     *
     * <pre>{@code
     * List<Integer> sizes = Async.gather(List.of(fetchA, fetchB)).await();
     * }</pre>
     *
     * @param futures the futures, all of one loop
     * @param <T>     their result type
     * @return a future of their results
     * @throws NullPointerException if {@code futures} or one of them is null
     * @throws IllegalArgumentException if the futures belong to different loops
     * @throws IllegalStateException if {@code futures} is empty and no loop runs here
     */
    public static <T> LoopFuture<List<T>> gather(List<? extends LoopFuture<? extends T>> futures) {
        return Gathering.of(futures, false, Gathering::results);
    }

    /**
     * {@link #gather(List)} for a few futures.
     *
     * @param futures the futures, all of one loop
     * @param <T>     their result type
     * @return a future of their results
     */
    @SafeVarargs
    @SuppressWarnings("varargs") // the array is only read, and gather(List) copies it before use
    public static <T> LoopFuture<List<T>> gather(LoopFuture<? extends T>... futures) {
        return gather(Arrays.asList(futures));
    }

    /**
     * A future that completes when every future is done, failed or cancelled, with the futures
     * themselves in argument order, to be read with {@code result()} or {@code exception()}.
     * Nothing fails it but its own cancellation, which cancels the futures. Mirrors
     * {@code asyncio.gather(*fs, return_exceptions=True)}.
     *
     * <p><b>Cancel safety.</b> Cancelling the task that awaits it cancels every future not yet done, and the
     * task resumes, cancelled, only once every one of them has finished.
     *
     * @param futures the futures, all of one loop
     * @param <T>     their result type
     * @return a future of the settled futures
     * @throws NullPointerException if {@code futures} or one of them is null
     * @throws IllegalArgumentException if the futures belong to different loops
     */
    public static <T> LoopFuture<List<LoopFuture<T>>> gatherSettled(List<? extends LoopFuture<? extends T>> futures) {
        return Gathering.of(futures, true, Gathering::settled);
    }

    /**
     * Awaits a future for at most a while; on time-out cancels it, waits until it is done, and
     * throws. Mirrors {@code asyncio.wait_for(fut, timeout)}, and follows {@link #timeout}'s
     * rules: a future already done returns its result whatever the timeout; zero or negative
     * cancels a pending future at once and throws; 73 years or more (up to
     * {@code ChronoUnit.FOREVER}) means no limit. A future that completes in the same loop
     * iteration as the deadline fires is not lost: its result is returned (or its exception
     * thrown), not a time-out.
     *
     * <p><b>Cancel safety.</b> A cancellation of the calling task during the wait cancels the future too, as
     * in asyncio; when the future is a task, the cancellation is raised only once that task has
     * finished unwinding. Pass an {@link #shield} of the future to keep it running.
     *
     * @param future  the future
     * @param timeout how long to wait
     * @param <T>     the result type
     * @return its result
     * @throws TimeoutException if it was not done in time (it has been cancelled)
     * @throws java.util.concurrent.CompletionException carrying the future's exception if it is a
     *         checked one; unchecked ones are thrown as they are
     * @throws NullPointerException if an argument is null
     * @throws IllegalStateException if not called inside a task
     * @throws java.util.concurrent.CancellationException if the calling task is cancelled meanwhile
     */
    public static <T> T waitFor(LoopFuture<T> future, Duration timeout) throws TimeoutException {
        Objects.requireNonNull(future, "future");
        Objects.requireNonNull(timeout, "timeout");
        try {
            return timeout(timeout, future::await);
        } catch (TimeoutException e) {
            if (future.isDone() && !future.isCancelled()) {
                // It completed in the iteration the deadline fired in, before this task resumed:
                // its outcome is the answer, not a time-out (asyncio's wait_for lost it).
                return future.result();
            }
            throw e;
        }
    }

    /**
     * Runs code in the current task with a deadline: when it passes, the task is cancelled, and
     * once the code has finished unwinding the cancellation becomes a {@link TimeoutException}.
     * Mirrors {@code async with asyncio.timeout(delay)}.
     *
     * <p>A zero or negative delay is a deadline already passed: as in asyncio, the expiry is
     * scheduled as a ready callback, so the code is cancelled at its first suspension (a
     * {@link #yieldNow()}, a {@code sleep(0)}, an {@code await} of a pending future), while code
     * that never suspends finishes and returns its result. A delay of 73 years or more (up to
     * {@code ChronoUnit.FOREVER}) means no deadline. Whatever ends the code, the deadline is
     * cancelled and nothing is left behind.
     *
     * <p><b>Cancel safety.</b> A cancellation of the task from elsewhere during the body stays a
     * {@link CancellationException} (it is not turned into a time-out), and the deadline is
     * cancelled.
     *
     * <pre>{@code
     * String reply = Async.timeout(Duration.ofSeconds(2), () -> {
     *     writer.write(request);
     *     return reader.readLine();
     * });
     * }</pre>
     *
     * @param delay how long the code may take
     * @param body  the code
     * @param <T>   its result type
     * @return its result
     * @throws TimeoutException if the deadline passed
     * @throws java.util.concurrent.CompletionException carrying a checked exception of the body
     * @throws NullPointerException if an argument is null
     * @throws IllegalStateException if not called inside a task
     */
    public static <T> T timeout(Duration delay, Callable<T> body) throws TimeoutException {
        long nanos = Durations.waitNanos(delay, "delay");
        Objects.requireNonNull(body, "body");
        Task<?> task = requireTask("timeout");
        int cancellingBefore = task.cancelling();
        boolean[] expired = {false};
        Runnable expire = () -> {
            expired[0] = true;
            task.cancel();
        };
        // A deadline already passed goes ahead of the body's first suspension, as asyncio's call_soon.
        Handle deadline = nanos == 0 ? task.taskLoop().callSoon(expire) : task.taskLoop().callLater(delay, expire);
        boolean deadlineCancelTaken = false;
        try {
            return body.call();
        } catch (CancellationException e) {
            if (expired[0]) {
                deadlineCancelTaken = true;
                if (task.uncancel() <= cancellingBefore) {
                    TimeoutException timeout = new TimeoutException("timed out after " + delay);
                    timeout.initCause(e);
                    throw timeout;
                }
            }
            throw e;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new CompletionException(e);
        } finally {
            deadline.cancel();
            // Once only: taking it back again would drop a cancellation from elsewhere that
            // arrived in the same iteration, which must stay counted while it propagates.
            if (expired[0] && !deadlineCancelTaken && task.cancelling() > cancellingBefore) {
                task.uncancel(); // the deadline's cancel was never delivered: take it back
            }
        }
    }

    /**
     * Waits inside a task until some or all of the futures are done, or a timeout passes; cancels
     * nothing. Mirrors {@code asyncio.wait(fs, timeout=, return_when=)}. A zero or negative
     * timeout lets the callbacks already ready run (so futures completing in them count as done)
     * and returns without waiting for anything else; 73 years or more (up to
     * {@code ChronoUnit.FOREVER}) means no limit, as {@code null} does.
     *
     * <p><b>Cancel safety.</b> A cancellation during the wait leaves nothing behind: the futures
     * go on, not cancelled, and lose the callbacks the wait added.
     *
     * @param futures    the futures, all of one loop
     * @param timeout    how long to wait at most, or {@code null} for no limit
     * @param returnWhen when to return
     * @param <T>        their result type
     * @return the done and the pending futures
     * @throws NullPointerException if {@code futures}, one of them, or {@code returnWhen} is null
     * @throws IllegalArgumentException if {@code futures} is empty, or its futures belong to
     *         different loops or to another loop than the task's
     * @throws IllegalStateException if not called inside a task
     * @throws java.util.concurrent.CancellationException if the task is cancelled meanwhile
     */
    public static <T> WaitResult<T> wait(Collection<? extends LoopFuture<T>> futures, Duration timeout,
                                         ReturnWhen returnWhen) {
        Objects.requireNonNull(futures, "futures");
        Objects.requireNonNull(returnWhen, "returnWhen");
        if (futures.isEmpty()) {
            throw new IllegalArgumentException("futures: the set of futures must not be empty");
        }
        Task<?> task = requireTask("wait");
        List<LoopFuture<T>> given = new ArrayList<>(futures);
        EventLoop loop = Gathering.loopOf(given); // names a null future before List.copyOf could
        if (LoopCore.of(loop) != task.core()) {
            throw new IllegalArgumentException("futures: they belong to " + loop
                    + ", not to the waiting task's loop " + task.loop());
        }
        List<LoopFuture<T>> all = List.copyOf(given);
        LoopFuture<Void> enough = new LoopFuture<>(task.taskLoop());
        int[] pending = {(int) all.stream().filter(f -> !f.isDone()).count()};
        Consumer<LoopFuture<T>> onDone = f -> {
            pending[0]--;
            if (!enough.isDone() && waitIsOver(returnWhen, all.size(), pending[0], failed(f))) {
                enough.setResult(null);
            }
        };
        if (!waitIsOver(returnWhen, all.size(), pending[0], all.stream().anyMatch(Async::failed))) {
            all.stream().filter(f -> !f.isDone()).forEach(f -> f.addDoneCallback(onDone));
            TimerHandle timer = timeout == null ? null : task.taskLoop().callLater(timeout, () -> {
                if (!enough.isDone()) {
                    enough.setResult(null);
                }
            });
            try {
                enough.await();
            } finally {
                if (timer != null) {
                    timer.cancel();
                }
                all.forEach(f -> f.removeDoneCallback(onDone));
            }
        }
        Set<LoopFuture<T>> done = new LinkedHashSet<>();
        Set<LoopFuture<T>> notDone = new LinkedHashSet<>();
        for (LoopFuture<T> f : all) {
            (f.isDone() ? done : notDone).add(f);
        }
        return new WaitResult<>(done, notDone);
    }

    /** Whether {@link #wait} may return, given how many of {@code total} futures are pending. */
    private static boolean waitIsOver(ReturnWhen returnWhen, int total, int pending, boolean anyFailed) {
        return pending == 0
                || returnWhen == ReturnWhen.FIRST_COMPLETED && pending < total
                || returnWhen == ReturnWhen.FIRST_EXCEPTION && anyFailed;
    }

    private static boolean failed(LoopFuture<?> f) {
        return f.isDone() && !f.isCancelled() && f.exception() != null;
    }

    /**
     * The futures' outcomes in the order they complete: the first future returned completes as
     * the first of them to complete, and so on. Awaiting them one by one handles each as soon as
     * it is ready. After the timeout, the ones left fail with a {@link TimeoutException}. Mirrors
     * {@code asyncio.as_completed(fs, timeout=)}. With a zero or negative timeout the futures
     * already done come first and the rest time out on the next iteration; 73 years or more (up to {@code ChronoUnit.FOREVER}) means no
     * limit, as {@code null} does.
     *
     * <p><b>Cancel safety.</b> Cancelling a task that awaits one of the returned futures cancels
     * that future only: it takes no outcome, the next outcome goes to the next returned future
     * still pending, and the given futures go on.
     *
     * <pre>{@code
     * for (LoopFuture<String> next : Async.asCompleted(requests, null)) {
     *     System.out.println(next.await());
     * }
     * }</pre>
     *
     * @param futures the futures, all of one loop
     * @param timeout how long to wait for all of them, or {@code null} for no limit
     * @param <T>     their result type
     * @return one future per input, completing in completion order
     * @throws NullPointerException if {@code futures} or one of them is null
     * @throws IllegalArgumentException if the futures belong to different loops
     */
    public static <T> List<LoopFuture<T>> asCompleted(Collection<? extends LoopFuture<T>> futures, Duration timeout) {
        Objects.requireNonNull(futures, "futures");
        if (futures.isEmpty()) {
            return List.of();
        }
        List<LoopFuture<T>> given = new ArrayList<>(futures);
        EventLoop loop = Gathering.loopOf(given); // names a null future before List.copyOf could
        List<LoopFuture<T>> all = List.copyOf(given);
        List<LoopFuture<T>> slots = new ArrayList<>(all.size());
        for (int i = 0; i < all.size(); i++) {
            slots.add(new LoopFuture<>(loop));
        }
        int[] next = {0};
        TimerHandle timer = timeout == null ? null : loop.callLater(timeout, () -> {
            for (int i = next[0]; i < slots.size(); i++) {
                slots.get(i).completeExceptionally(new TimeoutException("as_completed timed out after " + timeout));
            }
            next[0] = slots.size();
        });
        int[] left = {all.size()};
        for (LoopFuture<T> f : all) {
            f.addDoneCallback(done -> {
                // A slot cancelled by its awaiting task takes no outcome: the next one gets it.
                while (next[0] < slots.size()) {
                    if (slots.get(next[0]++).copyOutcomeOf(done)) {
                        break;
                    }
                }
                if (--left[0] == 0 && timer != null) {
                    timer.cancel();
                }
            });
        }
        return List.copyOf(slots);
    }

    /**
     * A future that follows {@code future} but whose cancellation does not reach it: awaiting the
     * shield from a task that gets cancelled raises in the task, while the work goes on. Mirrors
     * {@code asyncio.shield(fut)}.
     *
     * <p><b>Cancel safety.</b> A task awaiting the shield and cancelled leaves {@code future} pending, to
     * complete as it would have.
     *
     * @param future the future to protect
     * @param <T>    its result type
     * @return the shield, or {@code future} itself if it is already done
     * @throws NullPointerException if {@code future} is null
     */
    public static <T> LoopFuture<T> shield(LoopFuture<T> future) {
        Objects.requireNonNull(future, "future");
        if (future.isDone()) {
            return future;
        }
        LoopFuture<T> outer = new LoopFuture<>(future.loop());
        future.addDoneCallback(inner -> {
            if (!outer.isDone()) {
                outer.copyOutcomeOf(inner);
            } else if (!inner.isCancelled()) {
                inner.exception(); // the shield's owner is gone: nobody else will look
            }
        });
        return outer;
    }

    /**
     * Opens a TCP connection as a reader and a writer, waiting inside the current task until it
     * is up. Mirrors {@code await asyncio.open_connection(host, port)}.
     *
     * <p><b>Cancel safety.</b> A cancelled open leaves no connection open: one still being made is closed
     * when it completes, and one that came up just before the cancellation is closed too.
     *
     * @param host    the peer, a name or an IP literal
     * @param port    the peer's port
     * @param options socket options
     * @return the reader and writer
     * @throws java.io.UncheckedIOException carrying a {@link java.net.ConnectException} if refused
     * @throws IllegalStateException if not called inside a task
     */
    public static Streams openConnection(String host, int port, SocketOptions options) {
        Task<?> task = requireTask("openConnection");
        EventLoop loop = task.taskLoop();
        Connection<StreamProtocol> c = connected(loop.createConnection(
                () -> new StreamProtocol(loop, StreamReader.DEFAULT_LIMIT), host, port, options));
        return new Streams(c.protocol().reader(), c.protocol().writer());
    }

    /**
     * Starts a TCP server that runs {@code handler} as a task for each connection. Mirrors
     * {@code await asyncio.start_server(client_connected_cb, host, port)}.
     *
     * <p><b>Cancel safety.</b> A cancelled start leaves nothing listening: listeners bound so far
     * are closed, and so is a server that was up before the task resumed.
     *
     * @param handler what serves each connection
     * @param host    the address to listen on; {@code null} for every interface; a name listens on
     *                every address it resolves to, as {@link EventLoop#createServer} does
     * @param port    the port; 0 picks a free one
     * @param options socket options
     * @return the server, listening
     * @throws NullPointerException if {@code handler} or {@code options} is null
     * @throws IllegalStateException if not called inside a task
     */
    public static Server startServer(StreamHandler handler, String host, int port, SocketOptions options) {
        Objects.requireNonNull(handler, "handler");
        Task<?> task = requireTask("startServer");
        EventLoop loop = task.taskLoop();
        return listening(loop.createServer(() -> StreamProtocol.serving(loop, handler), host, port, options));
    }

    /**
     * Opens a Unix domain socket connection as a reader and a writer, waiting inside the current
     * task until it is up. Mirrors {@code await asyncio.open_unix_connection(path)}.
     *
     * <p><b>Cancel safety.</b> As {@link #openConnection}'s: a cancelled open leaves no connection open.
     *
     * <pre>{@code
     * Streams s = Async.openUnixConnection(Path.of("/run/app.sock"), SocketOptions.defaults());
     * s.writer().write("ping\n".getBytes());
     * byte[] reply = s.reader().readLine();
     * }</pre>
     *
     * @param path    the server's socket file
     * @param options socket options (see {@link EventLoop#createUnixConnection})
     * @return the reader and writer
     * @throws java.io.UncheckedIOException carrying a {@link java.nio.file.NoSuchFileException} if
     *         there is no file at {@code path}, a {@link java.net.ConnectException} if nothing listens
     * @throws NullPointerException if an argument is null
     * @throws UnsupportedOperationException if the loop's backend has no Unix domain sockets
     * @throws IllegalStateException if not called inside a task
     */
    public static Streams openUnixConnection(Path path, SocketOptions options) {
        Task<?> task = requireTask("openUnixConnection");
        EventLoop loop = task.taskLoop();
        Connection<StreamProtocol> c = connected(loop.createUnixConnection(
                () -> new StreamProtocol(loop, StreamReader.DEFAULT_LIMIT), path, options));
        return new Streams(c.protocol().reader(), c.protocol().writer());
    }

    /**
     * Awaits a connection; if the task is cancelled once it is up but before it resumes, closes
     * it, since no caller will ever get it (one that comes up after the cancellation the core
     * closes itself).
     */
    private static Connection<StreamProtocol> connected(LoopFuture<Connection<StreamProtocol>> connecting) {
        try {
            return connecting.await();
        } catch (CompletionException e) {
            throw Failures.unchecked(e.getCause());
        } catch (CancellationException | TaskGroupException e) { // a TaskGroup's abort stands for a cancellation
            if (connecting.isDone() && !connecting.isCancelled() && connecting.exception() == null) {
                connecting.result().transport().close();
            }
            throw e;
        }
    }

    /**
     * Starts a Unix domain socket server that runs {@code handler} as a task for each connection.
     * Mirrors {@code await asyncio.start_unix_server(client_connected_cb, path)}; the socket file
     * follows {@link EventLoop#createUnixServer}'s rules.
     *
     * <p><b>Cancel safety.</b> As {@link #startServer}'s: a cancelled start leaves nothing listening.
     *
     * @param handler what serves each connection
     * @param path    the socket file
     * @param options socket options
     * @return the server, listening
     * @throws java.io.UncheckedIOException carrying a {@link java.net.BindException} if the path
     *         is taken by a file that is not a socket
     * @throws NullPointerException if an argument is null
     * @throws UnsupportedOperationException if the loop's backend has no Unix domain sockets
     * @throws IllegalStateException if not called inside a task
     */
    public static Server startUnixServer(StreamHandler handler, Path path, SocketOptions options) {
        Objects.requireNonNull(handler, "handler");
        Task<?> task = requireTask("startUnixServer");
        EventLoop loop = task.taskLoop();
        return listening(loop.createUnixServer(() -> StreamProtocol.serving(loop, handler), path, options));
    }

    /**
     * Awaits a server; if the task is cancelled once it listens but before it resumes, closes it,
     * since no caller will ever get it (one cancelled earlier the core closes itself).
     */
    private static Server listening(LoopFuture<Server> starting) {
        try {
            return starting.await();
        } catch (CompletionException e) {
            throw Failures.unchecked(e.getCause());
        } catch (CancellationException | TaskGroupException e) { // a TaskGroup's abort stands for a cancellation
            if (starting.isDone() && !starting.isCancelled() && starting.exception() == null) {
                starting.result().close();
            }
            throw e;
        }
    }

    private static Task<?> requireTask(String method) {
        Task<?> task = Task.current();
        if (task == null) {
            throw new IllegalStateException("Async." + method + "() works only inside a task:"
                    + " start the code with loop.createTask, Async.spawn or EventLoops.run");
        }
        return task;
    }

    /**
     * Starts a child process from the current task: asyncio's {@code create_subprocess_exec},
     * the same function as {@link Subprocess#createSubprocessExec}, as asyncio re-exports
     * {@code asyncio.subprocess.create_subprocess_exec}.
     *
     * <pre>{@code
     * Subprocess child = Async.createSubprocessExec(List.of("cat"), SubprocessOptions.pipes());
     * byte[] echoed = child.communicate(data).stdout();
     * }</pre>
     *
     * <p><b>Cancel safety.</b> A cancelled start leaves no child and no pipe: a child already
     * started is killed and waited for.
     *
     * @param command the program and its arguments, not empty
     * @param options the streams, directory, environment and reader limit
     * @return the started child
     * @throws java.io.IOException if the program cannot start, naming it
     * @throws NullPointerException if an argument or an element of {@code command} is null
     * @throws IllegalArgumentException if {@code command} is empty
     * @throws IllegalStateException if called outside a task
     */
    public static Subprocess createSubprocessExec(List<String> command, SubprocessOptions options)
            throws java.io.IOException {
        return Subprocess.createSubprocessExec(command, options);
    }

    /**
     * Starts {@code /bin/sh -c command} from the current task: asyncio's
     * {@code create_subprocess_shell}, the same function as {@link Subprocess#createSubprocessShell}.
     *
     * @param command the shell command line
     * @param options the streams, directory, environment and reader limit
     * @return the started child
     * @throws java.io.IOException if the shell cannot start
     * @throws NullPointerException if an argument is null
     * @throws IllegalStateException if called outside a task
     */
    public static Subprocess createSubprocessShell(String command, SubprocessOptions options)
            throws java.io.IOException {
        return Subprocess.createSubprocessShell(command, options);
    }
}
