package dev.evloop.sync;

import dev.evloop.LoopFuture;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A flag tasks can wait for: {@link #set()} wakes every waiter. Mirrors {@code asyncio.Event}.
 *
 * <pre>{@code
 * AsyncEvent ready = new AsyncEvent();
 * Async.spawn(() -> { ready.await(); return start(); });
 * ready.set();
 * }</pre>
 */
public final class AsyncEvent extends LoopBound {
    private final Deque<LoopFuture<Boolean>> waiters = new ArrayDeque<>();
    private boolean value;

    /** Creates an event that is not set. */
    public AsyncEvent() {
    }

    /**
     * Whether the event is set. Mirrors {@code event.is_set()}.
     *
     * @return {@code true} if set
     */
    public boolean isSet() {
        return value;
    }

    /**
     * Sets the event and wakes every waiting task. Mirrors {@code event.set()}.
     *
     * @throws IllegalStateException if called from another loop, or from another thread while the
     *         event's loop runs
     */
    public void set() {
        checkCaller();
        if (!value) {
            value = true;
            for (LoopFuture<Boolean> waiter : waiters) {
                if (!waiter.isDone()) {
                    waiter.setResult(true);
                }
            }
        }
    }

    /**
     * Clears the event: later waits suspend until it is set again. Mirrors {@code event.clear()}.
     *
     * @throws IllegalStateException if called from another loop, or from another thread while the
     *         event's loop runs
     */
    public void clear() {
        checkCaller();
        value = false;
    }

    /**
     * Waits inside the current task until the event is set; returns at once if it is. Mirrors
     * {@code await event.wait()}.
     *
     * <p><b>Cancel safety.</b> A cancelled wait leaves the event as it was, and the other waiters waiting.
     *
     * @return {@code true}
     * @throws java.util.concurrent.CancellationException if the task is cancelled while waiting
     * @throws IllegalStateException if it must wait outside a task, or the event belongs to another loop
     */
    public boolean await() {
        if (value) {
            return true;
        }
        awaitTurn(waiters);
        return true;
    }
}
