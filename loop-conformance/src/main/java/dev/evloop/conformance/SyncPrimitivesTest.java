package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.LoopFuture;
import dev.evloop.Task;
import dev.evloop.TaskMode;
import dev.evloop.sync.AsyncCondition;
import dev.evloop.sync.AsyncEvent;
import dev.evloop.sync.AsyncLock;
import dev.evloop.sync.AsyncQueue;
import dev.evloop.sync.AsyncSemaphore;
import dev.evloop.sync.BoundedSemaphore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Locks, events, conditions and semaphores for tasks: asyncio's rules. */
class SyncPrimitivesTest extends BackendTest {

    @Test
    @SuppressWarnings("try") // a guard is held for its block, as asyncio's `async with lock:`, unnamed in it
    void aLockIsGrantedInFifoOrderAndExcludesOthers() {
        AsyncLock lock = new AsyncLock();
        List<String> ran = new ArrayList<>();
        List<Task<?>> tasks = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            tasks.add(loop.createTask(() -> {
                try (var held = lock.acquire()) {
                    ran.add(name + " in");
                    Async.sleep(Duration.ofMillis(2));
                    ran.add(name + " out");
                }
                return null;
            }));
        }
        loop.runUntilComplete(() -> {
            for (Task<?> t : tasks) {
                t.await();
            }
            return null;
        });
        assertEquals(List.of("a in", "a out", "b in", "b out", "c in", "c out"), ran);
        assertFalse(lock.isLocked());
    }

    @Test
    void releasingAnUnlockedLockFails() {
        AsyncLock lock = new AsyncLock();
        assertThrows(IllegalStateException.class, lock::release);
    }

    @Test
    @SuppressWarnings("try") // a guard is held for its block, as asyncio's `async with lock:`, unnamed in it
    void aCancelledWaiterPassesTheLockOn() {
        AsyncLock lock = new AsyncLock();
        List<String> ran = new ArrayList<>();
        Task<?> holder = loop.createTask(() -> {
            lock.acquire();
            Async.sleep(Duration.ofMillis(10));
            lock.release();
            return null;
        });
        Task<?> cancelled = loop.createTask(() -> {
            lock.acquire();
            ran.add("cancelled waiter got the lock");
            return null;
        });
        Task<?> next = loop.createTask(() -> {
            try (var held = lock.acquire()) {
                ran.add("next got the lock");
            }
            return null;
        });
        loop.callLater(0.002, cancelled::cancel);
        loop.runUntilComplete(next);
        assertTrue(holder.isDone() && cancelled.isCancelled());
        assertEquals(List.of("next got the lock"), ran);
    }

    @Test
    void aLockBelongsToTheLoopItWasFirstUsedOn() {
        AsyncLock lock = new AsyncLock();
        loop.runUntilComplete(() -> lock.acquire());
        try (EventLoop other = EventLoops.newEventLoop(backend())) {
            Task<?> t = other.createTask(lock::acquire);
            assertThrows(IllegalStateException.class, () -> other.runUntilComplete(t));
        }
    }

    @Test
    void everyPrimitiveRefusesACallFromAnotherThreadWhileItsLoopRuns() {
        AsyncLock lock = new AsyncLock();
        AsyncSemaphore semaphore = new AsyncSemaphore(1);
        AsyncEvent event = new AsyncEvent();
        AsyncCondition condition = new AsyncCondition();
        AsyncQueue<Integer> queue = AsyncQueue.fifo(0);
        Map<String, Runnable> calls = new LinkedHashMap<>();
        calls.put("lock.release", lock::release);
        calls.put("semaphore.release", semaphore::release);
        calls.put("event.set", event::set);
        calls.put("event.clear", event::clear);
        calls.put("condition.signal", condition::signal);
        calls.put("queue.putNowait", () -> queue.putNowait(2));
        calls.put("queue.getNowait", queue::getNowait);
        calls.put("queue.taskDone", queue::taskDone);
        Map<String, String> refused = loop.runUntilComplete(() -> {
            lock.acquire();
            semaphore.acquire();
            event.set();
            condition.acquire();
            queue.put(1);
            Map<String, String> outcome = new LinkedHashMap<>();
            LoopFuture.wrap(CompletableFuture.runAsync(() -> calls.forEach((name, call) -> {
                try {
                    call.run();
                    outcome.put(name, "accepted");
                } catch (RuntimeException e) {
                    outcome.put(name, e.getClass().getSimpleName());
                }
            }), Thread::startVirtualThread)).await();
            return outcome;
        });
        Map<String, String> expected = new LinkedHashMap<>();
        calls.keySet().forEach(name -> expected.put(name, "IllegalStateException"));
        assertEquals(expected, refused);
    }

    @Test
    void anEventWakesEveryWaiter() {
        AsyncEvent event = new AsyncEvent();
        List<String> woke = new ArrayList<>();
        for (String name : List.of("a", "b")) {
            loop.createTask(() -> {
                event.await();
                woke.add(name);
                return null;
            });
        }
        loop.runUntilComplete(() -> {
            Async.sleep(Duration.ofMillis(2));
            event.set();
            Async.yieldNow();
            return null;
        });
        assertEquals(List.of("a", "b"), woke);
        assertTrue(event.isSet());
        event.clear();
        assertFalse(event.isSet());
    }

    @Test
    void waitingForASetEventReturnsAtOnce() {
        AsyncEvent event = new AsyncEvent();
        event.set();
        assertTrue(loop.runUntilComplete(event::await));
    }

    @Test
    @SuppressWarnings("try") // a guard is held for its block, as asyncio's `async with lock:`, unnamed in it
    void aConditionWakesWaitersWhenSignalledAndTheyHoldTheLockAgain() {
        AsyncCondition condition = new AsyncCondition();
        List<Integer> box = new ArrayList<>();
        Task<Integer> consumer = loop.createTask(() -> {
            try (var held = condition.acquire()) {
                condition.waitFor(() -> !box.isEmpty());
                assertTrue(condition.isLocked());
                return box.remove(0);
            }
        });
        loop.createTask(() -> {
            Async.sleep(Duration.ofMillis(2));
            try (var held = condition.acquire()) {
                box.add(7);
                condition.signal();
            }
            return null;
        });
        assertEquals(7, loop.runUntilComplete(consumer));
    }

    @Test
    @SuppressWarnings("try") // a guard is held for its block, as asyncio's `async with lock:`, unnamed in it
    void signalAllWakesEveryWaiter() {
        AsyncCondition condition = new AsyncCondition();
        int[] woke = new int[1];
        List<Task<?>> waiters = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiters.add(loop.createTask(() -> {
                try (var held = condition.acquire()) {
                    condition.await();
                    woke[0]++;
                }
                return null;
            }));
        }
        loop.runUntilComplete(() -> {
            Async.sleep(Duration.ofMillis(2));
            try (var held = condition.acquire()) {
                condition.signalAll();
            }
            for (Task<?> t : waiters) {
                t.await();
            }
            return null;
        });
        assertEquals(3, woke[0]);
    }

    @Test
    void waitingOnAConditionWithoutTheLockFails() {
        AsyncCondition condition = new AsyncCondition();
        Task<?> t = loop.createTask(() -> {
            condition.await();
            return null;
        });
        assertThrows(IllegalStateException.class, () -> loop.runUntilComplete(t));
    }

    @Test
    void aCancelledConditionWaiterStillHoldsTheLockAfterwards() {
        AsyncCondition condition = new AsyncCondition();
        boolean[] heldAfterCancel = new boolean[1];
        Task<?> t = loop.createTask(() -> {
            condition.acquire();
            try {
                condition.await();
            } catch (CancellationException e) {
                heldAfterCancel[0] = condition.isLocked();
                condition.release();
                throw e;
            }
            return null;
        });
        loop.callLater(0.002, t::cancel);
        assertThrows(CancellationException.class, () -> loop.runUntilComplete(t));
        assertTrue(heldAfterCancel[0]);
    }

    @Test
    @SuppressWarnings("try") // a guard is held for its block, as asyncio's `async with lock:`, unnamed in it
    void aSemaphoreLetsAtMostItsPermitsIn() {
        AsyncSemaphore semaphore = new AsyncSemaphore(2);
        int[] inside = new int[1];
        int[] most = new int[1];
        List<Task<?>> tasks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            tasks.add(loop.createTask(() -> {
                try (var permit = semaphore.acquire()) {
                    most[0] = Math.max(most[0], ++inside[0]);
                    Async.sleep(Duration.ofMillis(2));
                    inside[0]--;
                }
                return null;
            }));
        }
        loop.runUntilComplete(() -> {
            for (Task<?> t : tasks) {
                t.await();
            }
            return null;
        });
        assertEquals(2, most[0]);
        assertEquals(2, semaphore.availablePermits());
    }

    @Test
    @SuppressWarnings("try") // a guard is held for its block, as asyncio's `async with lock:`, unnamed in it
    void anUncontendedAcquireAndReleaseOfALockOrASemaphoreAllocateNothing() {
        // Allocation is counted, not timed: the host's load does not move it. In fast mode the
        // loop's thread carries the task, so its count is the task's; in fallback mode a thread of
        // the JDK's pool carries it.
        assumeTrue(loop.metrics().taskMode() == TaskMode.FAST, "a task's allocations are counted on the loop's thread");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long loopThread = Thread.currentThread().threadId();
        AsyncLock lock = new AsyncLock();
        AsyncSemaphore semaphore = new AsyncSemaphore(2);
        int rounds = 10_000;
        long[] allocated = loop.runUntilComplete(() -> {
            long[] bytes = new long[2];
            for (int pass = 0; pass < 3; pass++) { // the last pass counts, once the code is compiled
                long before = threads.getThreadAllocatedBytes(loopThread);
                for (int i = 0; i < rounds; i++) {
                    try (var held = lock.acquire()) {
                        // nothing: the acquire and release are measured
                    }
                }
                long between = threads.getThreadAllocatedBytes(loopThread);
                for (int i = 0; i < rounds; i++) {
                    try (var permit = semaphore.acquire()) {
                        // nothing
                    }
                }
                bytes[0] = between - before;
                bytes[1] = threads.getThreadAllocatedBytes(loopThread) - between;
            }
            return bytes;
        });
        assertTrue(allocated[0] < rounds && allocated[1] < rounds,
                "bytes per 10,000 uncontended rounds: lock " + allocated[0] + ", semaphore " + allocated[1]);
    }

    @Test
    void aBoundedSemaphoreRefusesOneReleaseTooMany() {
        BoundedSemaphore semaphore = new BoundedSemaphore(1);
        loop.runUntilComplete(() -> {
            semaphore.acquire();
            semaphore.release();
            return null;
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, semaphore::release);
        assertTrue(e.getMessage().contains("too many"), e.getMessage());
    }

    @Test
    void aNegativeNumberOfPermitsIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new AsyncSemaphore(-1));
    }
}
