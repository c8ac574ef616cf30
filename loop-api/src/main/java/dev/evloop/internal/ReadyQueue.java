package dev.evloop.internal;

import java.util.Arrays;

/**
 * The loop's ready queue, asyncio's {@code _ready}: what runs in the next iteration, oldest first.
 *
 * <p>An entry is either a bare {@link Runnable} ({@code callSoon}'s callback, a task's next step)
 * or a {@link CallbackHandle} that checks its own cancellation (a timer, a callback from another
 * thread, any callback in debug mode). Every entry gets a sequence number; a {@link SoonHandle}
 * takes its bare callback back by that number, which leaves a hole the loop skips. So
 * {@code callSoon} stores nothing but the callback, and the handle it returns is allocated only if
 * the caller keeps it. A ring of power-of-two size, grown by doubling. Loop thread only.
 */
final class ReadyQueue {
    private Object[] entries = new Object[256];
    private int mask = entries.length - 1;
    /** The sequence number of the oldest entry. */
    private long head;
    /** The sequence number the next entry gets. */
    private long tail;

    int size() {
        return (int) (tail - head);
    }

    boolean isEmpty() {
        return head == tail;
    }

    /** Adds an entry at the end; returns its sequence number. */
    long add(Object entry) {
        if (tail - head == entries.length) {
            grow();
        }
        entries[(int) tail & mask] = entry;
        return tail++;
    }

    /** Takes the oldest entry; {@code null} where one was taken back. The queue must not be empty. */
    Object poll() {
        int i = (int) head & mask;
        Object entry = entries[i];
        entries[i] = null;
        head++;
        return entry;
    }

    /** The sequence number of the entry the last {@link #poll()} took. */
    long lastPolled() {
        return head - 1;
    }

    /** Takes back the entry with this sequence number if it still waits and is {@code expected}. */
    void takeBack(long sequence, Object expected) {
        if (sequence >= head && sequence < tail) {
            int i = (int) sequence & mask;
            if (entries[i] == expected) {
                entries[i] = null;
            }
        }
    }

    /** Drops every entry; sequence numbers go on from where they were, so old handles stay stale. */
    void clear() {
        Arrays.fill(entries, null);
        head = tail;
    }

    /** Doubles the ring, each entry at its sequence number's place in the larger one. */
    private void grow() {
        Object[] larger = new Object[entries.length * 2];
        int largerMask = larger.length - 1;
        for (long s = head; s < tail; s++) {
            larger[(int) s & largerMask] = entries[(int) s & mask];
        }
        entries = larger;
        mask = largerMask;
    }
}
