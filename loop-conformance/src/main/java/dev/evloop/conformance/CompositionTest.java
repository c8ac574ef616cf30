package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.LoopFuture;
import dev.evloop.ReturnWhen;
import dev.evloop.Task;
import dev.evloop.WaitResult;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** gather, wait, timeouts, asCompleted and shield: asyncio's ways of combining futures. */
class CompositionTest extends BackendTest {

    private Task<Integer> after(int millis, int value) {
        return loop.createTask(() -> {
            Async.sleep(Duration.ofMillis(millis));
            return value;
        });
    }

    private Task<Integer> failingAfter(int millis, RuntimeException e) {
        return loop.createTask(() -> {
            Async.sleep(Duration.ofMillis(millis));
            throw e;
        });
    }

    @Test
    void gatherReturnsResultsInArgumentOrderNotCompletionOrder() {
        List<Integer> results = loop.runUntilComplete(() -> Async.gather(after(20, 1), after(5, 2), after(10, 3)).await());
        assertEquals(List.of(1, 2, 3), results);
    }

    @Test
    void gatherOfNothingIsAnEmptyList() {
        assertEquals(List.of(), loop.runUntilComplete(() -> Async.gather(List.<LoopFuture<Integer>>of()).await()));
    }

    @Test
    void gatherPropagatesTheFirstFailureAndLeavesTheOthersRunning() {
        IllegalStateException boom = new IllegalStateException("boom");
        LoopFuture<Integer> released = loop.createFuture(); // the slow one ends only when the test says so
        Task<Integer> slow = loop.createTask(() -> released.await());
        LoopFuture<List<Integer>> all = Async.gather(slow, failingAfter(5, boom));
        assertSame(boom, assertThrows(IllegalStateException.class, () -> loop.runUntilComplete(all)));
        assertFalse(slow.isDone());
        released.setResult(1);
        assertEquals(1, loop.runUntilComplete(slow));
    }

    @Test
    void cancellingAGatherCancelsItsChildren() {
        Task<Integer> a = after(10_000, 1);
        Task<Integer> b = after(10_000, 2);
        LoopFuture<List<Integer>> all = Async.gather(a, b);
        loop.callLater(0.005, all::cancel);
        assertThrows(CancellationException.class, () -> loop.runUntilComplete(all));
        assertTrue(a.isCancelled() && b.isCancelled());
        assertTrue(all.isCancelled());
    }

    @Test
    void aGatherCancelledFromAnotherThreadEndsCancelledWhenAChildSettlesDuringTheCancel() throws Exception {
        Thread loopThread = Thread.currentThread();
        LoopFuture<Integer> settling = loop.createFuture();
        AtomicReference<LoopFuture<?>> gather = new AtomicReference<>();
        LoopFuture<Integer> cancelledFirst = new LoopFuture<>(loop) {
            @Override
            public boolean cancel(String message) {
                boolean cancelled = super.cancel(message);
                // The other child settles right after this one is cancelled; a cancel running off
                // the loop's thread then lets the loop run the children's done callbacks before it
                // goes on (as a preempted thread would), so what it does after this comes too late.
                settling.setResult(2);
                if (Thread.currentThread() != loopThread) {
                    try {
                        gather.get().get(GUARD.toSeconds(), TimeUnit.SECONDS);
                    } catch (InterruptedException | ExecutionException | TimeoutException | CancellationException e) {
                        // settled, one way or the other: the test looks at how
                    }
                }
                return cancelled;
            }
        };
        LoopFuture<List<LoopFuture<Integer>>> all = Async.gatherSettled(List.of(cancelledFirst, settling));
        gather.set(all);
        Thread[] canceller = new Thread[1];
        // Started by the running loop, so that the cancel comes while the loop runs on this thread.
        loop.callSoon(() -> canceller[0] = Thread.ofPlatform().start(() -> all.cancel("stop")));
        assertThrows(CancellationException.class, () -> loop.runUntilComplete(all));
        canceller[0].join(GUARD.toMillis());
        assertTrue(all.isCancelled());
    }

    @Test
    void gatherRejectsFuturesOfDifferentLoops() {
        try (EventLoop other = EventLoops.newEventLoop(backend())) {
            LoopFuture<Integer> mine = loop.createFuture();
            LoopFuture<Integer> theirs = other.createFuture();
            assertThrows(IllegalArgumentException.class, () -> Async.gather(mine, theirs));
        }
    }

    @Test
    void gatherSettledWaitsForEveryFutureAndKeepsFailuresInPlace() {
        IllegalStateException boom = new IllegalStateException("boom");
        List<LoopFuture<Integer>> settled = loop.runUntilComplete(
                () -> Async.gatherSettled(List.of(after(10, 1), failingAfter(1, boom), after(5, 3))).await());
        assertEquals(1, settled.get(0).result());
        assertSame(boom, settled.get(1).exception());
        assertEquals(3, settled.get(2).result());
    }

    @Test
    void waitForReturnsTheResultWhenInTime() throws Exception {
        assertEquals(7, (int) loop.runUntilComplete(() -> Async.waitFor(after(1, 7), Duration.ofSeconds(10))));
    }

    @Test
    void waitForTimesOutAfterCancellingAndAwaitingTheInnerWork() {
        List<String> ran = new ArrayList<>();
        Task<String> inner = loop.createTask(() -> {
            try {
                Async.sleep(Duration.ofHours(1));
                return "never";
            } finally {
                Async.sleep(Duration.ofMillis(5)); // cleanup that takes a while
                ran.add("inner cleaned up");
            }
        });
        String outcome = loop.runUntilComplete(() -> {
            try {
                return Async.waitFor(inner, Duration.ofMillis(10));
            } catch (TimeoutException e) {
                ran.add("timed out");
                return inner.isCancelled() ? "inner cancelled" : "inner still running";
            }
        });
        assertEquals("inner cancelled", outcome);
        assertEquals(List.of("inner cleaned up", "timed out"), ran);
    }

