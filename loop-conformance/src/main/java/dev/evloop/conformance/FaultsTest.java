package dev.evloop.conformance;

import dev.evloop.ExceptionContext;
import dev.evloop.Handle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/** A fault in user code never kills the loop. */
class FaultsTest extends BackendTest {

    @Test
    void aThrowingCallbackReachesTheExceptionHandlerWithItsContextAndTheLoopGoesOn() {
        List<ExceptionContext> contexts = new ArrayList<>();
        loop.setExceptionHandler((l, context) -> contexts.add(context));
        RuntimeException boom = new RuntimeException("boom");
        List<String> ran = new ArrayList<>();
        Handle failing = loop.callSoon(() -> {
            throw boom;
        });
        loop.callSoon(() -> ran.add("after the failure"));
        loop.callLater(0.001, () -> ran.add("a later timer"));
        loop.callLater(0.002, loop::stop);
        runGuarded();
        assertEquals(List.of("after the failure", "a later timer"), ran);
        assertEquals(1, contexts.size());
        ExceptionContext context = contexts.get(0);
        assertSame(boom, context.exception());
        assertEquals(failing, context.get(ExceptionContext.HANDLE));
        assertTrue(context.message().startsWith("Exception in callback"), context.message());
    }

    @Test
    void aThrowingTimerCallbackReachesTheExceptionHandler() {
        List<Throwable> seen = new ArrayList<>();
        loop.setExceptionHandler((l, context) -> seen.add(context.exception()));
        Error error = new AssertionError("from a timer");
        loop.callLater(0.001, () -> {
            throw error;
        });
        loop.callLater(0.002, loop::stop);
        runGuarded();
        assertEquals(List.of(error), seen);
    }

    @Test
    void aThrowingExceptionHandlerDoesNotKillTheLoopAndIsLogged() {
        loop.setExceptionHandler((l, context) -> {
            throw new IllegalStateException("handler broke");
        });
        List<String> ran = new ArrayList<>();
        try (LogCapture log = new LogCapture()) {
            loop.callSoon(() -> {
                throw new RuntimeException("callback broke");
            });
            loop.callSoon(() -> ran.add("still running"));
            loop.callSoon(() -> loop.callSoon(loop::stop));
            runGuarded();
            assertEquals(List.of("still running"), ran);
            assertTrue(log.lines().stream().anyMatch(l -> l.contains("Unhandled error in exception handler")
                    && l.contains("handler broke")), log.lines().toString());
        }
    }

    @Test
    void theDefaultHandlerLogsTheMessageTheContextAndTheExceptionAtError() {
        try (LogCapture log = new LogCapture()) {
            RuntimeException boom = new RuntimeException("boom");
            loop.callExceptionHandler(ExceptionContext.of("something failed", boom).with("peer", "10.0.0.1"));
            assertEquals(1, log.records().size());
            var record = log.records().get(0);
            assertEquals(Level.SEVERE, record.getLevel());
            assertSame(boom, record.getThrown());
            assertTrue(record.getMessage().contains("something failed"), record.getMessage());
            assertTrue(record.getMessage().contains("peer: 10.0.0.1"), record.getMessage());
        }
    }

    @Test
    void resettingTheHandlerToNullRestoresTheDefault() {
        loop.setExceptionHandler((l, c) -> { });
        loop.setExceptionHandler(null);
        assertEquals(null, loop.getExceptionHandler());
        try (LogCapture log = new LogCapture()) {
            loop.callExceptionHandler(ExceptionContext.of("logged"));
            assertEquals(1, log.records().size());
        }
    }
}
