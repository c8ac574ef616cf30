package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.Task;
import dev.evloop.sync.AsyncQueue;
import dev.evloop.sync.QueueEmptyException;
import dev.evloop.sync.QueueFullException;
import dev.evloop.sync.QueueShutDownException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

/** AsyncQueue: asyncio.Queue's rules, in FIFO, LIFO and priority order. */
class AsyncQueueTest extends BackendTest {

    private <T> List<T> drain(AsyncQueue<T> queue) {
        List<T> out = new ArrayList<>();
        while (!queue.isEmpty()) {
            out.add(queue.getNowait());
        }
        return out;
    }

    @Test
    void fifoLifoAndPriorityQueuesHandOutInTheirOrder() {
        AsyncQueue<Integer> fifo = AsyncQueue.fifo(0);
        AsyncQueue<Integer> lifo = AsyncQueue.lifo(0);
        AsyncQueue<Integer> priority = AsyncQueue.priority(0, Comparator.naturalOrder());
        for (int i : new int[] {2, 3, 1}) {
            fifo.putNowait(i);
            lifo.putNowait(i);
            priority.putNowait(i);
        }
        assertEquals(List.of(2, 3, 1), drain(fifo));
        assertEquals(List.of(1, 3, 2), drain(lifo));
        assertEquals(List.of(1, 2, 3), drain(priority));
    }

    @Test
    void getWaitsForAnItem() {
        AsyncQueue<String> queue = AsyncQueue.fifo(0);
        Task<String> getter = loop.createTask(queue::get);
        loop.callLater(0.005, () -> queue.putNowait("late"));
        assertEquals("late", loop.runUntilComplete(getter));
    }

    @Test
    void putWaitsWhileTheQueueIsFull() {
        AsyncQueue<Integer> queue = AsyncQueue.fifo(2);
        List<String> ran = new ArrayList<>();
        Task<?> producer = loop.createTask(() -> {
            for (int i = 0; i < 4; i++) {
                queue.put(i);
                ran.add("put " + i);
            }
            return null;
        });
        Task<?> consumer = loop.createTask(() -> {
            Async.sleep(0.005);
            ran.add("got " + queue.get());
            ran.add("got " + queue.get());
            return null;
        });
        loop.runUntilComplete(consumer);
        loop.runUntilComplete(producer);
        assertEquals(List.of("put 0", "put 1", "got 0", "got 1", "put 2", "put 3"), ran);
        assertEquals(2, queue.size());
        assertTrue(queue.isFull());
    }

    @Test
    void theNowaitMethodsFailWithQueueEmptyAndQueueFull() {
        AsyncQueue<Integer> queue = AsyncQueue.fifo(1);
        assertThrows(QueueEmptyException.class, queue::getNowait);
        queue.putNowait(1);
        assertThrows(QueueFullException.class, () -> queue.putNowait(2));
    }

    @Test
    void joinWaitsUntilEveryItemIsMarkedDone() {
        AsyncQueue<Integer> queue = AsyncQueue.fifo(0);
        List<Integer> handled = new ArrayList<>();
        loop.createTask(() -> {
            while (true) {
                int item = queue.get();
                Async.sleep(0.001);
                handled.add(item);
                queue.taskDone();
            }
        });
        loop.runUntilComplete(() -> {
            for (int i = 0; i < 5; i++) {
                queue.put(i);
            }
            queue.join();
            return null;
        });
        assertEquals(List.of(0, 1, 2, 3, 4), handled);
    }

    @Test
    void taskDoneMoreOftenThanPutFails() {
        AsyncQueue<Integer> queue = AsyncQueue.fifo(0);
        assertThrows(IllegalStateException.class, queue::taskDone);
    }

    @Test
    void joinOnAnotherLoopThanTheQueuesIsRefusedInsteadOfWaitingForever() {
        AsyncQueue<Integer> queue = AsyncQueue.fifo(0);
        loop.runUntilComplete(() -> {
            queue.put(1);
            return null;
        });
        try (EventLoop other = EventLoops.newEventLoop(backend())) {
            Task<?> join = other.createTask(() -> {
                queue.join();
                return null;
            });
            assertThrows(IllegalStateException.class, () -> other.runUntilComplete(() -> Async.waitFor(join, GUARD)));
        }
    }

    @Test
    void putNowaitOnAnotherLoopThanTheQueuesIsRefused() {
        AsyncQueue<Integer> queue = AsyncQueue.fifo(0);
        loop.runUntilComplete(() -> {
            queue.put(1);
            return null;
        });
        try (EventLoop other = EventLoops.newEventLoop(backend())) {
            assertThrows(IllegalStateException.class, () -> other.runUntilComplete(() -> {
                queue.putNowait(2);
                return null;
            }));
        }
        assertEquals(1, queue.size());
    }

