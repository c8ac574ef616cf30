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

    static long plus(long nanos, long delta) {
        long sum = nanos + delta;
        return Math.min(sum, FAR_FUTURE);
    }
}
