package dev.evloop.examples;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.VirtualClock;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.net.Transport;
import dev.evloop.streams.Streams;
import dev.evloop.test.LoopTest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * The HTTP server's timeouts at Node's defaults (60 s for a request head, 5 s of keep-alive), on
 * a virtual clock: each test takes milliseconds, and asserts the exact moment the server acted.
 * The server and its clients share the test's loop and talk over real loopback sockets.
 */
class HttpServerVirtualTimeTest {
    private static final String GET = "GET / HTTP/1.1\r\nHost: test\r\n\r\n";

    /** An HTTP server on the test's loop with the example's default timeouts. */
    private static Server serve(EventLoop loop) {
        Set<Transport> open = new HashSet<>();
        return loop.createServer(() -> new HttpServer.HttpConnection(loop, open, HttpServer.Timeouts.DEFAULTS),
                "127.0.0.1", 0, SocketOptions.defaults()).await();
    }

    private static Streams connect(Server server) {
        int port = ((InetSocketAddress) server.addresses().get(0)).getPort();
        return Async.openConnection("127.0.0.1", port, SocketOptions.defaults());
    }

    /** Everything the server sends until it closes, one char per byte. */
    private static String readToEnd(Streams client) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] chunk;
        while ((chunk = client.reader().read(8192)).length > 0) {
            all.writeBytes(chunk);
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    private static void close(Streams client, Server server) {
        client.writer().close();
        client.writer().waitClosed();
        server.close();
        server.waitClosed();
    }

    @LoopTest(virtualTime = true)
    void aConnectionThatSendsNothingIsClosedWithoutAResponseWhenTheHeadersTimeoutEnds(EventLoop loop, VirtualClock clock) {
        Server server = serve(loop);
        Streams client = connect(server);
        assertEquals("", readToEnd(client));
        assertEquals(Duration.ofSeconds(60), clock.elapsed());
        close(client, server);
    }

    @LoopTest(virtualTime = true)
    void anIdleKeptAliveConnectionIsClosedWhenTheKeepAliveTimeoutEnds(EventLoop loop, VirtualClock clock) {
        Server server = serve(loop);
        Streams client = connect(server);
        client.writer().write(GET.getBytes(StandardCharsets.ISO_8859_1));
        String response = readToEnd(client);
        assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), response);
        assertEquals(Duration.ofSeconds(5), clock.elapsed(), "closed 5 s after the response");
        close(client, server);
    }

    @LoopTest(virtualTime = true)
    void aClientTricklingItsHeadPastTheHeadersTimeoutGets408(EventLoop loop, VirtualClock clock) {
        Server server = serve(loop);
        Streams client = connect(server);
        var slowloris = Async.spawn(() -> {
            String head = "GET / HTTP/1.1\r\nX-a: b\r\n";
            for (int i = 0; !client.writer().isClosing(); i = (i + 1) % head.length()) {
                client.writer().write(head.substring(i, i + 1).getBytes(StandardCharsets.ISO_8859_1));
                Async.sleep(Duration.ofSeconds(1));
            }
            return null;
        });
        String response = readToEnd(client);
        slowloris.cancel();
        assertTrue(response.startsWith("HTTP/1.1 408 Request Timeout\r\n"), response);
        assertEquals(Duration.ofSeconds(60), clock.elapsed());
        close(client, server);
    }
}
