package dev.evloop.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The timer heap on its own: order, lazy cancellation, compaction. */
class TimerQueueTest {
    private final TimerQueue queue = new TimerQueue();
    private final ReadyQueue ready = new ReadyQueue();

    private static ScheduledCallback timer(long deadline) {
        return new ScheduledCallback(null, deadline, () -> { }, null);
    }

    /** Everything in the ready queue, oldest first, leaving it empty. */
    private List<Object> drained() {
        List<Object> out = new ArrayList<>();
        while (!ready.isEmpty()) {
            out.add(ready.poll());
        }
        return out;
    }

    @Test
    void dueTimersComeOutByDeadlineThenBySchedulingOrder() {
        Random random = new Random(7);
        List<ScheduledCallback> all = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            ScheduledCallback t = timer(random.nextInt(100));
            all.add(t);
            queue.add(t);
        }
        queue.moveDue(1_000, ready);
        all.sort(Comparator.<ScheduledCallback>comparingLong(t -> t.deadline).thenComparingLong(t -> t.sequence));
        assertEquals(all, drained());
        assertTrue(queue.isEmpty());
    }

    @Test
    void onlyTimersDueByNowAreMoved() {
        queue.add(timer(10));
        queue.add(timer(20));
        queue.moveDue(15, ready);
        assertEquals(1, ready.size());
        assertEquals(20, queue.nextDeadline());
    }

    @Test
    void cancelledTimersAtTheHeadAreDropped() {
        ScheduledCallback first = timer(1);
        queue.add(first);
        queue.add(timer(2));
        cancel(first);
        queue.dropCancelled();
        assertEquals(1, queue.size());
        assertEquals(2, queue.nextDeadline());
        assertFalse(first.inHeap);
    }

    @Test
    void aSmallHeapKeepsCancelledTimersThatAreNotAtItsHead() {
        List<ScheduledCallback> timers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            timers.add(timer(i));
            queue.add(timers.get(i));
        }
        for (int i = 1; i < 100; i++) {
            cancel(timers.get(i));
        }
        queue.dropCancelled();
        assertEquals(100, queue.size(), "100 timers are below the compaction threshold");
    }

    @Test
    void aHeapMostlyCancelledIsRebuiltWithoutThem() {
        List<ScheduledCallback> timers = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            timers.add(timer(1_000 - i));
            queue.add(timers.get(i));
        }
        for (int i = 0; i < 501; i++) {
            cancel(timers.get(i)); // the latest deadlines: none is at the head
        }
        queue.dropCancelled();
        assertEquals(499, queue.size());
        queue.moveDue(Long.MAX_VALUE, ready);
        assertEquals(499, ready.size());
        long last = Long.MIN_VALUE;
        for (Object h : drained()) {
            ScheduledCallback t = (ScheduledCallback) h;
            assertFalse(t.isCancelled());
            assertTrue(t.deadline >= last);
            last = t.deadline;
        }
    }

    @Test
    void aTimerCancelledAfterItLeftTheHeapIsNotCounted() {
        ScheduledCallback t = timer(1);
        queue.add(t);
        queue.moveDue(5, ready);
        cancel(t);
        for (int i = 0; i < 200; i++) {
            queue.add(timer(100 + i));
        }
        queue.dropCancelled();
        assertEquals(200, queue.size(), "nothing to compact: the only cancelled timer had left");
    }

    /** What cancel() does on the loop thread: flag it, then tell the heap. */
    private void cancel(ScheduledCallback t) {
        t.markCancelled();
        queue.cancelled(t);
    }
}
