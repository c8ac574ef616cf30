package dev.evloop.conformance;

import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.LoopFuture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.Test;

/** Running, stopping and closing: asyncio's rules. */
class LifecycleTest extends BackendTest {

    @Test
    void stopLetsTheCurrentIterationFinish() {
        List<String> ran = new ArrayList<>();
        loop.callSoon(() -> {
            ran.add("stopper");
            loop.stop();
        });
        loop.callSoon(() -> ran.add("same iteration"));
        loop.callSoon(() -> loop.callSoon(() -> ran.add("next iteration")));
        runGuarded();
        assertEquals(List.of("stopper", "same iteration"), ran);
        assertEquals(1, loop.metrics().iterations());
    }

    @Test
    void stopBeforeRunForeverMakesItRunOneIteration() {
        List<String> ran = new ArrayList<>();
        loop.callSoon(() -> ran.add("ready"));
        loop.callLater(Duration.ofHours(1), () -> ran.add("far timer"));
        loop.stop();
        loop.runForever();
        assertEquals(List.of("ready"), ran);
        assertEquals(1, loop.metrics().iterations());
    }

    @Test
    void theLoopRunsAgainAfterItWasStopped() {
        loop.callSoon(loop::stop);
        loop.runForever();
        List<String> ran = new ArrayList<>();
        loop.callSoon(() -> {
            ran.add("second run");
            loop.stop();
        });
        runGuarded();
        assertEquals(List.of("second run"), ran);
    }

    @Test
    void isRunningIsTrueOnlyWhileRunning() {
        boolean[] during = new boolean[1];
        loop.callSoon(() -> {
            during[0] = loop.isRunning();
            loop.stop();
        });
        assertFalse(loop.isRunning());
        runGuarded();
        assertTrue(during[0]);
        assertFalse(loop.isRunning());
    }

    @Test
    void runningALoopThatIsAlreadyRunningFails() {
        Throwable[] failure = new Throwable[1];
        loop.callSoon(() -> {
            try {
                loop.runForever();
            } catch (Throwable e) {
                failure[0] = e;
            }
            loop.stop();
        });
        runGuarded();
        assertTrue(failure[0] instanceof IllegalStateException, String.valueOf(failure[0]));
        assertTrue(failure[0].getMessage().contains("already running"), failure[0].getMessage());
    }

    @Test
    void runningASecondLoopOnAThreadThatRunsOneFails() {
        Throwable[] failure = new Throwable[1];
        try (EventLoop other = EventLoops.newEventLoop(backend())) {
            loop.callSoon(() -> {
                try {
                    other.runOnce(false);
                } catch (Throwable e) {
                    failure[0] = e;
                }
                loop.stop();
            });
            runGuarded();
        }
        assertTrue(failure[0] instanceof IllegalStateException, String.valueOf(failure[0]));
        assertTrue(failure[0].getMessage().contains("another loop is running"), failure[0].getMessage());
    }

    @Test
    void closingARunningLoopFails() {
        Throwable[] failure = new Throwable[1];
        loop.callSoon(() -> {
            try {
                loop.close();
            } catch (Throwable e) {
                failure[0] = e;
            }
            loop.stop();
        });
        runGuarded();
        assertTrue(failure[0] instanceof IllegalStateException, String.valueOf(failure[0]));
        assertFalse(loop.isClosed());
    }

    @Test
    void everythingAfterCloseFailsWithEventLoopIsClosed() {
        loop.close();
        assertTrue(loop.isClosed());
        LoopFuture<?> future = new LoopFuture<>(loop);
        List<Executable> calls = List.of(
                () -> loop.callSoon(() -> { }),
                () -> loop.callSoonThreadsafe(() -> { }),
                () -> loop.callLater(Duration.ofMillis(1), () -> { }),
                () -> loop.callLater(0.001, () -> { }),
                () -> loop.callAt(loop.time(), () -> { }),
                loop::runForever,
                () -> loop.runOnce(),
                () -> loop.runOnce(false),
                () -> loop.runUntilComplete(future),
                loop::stop,
                loop::createFuture);
        for (Executable call : calls) {
            IllegalStateException e = assertThrows(IllegalStateException.class, call::execute);
            assertEquals("event loop is closed", e.getMessage());
        }
    }

    @Test
    void closingTwiceIsFine() {
        loop.close();
        loop.close();
        assertTrue(loop.isClosed());
    }

    @Test
    void closeDropsPendingCallbacksAndTimers() {
        loop.callSoon(() -> { });
        loop.callLater(Duration.ofHours(1), () -> { });
        loop.close();
        assertEquals(0, loop.metrics().readyCallbacks());
        assertEquals(0, loop.metrics().scheduledTimers());
    }

    @Test
    void closingLoopsReleasesTheirFileDescriptors() throws IOException {
        OpenFileDescriptors.assumeCountable();
        // Warm up: the first loop loads native libraries and opens files that stay open.
        try (EventLoop warm = EventLoops.newEventLoop(backend())) {
            warm.runOnce(false);
        }
        long before = OpenFileDescriptors.count();
        for (int i = 0; i < 50; i++) {
            EventLoop l = EventLoops.newEventLoop(backend());
            l.callSoonThreadsafe(() -> { });
            l.runOnce(false);
            l.close();
        }
        assertEquals(before, OpenFileDescriptors.count());
    }

    @Test
    void runUntilCompleteReturnsTheFutureResult() {
        LoopFuture<String> f = loop.createFuture();
        loop.callLater(Duration.ofMillis(5), () -> f.setResult("done"));
        assertEquals("done", loop.runUntilComplete(f));
        assertFalse(loop.isRunning());
    }

    @Test
    void runUntilCompleteThrowsTheFutureException() {
        LoopFuture<String> f = loop.createFuture();
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        loop.callSoon(() -> f.setException(boom));
        assertSame(boom, assertThrows(IllegalArgumentException.class, () -> loop.runUntilComplete(f)));
    }

    @Test
    void runUntilCompleteOfACancelledFutureThrowsCancellation() {
        LoopFuture<String> f = loop.createFuture();
        loop.callSoon(f::cancel);
        assertThrows(CancellationException.class, () -> loop.runUntilComplete(f));
    }

    @Test
    void runUntilCompleteFailsIfTheLoopStopsFirst() {
        LoopFuture<String> f = loop.createFuture();
        loop.callSoon(loop::stop);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.runUntilComplete(f));
        assertTrue(e.getMessage().contains("stopped before the future completed"), e.getMessage());
    }

    @Test
    void runUntilCompleteRejectsAFutureOfAnotherLoop() {
        try (EventLoop other = EventLoops.newEventLoop(backend())) {
            LoopFuture<String> f = other.createFuture();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loop.runUntilComplete(f));
            assertTrue(e.getMessage().startsWith("future"), e.getMessage());
        }
    }

    @Test
    void getRunningLoopInsideACallbackIsTheLoop() {
        EventLoop[] seen = new EventLoop[2];
        loop.callSoon(() -> {
            seen[0] = EventLoops.getRunningLoop();
            seen[1] = EventLoops.getEventLoop();
            loop.stop();
        });
        runGuarded();
        assertSame(loop, seen[0]);
        assertSame(loop, seen[1]);
        assertThrows(IllegalStateException.class, EventLoops::getRunningLoop);
    }

    @Test
    void theLoopNamesItsBackend() {
        assertEquals(backend(), loop.backend());
    }
}
