package dev.evloop.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/** The one conversion of the API's spans to nanoseconds: saturating, never overflowing. */
class DurationsTest {
    private static final Duration FOREVER = ChronoUnit.FOREVER.getDuration();

    @Test
    void spansTooLongForTheClockSaturateToNoLimit() {
        for (Duration huge : new Duration[] {FOREVER, Duration.ofSeconds(Long.MAX_VALUE),
                Duration.ofNanos(Long.MAX_VALUE), Duration.ofNanos(Durations.NO_LIMIT)}) {
            assertEquals(Durations.NO_LIMIT, Durations.saturatedNanos(huge), huge::toString);
            assertTrue(Durations.isNoLimit(Durations.waitNanos(huge, "t")), huge::toString);
        }
        assertEquals(-Durations.NO_LIMIT, Durations.saturatedNanos(Duration.ofSeconds(Long.MIN_VALUE)));
    }

    @Test
    void spansWithinTheClockKeepEveryNanosecond() {
        assertEquals(1_500_000_001L, Durations.saturatedNanos(Duration.ofSeconds(1, 500_000_001)));
        assertEquals(-1L, Durations.saturatedNanos(Duration.ofNanos(-1)));
        assertEquals(Durations.NO_LIMIT - 1, Durations.saturatedNanos(Duration.ofNanos(Durations.NO_LIMIT - 1)));
        assertEquals(Durations.NO_LIMIT, Durations.saturatedNanos(Duration.ofNanos(Durations.NO_LIMIT + 1)));
        assertEquals(-Durations.NO_LIMIT, Durations.saturatedNanos(Duration.ofNanos(-Durations.NO_LIMIT - 5)));
        assertEquals(1 - Durations.NO_LIMIT, Durations.saturatedNanos(Duration.ofNanos(1 - Durations.NO_LIMIT)));
    }

    @Test
    void aNowFromTheClockPlusNoLimitDoesNotOverflow() {
        assertTrue(LoopClock.plus(LoopClock.nanos(), Durations.NO_LIMIT) > 0);
    }

    @Test
    void aNegativeWaitIsZero() {
        assertEquals(0, Durations.waitNanos(Duration.ofMillis(-10), "t"));
        assertEquals(0, Durations.waitNanos(Duration.ofSeconds(Long.MIN_VALUE), "t"));
    }

    @Test
    void refusalsNameTheArgument() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Durations.nonNegativeNanos(Duration.ofNanos(-1), "duration")).getMessage().startsWith("duration"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Durations.positiveNanos(Duration.ZERO, "timeout")).getMessage().startsWith("timeout"));
        assertEquals("delay", assertThrows(NullPointerException.class,
                () -> Durations.waitNanos(null, "delay")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Durations.secondsToNanos(Double.NaN, "when")).getMessage().startsWith("when"));
    }

    @Test
    void secondsSaturateAsDurationsDo() {
        assertEquals(Durations.NO_LIMIT, Durations.secondsToNanos(1e300, "s"));
        assertEquals(-Durations.NO_LIMIT, Durations.secondsToNanos(-Double.MAX_VALUE, "s"));
        assertEquals(500_000_000L, Durations.secondsToNanos(0.5, "s"));
    }

    @Test
    void propertySpansReadWithTheirUnits() {
        assertEquals(Duration.ofMillis(200), Durations.parse("200ms", "p"));
        assertEquals(Duration.ofMillis(1500), Durations.parse(" 1.5 S ", "p"));
        assertEquals(Duration.ofNanos(500_000), Durations.parse("500us", "p"));
        assertEquals(Duration.ofNanos(250), Durations.parse("250ns", "p"));
        assertEquals(Duration.ofMinutes(2), Durations.parse("2m", "p"));
        assertEquals(Duration.ofMillis(200), Durations.parse("PT0.2S", "p"));
        assertEquals(Duration.ZERO, Durations.parse("0", "p"));
    }

    @Test
    void aPropertySpanThatIsNotOneIsAnErrorNamingTheProperty() {
        for (String bad : new String[] {"soon", "200", "ms", "-5ms", "1.2.3s", "PT-1S", "", "1e400s"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Durations.parse(bad, "-Dloop.watchdog"), bad);
            assertTrue(e.getMessage().startsWith("-Dloop.watchdog: '" + bad + "' is not a duration"), e.getMessage());
        }
    }
}
