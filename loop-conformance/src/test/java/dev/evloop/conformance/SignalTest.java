package dev.evloop.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.evloop.Async;
import dev.evloop.LoopFuture;
import dev.evloop.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sun.misc.Signal;

/** Signal handlers run on the loop's thread. */
class SignalTest extends BackendTest {

    @BeforeEach
    void posixOnly() {
        assumeTrue(!System.getProperty("os.name").startsWith("Windows"), "POSIX signals");
    }

    @Test
    void aHandlerRunsOnTheLoopThreadWhenTheSignalArrives() {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        loop.addSignalHandler("WINCH", () -> {
            ranOn.set(Thread.currentThread());
            loop.stop();
        });
        loop.callSoon(() -> Signal.raise(new Signal("WINCH")));
        runGuarded();
        assertSame(Thread.currentThread(), ranOn.get());
        assertEquals(0, loop.metrics().timersFired(), "woken by the signal, not the guard");
        assertTrue(loop.removeSignalHandler("SIGWINCH"));
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
                    Signal.raise(new Signal("TERM"));
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
