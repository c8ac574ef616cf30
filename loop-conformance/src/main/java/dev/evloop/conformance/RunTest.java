package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.Runner;
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
}
