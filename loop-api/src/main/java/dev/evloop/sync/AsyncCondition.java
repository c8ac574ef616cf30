package dev.evloop.sync;

import dev.evloop.LoopFuture;
import dev.evloop.TaskGroupException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * A condition variable for tasks: wait until notified, holding an {@link AsyncLock} before and
 * after. Mirrors {@code asyncio.Condition}.
 *
 * <pre>{@code
 * AsyncCondition changed = new AsyncCondition();
 * try (var held = changed.acquire()) {
 *     changed.waitFor(() -> !queue.isEmpty());
 *     item = queue.poll();
 * }
 * }</pre>
 */
public final class AsyncCondition extends LoopBound implements AutoCloseable {
    private final AsyncLock lock;
    private final Deque<LoopFuture<Boolean>> waiters = new ArrayDeque<>();

    /** A condition with its own lock. */
    public AsyncCondition() {
        this(new AsyncLock());
    }

    /**
     * A condition on a given lock, which several conditions may share.
     *
     * @param lock the lock
     * @throws NullPointerException if {@code lock} is null
     */
    public AsyncCondition(AsyncLock lock) {
        this.lock = Objects.requireNonNull(lock, "lock");
    }

    /**
     * Acquires the underlying lock. Mirrors {@code await condition.acquire()}.
     *
     * <p><b>Cancel safety.</b> As {@link AsyncLock#acquire()}'s: a cancelled acquire does not hold
     * the lock, and passes on a turn it had just been given.
     *
     * @return this condition, to release in a try-with-resources block
     * @throws java.util.concurrent.CancellationException if the task is cancelled while waiting
     * @throws IllegalStateException if it must wait outside a task, or the lock belongs to another loop
     */
    public AsyncCondition acquire() {
        lock.acquire();
        return this;
    }

    /** Releases the underlying lock. Mirrors {@code condition.release()}. */
    public void release() {
        lock.release();
    }

    /**
     * Whether the underlying lock is held. Mirrors {@code condition.locked()}.
     *
     * @return {@code true} if held
     */
    public boolean isLocked() {
        return lock.isLocked();
    }

    /**
     * Releases the lock, waits until notified, and acquires the lock again, even if the task is
     * cancelled meanwhile. Mirrors {@code await condition.wait()}.
     *
     * <p><b>Cancel safety.</b> The {@link CancellationException} is raised with the lock held again (the task
     * waits for it first), so the caller's {@code finally} releases it as usual; so is the
     * {@link TaskGroupException} a {@link dev.evloop.TaskGroup} raises in its body when a child
     * fails. A notification
     * that had reached the task passes to the next waiter instead, so none is lost, as in asyncio
     * 3.13.
     *
     * @throws IllegalStateException if the lock is not held
     * @throws CancellationException if the task was cancelled (the lock is held again)
     */
    public void await() {
        if (!lock.isLocked()) {
            throw new IllegalStateException("cannot wait on an un-acquired lock");
        }
        LoopFuture<Boolean> waiter = boundLoop().createFuture();
        lock.release();
        try {
            try {
                awaitTurn(waiters, waiter);
            } finally {
                // A TaskGroup tells its body of a child's failure as a cancellation that raises the
                // group's exception instead: the lock must be held again before either goes on.
                RuntimeException cancelled = null;
                while (true) {
                    try {
                        lock.acquire();
                        break;
                    } catch (CancellationException | TaskGroupException e) {
                        cancelled = e;
                    }
                }
                if (cancelled != null) {
                    throw cancelled;
                }
            }
        } catch (RuntimeException | Error e) {
            if (waiter.isDone() && !waiter.isCancelled()) {
                // It was notified but will not act on it: as asyncio 3.13, hand the notification
                // to the next waiter so that it is not lost.
                wakeFirst(waiters, false);
            }
            throw e;
        }
    }

    /**
     * Waits until {@code predicate} is true, checking it first and after each notification.
     * Mirrors {@code await condition.wait_for(predicate)}.
     *
     * <p><b>Cancel safety.</b> As {@link #await()}'s: the cancellation is raised with the lock held again.
     *
     * @param predicate the condition to reach
     * @throws NullPointerException if {@code predicate} is null
     * @throws IllegalStateException if the lock is not held
     * @throws CancellationException if the task was cancelled (the lock is held again)
     */
    public void waitFor(BooleanSupplier predicate) {
        Objects.requireNonNull(predicate, "predicate");
        while (!predicate.getAsBoolean()) {
            await();
        }
    }

    /**
     * Wakes one waiting task. Mirrors {@code condition.notify()}.
     *
     * @throws IllegalStateException if the lock is not held
     */
    public void signal() {
        signal(1);
    }

    /**
     * Wakes up to {@code n} waiting tasks. Mirrors {@code condition.notify(n)}.
     *
     * @param n how many
     * @throws IllegalStateException if the lock is not held
     * @throws IllegalArgumentException if {@code n} is negative
     * @throws IllegalStateException also if called from another loop, or from another thread while
     *         the condition's loop runs
     */
    public void signal(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative, got " + n);
        }
        checkCaller();
        lock.checkCaller();
        if (!lock.isLocked()) {
            throw new IllegalStateException("cannot notify on an un-acquired lock");
        }
        int woken = 0;
        for (LoopFuture<Boolean> waiter : waiters) {
            if (woken >= n) {
                break;
            }
            if (!waiter.isDone()) {
                woken++;
                waiter.setResult(false);
            }
        }
    }

    /**
     * Wakes every waiting task. Mirrors {@code condition.notify_all()}.
     *
     * @throws IllegalStateException if the lock is not held
     */
    public void signalAll() {
        signal(waiters.size());
    }

    /** Releases the lock: the end of a try-with-resources block around {@link #acquire()}. */
    @Override
    public void close() {
        release();
    }
}
