package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.LoopFuture;
import dev.evloop.Task;
import dev.evloop.TaskFactory;
import dev.evloop.TaskMode;
import dev.evloop.net.Protocol;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.streams.Streams;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * The stall watchdog: a callback or task step that holds the loop past the threshold is reported
 * once, naming it and the frame that blocks, and once more when it ends; a healthy loop is not.
 */
class StallWatchdogTest extends BackendTest {
    private static final Duration THRESHOLD = Duration.ofMillis(200);
    private static final long STALL_MILLIS = 500;

    @Test
    void aCallbackThatBusyWaitsIsReportedOnceNamingItsFrame() {
        loop.setStallThreshold(THRESHOLD);
        try (LogCapture log = LogCapture.watchdog()) {
            loop.callSoon(() -> spinUntilReported(log));
            loop.runOnce();
            List<String> reports = reportsOnceEnded(log);
            assertEquals(1, reports.size(), log.lines()::toString);
            assertTrue(reports.get(0).contains("StallWatchdogTest.spinUntilReported"), reports.get(0));
            assertTrue(reports.get(0).contains("callback <Handle"), reports.get(0));
        }
    }

    @Test
    void inFastModeATaskReadingAFifoNobodyWritesIsReportedNamingTheRead() throws Exception {
        assumeTrue(mode() == TaskMode.FAST, "fast mode: a fallback task's read holds the loop anyway");
        Path fifo = Files.createTempDirectory("evloop-stall").resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Thread writer = Thread.ofPlatform().start(() -> writeLater(fifo));
        loop.setStallThreshold(THRESHOLD);
        try (LogCapture log = LogCapture.watchdog()) {
            Task<Integer> reader = loop.createTask("fifo-reader", () -> readFifo(fifo));
            assertEquals('x', loop.runUntilComplete(reader));
            List<String> reports = reportsOnceEnded(log);
            assertEquals(1, reports.size(), log.lines()::toString);
            assertTrue(reports.get(0).contains("task <Task fifo-reader"), reports.get(0));
            assertTrue(reports.get(0).contains("java.io.FileInputStream.read"), reports.get(0));
            assertTrue(reports.get(0).contains("StallWatchdogTest.readFifo"), reports.get(0));
        } finally {
            writer.join();
            Files.deleteIfExists(fifo);
            Files.deleteIfExists(fifo.getParent());
        }
    }

    @Test
    void inFallbackModeATaskCallingThreadSleepIsReportedNamingTheSleep() {
        assumeTrue(mode() == TaskMode.FALLBACK, "fallback mode: in fast mode a sleep parks only its task");
        loop.setStallThreshold(THRESHOLD);
        try (LogCapture log = LogCapture.watchdog()) {
            Task<Void> sleeper = loop.createTask("sleeper", () -> {
                Thread.sleep(STALL_MILLIS);
                return null;
            });
            loop.runUntilComplete(sleeper);
            List<String> reports = reportsOnceEnded(log);
            assertEquals(1, reports.size(), log.lines()::toString);
            assertTrue(reports.get(0).contains("task <Task sleeper"), reports.get(0));
            assertTrue(reports.get(0).contains("java.lang.Thread.sleep"), reports.get(0));
        }
    }

    @Test
    void anEagerTaskThatBusyWaitsInItsFirstStepIsReportedNamingItsFrame() {
        loop.setStallThreshold(THRESHOLD);
        try (LogCapture log = LogCapture.watchdog()) {
            Task<Void> creator = loop.createTask("creator", () -> {
                Async.currentLoop().setTaskFactory(TaskFactory.eager());
                Async.currentLoop().createTask("eager-spinner", () -> {
                    spinUntilReported(log);
                    return null;
                }).await();
                return null;
            });
            loop.runUntilComplete(creator);
            List<String> reports = reportsOnceEnded(log);
            assertEquals(1, reports.size(), log.lines()::toString);
            assertTrue(reports.get(0).contains("StallWatchdogTest.spinUntilReported"), reports.get(0));
        }
    }

    @Test
    void anEagerTaskStartedByACallbackThatBusyWaitsIsReportedNamingItsFrame() {
        loop.setStallThreshold(THRESHOLD);
        loop.setTaskFactory(TaskFactory.eager());
        try (LogCapture log = LogCapture.watchdog()) {
            List<Task<Void>> started = new ArrayList<>();
            loop.callSoon(() -> started.add(loop.createTask("eager-spinner", () -> {
                spinUntilReported(log);
                return null;
            })));
            loop.runOnce();
            loop.runUntilComplete(started.get(0));
            List<String> reports = reportsOnceEnded(log);
            assertEquals(1, reports.size(), log.lines()::toString);
            assertTrue(reports.get(0).contains("StallWatchdogTest.spinUntilReported"), reports.get(0));
        }
    }

