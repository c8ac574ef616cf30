package dev.evloop.conformance;

import dev.evloop.InvalidStateException;
import dev.evloop.LoopFuture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** LoopFuture: asyncio.Future's rules, thread-safe completion, callbacks on the loop. */
class FutureTest extends BackendTest {

    @Test
    void theResultOfAPendingFutureIsAnError() {
        LoopFuture<String> f = loop.createFuture();
        assertFalse(f.isDone());
        assertThrows(InvalidStateException.class, f::result);
        assertThrows(InvalidStateException.class, f::exception);
    }

    @Test
    void aFutureCompletesOnlyOnce() {
        LoopFuture<String> f = loop.createFuture();
        f.setResult("first");
        assertThrows(InvalidStateException.class, () -> f.setResult("second"));
        assertThrows(InvalidStateException.class, () -> f.setException(new RuntimeException()));
        assertFalse(f.cancel());
        assertEquals("first", f.result());
    }

    @Test
    void aNullResultIsAResult() {
        LoopFuture<String> f = loop.createFuture();
        f.setResult(null);
        assertTrue(f.isDone());
        assertNull(f.result());
        assertNull(f.exception());
    }

    @Test
    void anUncheckedExceptionIsThrownAsItIsByResult() {
        LoopFuture<String> f = loop.createFuture();
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        f.setException(boom);
        assertSame(boom, f.exception());
        assertSame(boom, assertThrows(IllegalArgumentException.class, f::result));
    }

    @Test
    void aCheckedExceptionComesOutOfResultInACompletionException() {
        LoopFuture<String> f = loop.createFuture();
        IOException io = new IOException("disk");
        f.setException(io);
        assertSame(io, assertThrows(CompletionException.class, f::result).getCause());
    }

    @Test
    void aCancelledFutureThrowsCancellationCarryingTheMessage() {
        LoopFuture<String> f = loop.createFuture();
        assertTrue(f.cancel("shutting down"));
        assertTrue(f.isCancelled());
        assertTrue(f.isDone());
        assertEquals("shutting down", assertThrows(CancellationException.class, f::result).getMessage());
        assertThrows(CancellationException.class, f::exception);
    }

    @Test
    void doneCallbacksRunOnTheLoopInTheOrderTheyWereAddedNeverInsideSetResult() {
        LoopFuture<String> f = loop.createFuture();
        List<String> ran = new ArrayList<>();
        f.addDoneCallback(done -> ran.add("first " + done.result()));
        f.addDoneCallback(done -> ran.add("second " + done.result()));
        loop.callSoon(() -> {
            f.setResult("x");
            ran.add("after setResult");
        });
        loop.runOnce();
        assertEquals(List.of("after setResult"), ran);
        loop.runOnce();
        assertEquals(List.of("after setResult", "first x", "second x"), ran);
    }

    @Test
    void completingFromAnotherThreadRunsTheCallbacksOnTheLoopThread() throws Exception {
        LoopFuture<String> f = loop.createFuture();
        AtomicReference<Thread> callbackThread = new AtomicReference<>();
        f.addDoneCallback(done -> callbackThread.set(Thread.currentThread()));
        Thread completer = Thread.ofPlatform().start(() -> {
            ThreadsafeTest.sleepQuietly(20);
            f.setResult("from afar");
        });
        assertEquals("from afar", loop.runUntilComplete(f));
        completer.join();
        loop.runOnce(false);
        assertSame(Thread.currentThread(), callbackThread.get());
    }

    @Test
    void aCallbackAddedToADoneFutureIsScheduledAtOnce() {
        LoopFuture<String> f = loop.createFuture();
        f.setResult("done");
        List<String> ran = new ArrayList<>();
        f.addDoneCallback(done -> ran.add(done.result()));
        assertEquals(List.of(), ran);
        loop.runOnce();
        assertEquals(List.of("done"), ran);
    }

    @Test
    void removeDoneCallbackRemovesEveryRegistrationAndSaysHowMany() {
        LoopFuture<String> f = loop.createFuture();
        List<String> ran = new ArrayList<>();
        Consumer<LoopFuture<String>> removed = done -> ran.add("removed");
        f.addDoneCallback(removed);
        f.addDoneCallback(done -> ran.add("kept"));
        f.addDoneCallback(removed);
        assertEquals(2, f.removeDoneCallback(removed));
        assertEquals(0, f.removeDoneCallback(removed));
        f.setResult("x");
        loop.runOnce();
        assertEquals(List.of("kept"), ran);
    }

    @Test
    void cancellingSchedulesTheDoneCallbacks() {
        LoopFuture<String> f = loop.createFuture();
        List<Boolean> seen = new ArrayList<>();
        f.addDoneCallback(done -> seen.add(done.isCancelled()));
        f.cancel();
        loop.runOnce();
        assertEquals(List.of(true), seen);
    }

