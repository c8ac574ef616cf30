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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The load clients speaking HTTP: against a scripted server that cuts and batches its responses
 * on purpose, and against the two real servers of the HTTP comparison in processes of their own.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpLoadTest {
    private static final long OFFER_NANOS = TimeUnit.MILLISECONDS.toNanos(300);
    private static final byte[] OK = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 19"
            + "\r\n\r\nHello from evloop!\n").getBytes(StandardCharsets.US_ASCII);

    /**
     * A server that answers each request it reads with {@code response}, written in pieces of
     * {@code piece} bytes (so responses split across reads), the answers to all the requests of one
     * read in one go (so several responses arrive in one read).
     */
    private static Thread scripted(ServerSocket listener, byte[] response, int piece) {
        return Thread.ofPlatform().daemon().start(() -> {
            try (Socket s = listener.accept()) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                byte[] buffer = new byte[64 * 1024];
                int pending = 0; // bytes of a request read but not yet answered
                for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                    pending += n;
                    int requests = pending / HttpExchange.REQUEST.length;
                    pending %= HttpExchange.REQUEST.length;
                    byte[] answers = new byte[requests * response.length];
                    for (int r = 0; r < requests; r++) {
                        System.arraycopy(response, 0, answers, r * response.length, response.length);
                    }
                    for (int at = 0; at < answers.length; at += piece) {
                        out.write(answers, at, Math.min(piece, answers.length - at));
                        out.flush();
                    }
                }
            } catch (IOException closed) {
                // the client closed the connection: the test is over
            }
        });
    }

    private static InetSocketAddress address(ServerSocket listener) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
    }

    @Test
    void everyRequestOfAnOpenLoopIsAnsweredWhenResponsesArriveCutAndBatched() throws Exception {
        Histogram latencies = new Histogram(3);
        long sent;
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            scripted(listener, OK, 7);
            try (OpenLoopClient client = new OpenLoopClient(address(listener), 1, new HttpExchange())) {
                sent = client.offer(5_000, OFFER_NANOS, latencies); // more than one in flight at times
            }
        }
        assertTrue(sent > 1, "sent " + sent);
        assertEquals(sent, latencies.getTotalCount());
    }

    @Test
    void offeringRequestsAllocatesNothingPerResponse() throws Exception {
        // The client's own collections would land in the tail of whichever server it measures.
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
                .getThreadMXBean();
        Histogram latencies = new Histogram(TimeUnit.SECONDS.toNanos(10), 3); // sized once: recording allocates nothing
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            scripted(listener, OK, 40); // responses cut mid-head and mid-body
            try (OpenLoopClient client = new OpenLoopClient(address(listener), 1, new HttpExchange())) {
                client.offer(5_000, OFFER_NANOS, latencies); // warms up
                long before = threads.getCurrentThreadAllocatedBytes();
                long sent = client.offer(5_000, OFFER_NANOS, latencies);
                long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                assertTrue(sent >= 500, "sent " + sent);
                assertTrue(allocated < 16 * 1024, allocated + " bytes allocated offering " + sent + " requests");
            }
        }
    }

    @Test
    void aClosedLoopCountsEveryResponseWhenTheyArriveCut() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            scripted(listener, OK, 5);
            try (EchoClient client = new EchoClient(address(listener), 1, new HttpExchange())) {
                assertTrue(client.roundTripsFor(TimeUnit.MILLISECONDS.toNanos(100)) > 0);
            }
        }
    }

    @Test
    void aWrongStatusStopsTheOpenLoopNamingIt() throws Exception {
        byte[] notFound = "HTTP/1.1 404 Not Found\r\nContent-Length: 10\r\n\r\nNot Found\n".getBytes(StandardCharsets.US_ASCII);
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            scripted(listener, notFound, notFound.length);
            try (OpenLoopClient client = new OpenLoopClient(address(listener), 1, new HttpExchange())) {
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> client.offer(1_000, OFFER_NANOS, new Histogram(3)));
                assertTrue(e.getMessage().startsWith("status 404, expected 200"), e.getMessage());
            }
        }
    }

    @Test
    void aResponseNoRequestAskedForStopsTheClosedLoop() throws Exception {
        byte[] twice = new byte[2 * OK.length];
        System.arraycopy(OK, 0, twice, 0, OK.length);
        System.arraycopy(OK, 0, twice, OK.length, OK.length);
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            scripted(listener, twice, twice.length);
            try (EchoClient client = new EchoClient(address(listener), 1, new HttpExchange())) {
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> client.roundTripsFor(TimeUnit.MILLISECONDS.toNanos(100)));
                assertEquals("the server sent bytes no message asked for", e.getMessage());
            }
        }
    }

    @Test
    void theHttpServerExampleAndRawNettyEachAnswerEveryRequestCheckedInBothLoops() throws Exception {
        List<EchoProcesses.Server> servers = List.of(
                new EchoProcesses.Server("selector", EchoServer.Style.PROTOCOL),
                new EchoProcesses.Server("selector", EchoServer.Style.NETTY));
        List<EchoProcesses.Figures> figures;
        List<EchoProcesses.Latency> latencies;
        try (EchoProcesses processes = EchoProcesses.start(servers, Workload.HTTP)) {
            processes.connect(HttpComparison.shape(4));
            figures = processes.measure(1, Duration.ofMillis(200));
            latencies = processes.offer(1, Duration.ofMillis(200), 1_000);
        }
        for (int i = 0; i < servers.size(); i++) {
            assertTrue(figures.get(i).roundTripsPerSecond()[0] > 0, servers.get(i).label());
            EchoProcesses.Latency l = latencies.get(i);
            assertTrue(l.sent()[0] > 0, servers.get(i).label());
            assertEquals(l.sent()[0], l.rounds().get(0).getTotalCount(), servers.get(i).label());
        }
    }

    @Test
    void theHttpComparisonHasNoServerInAStyleOtherThanTheExampleAndNetty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Workload.HTTP.launch(
                new EchoProcesses.Server("selector", EchoServer.Style.STREAMS)));
        assertTrue(e.getMessage().startsWith("style: the HTTP comparison has no streams server"), e.getMessage());
    }
}