    @Test
    void theEndOfAReportedStallIsLoggedWithItsTotal() {
        loop.setStallThreshold(THRESHOLD);
        try (LogCapture log = LogCapture.watchdog()) {
            loop.callSoon(() -> spinUntilReported(log));
            loop.runOnce();
            reportsOnceEnded(log);
            List<String> ends = log.lines().stream().filter(l -> l.contains("Stall ended")).toList();
            assertEquals(1, ends.size(), log.lines()::toString);
            assertTrue(ends.get(0).matches("(?s).*for \\d+\\.\\d{3} s in total.*"), ends.get(0));
        }
    }

    @Test
    void aProtocolCallbackThatBusyWaitsIsReportedNamingItsFrame() {
        LoopFuture<Void> received = loop.createFuture();
        List<LogCapture> capture = new ArrayList<>(); // the capture starts once the set-up is done
        Server server = loop.runUntilComplete(loop.createServer(() -> new Protocol() {
            @Override
            public void dataReceived(ByteBuffer data) {
                spinUntilReported(capture.get(0));
                received.setResult(null);
            }
        }, "127.0.0.1", 0, SocketOptions.defaults()));
        int port = ((InetSocketAddress) server.addresses().get(0)).getPort();
        Streams client = loop.runUntilComplete(() -> Async.openConnection("127.0.0.1", port, SocketOptions.defaults()));
        // Watched from here on, once the first connection's one-time set-up is behind.
        loop.setStallThreshold(THRESHOLD);
        try (LogCapture log = LogCapture.watchdog()) {
            capture.add(log);
            client.writer().write(new byte[] {1});
            loop.runUntilComplete(received);
            List<String> reports = reportsOnceEnded(log);
            assertEquals(1, reports.size(), log.lines()::toString);
            assertTrue(reports.get(0).contains("I/O callbacks"), reports.get(0));
            assertTrue(reports.get(0).contains("StallWatchdogTest.spinUntilReported"), reports.get(0));
        } finally {
            client.writer().transport().abort();
            server.close();
            loop.runUntilComplete(server.waitClosed());
        }
    }

    @Test
    void aLoopThatWaitsInThePollIsNotReported() {
        loop.setStallThreshold(Duration.ofMillis(20));
        try (LogCapture log = LogCapture.watchdog()) {
            loop.runUntilComplete(() -> {
                Async.sleep(Duration.ofMillis(200));
                return null;
            });
            assertEquals(List.of(), log.lines());
        }
    }

    @Test
    void aStallThatEndsWhileItIsBeingReportedEndsUnderItsOwnNameNotTheNextCallbacks() {
        loop.setStallThreshold(THRESHOLD);
        AtomicBoolean reporting = new AtomicBoolean();
        AtomicBoolean nextStarted = new AtomicBoolean();
        // Holds the watchdog inside its report until the loop has moved on to the next callback.
        Handler slowLog = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getMessage().startsWith("Stall: ")) {
                    reporting.set(true);
                    awaitFlag(nextStarted);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger watchdogLogger = Logger.getLogger("dev.evloop.watchdog");
        try (LogCapture log = LogCapture.watchdog()) {
            watchdogLogger.addHandler(slowLog);
            loop.callSoon(new Named("the stalled callback", () -> awaitFlag(reporting)));
            loop.callSoon(new Named("the next callback", () -> nextStarted.set(true)));
            loop.runOnce();
            reportsOnceEnded(log);
            List<String> ends = log.lines().stream().filter(l -> l.contains("Stall ended")).toList();
            assertEquals(1, ends.size(), log.lines()::toString);
            assertTrue(ends.get(0).contains("the stalled callback"), ends.get(0));
        } finally {
            watchdogLogger.removeHandler(slowLog);
        }
    }

    @Test
    void aHealthyBusyLoopIsNotReported() {
        loop.setStallThreshold(THRESHOLD);
        try (LogCapture log = LogCapture.watchdog()) {
            long until = System.nanoTime() + Duration.ofMillis(3 * THRESHOLD.toMillis()).toNanos();
            int[] left = {1_000_000};
            Runnable[] again = new Runnable[1];
            again[0] = () -> {
                if (--left[0] > 0 && System.nanoTime() < until) {
                    loop.callSoon(again[0]);
                }
            };
            loop.callSoon(again[0]);
            Task<Void> yielder = loop.createTask(() -> {
                while (System.nanoTime() < until && left[0] > 0) {
                    Async.yieldNow();
                }
                return null;
            });
            loop.runUntilComplete(yielder);
            while (left[0] > 0 && System.nanoTime() < until) {
                loop.runOnce(false);
            }
            assertEquals(List.of(), log.lines());
        }
    }

