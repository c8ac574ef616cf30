package dev.evloop.conformance;

import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.ExceptionContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Debug mode: slow callbacks are logged by name, and handles remember where they were scheduled. */
class DebugModeTest extends BackendTest {

    @Test
    void aSlowCallbackIsLoggedNamingTheCallback() {
        loop.setDebug(true);
        loop.setSlowCallbackDuration(Duration.ofMillis(20));
        try (LogCapture log = new LogCapture()) {
            loop.callSoon(new Named("sleepy-callback", () -> ThreadsafeTest.sleepQuietly(40)));
            loop.runOnce();
            List<String> lines = log.lines();
            assertEquals(1, lines.size(), lines::toString);
            assertTrue(lines.get(0).startsWith("WARNING Executing <Handle sleepy-callback"), lines.get(0));
            assertTrue(lines.get(0).contains("DebugModeTest"), "names where it was scheduled: " + lines.get(0));
        }
    }

    @Test
    void slowCallbacksAreNotTimedOutsideDebugMode() {
        loop.setDebug(false);
        loop.setSlowCallbackDuration(Duration.ZERO);
        try (LogCapture log = new LogCapture()) {
            loop.callSoon(() -> ThreadsafeTest.sleepQuietly(5));
            loop.runOnce();
            assertEquals(List.of(), log.lines());
        }
    }

    @Test
    void inDebugModeAFailingCallbackIsLoggedWithWhereItWasScheduled() {
        loop.setDebug(true);
        try (LogCapture log = new LogCapture()) {
            loop.callSoon(() -> {
                throw new IllegalStateException("broken");
            });
            loop.runOnce();
            assertEquals(1, log.lines().size(), log.lines()::toString);
            String line = log.lines().get(0);
            assertTrue(line.contains("handle created at"), line);
            assertTrue(line.contains("DebugModeTest.inDebugModeAFailingCallbackIsLoggedWithWhereItWasScheduled"), line);
        }
    }

    @Test
    void theDefaultSlowCallbackDurationIsAHundredMilliseconds() {
        assertEquals(Duration.ofMillis(100), loop.slowCallbackDuration());
    }

    @Test
    void theLoopDebugPropertyTurnsDebugModeOnForNewLoops() {
        assertFalse(loop.isDebug());
        String old = System.getProperty("loop.debug");
        System.setProperty("loop.debug", "true");
        try (EventLoop debugLoop = EventLoops.newEventLoop(backend())) {
            assertTrue(debugLoop.isDebug());
        } finally {
            if (old == null) {
                System.clearProperty("loop.debug");
            } else {
                System.setProperty("loop.debug", old);
            }
        }
    }

    @Test
    void exceptionContextsAreImmutable() {
        ExceptionContext base = ExceptionContext.of("m");
        ExceptionContext more = base.with("k", "v");
        assertEquals(null, base.get("k"));
        assertEquals("v", more.get("k"));
    }

    /** A callback with a name, as a user would give one to find it in logs. */
    private record Named(String name, Runnable body) implements Runnable {
        @Override
        public void run() {
            body.run();
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
