package dev.evloop.conformance;

import dev.evloop.TimerHandle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A million timers: the heap stays ordered, and cancelled timers do not stay alive. */
class TimersAtScaleTest extends BackendTest {
    private static final int TIMERS = 1_000_000;

    @Test
    void aMillionTimersWithHalfCancelledFireTheRestInDeadlineOrder() {
        Random random = new Random(42);
        double start = loop.time();
        TimerHandle[] handles = new TimerHandle[TIMERS];
        int[] firedIndex = new int[TIMERS / 2];
        int[] fired = new int[1];
        for (int i = 0; i < TIMERS; i++) {
            int n = i;
            // Whole milliseconds over 200 ms, so that many timers share a deadline and ties are tested.
            handles[i] = loop.callAt(start + 0.05 + random.nextInt(200) / 1000.0, () -> firedIndex[fired[0]++] = n);
        }
        for (int i = 0; i < TIMERS; i += 2) {
            handles[i].cancel();
        }
        loop.callAt(start + 0.3, loop::stop);
        runGuarded();

        assertEquals(TIMERS / 2, fired[0]);
        for (int k = 1; k < fired[0]; k++) {
            TimerHandle previous = handles[firedIndex[k - 1]];
            TimerHandle current = handles[firedIndex[k]];
            assertTrue(firedIndex[k] % 2 == 1, "a cancelled timer fired");
            assertTrue(previous.when() < current.when()
                    || previous.when() == current.when() && firedIndex[k - 1] < firedIndex[k],
                    () -> "out of order: " + previous + " before " + current);
        }
        assertEquals(TIMERS / 2 + 1, loop.metrics().timersFired(), "the live half and the stopper");
        assertEquals(TIMERS / 2, loop.metrics().timersCancelled());
    }

    @Test
    void cancellingMostTimersShrinksTheHeapOnTheNextIteration() {
        List<TimerHandle> handles = new ArrayList<>(TIMERS);
        for (int i = 0; i < TIMERS; i++) {
            handles.add(loop.callLater(3600.0 + i, () -> { }));
        }
        for (int i = 0; i < TIMERS; i += 2) {
            handles.get(i).cancel();
        }
        handles.get(1).cancel(); // now more than half are cancelled
        assertEquals(TIMERS, loop.metrics().scheduledTimers());
        loop.runOnce(false);
        assertEquals(TIMERS / 2 - 1, loop.metrics().scheduledTimers());
    }

    @Test
    void aCancelledTimerDoesNotKeepItsCallbackAlive() throws Exception {
        Object[] payload = {new Object()};
        WeakReference<Object> ref = new WeakReference<>(payload[0]);
        TimerHandle t = loop.callLater(3600.0, new Holding(payload[0]));
        payload[0] = null;
        t.cancel();
        for (int i = 0; i < 50 && !ref.refersTo(null); i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertTrue(ref.refersTo(null), "the cancelled timer still holds its callback");
        assertEquals(1, loop.metrics().scheduledTimers(), "a small heap keeps cancelled timers until they reach its head");
    }

    private record Holding(Object payload) implements Runnable {
        @Override
        public void run() {
        }
    }
}
