package dev.evloop.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * The one place where a {@link Duration} or a number of seconds given to the API becomes
 * nanoseconds. Every conversion saturates: a span too long for the loop's clock, 73 years or more
 * ({@code Long.MAX_VALUE / 4} nanoseconds) up to {@code ChronoUnit.FOREVER}, becomes
 * {@link #NO_LIMIT}, which every caller reads as "never" or "no limit", so that a huge value cannot
 * overflow into a negative one and expire at once (a deadline of now plus {@code NO_LIMIT} still
 * fits a {@code long}). The rule for a negative span, treated as zero or refused, is named by the
 * method used.
 */
public final class Durations {
    /** Spans this long or longer mean no limit; deadlines this far out never come. */
    public static final long NO_LIMIT = LoopClock.FAR_FUTURE;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long NO_LIMIT_SECONDS = NO_LIMIT / NANOS_PER_SECOND;

    private Durations() {
    }

    /**
     * {@code span} in nanoseconds, clamped to {@code [-NO_LIMIT, NO_LIMIT]}; never throws.
     *
     * @param span a span, of any length
     * @return its nanoseconds, saturated
     */
    public static long saturatedNanos(Duration span) {
        long seconds = span.getSeconds();
        if (seconds > NO_LIMIT_SECONDS) {
            return NO_LIMIT;
        }
        if (seconds < -NO_LIMIT_SECONDS - 1) {
            return -NO_LIMIT;
        }
        // |seconds| <= NO_LIMIT_SECONDS + 1, so this stays far inside the long range.
        return Math.clamp(seconds * NANOS_PER_SECOND + span.getNano(), -NO_LIMIT, NO_LIMIT);
    }

    /**
     * A wait, where a negative span means zero, as asyncio reads a negative delay or timeout.
     *
     * @param span the wait
     * @param name the argument's name, for the message
     * @return its nanoseconds, from 0 to {@link #NO_LIMIT}
     * @throws NullPointerException naming the argument if {@code span} is null
     */
    public static long waitNanos(Duration span, String name) {
        Objects.requireNonNull(span, name);
        return Math.max(0, saturatedNanos(span));
    }

    /**
     * A setting that may be zero but not negative.
     *
     * @param span the setting
     * @param name the argument's name, for the message
     * @return its nanoseconds, from 0 to {@link #NO_LIMIT}
     * @throws NullPointerException naming the argument if {@code span} is null
     * @throws IllegalArgumentException naming the argument if {@code span} is negative
     */
    public static long nonNegativeNanos(Duration span, String name) {
        Objects.requireNonNull(span, name);
        if (span.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + span);
        }
        return saturatedNanos(span);
    }

    /**
     * A limit that must be positive, as asyncio's {@code ssl_handshake_timeout}.
     *
     * @param span the limit
     * @param name the argument's name, for the message
     * @return its nanoseconds, from 1 to {@link #NO_LIMIT}
     * @throws NullPointerException naming the argument if {@code span} is null
     * @throws IllegalArgumentException naming the argument if {@code span} is zero or negative
     */
    public static long positiveNanos(Duration span, String name) {
        Objects.requireNonNull(span, name);
        if (span.isNegative() || span.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + span);
        }
        return saturatedNanos(span);
    }

    /**
     * Seconds as a double (asyncio's unit) in nanoseconds, saturating as {@link #saturatedNanos}.
     *
     * @param seconds the seconds; negative ones stay negative
     * @param name    the argument's name, for the message
     * @return the nanoseconds, within {@code [-NO_LIMIT, NO_LIMIT]}
     * @throws IllegalArgumentException naming the argument if {@code seconds} is NaN or infinite
     */
    public static long secondsToNanos(double seconds, String name) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException(name + " must be a finite number of seconds, got " + seconds);
        }
        double nanos = seconds * 1e9;
        if (nanos >= NO_LIMIT) {
            return NO_LIMIT;
        }
        if (nanos <= -NO_LIMIT) {
            return -NO_LIMIT;
        }
        return (long) nanos;
    }

    /**
     * Whether a saturated span means no limit.
     *
     * @param nanos a value from one of the methods above
     * @return {@code true} if it is {@link #NO_LIMIT}
     */
    public static boolean isNoLimit(long nanos) {
        return nanos >= NO_LIMIT;
    }

    /**
     * Reads a span as a person writes it in a system property: a decimal number and a unit
     * ({@code 200ms}, {@code 1.5s}, {@code 500us}, {@code 250000ns}, {@code 2m}; spaces and case
     * do not matter), {@code 0}, or ISO-8601 ({@code PT0.2S}).
     *
     * @param text the text
     * @param name what the text is, such as {@code -Dloop.watchdog}: the error names it
     * @return the span, zero or positive
     * @throws IllegalArgumentException naming {@code name} if the text is not such a span
     */
    public static Duration parse(String text, String name) {
        Objects.requireNonNull(text, name);
        String t = text.trim().toLowerCase(java.util.Locale.ROOT).replace(" ", "");
        try {
            Duration span;
            if (t.startsWith("p")) {
                span = Duration.parse(t.toUpperCase(java.util.Locale.ROOT));
            } else if (t.equals("0")) {
                span = Duration.ZERO;
            } else {
                int unit = 0;
                while (unit < t.length() && (Character.isDigit(t.charAt(unit)) || t.charAt(unit) == '.')) {
                    unit++;
                }
                double nanosPerUnit = switch (t.substring(unit)) {
                    case "ns" -> 1;
                    case "us", "\u00b5s" -> 1e3;
                    case "ms" -> 1e6;
                    case "s" -> 1e9;
                    case "m", "min" -> 60e9;
                    case "h" -> 3600e9;
                    default -> throw new IllegalArgumentException("unit");
                };
                double nanos = Double.parseDouble(t.substring(0, unit)) * nanosPerUnit;
                if (!(nanos < Long.MAX_VALUE)) {
                    throw new IllegalArgumentException("too long");
                }
                span = Duration.ofNanos(Math.round(nanos));
            }
            if (span.isNegative()) {
                throw new IllegalArgumentException("negative");
            }
            return span;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(name + ": '" + text + "' is not a duration such as 200ms, 1.5s, 500us or PT0.2S", e);
        }
    }
}
