package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.LoopFuture;
import dev.evloop.Task;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.streams.Streams;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** evloop's Flight Recorder events, recorded and read back. */
class JfrEventsTest extends BackendTest {

    /**
     * evloop registers its event classes with JFR once the JVM's first recording runs (a loop starts
     * listening for recordings on a thread of its own), and events committed in that first instant
     * may be lost; a recording made first, kept until the events are registered, settles that, so
     * that each test sees every event of its own recording.
     */
    @BeforeAll
    static void registerTheEventsWithAFirstRecording() {
        assumeBackendRunsHere();
        try (EventLoop registering = EventLoops.newEventLoop(backend()); Recording first = new Recording()) {
            first.start();
            long deadline = System.nanoTime() + GUARD.toNanos();
            while (FlightRecorder.getFlightRecorder().getEventTypes().stream().noneMatch(t -> t.getName().equals("evloop.TaskDone"))
                    && System.nanoTime() < deadline) {
                registering.runOnce(false);
                ThreadsafeTest.sleepQuietly(10);
            }
            first.stop();
        }
    }

    @Test
    void aSlowCallbackIsRecordedWithItsName() throws IOException {
        List<RecordedEvent> events = record(r -> r.enable("evloop.SlowCallback").withThreshold(Duration.ofMillis(20)), () -> {
            loop.callSoon(() -> ThreadsafeTest.sleepQuietly(40));
            loop.callSoon(() -> { });
            loop.runOnce();
        });
        List<RecordedEvent> slow = named(events, "evloop.SlowCallback");
        assertEquals(1, slow.size(), events::toString);
        assertTrue(slow.get(0).getString("callback").contains("JfrEventsTest"), slow.get(0)::toString);
        assertTrue(slow.get(0).getDuration().toMillis() >= 20, slow.get(0)::toString);
    }

    @Test
    void aSlowProtocolCallbackIsRecordedAsTheIoCallbacksOfThePoll() throws IOException {
        try (DebugModeTest.SlowServer slow = new DebugModeTest.SlowServer(loop, 40)) {
            List<RecordedEvent> events = record(r -> r.enable("evloop.SlowCallback").withThreshold(Duration.ofMillis(20)),
                    slow::sendOneByte);
            List<RecordedEvent> io = named(events, "evloop.SlowCallback").stream()
                    .filter(e -> e.getString("callback").contains("I/O callbacks")).toList();
            assertEquals(1, io.size(), events::toString);
            assertTrue(io.get(0).getDuration().toMillis() >= 20, io.get(0)::toString);
        }
    }

    @Test
    void aStallIsRecordedWithTheBlockedStack() throws IOException {
        loop.setStallThreshold(Duration.ofMillis(200));
        try (LogCapture log = LogCapture.watchdog()) {
            List<RecordedEvent> events = record(r -> r.enable("evloop.Stall"), () -> {
                loop.callSoon(() -> StallWatchdogTest.spinFor(500));
                loop.runOnce();
            });
            List<RecordedEvent> stalls = named(events, "evloop.Stall");
            assertEquals(1, stalls.size(), events::toString);
            assertTrue(stalls.get(0).getString("stack").contains("StallWatchdogTest.spinFor"), stalls.get(0)::toString);
            assertTrue(stalls.get(0).getDuration("blocked").toMillis() >= 200, stalls.get(0)::toString);
            assertTrue(!log.lines().isEmpty(), "the stall is logged too");
        }
    }

    @Test
    void pollsAreRecordedOnlyWhenEnabled() throws IOException {
        List<RecordedEvent> off = record(r -> { }, () -> loop.runOnce(false));
        assertEquals(List.of(), named(off, "evloop.Poll"));
        List<RecordedEvent> on = record(r -> r.enable("evloop.Poll"), () -> loop.runOnce(false));
        assertTrue(!named(on, "evloop.Poll").isEmpty(), on::toString);
    }

