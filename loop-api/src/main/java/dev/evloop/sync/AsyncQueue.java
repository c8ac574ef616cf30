package dev.evloop.sync;

import dev.evloop.LoopFuture;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Queue;

/**
 * A queue between tasks: {@link #put} waits while it is full, {@link #get} while it is empty,
 * and {@link #join} until every item taken was marked done. FIFO, LIFO or by priority;
 * {@link #shutdown} ends it. Mirrors {@code asyncio.Queue}, {@code LifoQueue} and
 * {@code PriorityQueue}, as of Python 3.13 (3.14 changed none of it).
 *
 * <pre>{@code
 * AsyncQueue<String> jobs = AsyncQueue.fifo(100);      // at most 100 waiting: backpressure
 * Async.spawn(() -> { while (true) { handle(jobs.get()); jobs.taskDone(); } });
 * jobs.put("a");
 * jobs.join();                                           // until every job is handled
 * }</pre>
 *
 * @param <T> the item type
 */
public final class AsyncQueue<T> extends LoopBound {
    private final Queue<T> items;
    private final Deque<T> stack;
    private final int maxSize;
    private final Deque<LoopFuture<Boolean>> getters = new ArrayDeque<>();
    private final Deque<LoopFuture<Boolean>> putters = new ArrayDeque<>();
    private final AsyncEvent finished = new AsyncEvent();
    private int unfinished;
    private boolean shutDown;

    private AsyncQueue(int maxSize, Queue<T> items, Deque<T> stack) {
        if (maxSize < 0) {
            throw new IllegalArgumentException("maxSize must not be negative (0 means unbounded), got " + maxSize);
        }
        this.maxSize = maxSize;
        this.items = items;
        this.stack = stack;
        finished.set();
    }

    /**
     * A first-in, first-out queue. Mirrors {@code asyncio.Queue(maxsize)}.
     *
     * @param maxSize how many items it holds before {@code put} waits; 0 for no limit
     * @param <T>     the item type
     * @return the queue
     * @throws IllegalArgumentException if {@code maxSize} is negative
     */
    public static <T> AsyncQueue<T> fifo(int maxSize) {
        return new AsyncQueue<>(maxSize, new ArrayDeque<>(), null);
    }

    /**
     * A last-in, first-out queue. Mirrors {@code asyncio.LifoQueue(maxsize)}.
     *
     * @param maxSize how many items it holds before {@code put} waits; 0 for no limit
     * @param <T>     the item type
     * @return the queue
     * @throws IllegalArgumentException if {@code maxSize} is negative
     */
    public static <T> AsyncQueue<T> lifo(int maxSize) {
        ArrayDeque<T> stack = new ArrayDeque<>();
        return new AsyncQueue<>(maxSize, stack, stack);
    }

    /**
     * A queue that hands out the smallest item first. Mirrors {@code asyncio.PriorityQueue(maxsize)}.
     *
     * @param maxSize    how many items it holds before {@code put} waits; 0 for no limit
     * @param comparator the order, or {@code null} for the items' natural order
     * @param <T>        the item type
     * @return the queue
     * @throws IllegalArgumentException if {@code maxSize} is negative
     */
    public static <T> AsyncQueue<T> priority(int maxSize, Comparator<? super T> comparator) {
        return new AsyncQueue<>(maxSize, new PriorityQueue<>(comparator), null);
    }

    /**
     * How many items are in the queue. Mirrors {@code queue.qsize()}.
     *
     * @return the count
     */
    public int size() {
        return items.size();
    }

    /**
     * The most items it holds, 0 for no limit. Mirrors {@code queue.maxsize}.
     *
     * @return the limit
     */
    public int maxSize() {
        return maxSize;
    }

    /**
     * Whether it holds no item. Mirrors {@code queue.empty()}.
     *
     * @return {@code true} if empty
     */
    public boolean isEmpty() {
        return items.isEmpty();
    }

    /**
     * Whether it holds {@link #maxSize()} items. Mirrors {@code queue.full()}.
     *
     * @return {@code true} if full
     */
    public boolean isFull() {
        return maxSize > 0 && items.size() >= maxSize;
    }

    /**
     * Adds an item, waiting inside the current task while the queue is full. Mirrors
     * {@code await queue.put(item)}.
     *
     * <p><b>Cancel safety.</b> Cancelled while it waits, it adds nothing; if a free slot had just woken it,
     * the slot passes to the next waiting putter.
     *
     * @param item the item
     * @throws NullPointerException if {@code item} is null
     * @throws QueueShutDownException if the queue is shut down, before the call or while it waits
     * @throws java.util.concurrent.CancellationException if the task is cancelled while waiting
     */
    public void put(T item) {
        Objects.requireNonNull(item, "item");
        while (isFull()) {
            if (shutDown) {
                throw new QueueShutDownException();
            }
            waitIn(putters, () -> !isFull());
        }
        putNowait(item);
    }

    /**
     * Adds an item without waiting. Mirrors {@code queue.put_nowait(item)}.
     *
     * @param item the item
     * @throws QueueShutDownException if the queue is shut down
     * @throws QueueFullException if the queue is full
     * @throws NullPointerException if {@code item} is null
     * @throws IllegalStateException if called from another loop, or from another thread while the
     *         queue's loop runs
     */
    public void putNowait(T item) {
        Objects.requireNonNull(item, "item");
        checkCaller();
        if (shutDown) {
            throw new QueueShutDownException();
        }
        if (isFull()) {
            throw new QueueFullException();
        }
        if (stack != null) {
            stack.push(item);
        } else {
            items.add(item);
        }
        unfinished++;
        finished.clear();
        wakeNext(getters);
    }

