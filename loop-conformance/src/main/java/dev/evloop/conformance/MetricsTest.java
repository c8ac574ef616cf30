package dev.evloop.conformance;

import dev.evloop.LoopMetrics;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The loop's counters say what it did. */
class MetricsTest extends BackendTest {

    @Test
    void aNewLoopHasCountedNothing() {
        LoopMetrics m = loop.metrics();
        assertEquals(new LoopMetrics(0, 0, 0, 0, 0, Duration.ZERO, 0, 0, m.taskMode()), m);
    }

    @Test
    void countsIterationsCallbacksAndTimers() {
        loop.callSoon(() -> { });
        loop.callSoon(() -> { }).cancel();
        loop.callLater(0.001, () -> { });
        loop.callLater(3600.0, () -> { }).cancel();
        loop.callLater(0.002, loop::stop);
        runGuarded();
        LoopMetrics m = loop.metrics();
        assertTrue(m.iterations() >= 1, m::toString);
        assertEquals(3, m.callbacksRun(), m::toString);
        assertEquals(2, m.timersFired(), m::toString);
        assertEquals(1, m.timersCancelled(), m::toString);
        assertEquals(0, m.readyCallbacks(), m::toString);
        assertEquals(2, m.scheduledTimers(), "the cancelled far timer and the guard stay in the heap");
    }

    @Test
    void timeSpentInPollIsCountedAndIsPartOfTheTimeRunning() {
        loop.callLater(Duration.ofMillis(20), loop::stop);
        long start = System.nanoTime();
        runGuarded();
        Duration running = Duration.ofNanos(System.nanoTime() - start);
        Duration polling = loop.metrics().pollTime();
        assertTrue(polling.isPositive() && polling.compareTo(running) <= 0, () -> polling + " of " + running);
    }
}
