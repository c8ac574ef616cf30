package dev.evloop.internal;

import dev.evloop.Handle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A callback in the loop's ready queue: the one object {@code callSoon} allocates, so it holds
 * no more than it must (24 bytes with compressed pointers: a burst of callbacks is bound by the
 * memory it writes). Cancelling drops the callback reference at once, so a cancelled handle keeps
 * nothing alive.
 */
class CallbackHandle implements Handle {
    private static final VarHandle CANCELLED;

    static {
        try {
            CANCELLED = MethodHandles.lookup().findVarHandle(CallbackHandle.class, "cancelled", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Runnable callback;
    private volatile boolean cancelled;
    private final CreationSite createdAt;

    CallbackHandle(Runnable callback, CreationSite createdAt) {
        this.callback = callback;
        this.createdAt = createdAt;
    }

    @Override
    public void cancel() {
        if (markCancelled()) {
            onCancelled();
        }
    }

    /** Flags the handle cancelled and drops its callback; false if it already was. */
    final boolean markCancelled() {
        if (CANCELLED.compareAndSet(this, false, true)) {
            callback = null;
            return true;
        }
        return false;
    }

    /** Hook for timers, which account for cancellation in their loop's heap. */
    void onCancelled() {
    }

    @Override
    public final boolean isCancelled() {
        return cancelled;
    }

    /** Runs the callback on the loop thread; returns false if it was cancelled. Throws what it throws. */
    final boolean run0() {
        Runnable cb = callback;
        if (cb == null || cancelled) {
            return false;
        }
        cb.run();
        return true;
    }

    final CreationSite createdAt() {
        return createdAt;
    }

    String kind() {
        return "Handle";
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("<").append(kind());
        Runnable cb = callback;
        if (cancelled) {
            sb.append(" cancelled");
        } else if (cb != null) {
            sb.append(' ').append(describe(cb));
        }
        describeMore(sb);
        if (createdAt != null) {
            sb.append(" created at ").append(createdAt.caller());
        }
        return sb.append('>').toString();
    }

    void describeMore(StringBuilder sb) {
    }

    /** A lambda's toString is its hidden class name and hash; its declaring class says more. */
    static String describe(Object callback) {
        Class<?> c = callback.getClass();
        if (c.isHidden()) {
            String name = c.getName();
            int lambda = name.indexOf("$$Lambda");
            return lambda > 0 ? name.substring(0, lambda) + "$$Lambda" : name;
        }
        return callback.toString();
    }
}
