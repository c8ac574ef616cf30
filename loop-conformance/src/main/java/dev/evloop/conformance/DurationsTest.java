package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.LoopFuture;
import dev.evloop.ReturnWhen;
import dev.evloop.Task;
import dev.evloop.TimerHandle;
import dev.evloop.WaitResult;
import dev.evloop.net.Connection;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.net.Tls;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * Every public method that takes a {@link Duration} or seconds, given a span too long for
 * nanoseconds (which means no limit), zero, and a negative span (treated as zero or refused, as
 * its Javadoc says).
 */
class DurationsTest extends BackendTest {
    /** Spans that mean "no limit": from past the clock's range up to {@code ChronoUnit.FOREVER}. */
    private static final List<Duration> HUGE = List.of(ChronoUnit.FOREVER.getDuration(),
            Duration.ofSeconds(Long.MAX_VALUE), Duration.ofNanos(Long.MAX_VALUE), Duration.ofDays(365L * 80));
    /** Spans that mean "now" where a negative one is taken as zero. */
    private static final List<Duration> NOW = List.of(Duration.ZERO, Duration.ofMillis(-10),
            Duration.ofSeconds(Long.MIN_VALUE));
    private static final double FIFTY_YEARS = 86_400.0 * 365 * 50;

    // ---- timers --------------------------------------------------------------------------------

    @Test
    void callLaterOfAHugeDurationNeverFiresButCanBeCancelled() {
        for (Duration forever : HUGE) {
            List<String> fired = new ArrayList<>();
            TimerHandle never = loop.callLater(forever, () -> fired.add("never"));
            loop.callLater(Duration.ofMillis(1), () -> {
                fired.add("soon");
                loop.stop();
            });
            runGuarded();
            assertEquals(List.of("soon"), fired, forever::toString);
            assertTrue(never.when() > loop.time() + FIFTY_YEARS, forever::toString);
            never.cancel();
            assertTrue(never.isCancelled(), forever::toString);
        }
    }

    @Test
    void callLaterOfZeroOrANegativeDurationRunsOnTheNextIteration() {
        for (Duration now : NOW) {
            List<String> ran = new ArrayList<>();
            loop.callLater(now, () -> ran.add("ran"));
            loop.runOnce();
            assertEquals(List.of("ran"), ran, now::toString);
        }
    }

    @Test
    void callLaterOfTooManySecondsNeverFiresAndOfZeroOrNegativeSecondsRunsOnTheNextIteration() {
        List<String> ran = new ArrayList<>();
        TimerHandle huge = loop.callLater(1e300, () -> ran.add("1e300"));
        TimerHandle max = loop.callLater(Double.MAX_VALUE, () -> ran.add("max"));
        loop.callLater(0.0, () -> ran.add("0"));
        loop.callLater(-1.0, () -> ran.add("-1"));
        loop.callLater(-Double.MAX_VALUE, () -> ran.add("-max"));
        loop.runOnce();
        assertEquals(List.of("0", "-1", "-max"), ran);
        assertTrue(huge.when() > loop.time() + FIFTY_YEARS && max.when() > loop.time() + FIFTY_YEARS);
    }

    @Test
    void callAtAFarFutureNeverFiresAndCallAtThePastRunsOnTheNextIteration() {
        List<String> ran = new ArrayList<>();
        TimerHandle far = loop.callAt(loop.time() + 1e300, () -> ran.add("far"));
        loop.callAt(Double.MAX_VALUE, () -> ran.add("max"));
        loop.callAt(loop.time(), () -> ran.add("now"));
        loop.callAt(-Double.MAX_VALUE, () -> ran.add("-max"));
        loop.runOnce();
        assertEquals(List.of("-max", "now"), ran, "the past in deadline order");
        assertTrue(far.when() > loop.time() + FIFTY_YEARS);
    }

    @Test
    void timersThatNeverFireKeepTheHeapInDeadlineOrder() {
        List<Integer> order = new ArrayList<>();
        for (Duration forever : HUGE) {
            loop.callLater(forever, () -> order.add(-1));
        }
        double base = loop.time(); // one base: a slow machine must not reorder the deadlines
        loop.callAt(base + 0.002, () -> order.add(2));
        loop.callAt(base + 0.001, () -> order.add(1));
        loop.callAt(base + 0.003, () -> {
            order.add(3);
            loop.stop();
        });
        runGuarded();
        assertEquals(List.of(1, 2, 3), order);
        assertEquals(HUGE.size() + 1, loop.metrics().scheduledTimers(), "the never timers and the guard are left");
    }

