package dev.evloop;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An event loop running on a thread of its own, fed from other threads: the pattern of an
 * asyncio loop in a worker thread with {@code asyncio.run_coroutine_threadsafe}.
 *
 * <pre>{@code
 * try (BackgroundLoop worker = new BackgroundLoop("io")) {
 *     CompletableFuture<String> reply = worker.submit(() -> {
 *         Async.sleep(Duration.ofMillis(10));
 *         return "pong";
 *     });
 *     System.out.println(reply.join());        // from the caller's thread
 * }   // stops the loop, cancels what is left, waits for it, closes the loop, joins the thread
 * }</pre>
 *
 * <p>The thread is a daemon, so a forgotten background loop does not keep the JVM alive; close
 * it to end its tasks cleanly.
 */
public final class BackgroundLoop implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final LoopThread worker;
    private final EventLoop loop;
    private boolean closed;

    /** Starts a loop from the current policy on a thread named {@code evloop-background-N}. */
    public BackgroundLoop() {
        this("evloop-background-" + COUNTER.incrementAndGet());
    }

    /**
     * Starts a loop from the current policy on a thread with the given name.
     *
     * @param threadName the thread's name
     * @throws NullPointerException if {@code threadName} is null
     * @throws BackendUnavailableException if the policy cannot make a loop here
     */
    public BackgroundLoop(String threadName) {
        Objects.requireNonNull(threadName, "threadName");
        worker = new LoopThread(threadName, EventLoops.getPolicy());
        loop = worker.awaitStarted();
    }

    /**
     * The loop, for {@code callSoonThreadsafe} and other thread-safe calls.
     *
     * @return the loop
     */
    public EventLoop loop() {
        return loop;
    }

    /**
     * Runs a function as a task on the background loop. Mirrors
     * {@code asyncio.run_coroutine_threadsafe(coro, loop)}.
     *
     * @param callable the function
     * @param <T>      the result type
     * @return a future of its result; cancelling it cancels the task
     * @throws NullPointerException if {@code callable} is null
     * @throws IllegalStateException if the background loop is closed
     */
    public <T> CompletableFuture<T> submit(Callable<T> callable) {
        return EventLoops.runCoroutineThreadsafe(loop, callable);
    }

    /**
     * Stops the loop, cancels the tasks left and waits for them, shuts the default executor down,
     * closes the loop, and joins its thread. Closing twice is fine.
     *
     * @throws IllegalStateException if called from the background loop itself, which would wait
     *                               for itself
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        if (worker.isCurrent()) {
            throw new IllegalStateException("a BackgroundLoop cannot be closed from its own loop: it would wait for itself");
        }
        closed = true;
        worker.stop();
        worker.join();
    }
}
