package dev.evloop.conformance;

import dev.evloop.LoopFuture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** runInExecutor: blocking work off the loop, its result back on it. */
class ExecutorTest extends BackendTest {

    @Test
    void theDefaultExecutorRunsTheFunctionOffTheLoopThread() {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        LoopFuture<String> f = loop.runInExecutor(null, () -> {
            ranOn.set(Thread.currentThread());
            return "computed";
        });
        assertEquals("computed", loop.runUntilComplete(f));
        assertNotSame(Thread.currentThread(), ranOn.get());
        assertTrue(ranOn.get().isVirtual(), "the default executor runs each call on a virtual thread");
    }

    @Test
    void aGivenExecutorIsUsed() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "my-pool"));
        try {
            LoopFuture<String> f = loop.runInExecutor(pool, () -> Thread.currentThread().getName());
            assertEquals("my-pool", loop.runUntilComplete(f));
        } finally {
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void theFunctionsExceptionIsTheFuturesException() {
        IOException io = new IOException("disk");
        LoopFuture<String> f = loop.runInExecutor(null, () -> {
            throw io;
        });
        assertSame(io, assertThrows(CompletionException.class, () -> loop.runUntilComplete(f)).getCause());
        assertSame(io, f.exception());
    }

    @Test
    void setDefaultExecutorReplacesTheDefault() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "default-pool"));
        loop.setDefaultExecutor(pool);
        assertEquals("default-pool", loop.runUntilComplete(loop.runInExecutor(null, () -> Thread.currentThread().getName())));
        loop.close();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS), "closing the loop shuts its default executor down");
    }

    @Test
    void aNullDefaultExecutorIsRejectedNamingTheArgument() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> loop.setDefaultExecutor(null));
        assertEquals("executor", e.getMessage());
        assertEquals("function", assertThrows(NullPointerException.class, () -> loop.runInExecutor(null, null)).getMessage());
    }

    @Test
    void anExecutorThatRefusesTheWorkFailsAtTheCall() {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        pool.shutdown();
        assertThrows(RejectedExecutionException.class, () -> loop.runInExecutor(pool, () -> "never"));
    }

    @Test
    void cancellingBeforeTheFunctionStartsKeepsItFromRunning() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        CountDownLatch gate = new CountDownLatch(1);
        try {
            pool.execute(() -> ThreadsafeTest.awaitQuietly(gate));
            boolean[] ran = new boolean[1];
            LoopFuture<String> f = loop.runInExecutor(pool, () -> {
                ran[0] = true;
                return "x";
            });
            assertTrue(f.cancel());
            gate.countDown();
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
            assertFalse(ran[0]);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void runInExecutorAfterCloseFails() {
        loop.close();
        assertEquals("event loop is closed",
                assertThrows(IllegalStateException.class, () -> loop.runInExecutor(null, () -> 1)).getMessage());
    }
}