    /** On a thread of its own, so that a lost wake-up fails the test instead of hanging the suite. */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aLoopWhoseOnlyTimerIsDecadesAwayBlocksUntilWoken() throws InterruptedException {
        // 70 years: past what Netty's io_uring timeout can hold (2^31 s), short of "never" (73 years)
        for (Duration far : List.of(ChronoUnit.FOREVER.getDuration(), Duration.ofDays(365L * 70))) {
            TimerHandle timer = loop.callLater(far, () -> { });
            long pollsBefore = loop.metrics().polls();
            Thread waker = Thread.ofPlatform().start(() -> {
                ThreadsafeTest.sleepQuietly(50);
                loop.callSoonThreadsafe(loop::stop);
            });
            loop.runForever();
            waker.join();
            long polls = loop.metrics().polls() - pollsBefore;
            assertTrue(polls <= 3, () -> far + ": it polled " + polls + " times instead of blocking");
            timer.cancel();
        }
        loop.close(); // on the thread that ran it, as the loop requires
    }

    // ---- sleep ---------------------------------------------------------------------------------

    @Test
    void sleepingAHugeDurationLastsUntilTheTaskIsCancelled() {
        for (Duration forever : HUGE) {
            List<String> steps = new ArrayList<>();
            Task<Void> sleeper = loop.createTask(() -> {
                Async.sleep(forever);
                steps.add("woke");
                return null;
            });
            loop.callLater(Duration.ofMillis(5), sleeper::cancel);
            assertThrows(CancellationException.class, () -> loop.runUntilComplete(sleeper), forever::toString);
            assertEquals(List.of(), steps, forever::toString);
        }
    }

    @Test
    void sleepingTooManySecondsLastsUntilTheTaskIsCancelled() {
        Task<Void> sleeper = loop.createTask(() -> {
            Async.sleep(1e300);
            return null;
        });
        loop.callLater(Duration.ofMillis(5), sleeper::cancel);
        assertThrows(CancellationException.class, () -> loop.runUntilComplete(sleeper));
    }

    @Test
    void sleepingZeroOrANegativeDurationYields() {
        for (Duration now : NOW) {
            List<String> order = new ArrayList<>();
            loop.runUntilComplete(() -> {
                loop.callSoon(() -> order.add("callback"));
                Async.sleep(now);
                order.add("task");
                return null;
            });
            assertEquals(List.of("callback", "task"), order, now::toString);
        }
    }

    // ---- timeout helpers -------------------------------------------------------------------------

    @Test
    void aTimeoutOfAHugeDurationLetsTheBodyFinish() throws Exception {
        for (Duration forever : HUGE) {
            assertEquals(5, (int) loop.runUntilComplete(() -> Async.timeout(forever, () -> {
                Async.sleep(Duration.ofMillis(1));
                return 5;
            })), forever::toString);
        }
    }

    @Test
    void waitForOfAHugeDurationReturnsTheResult() {
        for (Duration forever : HUGE) {
            LoopFuture<String> later = loop.createFuture();
            loop.callLater(Duration.ofMillis(1), () -> later.setResult("done"));
            assertEquals("done", loop.runUntilComplete(() -> Async.waitFor(later, forever)), forever::toString);
        }
    }

    @Test
    void waitOfAHugeDurationWaitsForEveryFuture() {
        for (Duration forever : HUGE) {
            LoopFuture<Integer> a = loop.createFuture();
            LoopFuture<Integer> b = loop.createFuture();
            loop.callLater(Duration.ofMillis(1), () -> a.setResult(1));
            loop.callLater(Duration.ofMillis(2), () -> b.setResult(2));
            WaitResult<Integer> r = loop.runUntilComplete(() -> Async.wait(List.of(a, b), forever, ReturnWhen.ALL_COMPLETED));
            assertEquals(Set.of(a, b), r.done(), forever::toString);
        }
    }