    @Test
    void aLoopWithoutAThresholdIsNotWatched() {
        assertEquals(Duration.ZERO, loop.stallThreshold());
        try (LogCapture log = LogCapture.watchdog()) {
            loop.callSoon(() -> spinFor(STALL_MILLIS));
            loop.runOnce();
            assertEquals(List.of(), log.lines());
        }
    }

    @Test
    void debugModeTurnsTheWatchdogOnAtOneSecond() {
        loop.setDebug(true);
        assertEquals(Duration.ofSeconds(1), loop.stallThreshold());
        loop.setStallThreshold(Duration.ZERO);
        assertEquals(Duration.ZERO, loop.stallThreshold());
    }

    @Test
    void theLoopWatchdogPropertySetsTheThresholdOfNewLoops() {
        withProperty("200ms", () -> {
            try (EventLoop watched = EventLoops.newEventLoop(backend())) {
                assertEquals(Duration.ofMillis(200), watched.stallThreshold());
            }
        });
        withProperty("1.5s", () -> {
            try (EventLoop watched = EventLoops.newEventLoop(backend())) {
                assertEquals(Duration.ofMillis(1500), watched.stallThreshold());
            }
        });
    }

    @Test
    void theLoopWatchdogPropertyOffKeepsTheWatchdogOffEvenInDebugMode() {
        withProperty("off", () -> {
            try (EventLoop watched = EventLoops.newEventLoop(backend())) {
                watched.setDebug(true);
                assertEquals(Duration.ZERO, watched.stallThreshold());
            }
        });
    }

    @Test
    void aBadLoopWatchdogPropertyIsAnErrorNamingIt() {
        withProperty("soon", () -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> EventLoops.newEventLoop(backend()).close());
            assertTrue(e.getMessage().contains("-Dloop.watchdog") && e.getMessage().contains("'soon'"), e.getMessage());
        });
    }

    @Test
    void aNegativeThresholdIsAnErrorNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loop.setStallThreshold(Duration.ofMillis(-1)));
        assertTrue(e.getMessage().startsWith("threshold"), e.getMessage());
    }

    /** The stall reports ("Stall:" lines), once the end of the stall has been logged too. */
    private static List<String> reportsOnceEnded(LogCapture log) {
        long deadline = System.nanoTime() + GUARD.toNanos();
        while (log.lines().stream().noneMatch(l -> l.contains("Stall ended")) && System.nanoTime() < deadline) {
            ThreadsafeTest.sleepQuietly(10); // the watchdog logs the end itself if it was mid-report
        }
        return log.lines().stream().filter(l -> l.contains(" Stall: ")).toList();
    }

    private static void withProperty(String value, Runnable body) {
        String old = System.getProperty("loop.watchdog");
        System.setProperty("loop.watchdog", value);
        try {
            body.run();
        } finally {
            if (old == null) {
                System.clearProperty("loop.watchdog");
            } else {
                System.setProperty("loop.watchdog", old);
            }
        }
    }

    /** Waits until another thread sets the flag, within {@link #GUARD}. */
    private static void awaitFlag(AtomicBoolean flag) {
        long deadline = System.nanoTime() + GUARD.toNanos();
        while (!flag.get() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }


    /**
     * Holds the loop as a busy callback does until the watchdog has reported it (within
     * {@link #GUARD}): a fixed spin could end before a loaded host's watchdog looks, and the report's
     * stack would then miss the frame that held the loop.
     */
    static void spinUntilReported(LogCapture log) {
        long deadline = System.nanoTime() + GUARD.toNanos();
        while (log.lines().stream().noneMatch(l -> l.contains(" Stall: ")) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    static void spinFor(long millis) {
        long until = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    private static int readFifo(Path fifo) throws IOException {
        try (InputStream in = new FileInputStream(fifo.toFile())) {
            return in.read();
        }
    }

    /** Opens the FIFO's writing end (so the reader's open returns), then writes after the stall. */
    private static void writeLater(Path fifo) {
        try (OutputStream out = new FileOutputStream(fifo.toFile())) {
            Thread.sleep(STALL_MILLIS);
            out.write('x');
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
