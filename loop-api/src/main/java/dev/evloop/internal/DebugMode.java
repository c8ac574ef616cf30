package dev.evloop.internal;

import dev.evloop.Handle;
import java.time.Duration;

/**
 * A loop's debug mode: asyncio's {@code set_debug} and {@code slow_callback_duration}. While it is
 * on, handles record where they were made and callbacks that run longer than the slow-callback
 * duration are logged with that site.
 */
final class DebugMode {
    private static final System.Logger LOG = System.getLogger("dev.evloop");

    private volatile boolean enabled = Boolean.getBoolean("loop.debug");
    private volatile Duration slowCallbackDuration = Duration.ofMillis(100);
    /** {@link #slowCallbackDuration} saturated: what the check compares with. */
    private volatile long slowCallbackNanos = slowCallbackDuration.toNanos();

    boolean enabled() {
        return enabled;
    }

    void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    Duration slowCallbackDuration() {
        return slowCallbackDuration;
    }

    void setSlowCallbackDuration(Duration duration) {
        slowCallbackNanos = Durations.nonNegativeNanos(duration, "duration");
        slowCallbackDuration = duration;
    }

    /** Whether a callback that ran for {@code tookNanos} is slow. */
    boolean isSlow(long tookNanos) {
        return tookNanos >= slowCallbackNanos;
    }

    /** Logs a slow callback, with where its handle was made when that is known. */
    static void warnSlow(Handle handle, CreationSite site, long tookNanos) {
        LOG.log(System.Logger.Level.WARNING, String.format("Executing %s took %.3f seconds%s",
                handle, tookNanos / 1e9, site == null ? "" : site.trace()));
    }
}
