package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.Runner;
import dev.evloop.Task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** EventLoops.run and Runner: asyncio.run and asyncio.Runner. */
class RunTest extends BackendTest {

    @Test
    void runReturnsTheResultOfMainAndClosesItsLoop() {
        EventLoop[] used = new EventLoop[1];
        String r = EventLoops.run(() -> {
            used[0] = Async.currentLoop();
            Async.sleep(Duration.ofMillis(1));
            return "hello";
        });
        assertEquals("hello", r);
        assertEquals(backend(), used[0].backend());
        assertTrue(used[0].isClosed());
        assertThrows(IllegalStateException.class, EventLoops::getEventLoop, "the current loop is cleared");
    }

    @Test
    void runCancelsTheTasksLeftOverAndWaitsForTheirCleanup() {
        List<String> ran = new ArrayList<>();
        EventLoops.run(() -> {
            Async.spawn(() -> {
                try {
                    Async.sleep(Duration.ofHours(1));
                } finally {
                    Async.sleep(Duration.ofMillis(2));
                    ran.add("leftover cleaned up");
                }
                return null;
            });
            Async.yieldNow();
            return null;
        });
        assertEquals(List.of("leftover cleaned up"), ran);
    }

    @Test
    void aLeftoverTaskThatFailsWhileCancelledIsReported() {
        List<String> reported = new ArrayList<>();
        EventLoops.run(() -> {
            Async.currentLoop().setExceptionHandler((l, c) -> reported.add(c.message()));
            Async.spawn(() -> {
                try {
                    Async.sleep(Duration.ofHours(1));
                } catch (CancellationException cancelled) {
                    // run's shutdown cancels the task; its cleanup then fails, below
                }
                throw new IllegalStateException("cleanup failed");
            });
            Async.yieldNow();
            return null;
        });
        assertEquals(List.of("unhandled exception during EventLoops.run() shutdown"), reported);
    }

    @Test
    void runShutsTheDefaultExecutorDown() {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        EventLoops.run(() -> {
            Async.currentLoop().setDefaultExecutor(pool);
            return Async.currentLoop().runInExecutor(null, () -> "off the loop").await();
        });
        assertTrue(pool.isShutdown());
    }

    @Test
    void runIsRefusedInsideARunningLoop() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> loop.runUntilComplete(() -> EventLoops.run(() -> 1)));
        assertTrue(e.getMessage().contains("running event loop"), e.getMessage());
    }

    @Test
    void aRunnerRunsSeveralFunctionsOnOneLoopAndClosesIt() {
        EventLoop first;
        try (Runner runner = new Runner()) {
            first = runner.run(Async::currentLoop);
            assertSame(first, runner.run(Async::currentLoop));
            assertSame(first, EventLoops.getEventLoop(), "the runner's loop is the thread's current loop");
        }
        assertTrue(first.isClosed());
    }

    @Test
    void aClosedRunnerRefusesToRun() {
        Runner runner = new Runner();
        runner.close();
        assertThrows(IllegalStateException.class, () -> runner.run(() -> 1));
    }

    @Test
    void runWithALoopFactoryRunsMainOnTheFactorysLoopAndClosesIt() {
        EventLoop[] made = new EventLoop[1];
        EventLoop[] used = new EventLoop[1];
        int r = EventLoops.run(() -> {
            used[0] = Async.currentLoop();
            Async.sleep(Duration.ofMillis(1));
            return 42;
        }, () -> made[0] = EventLoops.newEventLoop(backend()));
        assertEquals(42, r);
        assertSame(made[0], used[0]);
        assertTrue(made[0].isClosed());
    }

    @Test
    void aLoopFromAFactoryIsNotMadeThePolicysCurrentLoop() {
        try (Runner runner = new Runner(() -> EventLoops.newEventLoop(backend()))) {
            runner.run(() -> 1);
            assertThrows(IllegalStateException.class, EventLoops::getEventLoop,
                    "asyncio.Runner with a loop_factory leaves the policy's loop alone");
        }
    }

    @Test
    void aRunnerCallsItsLoopFactoryOnceAndCancelsTheLeftoverTasksOnClose() {
        int[] calls = new int[1];
        Task<?>[] leftover = new Task<?>[1];
        try (Runner runner = new Runner(() -> {
            calls[0]++;
            return EventLoops.newEventLoop(backend());
        })) {
            runner.run(() -> leftover[0] = Async.spawn(() -> {
                Async.sleep(Duration.ofHours(1));
                return null;
            }));
            assertSame(runner.loop(), runner.run(Async::currentLoop));
        }
        assertEquals(1, calls[0]);
        assertTrue(leftover[0].isCancelled());
    }

    @Test
    void aLoopFactoryThatReturnsNothingIsRefusedByName() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> EventLoops.run(() -> 1, () -> null));
        assertTrue(e.getMessage().contains("loopFactory"), e.getMessage());
    }

    @Test
    void aLoopFactoryThatReturnsAClosedLoopIsRefused() {
        EventLoop closed = EventLoops.newEventLoop(backend());
        closed.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> EventLoops.run(() -> 1, () -> closed));
        assertTrue(e.getMessage().contains("closed loop"), e.getMessage());
    }

    @Test
    void runWithANullLoopFactoryIsRefusedByName() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> EventLoops.run(() -> 1, null));
        assertEquals("loopFactory", e.getMessage());
    }
}
