package dev.evloop.internal;

import dev.evloop.EventLoop;
import dev.evloop.LoopFuture;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A loop's default executor and {@code runInExecutor}: asyncio's {@code _default_executor} and
 * {@code run_in_executor}. The executor is made on first use (a virtual thread per call) unless
 * the user set one, and is shut down with the loop.
 */
final class DefaultExecutor {
    private static final System.Logger LOG = System.getLogger("dev.evloop");

    private volatile Executor executor;

    /**
     * Runs {@code function} on {@code target}, or on the default executor when it is null; then,
     * on the worker, {@code finished} (if not null), once the outcome and everything its
     * completion hands the loop (wake-ups of awaiting tasks, done callbacks) are on their way.
     */
    <T> LoopFuture<T> run(EventLoop loop, Executor target, Callable<T> function, Runnable finished) {
        CompletableFuture<T> outcome = new CompletableFuture<>();
        LoopFuture<T> result = LoopFuture.wrap(outcome, loop);
        try {
            (target != null ? target : get()).execute(() -> {
                try {
                    if (!outcome.isDone()) { // else cancelled before it started
                        outcome.complete(function.call());
                    }
                } catch (Throwable t) {
                    outcome.completeExceptionally(t);
                } finally {
                    if (finished != null) {
                        finished.run();
                    }
                }
            });
        } catch (RuntimeException | Error refused) {
            if (finished != null) {
                finished.run();
            }
            throw refused;
        }
        return result;
    }

    void set(Executor executor) {
        this.executor = executor;
    }

    /**
     * Shuts the executor down and completes the returned future, on the loop, once its work is
     * done or {@code timeout} has passed (with a warning), as asyncio's
     * {@code shutdown_default_executor}.
     */
    LoopFuture<Void> shutdown(EventLoop loop, Duration timeout) {
        long timeoutNanos = Durations.waitNanos(timeout, "timeout");
        LoopFuture<Void> done = loop.createFuture();
        if (!(executor instanceof ExecutorService service)) {
            done.setResult(null);
            return done;
        }
        service.shutdown();
        Thread.ofVirtual().name("evloop-executor-shutdown").start(() -> {
            try {
                if (!service.awaitTermination(timeoutNanos, TimeUnit.NANOSECONDS)) {
                    LOG.log(System.Logger.Level.WARNING, "the default executor did not finish its work within " + timeout);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                if (!loop.isClosed()) {
                    done.setResult(null);
                }
            }
        });
        return done;
    }

    /** The loop closes: as asyncio, running work finishes and nothing new starts. */
    void loopClosed() {
        if (executor instanceof ExecutorService service) {
            service.shutdown();
        }
    }

    private Executor get() {
        Executor current = executor;
        if (current == null) {
            synchronized (this) {
                current = executor;
                if (current == null) {
                    current = Executors.newVirtualThreadPerTaskExecutor();
                    executor = current;
                }
            }
        }
        return current;
    }
}
