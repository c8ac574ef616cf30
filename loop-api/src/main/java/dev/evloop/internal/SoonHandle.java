package dev.evloop.internal;

import dev.evloop.Handle;



/**
 * What {@code callSoon} returns outside debug mode. The ready queue holds only the callback; this
 * handle finds it again by its sequence number. Nothing refers to the handle but the caller, so
 * when the caller drops it the JIT's escape analysis drops its allocation too: most
 * {@code callSoon} calls allocate nothing. For the same reason the handle an exception handler
 * is given for a failed callback is a new one: it equals the one {@code callSoon} returned.
 */
final class SoonHandle implements Handle {
    private final BaseEventLoop loop;
    private final long sequence;
    private final Runnable callback;
    private volatile boolean cancelled;

    SoonHandle(BaseEventLoop loop, long sequence, Runnable callback) {
        this.loop = loop;
        this.sequence = sequence;
        this.callback = callback;
    }

    @Override
    public void cancel() {
        if (!cancelled) {
            cancelled = true;
            loop.takeBack(this);
        }
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    long sequence() {
        return sequence;
    }

    Runnable callback() {
        return callback;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SoonHandle h && h.loop == loop && h.sequence == sequence;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(sequence) * 31 + System.identityHashCode(loop);
    }

    @Override
    public String toString() {
        return "<Handle " + (cancelled ? "cancelled" : CallbackHandle.describe(callback)) + ">";
    }
}
