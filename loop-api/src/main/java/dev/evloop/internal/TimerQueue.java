package dev.evloop.internal;

import java.util.Arrays;

/**
 * The loop's timer heap: a binary min-heap by deadline, ties broken by scheduling order.
 *
 * <p>As in asyncio, cancelling leaves the timer in the heap (removal from the middle would cost a
 * search) and the loop drops it when it reaches the head. When cancelled timers make up more than
 * half of a heap of any size, the heap is rebuilt without them, so mass cancellation does not keep
 * memory alive. Loop thread only.
 */
final class TimerQueue {
    /** Below this size a heap full of cancelled timers is cheap enough to keep (asyncio's 100). */
    private static final int MIN_SIZE_TO_COMPACT = 100;

    private ScheduledCallback[] heap = new ScheduledCallback[64];
    private int size;
    private int cancelled;
    private long nextSequence;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void add(ScheduledCallback timer) {
        timer.sequence = nextSequence++;
        timer.inHeap = true;
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        siftUp(size++, timer);
    }

    /**
     * A timer was cancelled: count it while it is in the heap, so that {@link #dropCancelled()}
     * knows when compacting pays. A timer cancelled from another thread is counted later, when
     * the loop thread hears of it, and maybe never if the heap dropped it first.
     */
    void cancelled(ScheduledCallback timer) {
        if (timer.inHeap && !timer.cancelCounted) {
            timer.cancelCounted = true;
            cancelled++;
        }
    }

    /** Step 1 of an iteration: drop cancelled timers from the head, compacting when most are. */
    void dropCancelled() {
        if (size > MIN_SIZE_TO_COMPACT && cancelled * 2 > size) {
            compact();
            return;
        }
        while (size > 0 && heap[0].isCancelled()) {
            uncount(pollHead());
        }
    }

    /** The earliest deadline, or {@link Long#MAX_VALUE} if there is no timer. */
    long nextDeadline() {
        return size == 0 ? Long.MAX_VALUE : heap[0].deadline;
    }

    /** Step 4: moves every timer due at {@code now} to the ready queue, in deadline order. */
    void moveDue(long now, ReadyQueue ready) {
        while (size > 0 && heap[0].deadline <= now) {
            ScheduledCallback timer = pollHead();
            if (timer.isCancelled()) {
                uncount(timer);
            } else {
                ready.add(timer);
            }
        }
    }

    private void uncount(ScheduledCallback timer) {
        if (timer.cancelCounted) {
            cancelled--;
        }
    }

    void clear() {
        for (int i = 0; i < size; i++) {
            heap[i].inHeap = false;
            heap[i] = null;
        }
        size = 0;
        cancelled = 0;
    }

    private ScheduledCallback pollHead() {
        ScheduledCallback head = heap[0];
        head.inHeap = false;
        ScheduledCallback last = heap[--size];
        heap[size] = null;
        if (size > 0) {
            siftDown(0, last);
        }
        return head;
    }

    private void compact() {
        int live = 0;
        for (int i = 0; i < size; i++) {
            ScheduledCallback timer = heap[i];
            if (timer.isCancelled()) {
                timer.inHeap = false;
            } else {
                heap[live++] = timer;
            }
        }
        Arrays.fill(heap, live, size, null);
        size = live;
        cancelled = 0;
        for (int i = (size >>> 1) - 1; i >= 0; i--) {
            siftDown(i, heap[i]);
        }
        if (heap.length > 64 && size < heap.length / 4) {
            heap = Arrays.copyOf(heap, Math.max(64, size * 2));
        }
    }

    private void siftUp(int index, ScheduledCallback timer) {
        while (index > 0) {
            int parent = (index - 1) >>> 1;
            ScheduledCallback p = heap[parent];
            if (!timer.isBefore(p)) {
                break;
            }
            heap[index] = p;
            index = parent;
        }
        heap[index] = timer;
    }

    private void siftDown(int index, ScheduledCallback timer) {
        int half = size >>> 1;
        while (index < half) {
            int child = 2 * index + 1;
            int right = child + 1;
            if (right < size && heap[right].isBefore(heap[child])) {
                child = right;
            }
            if (!heap[child].isBefore(timer)) {
                break;
            }
            heap[index] = heap[child];
            index = child;
        }
        heap[index] = timer;
    }
}
