package dev.evloop.sync;

import dev.evloop.LoopFuture;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A mutual-exclusion lock for tasks, fair in FIFO order: a task waiting for it suspends, it does
 * not block the loop. Mirrors {@code asyncio.Lock}.
 *
 * <pre>{@code
 * AsyncLock lock = new AsyncLock();
 * try (var held = lock.acquire()) {       // async with lock:
 *     balance = balance + Async.spawn(() -> fetchDelta()).await();
 * }
 * }</pre>
 *
 * <p>Not reentrant, and not owned: any code on the loop may release it, as in asyncio.
 */
public final class AsyncLock extends LoopBound implements AutoCloseable {
    private final Deque<LoopFuture<Boolean>> waiters = new ArrayDeque<>();
    private boolean locked;

    /** Creates an unlocked lock. */
    public AsyncLock() {
    }

    /**
     * Acquires the lock, waiting inside the current task until it is free. Mirrors
     * {@code await lock.acquire()}.
     *
     * <p><b>Cancel safety.</b> A cancelled acquire does not hold the lock: it stays with its holder, or, if it
     * had just been handed to this task, passes to the next waiter, as in asyncio.
     *
     * @return this lock, to release in a try-with-resources block
     * @throws java.util.concurrent.CancellationException if the task is cancelled while waiting
     * @throws IllegalStateException if it must wait outside a task, or the lock belongs to another loop
     */
    public AsyncLock acquire() {
        boundLoop();
        if (!locked && !hasLiveWaiter(waiters)) {
            locked = true;
            return this;
        }
        try {
            awaitTurn(waiters);
        } catch (RuntimeException e) {
            if (!locked) {
                wakeHead();
            }
            throw e;
        }
        locked = true;
        return this;
    }

    /**
     * Releases the lock and wakes the first waiter. Mirrors {@code lock.release()}.
     *
     * @throws IllegalStateException if the lock is not held, or if called from another loop, or
     *         from another thread while the lock's loop runs
     */
    public void release() {
        checkCaller();
        if (!locked) {
            throw new IllegalStateException("the lock is not acquired");
        }
        locked = false;
        wakeHead();
    }

    /**
     * Wakes the first waiter unless it is done, as asyncio's {@code _wake_up_first}: a done head
     * was handed the lock already, or was cancelled and passes it on as it unwinds, so waking one
     * behind it would let two tasks take the lock.
     */
    private void wakeHead() {
        LoopFuture<Boolean> head = waiters.peekFirst();
        if (head != null && !head.isDone()) {
            head.setResult(true);
        }
    }

    /**
     * Whether the lock is held. Mirrors {@code lock.locked()}.
     *
     * @return {@code true} if held
     */
    public boolean isLocked() {
        return locked;
    }

    /** Releases the lock: the end of a try-with-resources block around {@link #acquire()}. */
    @Override
    public void close() {
        release();
    }
}
