package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.LoopFuture;
import dev.evloop.Task;
import dev.evloop.TimerHandle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Signal handlers run on the loop's thread, and the handlers of several loops are independent
 * registrations. SIGWINCH stands in for any signal: its default is to ignore it, and each test
 * first puts a handler of its own in place, the "original disposition" that must come back once
 * no loop handles the signal any more.
 */
class SignalTest extends BackendTest {
    /** Released each time the signal reaches the disposition from before any loop's handler. */
    private final Semaphore originalRan = new Semaphore(0);
    /** The handlers that ran, by name, in order; appended to on the loops' thread (this one). */
    private final List<String> ran = new ArrayList<>();
    /** Puts back the disposition the test replaced. */
    private Runnable restoreBefore;
    /** A second loop on the same backend. */
    private EventLoop other;

    @BeforeEach
    void posixOnly() {
        assumeTrue(!System.getProperty("os.name").startsWith("Windows"), "POSIX signals");
        restoreBefore = ProcessSignals.replaceHandler("WINCH", originalRan::release);
        other = EventLoops.newEventLoop(backend());
    }

    @AfterEach
    void restoreWinch() {
        if (other != null) {
            other.close();
        }
        if (restoreBefore != null) {
            restoreBefore.run();
        }
    }

    /** A handler that notes {@code name} and stops {@code on}, so the test goes on. */
    private Runnable handler(EventLoop on, String name) {
        return () -> {
            ran.add(name);
            on.stop();
        };
    }

    /** Raises SIGWINCH and runs each loop until its handler has stopped it (or the guard has). */
    private static void raiseAndRun(EventLoop... handling) {
        ProcessSignals.raise("WINCH");
        for (EventLoop l : handling) {
            TimerHandle guard = l.callLater(GUARD, l::stop);
            l.runForever();
            guard.cancel();
        }
    }

    /** Runs a loop through everything handed to it from other threads so far. */
    private static void drain(EventLoop l) {
        l.callSoonThreadsafe(l::stop);
        l.runForever();
    }

    private void awaitOriginalDisposition() throws InterruptedException {
        assertTrue(originalRan.tryAcquire(GUARD.toMillis(), TimeUnit.MILLISECONDS),
                "the signal should reach the disposition from before the loops' handlers");
    }

    @Test
    void theHandlersOfTwoLoopsBothRunForOneSignal() {
        loop.addSignalHandler("WINCH", handler(loop, "A"));
        other.addSignalHandler("WINCH", handler(other, "B"));
        raiseAndRun(loop, other);
        assertEquals(List.of("A", "B"), ran);
        assertEquals(0, originalRan.availablePermits());
    }

    @Test
    void aLoopsHandlerKeepsRunningWhenALoopThatAddedOneEarlierRemovesIt() {
        loop.addSignalHandler("WINCH", handler(loop, "A"));
        other.addSignalHandler("WINCH", handler(other, "B"));
        assertTrue(loop.removeSignalHandler("WINCH"));
        raiseAndRun(other);
        drain(loop);
        assertEquals(List.of("B"), ran);
        assertEquals(0, originalRan.availablePermits(), "one loop still handles the signal");
    }

    @Test
    void aLoopsHandlerKeepsRunningWhenALoopThatAddedOneLaterRemovesIt() {
        loop.addSignalHandler("WINCH", handler(loop, "A"));
        other.addSignalHandler("WINCH", handler(other, "B"));
        assertTrue(other.removeSignalHandler("WINCH"));
        raiseAndRun(loop);
        drain(other);
        assertEquals(List.of("A"), ran);
        assertEquals(0, originalRan.availablePermits(), "one loop still handles the signal");
    }

    @Test
    void aRemovedHandlerDoesNotComeBackWhenTheLastOtherHandlerIsRemoved() throws InterruptedException {
        loop.addSignalHandler("WINCH", handler(loop, "A"));
        other.addSignalHandler("WINCH", handler(other, "B"));
        assertTrue(loop.removeSignalHandler("WINCH"));
        assertTrue(other.removeSignalHandler("WINCH"));
        ProcessSignals.raise("WINCH");
        awaitOriginalDisposition();
        drain(loop);
        drain(other);
        assertEquals(List.of(), ran);
    }

    @Test
    void theOriginalDispositionComesBackWhenTheLastHandlerIsRemovedInTheOrderTheyWereAdded()
            throws InterruptedException {
        loop.addSignalHandler("WINCH", handler(loop, "A"));
        other.addSignalHandler("WINCH", handler(other, "B"));
        assertTrue(other.removeSignalHandler("WINCH"));
        assertTrue(loop.removeSignalHandler("WINCH"));
        ProcessSignals.raise("WINCH");
        awaitOriginalDisposition();
        drain(loop);
        drain(other);
        assertEquals(List.of(), ran);
    }

    @Test
    void closingALoopRemovesItsHandlersAndNoOtherLoops() throws InterruptedException {
        loop.addSignalHandler("WINCH", handler(loop, "A"));
        other.addSignalHandler("WINCH", handler(other, "B"));
        loop.close();
        raiseAndRun(other);
        assertEquals(List.of("B"), ran);
        assertEquals(0, originalRan.availablePermits(), "the open loop still handles the signal");
        other.close();
        ProcessSignals.raise("WINCH");
        awaitOriginalDisposition();
    }

    @Test
    void aHandlerRemovedAfterTheSignalCameButBeforeItsCallbackRanDoesNotRun() {
        loop.addSignalHandler("WINCH", handler(loop, "A"));
        other.addSignalHandler("WINCH", handler(other, "B"));
        // Both loops' callbacks are handed over in one pass, the first added first: once B's has
        // run, A's waits on its loop.
        raiseAndRun(other);
        assertTrue(loop.removeSignalHandler("WINCH"));
        drain(loop);
        assertEquals(List.of("B"), ran);
    }

