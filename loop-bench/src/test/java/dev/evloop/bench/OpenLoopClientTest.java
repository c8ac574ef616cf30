package dev.evloop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The open-loop load client against a real echo server: every message's latency recorded, percentiles ordered. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpenLoopClientTest {
    private static final long OFFER_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

    @Test
    void everyMessageSentHasItsLatencyRecordedAndThePercentilesAreOrdered() {
        Histogram latencies = new Histogram(3);
        long sent;
        try (EchoServer server = new EchoServer("selector", EchoServer.Style.PROTOCOL, "127.0.0.1", 0);
             OpenLoopClient client = new OpenLoopClient(server.address(), 4, 1024)) {
            sent = client.offer(2_000, OFFER_NANOS, latencies);
        }
        assertTrue(sent > 0, "sent " + sent);
        assertEquals(sent, latencies.getTotalCount());
        long[] p = {latencies.getValueAtPercentile(50), latencies.getValueAtPercentile(99),
            latencies.getValueAtPercentile(99.9)};
        assertTrue(p[0] > 0 && p[0] <= p[1] && p[1] <= p[2] && p[2] <= latencies.getMaxValue(),
                "p50 " + p[0] + ", p99 " + p[1] + ", p99.9 " + p[2]);
    }

    @Test
    void messagesPipelinedOnOneConnectionAllComeBackWhole() {
        Histogram latencies = new Histogram(3);
        long sent;
        try (EchoServer server = new EchoServer("selector", EchoServer.Style.NETTY, "127.0.0.1", 0);
             OpenLoopClient client = new OpenLoopClient(server.address(), 1, 100 * 1024)) {
            // far more than one connection's round trips of 100 KiB: messages queue behind each other
            sent = client.offer(20_000, OFFER_NANOS, latencies);
        }
        assertTrue(sent > 1, "sent " + sent);
        assertEquals(sent, latencies.getTotalCount());
    }

    @Test
    void offeringAllocatesNothingPerMessage() {
        // Its own collections would land in the tail of whichever server it measures.
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
                .getThreadMXBean();
        Histogram latencies = new Histogram(TimeUnit.SECONDS.toNanos(10), 3); // sized once: recording allocates nothing
        try (EchoServer server = new EchoServer("selector", EchoServer.Style.NETTY, "127.0.0.1", 0);
             OpenLoopClient client = new OpenLoopClient(server.address(), 4, 256)) {
            client.offer(10_000, OFFER_NANOS, latencies); // warms up
            long before = threads.getCurrentThreadAllocatedBytes();
            long sent = client.offer(10_000, OFFER_NANOS, latencies);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(sent >= 1_000, "sent " + sent);
            assertTrue(allocated < 16 * 1024, allocated + " bytes allocated offering " + sent + " messages");
        }
    }

    @Test
    void theSameClientOffersAgainAfterARun() {
        Histogram latencies = new Histogram(3);
        try (EchoServer server = new EchoServer("selector", EchoServer.Style.NETTY, "127.0.0.1", 0);
             OpenLoopClient client = new OpenLoopClient(server.address(), 2, 64)) {
            long first = client.offer(1_000, OFFER_NANOS, latencies);
            long second = client.offer(1_000, OFFER_NANOS, latencies);
            assertEquals(first + second, latencies.getTotalCount());
        }
    }

    @Test
    void aStallIsChargedToEveryMessageDueDuringItNotOnlyToTheFirst() throws Exception {
        // A server that holds its first echo back for 200 ms: every message due in the first 100 ms
        // after the first was sent comes back at least 100 ms after its intended send time. A
        // closed loop would have sent one message during the stall and charged it alone.
        Histogram latencies = new Histogram(3);
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread server = Thread.ofPlatform().daemon().start(() -> stallThenEcho(listener));
            try (OpenLoopClient client = new OpenLoopClient(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), 1, 64)) {
                client.offer(1_000, OFFER_NANOS, latencies); // a message every millisecond
            }
            server.join(TimeUnit.SECONDS.toMillis(10));
        }
        long delayed = latencies.getCountBetweenValues(TimeUnit.MILLISECONDS.toNanos(100), Long.MAX_VALUE / 4);
        assertTrue(delayed >= 100, delayed + " of " + latencies.getTotalCount() + " messages charged 100 ms or more");
    }

    private static void stallThenEcho(ServerSocket listener) {
        try (Socket s = listener.accept()) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buffer = new byte[4096];
            int n = in.read(buffer);
            Thread.sleep(200);
            while (n > 0) {
                out.write(buffer, 0, n);
                n = in.read(buffer);
            }
        } catch (IOException | InterruptedException closed) {
            // the client closed the connection: the test is over
        }
    }

    @Test
    void anEchoWithOneByteChangedFailsTheOffer() throws Exception {
        // 300 bytes of 1 KiB messages echoed, then one wrong byte: the compare runs over parts of messages
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread server = Thread.ofPlatform().daemon().start(() -> echoChangingByte(listener, 300));
            try (OpenLoopClient client = new OpenLoopClient(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), 1, 1024)) {
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> client.offer(1_000, OFFER_NANOS, new Histogram(3)));
                assertTrue(e.getMessage().contains("the echo differs"), e.getMessage());
            }
            server.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    private static void echoChangingByte(ServerSocket listener, int changed) {
        try (Socket s = listener.accept()) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buffer = new byte[100]; // small writes: the client sees the echo in several reads
            long at = 0;
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                if (changed >= at && changed < at + n) {
                    buffer[(int) (changed - at)] ^= 1;
                }
                at += n;
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException closed) {
            // the client closed the connection: the test is over
        }
    }

    @Test
    void aRateThatIsNotPositiveFailsNamingIt() {
        try (EchoServer server = new EchoServer("selector", EchoServer.Style.NETTY, "127.0.0.1", 0);
             OpenLoopClient client = new OpenLoopClient(server.address(), 1, 64)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> client.offer(0, OFFER_NANOS, new Histogram(3)));
            assertTrue(e.getMessage().startsWith("rate: 0.0 "), e.getMessage());
        }
    }
}
