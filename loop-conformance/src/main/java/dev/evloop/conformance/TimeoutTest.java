package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.LoopFuture;
import dev.evloop.ReturnWhen;
import dev.evloop.Task;
import dev.evloop.WaitResult;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Timeouts whose deadline has already passed (zero or negative), as asyncio treats them: the
 * expiry is due at once, so the body is cancelled at its first suspension, while a future that is
 * already done, or a body that never suspends, wins.
 */
class TimeoutTest extends BackendTest {
    private static final List<Duration> PASSED = List.of(Duration.ZERO, Duration.ofMillis(-10));

    /** What the body got to do, and how the timeout ended: a result or "TimeoutException". */
    private String outcome(Duration delay, Runnable suspension, List<String> steps) {
        return loop.runUntilComplete(() -> {
            try {
                return Async.timeout(delay, () -> {
                    steps.add("before");
                    suspension.run();
                    steps.add("after");
                    return "x";
                });
            } catch (TimeoutException e) {
                return "TimeoutException";
            }
        });
    }

    @Test
    void aTimeoutAlreadyPassedCancelsTheBodyAtAYield() {
        for (Duration delay : PASSED) {
            List<String> steps = new ArrayList<>();
            assertEquals("TimeoutException", outcome(delay, Async::yieldNow, steps), delay::toString);
            assertEquals(List.of("before"), steps, delay::toString);
        }
    }

    @Test
    void aTimeoutAlreadyPassedCancelsTheBodyAtASleepOfZero() {
        for (Duration delay : PASSED) {
            List<String> steps = new ArrayList<>();
            assertEquals("TimeoutException", outcome(delay, () -> Async.sleep(0), steps), delay::toString);
            assertEquals(List.of("before"), steps, delay::toString);
        }
    }

    @Test
    void aTimeoutAlreadyPassedCancelsTheBodyAtAnAwait() {
        for (Duration delay : PASSED) {
            List<String> steps = new ArrayList<>();
            LoopFuture<String> never = loop.createFuture();
            assertEquals("TimeoutException", outcome(delay, never::await, steps), delay::toString);
            assertEquals(List.of("before"), steps, delay::toString);
            assertTrue(never.isCancelled(), "the awaited future was cancelled");
        }
    }

    @Test
    void aBodyThatNeverSuspendsFinishesUnderATimeoutAlreadyPassed() {
        for (Duration delay : PASSED) {
            List<String> steps = new ArrayList<>();
            assertEquals("x", outcome(delay, () -> { }, steps), delay::toString);
            assertEquals(List.of("before", "after"), steps, delay::toString);
        }
    }

    @Test
    void theTaskGoesOnUncancelledAfterATimeoutAlreadyPassed() {
        String after = loop.runUntilComplete(() -> {
            try {
                Async.timeout(Duration.ZERO, () -> {
                    Async.yieldNow();
                    return "x";
                });
            } catch (TimeoutException expected) {
                // the point of the test is what comes next
            }
            Async.yieldNow();
            Async.sleep(Duration.ofMillis(1));
            return "went on, cancelling=" + Async.currentTask().cancelling();
        });
        assertEquals("went on, cancelling=0", after);
    }

    @Test
    void aTimeoutNotYetPassedLetsTheBodyYield() throws Exception {
        List<String> steps = new ArrayList<>();
        assertEquals("x", outcome(Duration.ofSeconds(30), Async::yieldNow, steps));
        assertEquals(List.of("before", "after"), steps);
    }

    @Test
    void waitForReturnsTheResultOfAFutureAlreadyDoneWhateverTheTimeout() {
        for (Duration timeout : PASSED) {
            LoopFuture<String> done = loop.createFuture();
            done.setResult("ready");
            assertEquals("ready", loop.runUntilComplete(() -> Async.waitFor(done, timeout)), timeout::toString);
        }
    }

    @Test
    void waitForATimeoutAlreadyPassedCancelsAPendingFutureAndTimesOut() {
        for (Duration timeout : PASSED) {
            LoopFuture<String> pending = loop.createFuture();
            String outcome = loop.runUntilComplete(() -> {
                try {
                    return Async.waitFor(pending, timeout);
                } catch (TimeoutException e) {
                    return "TimeoutException";
                }
            });
            assertEquals("TimeoutException", outcome, timeout::toString);
            assertTrue(pending.isCancelled(), timeout::toString);
        }
    }

    @Test
    void waitForATimeoutAlreadyPassedTimesOutATaskThatWouldFinishAfterOneYield() {
        for (Duration timeout : PASSED) {
            List<String> steps = new ArrayList<>();
            String outcome = loop.runUntilComplete(() -> {
                Task<String> quick = Async.spawn(() -> {
                    Async.yieldNow();
                    steps.add("finished");
                    return "quick";
                });
                try {
                    return Async.waitFor(quick, timeout);
                } catch (TimeoutException e) {
                    return quick.isCancelled() ? "TimeoutException, cancelled" : "TimeoutException, not cancelled";
                }
            });
            assertEquals("TimeoutException, cancelled", outcome, timeout::toString);
            assertEquals(List.of(), steps, timeout::toString);
        }
    }

    @Test
    void waitWithATimeoutAlreadyPassedReturnsTheDoneAndThePendingWithoutWaiting() {
        for (Duration timeout : PASSED) {
            LoopFuture<Integer> done = loop.createFuture();
            done.setResult(1);
            LoopFuture<Integer> pending = loop.createFuture();
            WaitResult<Integer> r = loop.runUntilComplete(
                    () -> Async.wait(List.of(done, pending), timeout, ReturnWhen.ALL_COMPLETED));
            assertEquals(Set.of(done), r.done(), timeout::toString);
            assertEquals(Set.of(pending), r.pending(), timeout::toString);
            assertTrue(!pending.isDone(), "wait cancels nothing");
        }
    }

    @Test
    void asCompletedWithATimeoutAlreadyPassedYieldsTheDoneFuturesAndTimesOutTheRest() {
        for (Duration timeout : PASSED) {
            List<String> seen = loop.runUntilComplete(() -> {
                LoopFuture<Integer> done = loop.createFuture();
                done.setResult(1);
                LoopFuture<Integer> pending = loop.createFuture();
                List<String> outcomes = new ArrayList<>();
                for (LoopFuture<Integer> next : Async.asCompleted(List.of(pending, done), timeout)) {
                    try {
                        outcomes.add(String.valueOf(next.await()));
                    } catch (CompletionException e) {
                        outcomes.add(e.getCause().getClass().getSimpleName());
                    }
                }
                return outcomes;
            });
            assertEquals(List.of("1", "TimeoutException"), seen, timeout::toString);
        }
    }
}
