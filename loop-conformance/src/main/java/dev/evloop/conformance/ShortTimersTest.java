package dev.evloop.conformance;

import dev.evloop.Async;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Timers shorter than a backend's poll resolution (NIO's selector waits in whole milliseconds):
 * the loop waits for them in a few polls, never busy-polls, and never fires them early.
 */
class ShortTimersTest extends BackendTest {
    /** Under a millisecond, and a millisecond and a fraction (NIO rounds to the nearest one); twice. */
    private static final List<Duration> SHORT = List.of(Duration.ofNanos(500_000), Duration.ofNanos(900_000),
            Duration.ofNanos(300_000), Duration.ofNanos(1_400_000),
            Duration.ofNanos(500_000), Duration.ofNanos(900_000), Duration.ofNanos(300_000), Duration.ofNanos(1_400_000));
    /** A handful: the poll that waits, maybe one woken early by the OS, and the one that runs it. */
    private static final long HANDFUL = 5;

    @Test
    void aTimerUnderAMillisecondFiresAfterAHandfulOfPolls() {
        for (Duration delay : SHORT) {
            long[] polls = new long[2];
            loop.callSoon(() -> { // from a running loop, so the wait is not over before the first poll
                polls[0] = loop.metrics().polls();
                loop.callLater(delay, () -> {
                    polls[1] = loop.metrics().polls();
                    loop.stop();
                });
            });
            runGuarded();
            long count = polls[1] - polls[0];
            assertTrue(count <= HANDFUL, () -> delay + " took " + count + " polls: " + loop.metrics());
        }
    }

    @Test
    void aSleepUnderAMillisecondWakesAfterAHandfulOfPolls() {
        for (Duration delay : SHORT) {
            long polls = loop.runUntilComplete(() -> {
                long before = loop.metrics().polls();
                Async.sleep(delay);
                return loop.metrics().polls() - before;
            });
            assertTrue(polls <= HANDFUL, () -> delay + " took " + polls + " polls: " + loop.metrics());
        }
    }

    @Test
    void aShortTimerNeverFiresBeforeItsDeadline() {
        for (int i = 0; i < 50; i++) {
            Duration delay = Duration.ofNanos(20_000L * (i + 1)); // 20 us to 1 ms
            double[] when = new double[1];
            double[] firedAt = new double[1];
            when[0] = loop.callLater(delay, () -> {
                firedAt[0] = loop.time();
                loop.stop();
            }).when();
            runGuarded();
            assertTrue(firedAt[0] >= when[0], () -> delay + " fired at " + firedAt[0] + ", before " + when[0]);
        }
    }
}