    @Test
    void addingAgainOnOneLoopReplacesThatLoopsHandlerOnly() throws InterruptedException {
        loop.addSignalHandler("WINCH", handler(loop, "A1"));
        other.addSignalHandler("WINCH", handler(other, "B"));
        loop.addSignalHandler("WINCH", handler(loop, "A2"));
        raiseAndRun(loop, other);
        assertEquals(List.of("A2", "B"), ran);
        assertTrue(loop.removeSignalHandler("WINCH"));
        assertFalse(loop.removeSignalHandler("WINCH"), "one removal takes the loop's only handler");
        assertTrue(other.removeSignalHandler("WINCH"));
        ProcessSignals.raise("WINCH");
        awaitOriginalDisposition();
    }

    @Test
    void aHandlerRunsOnTheLoopThreadWhenTheSignalArrives() {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        loop.addSignalHandler("WINCH", () -> {
            ranOn.set(Thread.currentThread());
            loop.stop();
        });
        loop.callSoon(() -> ProcessSignals.raise("WINCH"));
        runGuarded();
        assertSame(Thread.currentThread(), ranOn.get());
        assertEquals(0, loop.metrics().timersFired(), "woken by the signal, not the guard");
        assertTrue(loop.removeSignalHandler("SIGWINCH"));
    }

    /**
     * As asyncio, whose handler is a callback like any other: what it throws goes to the
     * exception handler, and the loop and the handler go on. The context names the signal, so the
     * report says whose handler failed.
     */
    @Test
    void aThrowingHandlerIsReportedNamingItsSignalAndRunsAgainForTheNextSignal() {
        List<dev.evloop.ExceptionContext> reported = new ArrayList<>();
        loop.setExceptionHandler((l, context) -> reported.add(context));
        loop.addSignalHandler("WINCH", () -> {
            ran.add("handler");
            loop.stop();
            throw new IllegalStateException("handler failed");
        });
        raiseAndRun(loop);
        raiseAndRun(loop);
        assertEquals(List.of("handler", "handler"), ran);
        assertEquals(2, reported.size());
        assertEquals("handler failed", reported.get(0).exception().getMessage());
        assertTrue(reported.get(0).message().contains("SIGWINCH"), reported.get(0).message());
        assertTrue(loop.removeSignalHandler("WINCH"));
    }

    @Test
    void aHandlerAddedAndRemovedFromAnotherThreadRunsOnTheLoopThread() throws InterruptedException {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        Thread adder = new Thread(() -> loop.addSignalHandler("WINCH", () -> {
            ranOn.set(Thread.currentThread());
            loop.stop();
        }));
        adder.start();
        adder.join();
        raiseAndRun(loop);
        assertSame(Thread.currentThread(), ranOn.get());
        boolean[] removed = {false};
        Thread remover = new Thread(() -> removed[0] = loop.removeSignalHandler("WINCH"));
        remover.start();
        remover.join();
        assertTrue(removed[0]);
        ProcessSignals.raise("WINCH");
        awaitOriginalDisposition();
    }

    @Test
    void removingAHandlerThatWasNeverAddedSaysSo() {
        assertFalse(loop.removeSignalHandler("WINCH"));
    }

    @Test
    void killAndStopCannotBeHandled() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loop.addSignalHandler("KILL", () -> { }));
        assertTrue(e.getMessage().startsWith("signal"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> loop.addSignalHandler("SIGSTOP", () -> { }));
    }

    @Test
    void aSignalTheJvmKeepsIsRefusedClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loop.addSignalHandler("QUIT", () -> { }));
        assertTrue(e.getMessage().contains("JVM will not hand SIGQUIT over"), e.getMessage());
    }

    @Test
    void anUnknownSignalIsRefusedNamingTheArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loop.addSignalHandler("NOPE", () -> { }));
        assertTrue(e.getMessage().startsWith("signal"), e.getMessage());
    }

    @Test
    void closingTheLoopRemovesItsHandlers() {
        loop.addSignalHandler("WINCH", () -> { });
        loop.close();
        assertFalse(loop.removeSignalHandler("WINCH"));
    }

    /**
     * The graceful-shutdown pattern: on SIGINT or SIGTERM, cancel every task, let them finish
     * their cleanup, and end. (The signal is raised in this process; the handler keeps the JVM
     * from exiting.)
     */
    @Test
    void gracefulShutdownOnSigterm() {
        List<String> log = new ArrayList<>();
        String result = loop.runUntilComplete(() -> {
            LoopFuture<Void> stopping = loop.createFuture();
            for (String sig : List.of("INT", "TERM")) {
                loop.addSignalHandler(sig, () -> {
                    if (!stopping.isDone()) {
                        stopping.setResult(null);
                    }
                });
            }
            try {
                List<Task<?>> workers = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    int n = i;
                    workers.add(Async.spawn(() -> {
                        try {
                            Async.sleep(Duration.ofHours(1));
                        } finally {
                            log.add("worker " + n + " cleaned up");
                        }
                        return null;
                    }));
                }
                Async.spawn(() -> {
                    ProcessSignals.raise("TERM");
                    return null;
                });
                stopping.await();
                workers.forEach(Task::cancel);
                Async.gatherSettled(workers).await();
                return "shut down gracefully";
            } finally {
                loop.removeSignalHandler("INT");
                loop.removeSignalHandler("TERM");
            }
        });
        assertEquals("shut down gracefully", result);
        assertEquals(List.of("worker 0 cleaned up", "worker 1 cleaned up", "worker 2 cleaned up"), log);
    }
}