    @Test
    void aThrowingDoneCallbackGoesToTheExceptionHandler() {
        List<Throwable> seen = new ArrayList<>();
        loop.setExceptionHandler((l, c) -> seen.add(c.exception()));
        LoopFuture<String> f = loop.createFuture();
        RuntimeException boom = new RuntimeException("callback");
        f.addDoneCallback(done -> {
            throw boom;
        });
        f.setResult("x");
        loop.runOnce();
        assertEquals(List.of(boom), seen);
    }

    @Test
    void toCompletableFutureCompletesWithTheResult() throws Exception {
        LoopFuture<String> f = loop.createFuture();
        CompletableFuture<String> cf = f.toCompletableFuture();
        assertFalse(cf.isDone());
        f.setResult("hello");
        assertEquals("hello", cf.get(0, TimeUnit.SECONDS));
    }

    @Test
    void toCompletableFutureCompletesWithTheException() {
        LoopFuture<String> f = loop.createFuture();
        CompletableFuture<String> cf = f.toCompletableFuture();
        IOException io = new IOException("x");
        f.setException(io);
        assertSame(io, assertThrows(ExecutionException.class, cf::get).getCause());
    }

    @Test
    void cancellingTheCompletableFutureCancelsTheLoopFuture() {
        LoopFuture<String> f = loop.createFuture();
        f.toCompletableFuture().cancel(true);
        assertTrue(f.isCancelled());
    }

    @Test
    void wrapFollowsACompletionStageCompletedOnAnotherThread() {
        CompletableFuture<String> cf = new CompletableFuture<>();
        LoopFuture<String> f = LoopFuture.wrap(cf, loop);
        Thread.ofPlatform().start(() -> cf.complete("wrapped"));
        assertEquals("wrapped", loop.runUntilComplete(f));
    }

    @Test
    void wrapUnwrapsTheStageException() {
        IllegalStateException boom = new IllegalStateException("stage failed");
        LoopFuture<String> f = LoopFuture.wrap(CompletableFuture.<String>failedFuture(boom).thenApply(s -> s), loop);
        assertSame(boom, f.exception());
    }

    @Test
    void cancellingAWrappedFutureCancelsTheStage() {
        CompletableFuture<String> cf = new CompletableFuture<>();
        LoopFuture<String> f = LoopFuture.wrap(cf, loop);
        f.cancel();
        assertTrue(cf.isCancelled());
    }

    @Test
    void wrapWithoutALoopUsesTheRunningLoop() {
        AtomicReference<LoopFuture<String>> wrapped = new AtomicReference<>();
        loop.callSoon(() -> {
            wrapped.set(LoopFuture.wrap(CompletableFuture.completedFuture("x")));
            loop.stop();
        });
        runGuarded();
        assertSame(loop, wrapped.get().loop());
    }

    @Test
    void getFromAnotherThreadWaitsForTheResult() throws Exception {
        LoopFuture<String> f = loop.createFuture();
        AtomicReference<Object> got = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                got.set(f.get(30, TimeUnit.SECONDS));
            } catch (Exception e) {
                got.set(e);
            }
        });
        loop.callLater(0.02, () -> f.setResult("waited"));
        loop.runUntilComplete(f);
        waiter.join();
        assertEquals("waited", got.get());
    }

    @Test
    void getWithATimeoutOnAPendingFutureTimesOut() {
        LoopFuture<String> f = loop.createFuture();
        assertThrows(TimeoutException.class, () -> f.get(10, TimeUnit.MILLISECONDS));
    }

    @Test
    void getOnTheLoopThreadOfAPendingFutureFailsInsteadOfDeadlocking() {
        LoopFuture<String> f = loop.createFuture();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        loop.callSoon(() -> {
            try {
                f.get();
            } catch (Throwable e) {
                failure.set(e);
            }
            loop.stop();
        });
        runGuarded();
        assertTrue(failure.get() instanceof IllegalStateException, String.valueOf(failure.get()));
    }

    @Test
    void completingAFutureOfAClosedLoopFailsButStillReleasesWaiters() throws Exception {
        LoopFuture<String> f = loop.createFuture();
        f.addDoneCallback(done -> { });
        CompletableFuture<String> cf = f.toCompletableFuture();
        loop.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.setResult("late"));
        assertEquals("event loop is closed", e.getMessage());
        assertEquals("late", cf.get(0, TimeUnit.SECONDS));
        assertEquals("late", f.result());
    }

    @Test
    void aFutureSaysWhatItHoldsInItsToString() {
        LoopFuture<String> f = loop.createFuture();
        assertEquals("<LoopFuture pending>", f.toString());
        f.setResult("x");
        assertEquals("<LoopFuture finished result=x>", f.toString());
    }
}