    @Test
    void asCompletedOfAHugeDurationYieldsEveryOutcome() {
        for (Duration forever : HUGE) {
            LoopFuture<Integer> a = loop.createFuture();
            LoopFuture<Integer> b = loop.createFuture();
            double base = loop.time();
            loop.callAt(base + 0.002, () -> a.setResult(1));
            loop.callAt(base + 0.001, () -> b.setResult(2));
            List<Integer> seen = loop.runUntilComplete(() -> {
                List<Integer> out = new ArrayList<>();
                for (LoopFuture<Integer> next : Async.asCompleted(List.of(a, b), forever)) {
                    out.add(next.await());
                }
                return out;
            });
            assertEquals(List.of(2, 1), seen, forever::toString);
        }
    }

    @Test
    void getFromAnotherThreadWaitsAHugeTimeAndDoesNotWaitAZeroOrNegativeOne() throws Exception {
        LoopFuture<String> done = loop.createFuture();
        done.setResult("done");
        assertEquals("done", done.get(0, TimeUnit.SECONDS));
        assertEquals("done", done.get(-1, TimeUnit.SECONDS));
        LoopFuture<String> pending = loop.createFuture();
        assertThrows(TimeoutException.class, () -> pending.get(0, TimeUnit.SECONDS));
        assertThrows(TimeoutException.class, () -> pending.get(-1, TimeUnit.SECONDS));
        String[] got = new String[1];
        Thread getter = Thread.ofPlatform().start(() -> {
            try {
                got[0] = pending.get(Long.MAX_VALUE, TimeUnit.DAYS);
            } catch (Exception e) {
                got[0] = e.toString();
            }
        });
        loop.callLater(Duration.ofMillis(5), () -> pending.setResult("later"));
        loop.runUntilComplete(pending);
        getter.join();
        assertEquals("later", got[0]);
    }

    // ---- the default executor ---------------------------------------------------------------------

    @Test
    void shutdownDefaultExecutorWithAHugeTimeoutWaitsForTheRunningWork() {
        for (Duration forever : List.of(ChronoUnit.FOREVER.getDuration(), Duration.ofSeconds(Long.MAX_VALUE))) {
            ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
            loop.setDefaultExecutor(executor);
            CountDownLatch release = new CountDownLatch(1);
            LoopFuture<String> work = loop.runInExecutor(null, () -> {
                release.await();
                return "finished";
            });
            LoopFuture<Void> shutdown = loop.shutdownDefaultExecutor(forever);
            loop.runUntilComplete(() -> {
                Async.sleep(Duration.ofMillis(50));
                return null;
            });
            assertFalse(shutdown.isDone(), () -> "it gave up on the work at once: " + forever);
            release.countDown();
            loop.runUntilComplete(shutdown);
            assertEquals("finished", loop.runUntilComplete(work));
            assertTrue(executor.isTerminated());
        }
    }

    @Test
    @SuppressWarnings("try") // the capture only silences the log for its block
    void shutdownDefaultExecutorWithAZeroOrNegativeTimeoutDoesNotWait() {
        for (Duration now : NOW) {
            ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
            loop.setDefaultExecutor(executor);
            CountDownLatch release = new CountDownLatch(1);
            LoopFuture<String> work = loop.runInExecutor(null, () -> {
                release.await();
                return "finished";
            });
            try (LogCapture quiet = new LogCapture()) { // the warning comes from another thread
                loop.runUntilComplete(loop.shutdownDefaultExecutor(now));
            }
            assertFalse(work.isDone(), now::toString);
            release.countDown();
            assertEquals("finished", loop.runUntilComplete(work));
        }
    }

    // ---- debug mode -----------------------------------------------------------------------------

    @Test
    void aHugeSlowCallbackDurationMeansNoCallbackIsSlow() {
        for (Duration forever : HUGE) {
            loop.setSlowCallbackDuration(forever);
            assertEquals(forever, loop.slowCallbackDuration());
        }
        loop.setDebug(true);
        try (LogCapture log = new LogCapture()) {
            loop.callSoon(() -> ThreadsafeTest.sleepQuietly(5));
            loop.runOnce();
            assertEquals(List.of(), log.lines());
        }
    }

