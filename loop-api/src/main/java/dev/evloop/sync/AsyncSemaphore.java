package dev.evloop.sync;

import dev.evloop.LoopFuture;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A counter of permits for tasks: {@link #acquire()} takes one, waiting in FIFO order when there
 * is none; {@link #release()} gives one back. Mirrors {@code asyncio.Semaphore}.
 *
 * <pre>{@code
 * AsyncSemaphore connections = new AsyncSemaphore(10);
 * try (var permit = connections.acquire()) {
 *     return fetch(url);
 * }
 * }</pre>
 */
public class AsyncSemaphore extends LoopBound implements AutoCloseable {
    private final Deque<LoopFuture<Boolean>> waiters = new ArrayDeque<>();
    private int value;

    /**
     * Creates a semaphore.
     *
     * @param permits the initial number of permits
     * @throws IllegalArgumentException if {@code permits} is negative
     */
    public AsyncSemaphore(int permits) {
        if (permits < 0) {
            throw new IllegalArgumentException("permits must not be negative, got " + permits);
        }
        this.value = permits;
    }

    /**
     * Whether {@link #acquire()} would wait. Mirrors {@code semaphore.locked()}.
     *
     * @return {@code true} if no permit is free for a newcomer
     */
    public boolean isLocked() {
        return value == 0 || hasLiveWaiter(waiters);
    }

    /**
     * The permits free now.
     *
     * @return the count
     */
    public int availablePermits() {
        return value;
    }

    /**
     * Takes a permit, waiting inside the current task until one is free. Mirrors
     * {@code await semaphore.acquire()}.
     *
     * <p><b>Cancel safety.</b> A cancelled acquire takes no permit: one that had just been handed to this
     * task goes to the next waiter, or back to the count, as in asyncio.
     *
     * @return this semaphore, to release in a try-with-resources block
     * @throws java.util.concurrent.CancellationException if the task is cancelled while waiting
     */
    public AsyncSemaphore acquire() {
        if (!isLocked()) {
            boundLoop();
            value--;
            return this;
        }
        LoopFuture<Boolean> waiter = boundLoop().createFuture();
        try {
            awaitTurn(waiters, waiter);
        } catch (RuntimeException e) {
            if (waiter.isDone() && !waiter.isCancelled()) {
                value++; // it was handed a permit it will not use
            }
            throw e;
        } finally {
            while (value > 0 && wakeNext()) {
                // newcomers queued behind it may go now
            }
        }
        return this;
    }

    /**
     * Gives a permit back and wakes the first waiter. Mirrors {@code semaphore.release()}.
     *
     * @throws IllegalStateException if called from another loop, or from another thread while the
     *         semaphore's loop runs
     */
    public void release() {
        checkCaller();
        value++;
        wakeNext();
    }

    private boolean wakeNext() {
        if (waiters.isEmpty()) {
            return false; // no iterator for the common case: a release nobody waits for
        }
        for (LoopFuture<Boolean> waiter : waiters) {
            if (!waiter.isDone()) {
                value--;
                waiter.setResult(true);
                return true;
            }
        }
        return false;
    }

    /** Releases a permit: the end of a try-with-resources block around {@link #acquire()}. */
    @Override
    public void close() {
        release();
    }
}