    @Test
    void aTasksLifeIsRecordedWithItsNameAndOutcome() throws IOException {
        List<RecordedEvent> events = record(r -> {
            r.enable("evloop.TaskCreated");
            r.enable("evloop.TaskDone");
        }, () -> {
            Task<String> ok = loop.createTask("ok-task", () -> "ok");
            Task<Void> cancelled = loop.createTask("cancelled-task", () -> {
                Async.sleep(Duration.ofSeconds(30));
                return null;
            });
            loop.callSoon(() -> cancelled.cancel());
            loop.runUntilComplete(ok);
            try {
                loop.runUntilComplete(cancelled);
            } catch (CancellationException expected) {
                // recorded as cancelled
            }
        });
        assertEquals(List.of("ok-task", "cancelled-task"),
                named(events, "evloop.TaskCreated").stream().map(e -> e.getString("task")).toList());
        List<String> done = named(events, "evloop.TaskDone").stream()
                .map(e -> e.getString("task") + " " + e.getString("outcome")).sorted().toList();
        assertEquals(List.of("cancelled-task cancelled", "ok-task result"), done);
    }

    @Test
    void aConnectionIsRecordedOpenedAndClosedWithAddressesAndBytes() throws IOException {
        List<RecordedEvent> events = record(r -> r.enable("evloop.Connection"), () -> loop.runUntilComplete(() -> {
            LoopFuture<Void> served = loop.createFuture();
            // The server's side closes on its own time: the test waits for it, so that both closes are recorded.
            Server server = Async.startServer((reader, writer) -> {
                StreamsTest.ECHO.handle(reader, writer);
                writer.waitClosed();
                served.setResult(null);
            }, "127.0.0.1", 0, SocketOptions.defaults());
            int port = ((InetSocketAddress) server.addresses().get(0)).getPort();
            Streams s = Async.openConnection("127.0.0.1", port, SocketOptions.defaults());
            s.writer().write(new byte[1000]);
            s.writer().drain();
            s.writer().writeEof();
            s.reader().read();
            s.writer().close();
            s.writer().waitClosed();
            served.await();
            server.close();
            server.waitClosed().await();
            return null;
        }));
        List<RecordedEvent> connections = named(events, "evloop.Connection");
        assertEquals(List.of("opened", "opened", "closed", "closed"),
                connections.stream().map(e -> e.getString("state")).sorted(java.util.Comparator.reverseOrder()).toList(),
                connections::toString);
        for (RecordedEvent closed : connections.stream().filter(e -> e.getString("state").equals("closed")).toList()) {
            assertEquals(1000, closed.getLong("bytesRead"), closed::toString);
            assertEquals(1000, closed.getLong("bytesWritten"), closed::toString);
            assertTrue(closed.getString("remote").contains("127.0.0.1"), closed::toString);
            assertTrue(closed.getString("local").contains("127.0.0.1"), closed::toString);
        }
    }

    @Test
    void theLoopsMetricsAreRecordedPeriodically() {
        AtomicReference<RecordedEvent> seen = new AtomicReference<>();
        // The event names the loop underneath any decorator, running: "EventLoop[epoll, running]".
        String ours = "EventLoop[" + backend() + ", running]";
        try (RecordingStream stream = new RecordingStream()) {
            stream.enable("evloop.LoopMetrics").withPeriod(Duration.ofMillis(50));
            stream.onEvent("evloop.LoopMetrics", e -> {
                if (e.getString("loop").equals(ours) && e.getLong("iterations") > 0 && seen.compareAndSet(null, e)) {
                    loop.callSoonThreadsafe(loop::stop);
                }
            });
            stream.startAsync();
            loop.callSoon(() -> { });
            runGuarded(); // until the stream has seen this loop's metrics
        }
        assertTrue(seen.get() != null, "no metrics event within " + GUARD);
        assertTrue(seen.get().getLong("callbacksRun") >= 1, seen.get()::toString);
    }

    /** An event of the test's own, committed first on the test's thread in each recording. */
    @Name("evloop.test.Marker")
    @Label("Test Marker")
    static final class Marker extends Event {
    }

    private interface Settings {
        void apply(Recording recording);
    }

    /** Records what {@code body} does with only evloop's events that {@code settings} enables. */
    private static List<RecordedEvent> record(Settings settings, Runnable body) throws IOException {
        Path file = Files.createTempFile("evloop", ".jfr");
        try (Recording recording = new Recording()) {
            settings.apply(recording);
            recording.enable(Marker.class);
            recording.start();
            // Measured on JDK 25: the first event a thread commits in a recording after an earlier
            // one is missing from the dump; a marker of the test's own takes that place.
            new Marker().commit();
            body.run();
            recording.stop();
            recording.dump(file);
            return RecordingFile.readAllEvents(file).stream()
                    .filter(e -> e.getEventType().getName().startsWith("evloop.")
                            && !e.getEventType().getName().equals("evloop.test.Marker")).toList();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
    }
}