    @Test
    void aZeroSlowCallbackDurationIsKeptAndANegativeOneIsRefusedNamingTheArgument() {
        loop.setSlowCallbackDuration(Duration.ZERO);
        assertEquals(Duration.ZERO, loop.slowCallbackDuration());
        for (Duration negative : List.of(Duration.ofNanos(-1), Duration.ofSeconds(Long.MIN_VALUE))) {
            assertNamed("duration", () -> loop.setSlowCallbackDuration(negative));
        }
        assertEquals(Duration.ZERO, loop.slowCallbackDuration());
    }

    // ---- TLS handshake timeouts ------------------------------------------------------------------

    private static SslContext serverContext() throws SSLException {
        return Tls.serverContext(TestCertificates.LOCALHOST.certificate(), TestCertificates.LOCALHOST.privateKey());
    }

    private static SslContext clientContext() throws SSLException {
        return Tls.clientContext(TestCertificates.LOCALHOST.certificate());
    }

    private static int port(Server server) {
        return ((InetSocketAddress) server.addresses().get(0)).getPort();
    }

    @Test
    void aHugeTlsHandshakeTimeoutMeansNoLimitOnServerAndClient() throws SSLException {
        SslContext server = serverContext();
        SslContext client = clientContext();
        for (Duration forever : HUGE) {
            Server echo = loop.runUntilComplete(loop.createServer(TcpTest.Echo::new, "127.0.0.1", 0,
                    SocketOptions.defaults().ssl(server).sslHandshakeTimeout(forever)));
            Connection<Collector> c = loop.runUntilComplete(loop.createConnection(
                    () -> new Collector(loop, 5), "localhost", port(echo),
                    SocketOptions.defaults().ssl(client).sslHandshakeTimeout(forever)));
            c.transport().write("hello".getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII),
                    loop.runUntilComplete(c.protocol().received), forever::toString);
            c.transport().close();
            loop.runUntilComplete(c.protocol().lost);
            echo.close();
            loop.runUntilComplete(echo.waitClosed());
        }
    }

    @Test
    void aZeroOrNegativeTlsHandshakeTimeoutIsRefusedNamingTheArgument() throws SSLException {
        for (Duration now : NOW) {
            assertNamed("timeout", () -> SocketOptions.defaults().sslHandshakeTimeout(now));
        }
        Server plain = loop.runUntilComplete(loop.createServer(TcpTest.Echo::new, "127.0.0.1", 0, SocketOptions.defaults()));
        Connection<Collector> c = loop.runUntilComplete(loop.createConnection(
                () -> new Collector(loop, 1), "127.0.0.1", port(plain), SocketOptions.defaults()));
        SslContext client = clientContext();
        for (Duration now : NOW) {
            assertNamed("handshakeTimeout", () -> loop.startTls(c.transport(), client, "localhost", now));
        }
        c.transport().close();
        loop.runUntilComplete(c.protocol().lost);
        plain.close();
        loop.runUntilComplete(plain.waitClosed());
    }

    @Test
    void startTlsWithAHugeHandshakeTimeoutMeansNoLimitOnBothSides() throws SSLException {
        SslContext server = serverContext();
        SslContext client = clientContext();
        byte[] secret = "over tls".getBytes(StandardCharsets.US_ASCII);
        for (Duration forever : HUGE) {
            Server upgrading = loop.runUntilComplete(loop.createServer(() -> new TlsTest.StartTlsServer(loop, server, forever),
                    "127.0.0.1", 0, SocketOptions.defaults()));
            Connection<Collector> c = loop.runUntilComplete(loop.createConnection(
                    () -> new Collector(loop, 3 + secret.length), "127.0.0.1", port(upgrading),
                    SocketOptions.defaults()));
            loop.runUntilComplete(() -> {
                c.transport().write("STARTTLS\n".getBytes(StandardCharsets.US_ASCII));
                while (c.protocol().bytes.size() < 3) {
                    Async.sleep(0.001);
                }
                loop.startTls(c.transport(), client, "localhost", forever).await().write(secret);
                return null;
            });
            assertEquals("GO\nover tls", new String(loop.runUntilComplete(c.protocol().received),
                    StandardCharsets.US_ASCII), forever::toString);
            c.transport().close();
            loop.runUntilComplete(c.protocol().lost);
            upgrading.close();
            loop.runUntilComplete(upgrading.waitClosed());
        }
    }

    private static void assertNamed(String argument, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage() != null && e.getMessage().startsWith(argument),
                () -> "expected a message naming '" + argument + "', got: " + e.getMessage());
    }
}
