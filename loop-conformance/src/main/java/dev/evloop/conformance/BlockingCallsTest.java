package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.Task;
import dev.evloop.TaskMode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/** What a blocking JDK call inside a task does, in each task mode. */
class BlockingCallsTest extends BackendTest {

    @Test
    void inFastModeAThreadSleepParksOnlyItsTask() {
        assumeTrue(mode() == TaskMode.FAST, "fast mode");
        List<String> ran = new ArrayList<>();
        Task<?> sleeper = loop.createTask(() -> {
            Thread.sleep(Duration.ofSeconds(30)); // the ticker cancels it long before
            ran.add("sleeper woke");
            return null;
        });
        Task<?> ticker = loop.createTask(() -> {
            for (int i = 0; i < 5; i++) {
                Async.sleep(Duration.ofMillis(10));
                ran.add("tick " + i);
            }
            sleeper.cancel();
            return null;
        });
        loop.runUntilComplete(ticker);
        assertThrows(CancellationException.class, () -> loop.runUntilComplete(sleeper));
        assertEquals(List.of("tick 0", "tick 1", "tick 2", "tick 3", "tick 4"), ran);
    }

    @Test
    void inFastModeCancellingATaskBlockedInAJdkCallInterruptsIt() {
        assumeTrue(mode() == TaskMode.FAST, "fast mode");
        BlockingQueue<String> queue = new ArrayBlockingQueue<>(1);
        List<String> ran = new ArrayList<>();
        Task<String> taker = loop.createTask(() -> {
            try {
                return queue.take();
            } finally {
                ran.add("finally");
            }
        });
        loop.callLater(0.01, taker::cancel);
        assertThrows(CancellationException.class, () -> loop.runUntilComplete(taker));
        assertTrue(taker.isCancelled());
        assertEquals(List.of("finally"), ran);
    }

    @Test
    void inFastModeABlockingQueueHandsOverBetweenTasks() {
        assumeTrue(mode() == TaskMode.FAST, "fast mode");
        BlockingQueue<Integer> queue = new ArrayBlockingQueue<>(1);
        Task<Integer> consumer = loop.createTask(() -> {
            int sum = 0;
            for (int i = 0; i < 100; i++) {
                sum += queue.take();
            }
            return sum;
        });
        loop.createTask(() -> {
            for (int i = 1; i <= 100; i++) {
                queue.put(i);
            }
            return null;
        });
        assertEquals(5050, loop.runUntilComplete(consumer));
    }

    @Test
    void inFastModeAContendedLockParksOnlyTheWaitingTask() {
        assumeTrue(mode() == TaskMode.FAST, "fast mode");
        ReentrantLock lock = new ReentrantLock();
        List<String> ran = new ArrayList<>();
        Task<?> holder = loop.createTask(() -> {
            lock.lock();
            try {
                ran.add("holder locked");
                Async.sleep(Duration.ofMillis(20));
                ran.add("holder unlocks");
            } finally {
                lock.unlock();
            }
            return null;
        });
        Task<?> waiter = loop.createTask(() -> {
            lock.lock();
            try {
                ran.add("waiter locked");
            } finally {
                lock.unlock();
            }
            return null;
        });
        loop.runUntilComplete(waiter);
        assertTrue(holder.isDone());
        assertEquals(List.of("holder locked", "holder unlocks", "waiter locked"), ran);
    }

    @Test
    void inFallbackModeABlockingCallHoldsTheLoopAndDebugModeReportsIt() {
        assumeTrue(mode() == TaskMode.FALLBACK, "fallback mode");
        loop.setDebug(true);
        loop.setSlowCallbackDuration(Duration.ofMillis(20));
        List<String> ran = new ArrayList<>();
        try (LogCapture log = new LogCapture()) {
            loop.callLater(0.001, () -> ran.add("timer"));
            loop.runUntilComplete(loop.createTask("blocker", () -> {
                Thread.sleep(50);
                ran.add("task slept");
                return null;
            }));
            assertEquals("task slept", ran.get(0), "the loop waited for the blocking call");
            assertTrue(log.lines().stream().anyMatch(l -> l.startsWith("WARNING Executing <Handle step of task blocker")
                    && l.contains("took")), log.lines()::toString);
        }
    }
}
