package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.LoopFuture;
import dev.evloop.ReturnWhen;
import dev.evloop.Task;
import dev.evloop.VirtualClock;
import dev.evloop.WaitResult;
import dev.evloop.net.Connection;
import dev.evloop.net.Protocol;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.net.Tls;
import dev.evloop.streams.Streams;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Loops on a {@link VirtualClock}: timers, the {@code Async} time limits and the transports' limits
 * run on virtual time while sockets stay real. Each test asserts exact virtual times; the class
 * timeout is only there so that a clock that fell back to real time fails instead of sleeping
 * for an hour.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class VirtualTimeTest extends BackendTest {
    private static final Duration NEVER_JUMP = ChronoUnit.FOREVER.getDuration();

    private VirtualClock clock;
    private EventLoop vloop;

    @BeforeEach
    void openVirtualLoop() {
        clock = new VirtualClock();
        vloop = EventLoops.newEventLoop(backend(), clock);
    }

    @AfterEach
    void closeVirtualLoop() {
        if (vloop != null) {
            vloop.close();
        }
    }

    @Test
    void anHourOfSleepsEndsAfterExactlyAnHourOfVirtualTime() {
        Duration slept = vloop.runUntilComplete(() -> {
            for (int minute = 0; minute < 60; minute++) {
                Async.sleep(Duration.ofMinutes(1));
            }
            return clock.elapsed();
        });
        assertEquals(Duration.ofHours(1), slept);
        assertEquals(3600.0, vloop.time());
    }

    @Test
    void aTimeoutFiresAtExactlyItsVirtualDeadline() {
        Duration firedAt = vloop.runUntilComplete(() -> {
            LoopFuture<Void> never = vloop.createFuture();
            assertThrows(TimeoutException.class, () -> Async.timeout(Duration.ofSeconds(90), never::await));
            return clock.elapsed();
        });
        assertEquals(Duration.ofSeconds(90), firedAt);
    }

    @Test
    void aTimeoutExpiringAsItsTaskIsCancelledFromOutsideLeavesThatCancellationCounted() {
        Task<Integer> task = vloop.createTask(() -> {
            try {
                Async.timeout(Duration.ofSeconds(1), () -> {
                    Async.sleep(NEVER_JUMP);
                    return null;
                });
                return -1;
            } catch (CancellationException e) {
                return Async.currentTask().cancelling(); // asyncio's idiom: still being cancelled?
            }
        });
        vloop.callLater(Duration.ofSeconds(1), task::cancel); // fires first at the same deadline
        assertEquals(1, vloop.runUntilComplete(task));
    }

    @Test
    void waitForFiresAtExactlyItsVirtualDeadline() {
        Duration firedAt = vloop.runUntilComplete(() -> {
            LoopFuture<Void> never = vloop.createFuture();
            assertThrows(TimeoutException.class, () -> Async.waitFor(never, Duration.ofMillis(1500)));
            assertTrue(never.isCancelled(), "waitFor cancels what it waited for");
            return clock.elapsed();
        });
        assertEquals(Duration.ofMillis(1500), firedAt);
    }

    @Test
    void waitForReturnsTheResultOfAFutureCompletedAtItsVirtualDeadline() {
        List<Object> seen = vloop.runUntilComplete(() -> {
            LoopFuture<String> reply = vloop.createFuture();
            vloop.callLater(Duration.ofSeconds(1), () -> reply.setResult("reply"));
            String result = Async.waitFor(reply, Duration.ofSeconds(1)); // its deadline fires in the same iteration
            return List.of(result, Async.currentTask().cancelling());
        });
        assertEquals(List.of("reply", 0), seen);
    }

    @Test
    void waitForRaisesTheFailureOfAFutureFailedAtItsVirtualDeadline() {
        Throwable raised = vloop.runUntilComplete(() -> {
            LoopFuture<String> reply = vloop.createFuture();
            vloop.callLater(Duration.ofSeconds(1), () -> reply.setException(new IllegalStateException("refused")));
            try {
                Async.waitFor(reply, Duration.ofSeconds(1));
                return null;
            } catch (IllegalStateException | TimeoutException e) {
                return e;
            }
        });
        assertInstanceOf(IllegalStateException.class, raised);
    }

    @Test
    void waitReturnsWhatIsPendingAtExactlyItsVirtualDeadline() {
        Duration returnedAt = vloop.runUntilComplete(() -> {
            Task<String> quick = Async.spawn(() -> sleepThen(Duration.ofMinutes(2), "quick"));
            Task<String> slow = Async.spawn(() -> sleepThen(Duration.ofMinutes(10), "slow"));
            WaitResult<String> r = Async.wait(List.of(quick, slow), Duration.ofMinutes(5), ReturnWhen.ALL_COMPLETED);
            assertEquals(java.util.Set.of(quick), r.done());
            assertEquals(java.util.Set.of(slow), r.pending());
            slow.cancel();
            return clock.elapsed();
        });
        assertEquals(Duration.ofMinutes(5), returnedAt);
    }

    @Test
    void asCompletedGivesEachResultAtItsVirtualTimeAndTimesOutTheRestAtTheDeadline() {
        List<String> seen = vloop.runUntilComplete(() -> {
            Task<String> a = Async.spawn(() -> sleepThen(Duration.ofSeconds(30), "a"));
            Task<String> b = Async.spawn(() -> sleepThen(Duration.ofSeconds(10), "b"));
            LoopFuture<String> never = vloop.createFuture();
            List<String> out = new ArrayList<>();
            for (LoopFuture<String> next : Async.asCompleted(List.of(a, b, never), Duration.ofMinutes(1))) {
                try {
                    out.add(next.await() + "@" + clock.elapsed());
                } catch (CompletionException e) {
                    out.add(e.getCause().getClass().getSimpleName() + "@" + clock.elapsed());
                }
            }
            return out;
        });
        assertEquals(List.of("b@PT10S", "a@PT30S", "TimeoutException@PT1M"), seen);
    }

    @Test
    void timeNeverGoesBackwards() {
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            int delay = (i * 37) % 11; // seconds, out of order, with ties
            vloop.callLater(Duration.ofSeconds(delay), () -> times.add(vloop.time()));
        }
        vloop.callAt(-5.0, () -> times.add(vloop.time())); // in the past: due at once
        vloop.callLater(Duration.ofSeconds(11), vloop::stop);
        vloop.runForever();
        assertEquals(51, times.size());
        for (int i = 1; i < times.size(); i++) {
            assertTrue(times.get(i) >= times.get(i - 1), () -> "time went back: " + times);
        }
        assertThrows(IllegalArgumentException.class, () -> clock.advance(Duration.ofNanos(-1)));
        assertEquals(11.0, vloop.time());
    }

    @Test
    void advanceRunsTheTimersItMakesDueInDeadlineOrderBeforeTheTaskResumes() {
        clock.setAutojumpThreshold(NEVER_JUMP);
        List<String> fired = vloop.runUntilComplete(() -> {
            List<String> log = new ArrayList<>();
            vloop.callLater(Duration.ofSeconds(3), () -> log.add("3s"));
            vloop.callLater(Duration.ofSeconds(1), () -> log.add("1s"));
            vloop.callLater(Duration.ofSeconds(2), () -> log.add("2s first"));
            vloop.callLater(Duration.ofSeconds(2), () -> log.add("2s second"));
            vloop.callLater(Duration.ofSeconds(10), () -> log.add("10s"));
            clock.advance(Duration.ofSeconds(5));
            Async.yieldNow();
            log.add("task at " + vloop.time());
            return log;
        });
        assertEquals(List.of("1s", "2s first", "2s second", "3s", "task at 5.0"), fired);
    }

    @Test
    void withJumpsOffAnAdvanceFromAnotherThreadWakesTheLoop() throws InterruptedException {
        clock.setAutojumpThreshold(NEVER_JUMP);
        LoopFuture<Double> woke = vloop.createFuture();
        vloop.callLater(Duration.ofHours(2), () -> woke.setResult(vloop.time()));
        Thread advancer = Thread.ofPlatform().unstarted(() -> clock.advance(Duration.ofHours(2)));
        vloop.callSoon(advancer::start); // once the loop runs, so the advance wakes it
        assertEquals(7200.0, vloop.runUntilComplete(woke));
        advancer.join();
    }

    @Test
    void theSameProgramRunsItsTimerCallbacksInTheSameOrderEveryTime() {
        List<String> expected = List.of("t1@1.0", "t2@1.0", "x@1.5", "t1@2.0", "t2@2.0", "x@3.0", "t1@3.0", "t2@3.0");
        assertEquals(expected, program(vloop));
        VirtualClock again = new VirtualClock();
        try (EventLoop second = EventLoops.newEventLoop(backend(), again)) {
            assertEquals(expected, program(second));
        }
    }

    /** Two tasks ticking every second and a callback chain every 1.5 s, for three seconds. */
    private static List<String> program(EventLoop loop) {
        return loop.runUntilComplete(() -> {
            List<String> log = new ArrayList<>();
            Runnable[] chain = new Runnable[1];
            chain[0] = () -> {
                log.add("x@" + loop.time());
                if (loop.time() < 3.0) {
                    loop.callLater(1.5, chain[0]);
                }
            };
            loop.callLater(1.5, chain[0]);
            List<Task<Void>> tickers = new ArrayList<>();
            for (String name : List.of("t1", "t2")) {
                tickers.add(Async.spawn(() -> {
                    for (int i = 0; i < 3; i++) {
                        Async.sleep(Duration.ofSeconds(1));
                        log.add(name + "@" + loop.time());
                    }
                    return null;
                }));
            }
            Async.gather(tickers).await();
            return log;
        });
    }

    @Test
    void aServerAndAClientOverLoopbackKeepAliveOnVirtualTimers() {
        List<String> log = vloop.runUntilComplete(() -> {
            List<String> events = new ArrayList<>();
            // The server drops a connection that stays silent for 30 s; the client pings every 20 s
            // three times, then falls silent.
            Server server = Async.startServer((reader, writer) -> {
                while (true) {
                    byte[] line;
                    try {
                        line = Async.waitFor(Async.spawn(reader::readLine), Duration.ofSeconds(30));
                    } catch (TimeoutException idle) {
                        writer.write("bye\n".getBytes(StandardCharsets.US_ASCII));
                        writer.close();
                        return;
                    }
                    if (line.length == 0) {
                        return;
                    }
                    writer.write("pong\n".getBytes(StandardCharsets.US_ASCII));
                }
            }, "127.0.0.1", 0, SocketOptions.defaults());
            int port = ((InetSocketAddress) server.addresses().get(0)).getPort();
            Streams client = Async.openConnection("127.0.0.1", port, SocketOptions.defaults());
            for (int i = 0; i < 3; i++) {
                Async.sleep(Duration.ofSeconds(20));
                client.writer().write("ping\n".getBytes(StandardCharsets.US_ASCII));
                events.add(line(client.reader().readLine()) + "@" + clock.elapsed());
            }
            events.add(line(client.reader().readLine()) + "@" + clock.elapsed());
            assertArrayEquals(new byte[0], client.reader().read());
            client.writer().close();
            client.writer().waitClosed();
            server.close();
            server.waitClosed();
            return events;
        });
        assertEquals(List.of("pong@PT20S", "pong@PT40S", "pong@PT1M", "bye@PT1M30S"), log);
    }

    @Test
    void aTlsHandshakeTimesOutAtExactlyItsVirtualDeadline() throws SSLException {
        SslContext client = Tls.clientContext(TestCertificates.LOCALHOST.certificate());
        Server silent = vloop.runUntilComplete(vloop.createServer(() -> new Protocol() {
            @Override
            public void dataReceived(ByteBuffer data) {
            }
        }, "127.0.0.1", 0, SocketOptions.defaults()));
        int port = ((InetSocketAddress) silent.addresses().get(0)).getPort();
        LoopFuture<Connection<Protocol>> connecting = vloop.createConnection(() -> new Protocol() { },
                "127.0.0.1", port, SocketOptions.defaults().ssl(client).serverHostname("localhost")
                        .sslHandshakeTimeout(Duration.ofSeconds(45)));
        Throwable error = assertThrows(CompletionException.class, () -> vloop.runUntilComplete(connecting)).getCause();
        assertInstanceOf(SslHandshakeTimeoutException.class, error);
        assertEquals(Duration.ofSeconds(45), clock.elapsed());
        silent.close();
        vloop.runUntilComplete(silent.waitClosed());
    }

    @Test
    void aTlsCloseThatCannotFlushItsCloseNotifyIsForcedAfterThreeVirtualSeconds() throws SSLException {
        SslContext serverTls = Tls.serverContext(TestCertificates.LOCALHOST.certificate(),
                TestCertificates.LOCALHOST.privateKey());
        SslContext clientTls = Tls.clientContext(TestCertificates.LOCALHOST.certificate());
        // The server stops reading as soon as it is connected, so the client's writes, and the
        // close_notify after them, stay stuck in small socket buffers.
        List<dev.evloop.net.Transport> accepted = new ArrayList<>();
        Server deaf = vloop.runUntilComplete(vloop.createServer(() -> new Protocol() {
            @Override
            public void connectionMade(dev.evloop.net.Transport transport) {
                accepted.add(transport);
                transport.pauseReading();
            }
        }, "127.0.0.1", 0, SocketOptions.defaults().ssl(serverTls).receiveBufferSize(8192)));
        int port = ((InetSocketAddress) deaf.addresses().get(0)).getPort();
        LoopFuture<Duration> lostAt = vloop.createFuture();
        Connection<Protocol> c = vloop.runUntilComplete(vloop.createConnection(() -> new Protocol() {
            @Override
            public void connectionLost(Throwable error) {
                lostAt.setResult(clock.elapsed());
            }
        }, "127.0.0.1", port, SocketOptions.defaults().ssl(clientTls).serverHostname("localhost").sendBufferSize(8192)));
        Duration connectedAt = clock.elapsed();
        c.transport().write(new byte[4 * 1024 * 1024]);
        c.transport().abort();
        assertEquals(connectedAt.plusSeconds(3), vloop.runUntilComplete(lostAt));
        accepted.forEach(dev.evloop.net.Transport::abort); // a server that does not read never sees the end
        deaf.close();
        vloop.runUntilComplete(deaf.waitClosed());
    }

    @Test
    void aConnectThatGetsNoAnswerTimesOutAtExactlyItsVirtualDeadline() throws IOException {
        // A listener that never accepts, its accept queue filled: Linux then drops further SYNs,
        // so a connect gets no answer at all.
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> queued = new ArrayList<>();
            try {
                boolean unanswered = false;
                for (int i = 0; i < 10 && !unanswered; i++) {
                    Socket s = new Socket();
                    queued.add(s);
                    try {
                        s.connect(full.getLocalSocketAddress(), 200);
                    } catch (SocketTimeoutException noAnswer) {
                        unanswered = true;
                    }
                }
                assumeTrue(unanswered, "this kernel answers connects to a full accept queue");
                LoopFuture<Connection<Protocol>> connecting = vloop.createConnection(() -> new Protocol() { },
                        "127.0.0.1", full.getLocalPort(),
                        SocketOptions.defaults().option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 7000));
                Throwable error = assertThrows(CompletionException.class, () -> vloop.runUntilComplete(connecting)).getCause();
                assertInstanceOf(ConnectTimeoutException.class, error);
                assertEquals(Duration.ofSeconds(7), clock.elapsed());
            } finally {
                for (Socket s : queued) {
                    s.close();
                }
            }
        }
    }

    @Test
    void theClockWaitsForExecutorWorkInsteadOfJumpingOverIt() {
        Duration at = vloop.runUntilComplete(() -> {
            Task<String> sleeper = Async.spawn(() -> sleepThen(Duration.ofHours(1), "slept"));
            String answer = vloop.runInExecutor(null, () -> {
                Thread.sleep(50);
                return "computed";
            }).await();
            assertEquals("computed", answer);
            assertFalse(sleeper.isDone(), "the clock jumped past work still running on another thread");
            Duration now = clock.elapsed();
            sleeper.cancel();
            return now;
        });
        assertEquals(Duration.ZERO, at);
    }

    @Test
    void aClockDrivesOneLoopOnly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EventLoops.newEventLoop(backend(), clock));
        assertTrue(e.getMessage().startsWith("clock"), e.getMessage());
    }

    @Test
    void aNegativeAdvanceOrThresholdIsRefusedNamingTheArgument() {
        IllegalArgumentException advance = assertThrows(IllegalArgumentException.class,
                () -> clock.advance(Duration.ofSeconds(-1)));
        assertTrue(advance.getMessage().startsWith("duration"), advance.getMessage());
        IllegalArgumentException threshold = assertThrows(IllegalArgumentException.class,
                () -> clock.setAutojumpThreshold(Duration.ofMillis(-1)));
        assertTrue(threshold.getMessage().startsWith("threshold"), threshold.getMessage());
    }

    @Test
    void aLoopOnTheRealClockHasNoVirtualClock() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VirtualClock.of(loop));
        assertTrue(e.getMessage().startsWith("loop"), e.getMessage());
        assertEquals(clock, VirtualClock.of(vloop));
    }

    private static String sleepThen(Duration delay, String result) {
        Async.sleep(delay);
        return result;
    }

    private static String line(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII).strip();
    }
}
