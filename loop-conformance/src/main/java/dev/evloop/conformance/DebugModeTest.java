package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.ExceptionContext;
import dev.evloop.LoopFuture;
import dev.evloop.net.Protocol;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.streams.Streams;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Debug mode: slow callbacks are logged by name, and handles remember where they were scheduled. */
class DebugModeTest extends BackendTest {

    @Test
    void aSlowCallbackIsLoggedNamingTheCallback() {
        loop.setDebug(true);
        loop.setSlowCallbackDuration(Duration.ofMillis(20));
        try (LogCapture log = new LogCapture()) {
            loop.callSoon(new Named("sleepy-callback", () -> ThreadsafeTest.sleepQuietly(40)));
            loop.runOnce();
            List<String> lines = log.lines();
            assertEquals(1, lines.size(), lines::toString);
            assertTrue(lines.get(0).startsWith("WARNING Executing <Handle sleepy-callback"), lines.get(0));
            assertTrue(lines.get(0).contains("DebugModeTest"), "names where it was scheduled: " + lines.get(0));
        }
    }

    @Test
    void aSlowProtocolCallbackIsLoggedAsTheIoCallbacksOfThePoll() {
        try (SlowServer slow = new SlowServer(loop, 40)) {
            loop.setDebug(true);
            loop.setSlowCallbackDuration(Duration.ofMillis(20));
            try (LogCapture log = new LogCapture()) {
                slow.sendOneByte();
                List<String> lines = log.lines().stream().filter(l -> l.contains("Executing <Handle I/O callbacks")).toList();
                assertEquals(1, lines.size(), log.lines()::toString);
                assertTrue(lines.get(0).startsWith("WARNING "), lines.get(0));
            }
        }
    }

    @Test
    void slowCallbacksAreNotTimedOutsideDebugMode() {
        loop.setDebug(false);
        loop.setSlowCallbackDuration(Duration.ZERO);
        try (LogCapture log = new LogCapture()) {
            loop.callSoon(() -> ThreadsafeTest.sleepQuietly(5));
            loop.runOnce();
            assertEquals(List.of(), log.lines());
        }
    }

    @Test
    void inDebugModeAFailingCallbackIsLoggedWithWhereItWasScheduled() {
        loop.setDebug(true);
        try (LogCapture log = new LogCapture()) {
            loop.callSoon(() -> {
                throw new IllegalStateException("broken");
            });
            loop.runOnce();
            assertEquals(1, log.lines().size(), log.lines()::toString);
            String line = log.lines().get(0);
            assertTrue(line.contains("handle created at"), line);
            assertTrue(line.contains("DebugModeTest.inDebugModeAFailingCallbackIsLoggedWithWhereItWasScheduled"), line);
        }
    }

    @Test
    void theDefaultSlowCallbackDurationIsAHundredMilliseconds() {
        assertEquals(Duration.ofMillis(100), loop.slowCallbackDuration());
    }

    @Test
    void theLoopDebugPropertyTurnsDebugModeOnForNewLoops() {
        assertFalse(loop.isDebug());
        String old = System.getProperty("loop.debug");
        System.setProperty("loop.debug", "true");
        try (EventLoop debugLoop = EventLoops.newEventLoop(backend())) {
            assertTrue(debugLoop.isDebug());
        } finally {
            if (old == null) {
                System.clearProperty("loop.debug");
            } else {
                System.setProperty("loop.debug", old);
            }
        }
    }

    @Test
    void exceptionContextsAreImmutable() {
        ExceptionContext base = ExceptionContext.of("m");
        ExceptionContext more = base.with("k", "v");
        assertEquals(null, base.get("k"));
        assertEquals("v", more.get("k"));
    }


    /** A server whose protocol's dataReceived sleeps, and a client of it: I/O callbacks that run long. */
    static final class SlowServer implements AutoCloseable {
        private final EventLoop loop;
        private final AtomicReference<LoopFuture<Void>> received = new AtomicReference<>();
        private final Server server;
        private final Streams client;

        SlowServer(EventLoop loop, long sleepMillis) {
            this.loop = loop;
            AtomicReference<LoopFuture<Void>> done = received;
            server = loop.runUntilComplete(loop.createServer(() -> new Protocol() {
                @Override
                public void dataReceived(ByteBuffer data) {
                    ThreadsafeTest.sleepQuietly(sleepMillis);
                    done.get().setResult(null);
                }
            }, "127.0.0.1", 0, SocketOptions.defaults()));
            int port = ((InetSocketAddress) server.addresses().get(0)).getPort();
            client = loop.runUntilComplete(() -> Async.openConnection("127.0.0.1", port, SocketOptions.defaults()));
        }

        /** Sends the server one byte and runs the loop until its dataReceived has run. */
        void sendOneByte() {
            received.set(loop.createFuture());
            client.writer().write(new byte[] {1});
            loop.runUntilComplete(received.get());
        }

        @Override
        public void close() {
            client.writer().transport().abort();
            server.close();
            loop.runUntilComplete(server.waitClosed());
        }
    }
}
