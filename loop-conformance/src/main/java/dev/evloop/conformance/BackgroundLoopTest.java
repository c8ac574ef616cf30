package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.BackgroundLoop;
import dev.evloop.EventLoops;
import dev.evloop.LoopFuture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A loop on its own thread, fed from others: run_coroutine_threadsafe. */
class BackgroundLoopTest extends BackendTest {

    @Test
    void submitRunsTheFunctionAsATaskOnTheBackgroundThread() throws Exception {
        try (BackgroundLoop worker = new BackgroundLoop("worker")) {
            CompletableFuture<String> reply = worker.submit(() -> {
                Async.sleep(Duration.ofMillis(5));
                return Thread.currentThread().isVirtual() + " " + Async.currentLoop().backend();
            });
            assertEquals("true " + backend(), reply.get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void aFailureOfTheFunctionFailsTheFuture() {
        try (BackgroundLoop worker = new BackgroundLoop()) {
            CompletableFuture<String> reply = worker.submit(() -> {
                throw new IllegalStateException("remote failure");
            });
            ExecutionException e = assertThrows(ExecutionException.class, () -> reply.get(30, TimeUnit.SECONDS));
            assertEquals("remote failure", e.getCause().getMessage());
        }
    }

    @Test
    void cancellingTheFutureCancelsTheTask() throws Exception {
        try (BackgroundLoop worker = new BackgroundLoop()) {
            CompletableFuture<Boolean> started = new CompletableFuture<>();
            CompletableFuture<String> cancelledSeen = new CompletableFuture<>();
            CompletableFuture<String> reply = worker.submit(() -> {
                started.complete(true);
                try {
                    Async.sleep(Duration.ofHours(1));
                    return "never";
                } catch (CancellationException e) {
                    cancelledSeen.complete("task saw the cancellation");
                    throw e;
                }
            });
            started.get(30, TimeUnit.SECONDS);
            reply.cancel(true);
            assertEquals("task saw the cancellation", cancelledSeen.get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void closeCancelsWhatIsLeftAndWaitsForIt() throws Exception {
        List<String> ran = new ArrayList<>();
        CompletableFuture<Boolean> started = new CompletableFuture<>();
        BackgroundLoop worker = new BackgroundLoop();
        CompletableFuture<String> pending = worker.submit(() -> {
            started.complete(true);
            try {
                Async.sleep(Duration.ofHours(1));
                return "never";
            } finally {
                Async.sleep(Duration.ofMillis(5)); // cleanup that needs the loop
                synchronized (ran) {
                    ran.add("cleaned up");
                }
            }
        });
        started.get(30, TimeUnit.SECONDS);
        worker.close();
        assertTrue(pending.isCancelled());
        assertEquals(List.of("cleaned up"), ran);
        assertTrue(worker.loop().isClosed());
        assertThrows(IllegalStateException.class, () -> worker.submit(() -> 1));
    }

    @Test
    void runCoroutineThreadsafeFeedsALoopFromAnotherThread() throws Exception {
        LoopFuture<String> done = loop.createFuture();
        AtomicReference<CompletableFuture<Integer>> answer = new AtomicReference<>();
        Thread feeder = Thread.ofPlatform().start(() -> answer.set(EventLoops.runCoroutineThreadsafe(loop, () -> {
            done.setResult("fed");
            return 42;
        })));
        assertEquals("fed", loop.runUntilComplete(done));
        feeder.join();
        loop.runOnce(false);
        assertEquals(42, answer.get().get(0, TimeUnit.SECONDS));
    }

    @Test
    void closingABackgroundLoopFromItsOwnTaskFails() throws Exception {
        // Not a try-with-resources: the test closes the loop from its own task.
        BackgroundLoop worker = new BackgroundLoop();
        try {
            CompletableFuture<String> attempt = worker.submit(() -> {
                try {
                    worker.close();
                    return "closed";
                } catch (IllegalStateException e) {
                    return "refused";
                }
            });
            assertEquals("refused", attempt.get(30, TimeUnit.SECONDS));
            assertNotSame(null, worker.loop());
        } finally {
            worker.close();
        }
    }
}
