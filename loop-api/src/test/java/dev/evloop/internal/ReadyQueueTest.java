package dev.evloop.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The ready queue on its own: FIFO across growth, taking entries back by sequence number. */
class ReadyQueueTest {
    private final ReadyQueue queue = new ReadyQueue();

    @Test
    void entriesComeOutInTheOrderTheyWentInAcrossGrowth() {
        for (int i = 0; i < 100; i++) {
            queue.add(i);
        }
        for (int i = 0; i < 60; i++) {
            assertEquals(i, queue.poll());
        }
        for (int i = 100; i < 5_000; i++) {
            queue.add(i); // wraps around the ring, then grows it several times
        }
        assertEquals(4_940, queue.size());
        for (int i = 60; i < 5_000; i++) {
            assertEquals(i, queue.poll());
        }
        assertTrue(queue.isEmpty());
    }

    @Test
    void anEntryTakenBackLeavesAHoleAndTheOthersKeepTheirOrder() {
        queue.add("a");
        long b = queue.add("b");
        queue.add("c");
        queue.takeBack(b, "b");
        assertEquals(3, queue.size());
        assertEquals("a", queue.poll());
        assertNull(queue.poll());
        assertEquals("c", queue.poll());
    }

    @Test
    void takingBackAnEntryAlreadyTakenDoesNotTouchTheOneNowInItsPlace() {
        Runnable same = () -> { };
        long first = queue.add(same);
        assertSame(same, queue.poll());
        for (int i = 0; i < 255; i++) {
            queue.add("filler");
            queue.poll();
        }
        long later = queue.add(same); // the same object in the same slot of the ring
        assertEquals(first + 256, later);
        queue.takeBack(first, same);
        assertSame(same, queue.poll());
    }

    @Test
    void takingBackAfterTheRingGrewFindsTheEntryInItsNewPlace() {
        long target = queue.add("target");
        for (int i = 0; i < 1_000; i++) {
            queue.add(i);
        }
        queue.takeBack(target, "target");
        assertNull(queue.poll());
        assertEquals(0, queue.poll());
    }

    @Test
    void clearDropsEverythingAndOldSequenceNumbersStayStale() {
        long old = queue.add("old");
        queue.clear();
        assertTrue(queue.isEmpty());
        long next = queue.add("new");
        assertTrue(next > old);
        queue.takeBack(old, "old");
        assertEquals("new", queue.poll());
    }
}