    @Test
    void timeoutRaisesTimeoutExceptionAndTheTaskGoesOn() {
        String outcome = loop.runUntilComplete(() -> {
            try {
                Async.timeout(Duration.ofMillis(5), () -> {
                    Async.sleep(Duration.ofHours(1));
                    return null;
                });
                return "no timeout";
            } catch (TimeoutException e) {
                Async.sleep(Duration.ofMillis(1)); // the task is not left cancelled
                return "timed out, cancelling=" + Async.currentTask().cancelling();
            }
        });
        assertEquals("timed out, cancelling=0", outcome);
    }

    @Test
    void timeoutThatDoesNotExpireReturnsTheResult() throws Exception {
        assertEquals(5, (int) loop.runUntilComplete(() -> Async.timeout(Duration.ofSeconds(10), () -> {
            Async.sleep(Duration.ofMillis(1));
            return 5;
        })));
        assertEquals(1, loop.metrics().timersCancelled(), "the deadline timer was cancelled");
    }

    @Test
    void anOuterCancellationInsideATimeoutIsNotTurnedIntoATimeout() {
        Task<String> t = loop.createTask(() -> Async.timeout(Duration.ofSeconds(10), () -> {
            Async.sleep(Duration.ofHours(1));
            return "never";
        }));
        loop.callLater(0.005, t::cancel);
        assertThrows(CancellationException.class, () -> loop.runUntilComplete(t));
    }

    @Test
    void waitFirstCompletedReturnsAsSoonAsOneIsDone() {
        Task<Integer> fast = after(1, 1);
        Task<Integer> slow = after(10_000, 2);
        WaitResult<Integer> r = loop.runUntilComplete(() -> Async.wait(List.of(fast, slow), null, ReturnWhen.FIRST_COMPLETED));
        assertEquals(List.of(fast), new ArrayList<>(r.done()));
        assertEquals(List.of(slow), new ArrayList<>(r.pending()));
        assertFalse(slow.isCancelled(), "wait cancels nothing");
        slow.cancel();
    }

    @Test
    void waitFirstExceptionReturnsAtTheFirstFailure() {
        Task<Integer> slow = after(10_000, 1);
        Task<Integer> failing = failingAfter(1, new IllegalStateException("x"));
        WaitResult<Integer> r = loop.runUntilComplete(() -> Async.wait(List.of(slow, failing), null, ReturnWhen.FIRST_EXCEPTION));
        assertEquals(List.of(failing), new ArrayList<>(r.done()));
        slow.cancel();
    }

    @Test
    void waitAllCompletedWithATimeoutReturnsWhatIsDone() {
        Task<Integer> fast = after(1, 1);
        Task<Integer> slow = after(10_000, 2);
        WaitResult<Integer> r = loop.runUntilComplete(() -> Async.wait(List.of(fast, slow), Duration.ofMillis(30), ReturnWhen.ALL_COMPLETED));
        assertEquals(List.of(fast), new ArrayList<>(r.done()));
        assertEquals(List.of(slow), new ArrayList<>(r.pending()));
        slow.cancel();
    }

    @Test
    void waitRejectsAFutureOfAnotherLoopNamingTheArgument() {
        try (EventLoop other = EventLoops.newEventLoop(backend())) {
            LoopFuture<Integer> foreign = other.createFuture();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loop.runUntilComplete(
                    () -> Async.wait(List.of(foreign), Duration.ofMillis(1), ReturnWhen.ALL_COMPLETED)));
            assertTrue(e.getMessage().startsWith("futures"), e.getMessage());
        }
    }

    @Test
    void asCompletedYieldsOutcomesInCompletionOrder() {
        List<Integer> order = loop.runUntilComplete(() -> {
            List<Integer> seen = new ArrayList<>();
            for (LoopFuture<Integer> next : Async.asCompleted(List.of(after(20, 20), after(1, 1), after(10, 10)), null)) {
                seen.add(next.await());
            }
            return seen;
        });
        assertEquals(List.of(1, 10, 20), order);
    }

    @Test
    void asCompletedFailsTheRestAfterItsTimeout() {
        List<String> outcomes = loop.runUntilComplete(() -> {
            List<String> seen = new ArrayList<>();
            Task<Integer> slow = after(10_000, 2);
            LoopFuture<Integer> done = loop.createFuture();
            done.setResult(1); // done before the timeout however loaded the machine is
            for (LoopFuture<Integer> next : Async.asCompleted(List.of(done, slow), Duration.ofMillis(20))) {
                try {
                    seen.add(String.valueOf(next.await()));
                } catch (java.util.concurrent.CompletionException e) {
                    seen.add(e.getCause().getClass().getSimpleName());
                }
            }
            slow.cancel();
            return seen;
        });
        assertEquals(List.of("1", "TimeoutException"), outcomes);
    }

    @Test
    void aShieldKeepsTheInnerWorkRunningWhenTheAwaitingTaskIsCancelled() {
        Task<Integer> work = after(20, 42);
        Task<Integer> waiter = loop.createTask(() -> Async.shield(work).await());
        loop.callLater(0.005, waiter::cancel);
        assertThrows(CancellationException.class, () -> loop.runUntilComplete(waiter));
        assertFalse(work.isCancelled());
        assertEquals(42, loop.runUntilComplete(work));
    }
}