    @Test
    void aCancelledGetterDoesNotSwallowAnItem() {
        AsyncQueue<String> queue = AsyncQueue.fifo(0);
        Task<String> cancelled = loop.createTask(queue::get);
        Task<String> other = loop.createTask(queue::get);
        loop.callLater(0.002, cancelled::cancel);
        loop.callLater(0.004, () -> queue.putNowait("item"));
        assertEquals("item", loop.runUntilComplete(other));
        assertThrows(CancellationException.class, cancelled::result);
    }

    @Test
    void afterShutdownPutAndPutNowaitRaiseQueueShutDown() {
        AsyncQueue<Integer> queue = AsyncQueue.fifo(0);
        queue.shutdown(false);
        assertThrows(QueueShutDownException.class, () -> queue.putNowait(1));
        assertThrows(QueueShutDownException.class, () -> loop.runUntilComplete(() -> {
            queue.put(1);
            return null;
        }));
        assertEquals(0, queue.size());
    }

    @Test
    void afterShutdownGetHandsOutTheItemsLeftThenRaisesQueueShutDown() {
        AsyncQueue<Integer> queue = AsyncQueue.fifo(0);
        queue.putNowait(1);
        queue.putNowait(2);
        queue.shutdown(false);
        assertEquals(List.of(1, 2), loop.runUntilComplete(() -> List.of(queue.get(), queue.getNowait())));
        assertThrows(QueueShutDownException.class, () -> loop.runUntilComplete(queue::get));
        assertThrows(QueueShutDownException.class, queue::getNowait);
    }

    @Test
    void shutdownWakesEveryWaitingGetterAndPutterToRaiseQueueShutDown() {
        AsyncQueue<Integer> empty = AsyncQueue.fifo(0);
        AsyncQueue<Integer> full = AsyncQueue.fifo(1);
        full.putNowait(0);
        // Created first, so each has run to its wait before the task below shuts the queues down.
        List<Task<Integer>> waiters = List.of(loop.createTask(empty::get), loop.createTask(empty::get),
                loop.createTask(() -> {
                    full.put(1);
                    return 1;
                }), loop.createTask(() -> {
                    full.put(2);
                    return 2;
                }));
        loop.runUntilComplete(() -> {
            assertTrue(waiters.stream().noneMatch(Task::isDone), "every waiter waits");
            empty.shutdown(false);
            full.shutdown(false);
            return null;
        });
        for (Task<Integer> waiter : waiters) {
            assertThrows(QueueShutDownException.class, () -> loop.runUntilComplete(() -> Async.waitFor(waiter, GUARD)));
        }
        assertEquals(List.of(0), drain(full));
    }

    @Test
    void anImmediateShutdownDropsTheItemsLeftAndReleasesJoin() {
        AsyncQueue<Integer> queue = AsyncQueue.fifo(0);
        for (int i = 1; i <= 3; i++) {
            queue.putNowait(i);
        }
        Task<String> joiner = loop.createTask(() -> {
            queue.join();
            return "joined";
        });
        loop.runUntilComplete(() -> {
            queue.getNowait();
            queue.taskDone(); // the one item taken is done; the two left are dropped
            queue.shutdown(true);
            return null;
        });
        assertEquals("joined", loop.runUntilComplete(() -> Async.waitFor(joiner, GUARD)));
        assertEquals(0, queue.size());
        assertThrows(QueueShutDownException.class, queue::getNowait);
    }

    @Test
    void anImmediateShutdownLeavesJoinWaitingForAnItemTakenAndNotYetDone() {
        AsyncQueue<Integer> queue = AsyncQueue.fifo(0);
        queue.putNowait(1);
        queue.putNowait(2);
        Task<String> joiner = loop.createTask(() -> {
            queue.join();
            return "joined";
        });
        boolean joinedBeforeTaskDone = loop.runUntilComplete(() -> {
            queue.getNowait(); // taken, still being handled
            queue.shutdown(true);
            Async.yieldNow();
            Async.yieldNow();
            boolean joined = joiner.isDone();
            queue.taskDone();
            return joined;
        });
        assertFalse(joinedBeforeTaskDone);
        assertEquals("joined", loop.runUntilComplete(() -> Async.waitFor(joiner, GUARD)));
    }

    @Test
    void aNegativeMaxSizeIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> AsyncQueue.fifo(-1));
    }
}
