package dev.evloop.internal;

import dev.evloop.Handle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A callback that carries its own cancellation into the ready queue: from another thread, a timer,
 * anything in debug mode. Small, as a threadsafe call allocates one and another core reads it
 * (24 bytes with compressed pointers, {@link ThreadsafeCallback} too): the callback reference is
 * also the cancellation flag, dropped by {@link #cancel()}, so a cancelled handle keeps nothing
 * alive.
 */
class CallbackHandle implements Handle {
    private static final VarHandle CALLBACK;

    static {
        try {
            CALLBACK = MethodHandles.lookup().findVarHandle(CallbackHandle.class, "callback", Runnable.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The callback, or {@code null} once cancelled. */
    private volatile Runnable callback;
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

    /** Drops the callback, which marks the handle cancelled; false if it already was. */
    final boolean markCancelled() {
        for (Runnable cb = callback; cb != null; cb = callback) {
            if (CALLBACK.compareAndSet(this, cb, null)) {
                return true;
            }
        }
        return false;
    }

    /** Hook for timers, which account for cancellation in their loop's heap. */
    void onCancelled() {
    }

    @Override
    public final boolean isCancelled() {
        return callback == null;
    }

    /** Runs the callback on the loop thread; returns false if it was cancelled. Throws what it throws. */
    final boolean run0() {
        Runnable cb = callback;
        if (cb == null) {
            return false;
        }
        cb.run();
        return true;
    }

    /** The callback, or {@code null} once cancelled: a watched loop looks through to a task step. */
    final Runnable callbackOrNull() {
        return callback;
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
        if (cb == null) {
            sb.append(" cancelled");
        } else {
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
