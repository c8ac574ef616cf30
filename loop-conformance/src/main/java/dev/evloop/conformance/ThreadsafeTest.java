package dev.evloop.conformance;

import dev.evloop.Handle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What other threads may do with a loop, and how a blocked loop is woken. */
class ThreadsafeTest extends BackendTest {

    @Test
    void eightThreadsOfCallSoonThreadsafeAllArriveInProducerOrder() throws Exception {
        int producers = 8;
        int each = 100_000;
        int[] next = new int[producers];
        int[] outOfOrder = new int[1];
        int[] received = new int[1];
        List<Thread> threads = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        for (int p = 0; p < producers; p++) {
            int producer = p;
            threads.add(Thread.ofPlatform().start(() -> {
                awaitQuietly(start);
                for (int i = 0; i < each; i++) {
                    int seq = i;
                    loop.callSoonThreadsafe(() -> {
                        if (next[producer] != seq) {
                            outOfOrder[0]++;
                        }
                        next[producer] = seq + 1;
                        if (++received[0] == producers * each) {
                            loop.stop();
                        }
                    });
                }
            }));
        }
        loop.callSoon(start::countDown);
        runGuarded();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(producers * each, received[0]);
        assertEquals(0, outOfOrder[0]);
    }

    @Test
    void aForeignCallSoonThreadsafeWakesALoopBlockedInPoll() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        loop.callSoon(blocked::countDown);
        Thread waker = Thread.ofPlatform().start(() -> {
            awaitQuietly(blocked);
            sleepQuietly(50); // long enough for the loop to be parked in its poll
            loop.callSoonThreadsafe(() -> {
                ranOn.set(Thread.currentThread());
                loop.stop();
            });
        });
        runGuarded();
        waker.join();
        assertEquals(Thread.currentThread(), ranOn.get());
        assertEquals(0, loop.metrics().timersFired(), "woken by the submission, not by the guard timer");
    }

    @Test
    void everyCallSoonThreadsafeToAnIdleLoopWakesIt() throws Exception {
        int rounds = 20_000;
        Semaphore ran = new Semaphore(0);
        int[] count = {0};
        Thread producer = Thread.ofPlatform().start(() -> {
            try {
                for (int i = 0; i < rounds; i++) {
                    loop.callSoonThreadsafe(() -> {
                        count[0]++;
                        ran.release();
                    });
                    // The loop goes back to its poll before the next one: each lands on a loop
                    // that is blocking, or about to block, so a lost wake-up stalls the rest.
                    if (!ran.tryAcquire(GUARD.toMillis(), TimeUnit.MILLISECONDS)) {
                        break;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            loop.callSoonThreadsafe(loop::stop);
        });
        runGuarded();
        producer.join();
        assertEquals(rounds, count[0]);
    }

    @Test
    void aTimerWakesALoopBlockedInPoll() {
        boolean[] fired = new boolean[1];
        loop.callLater(Duration.ofMillis(30), () -> {
            fired[0] = true;
            loop.stop();
        });
        runGuarded();
        assertTrue(fired[0]);
    }

    @Test
    void stopFromAnotherThreadWakesAndStopsALoopBlockedInPoll() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        loop.callSoon(running::countDown);
        Thread stopper = Thread.ofPlatform().start(() -> {
            awaitQuietly(running);
            sleepQuietly(50);
            loop.stop();
        });
        runGuarded();
        stopper.join();
        assertFalse(loop.isRunning());
        assertEquals(0, loop.metrics().timersFired(), "stopped by the other thread, not by the guard timer");
    }

    @Test
    void callbacksSubmittedFromAnotherThreadBeforeTheLoopRunsAreRun() throws Exception {
        List<String> ran = new ArrayList<>();
        Thread t = Thread.ofPlatform().start(() -> loop.callSoonThreadsafe(() -> ran.add("from afar")));
        t.join();
        loop.callSoon(() -> loop.callSoon(loop::stop));
        runGuarded();
        assertEquals(List.of("from afar"), ran);
    }

    @Test
    void schedulingFromAnotherThreadWhileTheLoopRunsFailsNamingTheThreadsafeWay() throws Exception {
        AtomicReference<Throwable> soon = new AtomicReference<>();
        AtomicReference<Throwable> later = new AtomicReference<>();
        CountDownLatch running = new CountDownLatch(1);
        loop.callSoon(running::countDown);
        Thread intruder = Thread.ofPlatform().start(() -> {
            awaitQuietly(running);
            try {
                loop.callSoon(() -> { });
            } catch (Throwable e) {
                soon.set(e);
            }
            try {
                loop.callLater(Duration.ofMillis(1), () -> { });
            } catch (Throwable e) {
                later.set(e);
            }
            loop.callSoonThreadsafe(loop::stop);
        });
        runGuarded();
        intruder.join();
        for (Throwable failure : List.of(soon.get(), later.get())) {
            assertTrue(failure instanceof IllegalStateException, String.valueOf(failure));
            assertTrue(failure.getMessage().contains("callSoonThreadsafe"), failure.getMessage());
        }
    }

    @Test
    void aHandleCancelledFromAnotherThreadDoesNotRun() throws Exception {
        List<String> ran = new ArrayList<>();
        Handle h = loop.callLater(Duration.ofHours(1), () -> ran.add("cancelled"));
        CountDownLatch running = new CountDownLatch(1);
        loop.callSoon(running::countDown);
        Thread canceller = Thread.ofPlatform().start(() -> {
            awaitQuietly(running);
            h.cancel();
            loop.callSoonThreadsafe(loop::stop);
        });
        runGuarded();
        canceller.join();
        assertTrue(h.isCancelled());
        assertEquals(List.of(), ran);
        assertEquals(1, loop.metrics().timersCancelled());
    }

    @Test
    void aCallbackCancelledFromAnotherThreadDuringItsIterationDoesNotRun() {
        List<String> ran = new ArrayList<>();
        Handle[] victim = new Handle[1];
        loop.callSoon(() -> {
            Thread canceller = Thread.ofPlatform().start(() -> victim[0].cancel());
            joinQuietly(canceller); // the cancel has returned before the loop reaches the victim
            ran.add("first");
        });
        victim[0] = loop.callSoon(() -> ran.add("victim"));
        loop.callSoon(() -> ran.add("last"));
        loop.runOnce();
        assertTrue(victim[0].isCancelled());
        assertEquals(List.of("first", "last"), ran);
    }

    @Test
    void aCallbackCancelledFromAnotherThreadBeforeTheLoopRunsDoesNotRun() throws Exception {
        List<String> ran = new ArrayList<>();
        Handle h = loop.callSoon(() -> ran.add("cancelled"));
        loop.callSoon(() -> ran.add("kept"));
        Thread canceller = Thread.ofPlatform().start(h::cancel);
        canceller.join();
        loop.runOnce();
        assertEquals(List.of("kept"), ran);
    }

    @Test
    void callSoonThreadsafeAfterCloseFails() throws Exception {
        loop.close();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                loop.callSoonThreadsafe(() -> { });
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.join();
        assertEquals("event loop is closed", failure.get().getMessage());
    }

    @Test
    void runningTheLoopOnASecondThreadAfterTheFirstFailsClearly() throws Exception {
        loop.runOnce(false);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread other = Thread.ofPlatform().start(() -> {
            try {
                loop.runOnce(false);
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        other.join();
        assertTrue(failure.get() instanceof IllegalStateException, String.valueOf(failure.get()));
        assertTrue(failure.get().getMessage().contains("bound to thread"), failure.get().getMessage());
    }

    @Test
    void closingOnAThreadOtherThanTheOneThatRanTheLoopFailsAndLeavesItOpen() throws Exception {
        loop.runOnce(false);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread closer = Thread.ofPlatform().start(() -> {
            try {
                loop.close();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        closer.join();
        assertTrue(failure.get() instanceof IllegalStateException, String.valueOf(failure.get()));
        assertFalse(loop.isClosed());
    }

    static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
