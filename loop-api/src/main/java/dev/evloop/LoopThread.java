package dev.evloop;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * One event loop from a policy, running forever on a platform thread of its own, then cleaned up
 * there as {@code asyncio.run} cleans up: the tasks left cancelled and awaited, the default
 * executor shut down, the loop closed. A {@link BackgroundLoop} is one; a {@link LoopGroup} is
 * several.
 *
 * <pre>{@code
 * LoopThread worker = new LoopThread("io", EventLoops.getPolicy());
 * EventLoop loop = worker.awaitStarted();
 * loop.callSoonThreadsafe(() -> System.out.println("on " + Thread.currentThread().getName()));
 * worker.stop();
 * worker.join();
 * }</pre>
 *
 * <p>The thread is a daemon, so a forgotten loop does not keep the JVM alive.
 */
final class LoopThread {
    private static final Duration EXECUTOR_SHUTDOWN_TIMEOUT = Duration.ofMinutes(5);

    private final Thread thread;
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile EventLoop loop;
    private volatile RuntimeException startFailure;
    /** Set by {@link #stop()}, which may come before the loop exists (a start given up on). */
    private volatile boolean stopRequested;

    /**
     * Starts the thread, which makes its loop with {@code policy}; {@link #awaitStarted()} waits for
     * that.
     */
    LoopThread(String threadName, EventLoopPolicy policy) {
        thread = Thread.ofPlatform().name(threadName).daemon(true).start(() -> run(policy));
    }

    /**
     * Waits until the loop is made and about to run.
     *
     * @return the loop
     * @throws RuntimeException what the policy threw if it could not make the loop; the thread has
     *                          ended then
     * @throws IllegalStateException if interrupted while waiting
     */
    EventLoop awaitStarted() {
        try {
            started.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the loop thread '" + thread.getName() + "' started", e);
        }
        if (startFailure != null) {
            throw startFailure;
        }
        return loop;
    }

    private void run(EventLoopPolicy policy) {
        EventLoop l;
        try {
            l = policy.newEventLoop();
        } catch (RuntimeException e) {
            startFailure = e;
            started.countDown();
            return;
        }
        loop = l;
        EventLoops.setEventLoop(l);
        started.countDown();
        try {
            if (!stopRequested) {
                l.runForever();
            }
        } finally {
            try {
                Runner.cancelAllTasks(l);
                l.runUntilComplete(l.shutdownDefaultExecutor(EXECUTOR_SHUTDOWN_TIMEOUT));
            } finally {
                EventLoops.setEventLoop(null);
                l.close();
            }
        }
    }

    /** The loop; {@code null} before {@link #awaitStarted()} returned it. */
    EventLoop loop() {
        return loop;
    }

    /** The thread that runs the loop. */
    Thread thread() {
        return thread;
    }

    /** Whether the caller is this thread or one of its loop's tasks: it would wait for itself. */
    boolean isCurrent() {
        Task<?> task = Async.currentTask();
        return Thread.currentThread() == thread || task != null && task.loop() == loop;
    }

    /**
     * Asks the loop to stop, after which its thread cleans up and ends; from any thread, even
     * before the loop runs.
     */
    void stop() {
        stopRequested = true;
        EventLoop l = loop;
        if (l != null && !l.isClosed()) {
            try {
                l.stop();
            } catch (IllegalStateException closedMeanwhile) {
                // It stopped and closed by itself between the check and the call: nothing to ask.
            }
        }
    }

    /** Waits for the thread to end, even if interrupted, and then keeps the interrupt. */
    void join() {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
