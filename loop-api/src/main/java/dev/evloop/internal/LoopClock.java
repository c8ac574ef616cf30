package dev.evloop.internal;

/**
 * The clock every loop in the JVM shares: {@link System#nanoTime()} from a common origin, so that
 * {@code time()} of two loops can be compared, as asyncio's {@code time.monotonic()} can.
 * Timers keep deadlines as nanoseconds on this clock; the public API speaks seconds.
 */
final class LoopClock {
    private static final long ORIGIN = System.nanoTime();

    /** Deadlines this far out never come; keeps arithmetic on them from overflowing. */
    static final long FAR_FUTURE = Long.MAX_VALUE / 4;

    private LoopClock() {
    }

    static long nanos() {
        return System.nanoTime() - ORIGIN;
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /** Seconds as nanoseconds, saturating at {@link #FAR_FUTURE} and at its negation. */
    static long toNanos(double seconds) {
        double nanos = seconds * 1e9;
        if (nanos >= FAR_FUTURE) {
            return FAR_FUTURE;
        }
        if (nanos <= -FAR_FUTURE) {
            return -FAR_FUTURE;
        }
        return (long) nanos;
    }

    static long plus(long nanos, long delta) {
        long sum = nanos + delta;
        return Math.min(sum, FAR_FUTURE);
    }

    static void requireFinite(double value, String name) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number of seconds, got " + value);
        }
    }
}
