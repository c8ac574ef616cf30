package dev.evloop.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTP server's timeouts, with short values so that the tests end soon; slow clients are
 * plain sockets that write a few bytes at a time. (The timeouts at their defaults, with exact
 * times, are tested on a virtual clock in {@link HttpServerVirtualTimeTest}.) A client that trickles sends until the server
 * has answered, so what the test sees cannot depend on how fast this machine is.
 */
@Timeout(60)
class HttpServerTimeoutTest {
    private static final HttpServer.Timeouts SHORT =
            new HttpServer.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(3));
    private static final String GET = "GET / HTTP/1.1\r\nHost: test\r\n\r\n";

    private RunningExample server;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void start() {
        server = RunningExample.start("HttpServer", (host, port, listening) ->
                HttpServer.serve(host, port, SHORT, listening));
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        server.close();
    }

    private Socket connect() {
        Socket s = server.connect();
        sockets.add(s);
        return s;
    }

    private static void send(Socket s, String bytes) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Everything the server sends until it closes, one char per byte. */
    private static String readToEnd(Socket s) throws IOException {
        return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /** Reads one response's status line and header block, and skips its body. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            assertTrue(b >= 0, "the response ended early: " + head);
            head.write(b);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int at = text.indexOf("Content-Length: ") + "Content-Length: ".length();
        in.readNBytes(Integer.parseInt(text.substring(at, text.indexOf('\r', at))));
        return text.substring(0, text.indexOf('\r'));
    }

    /** Writes {@code bytes} one by one, {@code pause} apart, on a thread of its own, until told to stop or refused. */
    private static Thread trickle(Socket s, String bytes, Duration pause) {
        return Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; !Thread.currentThread().isInterrupted(); i = (i + 1) % bytes.length()) {
                    send(s, bytes.substring(i, i + 1));
                    Thread.sleep(pause);
                }
            } catch (IOException | InterruptedException e) {
                // the server closed the connection, or the test is over
            }
        });
    }


    @Test
    void manyTricklingClientsAllGet408() throws Exception {
        List<Thread> writers = new ArrayList<>();
        List<Socket> clients = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Socket s = connect();
            clients.add(s);
            writers.add(trickle(s, "GET / HTTP/1.1\r\nX-a: b\r\n", Duration.ofMillis(500)));
        }
        for (Socket s : clients) {
            assertTrue(readToEnd(s).startsWith("HTTP/1.1 408 "));
        }
        writers.forEach(Thread::interrupt);
    }

    @Test
    void aBodyTricklingPastTheRequestTimeoutGets408() throws Exception {
        Socket s = connect();
        send(s, "POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 100000\r\n\r\n");
        Thread slow = trickle(s, "x", Duration.ofMillis(100));
        String response = readToEnd(s);
        slow.interrupt();
        assertTrue(response.startsWith("HTTP/1.1 408 Request Timeout\r\n"), response);
    }

    @Test
    void aChunkedBodyTricklingPastTheRequestTimeoutGets408() throws Exception {
        Socket s = connect();
        send(s, "POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n");
        Thread slow = trickle(s, "1\r\nx\r\n", Duration.ofMillis(100));
        String response = readToEnd(s);
        slow.interrupt();
        assertTrue(response.startsWith("HTTP/1.1 408 Request Timeout\r\n"), response);
    }


    @Test
    void aConnectionThatSendsOnlyEmptyLinesIsClosedWithoutAResponse() throws Exception {
        Socket s = connect();
        Thread blank = trickle(s, "\r\n", Duration.ofMillis(100));
        String response = readToEnd(s);
        blank.interrupt();
        assertEquals("", response);
    }


    @Test
    void aSlowClientThatSendsEachRequestWithinTheTimeoutsIsServed() throws Exception {
        Socket s = connect();
        InputStream in = s.getInputStream();
        for (int request = 0; request < 3; request++) {
            for (String piece : List.of("GET / HT", "TP/1.1\r\nHo", "st: test\r\n", "\r\n")) {
                send(s, piece);
                Thread.sleep(100);
            }
            assertEquals("HTTP/1.1 200 OK", readResponse(in), "request " + request);
        }
    }

    @Test
    void aClientThatStopsReadingItsResponsesIsDropped() throws Exception {
        Socket s = connect();
        s.setReceiveBufferSize(4096);
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < 100_000; i++) {
                    send(s, GET.repeat(100));
                }
            } catch (IOException e) {
                // dropped, as expected
            }
        });
        writer.join(Duration.ofSeconds(30)); // the server stops reading, then drops the client
        assertTrue(!writer.isAlive(), "the server dropped the client, which refused its writes");
        writer.interrupt();
    }

    @Test
    void aTimeoutThatIsNotPositiveIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new HttpServer.Timeouts(Duration.ofSeconds(1), Duration.ZERO, Duration.ofSeconds(1)));
        assertTrue(e.getMessage().startsWith("keepAlive"), e.getMessage());
    }
}
