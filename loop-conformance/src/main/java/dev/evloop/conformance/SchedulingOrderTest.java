package dev.evloop.conformance;

import dev.evloop.TimerHandle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The order callbacks and timers run in: asyncio's rules. */
class SchedulingOrderTest extends BackendTest {

    @Test
    void callSoonRunsCallbacksInTheOrderTheyWereScheduled() {
        List<Integer> ran = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int n = i;
            loop.callSoon(() -> ran.add(n));
        }
        loop.runOnce();
        assertEquals(100, ran.size());
        for (int i = 0; i < 100; i++) {
            assertEquals(i, ran.get(i));
        }
    }

    @Test
    void callbacksScheduledDuringAnIterationRunInTheNextOne() {
        List<String> ran = new ArrayList<>();
        loop.callSoon(() -> {
            ran.add("first");
            loop.callSoon(() -> ran.add("scheduled by first"));
        });
        loop.callSoon(() -> ran.add("second"));
        loop.runOnce();
        assertEquals(List.of("first", "second"), ran);
        loop.runOnce();
        assertEquals(List.of("first", "second", "scheduled by first"), ran);
    }

    @Test
    void timersFireInDeadlineOrderWhateverTheSchedulingOrder() {
        List<Integer> ran = new ArrayList<>();
        // Deadlines on one origin: a loaded host that stalls between two callLater calls would
        // otherwise move a later call's deadline past an earlier one's.
        double origin = loop.time();
        loop.callAt(origin + 0.030, () -> ran.add(30));
        loop.callAt(origin + 0.010, () -> ran.add(10));
        loop.callAt(origin + 0.020, () -> ran.add(20));
        loop.callAt(origin + 0.040, loop::stop);
        runGuarded();
        assertEquals(List.of(10, 20, 30), ran);
    }

    @Test
    void timersWithTheSameDeadlineFireInSchedulingOrder() {
        List<Integer> ran = new ArrayList<>();
        double when = loop.time() + 0.01;
        for (int i = 0; i < 50; i++) {
            int n = i;
            loop.callAt(when, () -> ran.add(n));
        }
        loop.callAt(when, loop::stop);
        runGuarded();
        for (int i = 0; i < 50; i++) {
            assertEquals(i, ran.get(i));
        }
    }

    @Test
    void callLaterWithZeroDelayRunsOnTheNextIterationAfterReadyCallbacks() {
        List<String> ran = new ArrayList<>();
        loop.callSoon(() -> ran.add("a"));
        loop.callLater(Duration.ZERO, () -> ran.add("timer"));
        loop.callSoon(() -> ran.add("c"));
        loop.runOnce();
        assertEquals(List.of("a", "c", "timer"), ran);
    }

    @Test
    void callLaterWithNegativeDelayRunsAsSoonAsPossible() {
        List<String> ran = new ArrayList<>();
        loop.callLater(-5.0, () -> ran.add("negative seconds"));
        loop.callLater(Duration.ofSeconds(-5), () -> ran.add("negative duration"));
        loop.runOnce();
        assertEquals(List.of("negative seconds", "negative duration"), ran);
    }

    @Test
    void callAtInThePastRunsAsSoonAsPossible() {
        List<String> ran = new ArrayList<>();
        loop.callAt(loop.time() - 100, () -> ran.add("past"));
        loop.runOnce();
        assertEquals(List.of("past"), ran);
    }

    @Test
    void aTimerDoesNotFireBeforeItsDeadline() {
        double[] firedAt = new double[1];
        TimerHandle t = loop.callLater(0.05, () -> {
            firedAt[0] = loop.time();
            loop.stop();
        });
        runGuarded();
        assertTrue(firedAt[0] >= t.when(), () -> "fired at " + firedAt[0] + ", due at " + t.when());
    }

    @Test
    void timerWhenIsOnTheLoopClock() {
        double before = loop.time();
        TimerHandle t = loop.callLater(2.5, () -> { });
        double after = loop.time();
        assertTrue(t.when() >= before + 2.5 && t.when() <= after + 2.5, () -> "when " + t.when());
    }

    @Test
    void loopTimeNeverGoesBackwards() {
        double last = loop.time();
        for (int i = 0; i < 10_000; i++) {
            double now = loop.time();
            assertTrue(now >= last);
            last = now;
        }
    }

    @Test
    void aCancelledCallbackDoesNotRun() {
        List<String> ran = new ArrayList<>();
        loop.callSoon(() -> ran.add("kept"));
        loop.callSoon(() -> ran.add("cancelled")).cancel();
        loop.runOnce();
        assertEquals(List.of("kept"), ran);
    }

    @Test
    void aCancelledTimerDoesNotFire() {
        List<String> ran = new ArrayList<>();
        TimerHandle t = loop.callLater(0.01, () -> ran.add("cancelled"));
        loop.callLater(0.02, loop::stop);
        t.cancel();
        runGuarded();
        assertTrue(t.isCancelled());
        assertEquals(List.of(), ran);
    }

    @Test
    void aCallbackCanCancelALaterOneInTheSameIteration() {
        List<String> ran = new ArrayList<>();
        var victim = new dev.evloop.Handle[1];
        loop.callSoon(() -> victim[0].cancel());
        victim[0] = loop.callSoon(() -> ran.add("victim"));
        loop.runOnce();
        assertEquals(List.of(), ran);
    }

    @Test
    void runOnceWithoutBlockingReturnsWhenNothingIsReady() {
        loop.callLater(Duration.ofHours(1), () -> { });
        assertEquals(0, loop.runOnce(false));
    }

    @Test
    void runOnceBlocksUntilTheNextTimerIsDue() {
        List<String> ran = new ArrayList<>();
        loop.callLater(Duration.ofMillis(20), () -> ran.add("timer"));
        int callbacks = 0;
        for (int i = 0; i < 1000 && ran.isEmpty(); i++) {
            callbacks += loop.runOnce();
        }
        assertEquals(List.of("timer"), ran);
        assertEquals(1, callbacks);
    }
}
