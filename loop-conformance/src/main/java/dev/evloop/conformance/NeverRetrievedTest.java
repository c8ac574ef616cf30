package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.ExceptionContext;
import dev.evloop.LoopFuture;
import dev.evloop.Task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A failure nobody looked at is reported once its future is garbage, as asyncio does. */
class NeverRetrievedTest extends BackendTest {
    private final List<ExceptionContext> reports = new CopyOnWriteArrayList<>();

    @BeforeEach
    void collectReports() {
        loop.setExceptionHandler((l, c) -> reports.add(c));
    }

    @Test
    void aFailedTaskWhoseExceptionNobodyRetrievedIsReportedOnceWhenCollected() throws Exception {
        WeakReference<Task<?>> ref = failedTask(false);
        collect(ref);
        assertEquals(1, reports.size(), reports::toString);
        assertEquals("Task exception was never retrieved", reports.get(0).message());
        assertEquals("unobserved", reports.get(0).exception().getMessage());
        assertTrue(String.valueOf(reports.get(0).get(ExceptionContext.TASK)).contains("doomed"));
    }

    @Test
    void aFailedTaskWhoseExceptionWasRetrievedIsNotReported() throws Exception {
        WeakReference<Task<?>> ref = failedTask(true);
        collect(ref);
        assertEquals(List.of(), reports);
    }

    @Test
    void aFailedFutureNobodyLookedAtIsReportedToo() throws Exception {
        WeakReference<LoopFuture<?>> ref = failedFuture();
        collect(ref);
        assertEquals(1, reports.size(), reports::toString);
        assertEquals("Future exception was never retrieved", reports.get(0).message());
    }

    private WeakReference<Task<?>> failedTask(boolean retrieve) {
        Task<String> t = loop.createTask("doomed", () -> {
            throw new IllegalStateException("unobserved");
        });
        while (!Async.allTasks(loop).isEmpty()) {
            loop.runOnce();
        }
        if (retrieve) {
            assertThrows(IllegalStateException.class, t::result);
        }
        return new WeakReference<>(t);
    }

    private WeakReference<LoopFuture<?>> failedFuture() {
        LoopFuture<String> f = loop.createFuture();
        f.setException(new IllegalArgumentException("nobody looks"));
        return new WeakReference<>(f);
    }

    /** Collects the referent, then lets the loop deliver what the cleaner reported. */
    private void collect(WeakReference<?> ref) throws InterruptedException {
        for (int i = 0; i < 100 && !ref.refersTo(null); i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertTrue(ref.refersTo(null), "the future was collected");
        for (int i = 0; i < 20; i++) {
            System.gc();
            Thread.sleep(10);
            loop.runOnce(false);
        }
    }
}