    /**
     * Takes an item, waiting inside the current task while the queue is empty. Mirrors
     * {@code await queue.get()}.
     *
     * <p><b>Cancel safety.</b> Cancelled while it waits, it takes nothing: an item that had just woken it
     * stays in the queue and goes to the next waiting getter, so no item is lost.
     *
     * @return the item
     * @throws QueueShutDownException if the queue is shut down and empty, before the call or while
     *         it waits
     * @throws java.util.concurrent.CancellationException if the task is cancelled while waiting
     */
    public T get() {
        while (isEmpty()) {
            if (shutDown) {
                throw new QueueShutDownException();
            }
            waitIn(getters, () -> !isEmpty());
        }
        return getNowait();
    }

    /**
     * Takes an item without waiting. Mirrors {@code queue.get_nowait()}.
     *
     * @return the item
     * @throws QueueShutDownException if the queue is empty and shut down
     * @throws QueueEmptyException if the queue is empty and not shut down
     * @throws IllegalStateException if called from another loop, or from another thread while the
     *         queue's loop runs
     */
    public T getNowait() {
        checkCaller();
        if (isEmpty()) {
            if (shutDown) {
                throw new QueueShutDownException();
            }
            throw new QueueEmptyException();
        }
        T item = stack != null ? stack.pop() : items.poll();
        wakeNext(putters);
        return item;
    }

    /**
     * Marks one item taken with {@code get} as handled. Mirrors {@code queue.task_done()}.
     *
     * @throws IllegalStateException if called more often than items were put, or from another
     *         loop, or from another thread while the queue's loop runs
     */
    public void taskDone() {
        checkCaller();
        if (unfinished <= 0) {
            throw new IllegalStateException("taskDone() called too many times");
        }
        if (--unfinished == 0) {
            finished.set();
        }
    }

    /**
     * Waits inside the current task until every item put has been marked done. Mirrors
     * {@code await queue.join()}.
     *
     * <p><b>Cancel safety.</b> A cancelled join changes nothing: the items stay counted as unfinished, and
     * other joiners go on waiting.
     *
     * @throws java.util.concurrent.CancellationException if the task is cancelled while waiting
     * @throws IllegalStateException if it must wait outside a task, or the queue belongs to another
     *         loop
     */
    public void join() {
        checkCaller();
        if (unfinished > 0) {
            finished.await();
        }
    }

    /**
     * Shuts the queue down: from now on {@code put} and {@code putNowait} throw
     * {@link QueueShutDownException}, and so do {@code get} and {@code getNowait} once the queue is
     * empty; every task waiting in {@code put} or {@code get} is woken to throw it (a getter only
     * if the queue is empty, which it is whenever getters wait). With {@code immediate} the items
     * still queued are dropped and count as done, as if {@link #taskDone} had been called for each,
     * so {@link #join} returns once no item taken earlier is left unfinished. Without it the
     * queue is wound down normally: the items left are handed out, and {@code join} waits for
     * their {@code taskDone}. Calling it again does no harm. Mirrors
     * {@code queue.shutdown(immediate)} (Python 3.13).
     *
     * <p><b>Cancel safety.</b> It does not wait. A woken waiter that is cancelled before it resumes
     * throws the {@link java.util.concurrent.CancellationException} instead, and leaves nothing behind.
     *
     * <pre>{@code
     * jobs.shutdown(false);     // the workers' get() throws QueueShutDownException once jobs is empty
     * }</pre>
     *
     * @param immediate whether to drop the items still queued, rather than let them be taken
     * @throws IllegalStateException if called from another loop, or from another thread while the
     *         queue's loop runs
     */
    public void shutdown(boolean immediate) {
        checkCaller();
        shutDown = true;
        if (immediate) {
            unfinished = Math.max(0, unfinished - items.size());
            items.clear();
            if (unfinished == 0) {
                finished.set();
            }
        }
        wakeAll(getters);
        wakeAll(putters);
    }

    /** Waits for a turn; on cancellation passes the turn on if the queue could serve someone. */
    private void waitIn(Deque<LoopFuture<Boolean>> waiters, java.util.function.BooleanSupplier couldServe) {
        LoopFuture<Boolean> waiter = boundLoop().createFuture();
        waiters.addLast(waiter);
        try {
            waiter.await();
        } catch (RuntimeException e) {
            waiter.cancel();
            waiters.remove(waiter);
            if (couldServe.getAsBoolean() && !waiter.isCancelled()) {
                wakeNext(waiters);
            }
            throw e;
        }
    }

    private static void wakeAll(Deque<LoopFuture<Boolean>> waiters) {
        while (!waiters.isEmpty()) {
            LoopFuture<Boolean> waiter = waiters.pollFirst();
            if (!waiter.isDone()) {
                waiter.setResult(true);
            }
        }
    }

    private static void wakeNext(Deque<LoopFuture<Boolean>> waiters) {
        while (!waiters.isEmpty()) {
            LoopFuture<Boolean> waiter = waiters.pollFirst();
            if (!waiter.isDone()) {
                waiter.setResult(true);
                return;
            }
        }
    }
}
