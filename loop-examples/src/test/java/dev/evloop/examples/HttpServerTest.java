package dev.evloop.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HTTP/1.1 server, spoken to byte by byte over a plain socket. */
@Timeout(60)
class HttpServerTest {
    private static final String GET = "GET / HTTP/1.1\r\nHost: test\r\n\r\n";

    private RunningExample server;
    private Socket socket;
    private InputStream in;

    /** A response as read off the wire: status code, header fields (lower-case names), body. */
    record Response(int status, Map<String, String> fields, String body) {
    }

    @BeforeEach
    void start() throws IOException {
        server = RunningExample.start("HttpServer", HttpServer::serve);
        socket = server.connect();
        in = new BufferedInputStream(socket.getInputStream());
    }

    @AfterEach
    void stop() throws Exception {
        socket.close();
        server.close();
    }

    private void send(String requests) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(requests.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Reads one response; a response to HEAD has no body whatever its Content-Length says. */
    private Response read(boolean toHead) throws IOException {
        String statusLine = line();
        assertTrue(statusLine.startsWith("HTTP/1.1 "), statusLine);
        Map<String, String> fields = new HashMap<>();
        String field;
        while (!(field = line()).isEmpty()) {
            int colon = field.indexOf(':');
            fields.put(field.substring(0, colon).toLowerCase(Locale.ROOT), field.substring(colon + 1).strip());
        }
        int length = Integer.parseInt(fields.get("content-length"));
        String body = toHead ? "" : new String(in.readNBytes(length), StandardCharsets.UTF_8);
        assertEquals(toHead ? 0 : length, body.getBytes(StandardCharsets.UTF_8).length, "a complete body");
        return new Response(Integer.parseInt(statusLine.substring(9, 12)), fields, body);
    }

    private Response read() throws IOException {
        return read(false);
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            assertFalse(b < 0, "the response ended early");
            line.write(b);
        }
        String s = line.toString(StandardCharsets.ISO_8859_1);
        assertTrue(s.endsWith("\r"), "lines end with CRLF");
        return s.substring(0, s.length() - 1);
    }

    private void assertClosedByServer() throws IOException {
        assertEquals(-1, in.read(), "the server closed the connection");
    }

    @Test
    void getSlashAnswers200WithTheBodysExactLength() throws IOException {
        send(GET);
        Response r = read();
        assertEquals(200, r.status());
        assertEquals("Hello from evloop!\n", r.body());
        assertEquals("19", r.fields().get("content-length"));
        assertTrue(r.fields().containsKey("date"));
        assertNull(r.fields().get("connection"), "HTTP/1.1 keeps the connection without saying so");
    }

    @Test
    void otherPathsAnswer404() throws IOException {
        send("GET /missing HTTP/1.1\r\nHost: test\r\n\r\n");
        assertEquals(404, read().status());
    }

    @Test
    void keepAliveServesOneRequestAfterAnotherOnOneConnection() throws IOException {
        for (int i = 0; i < 3; i++) {
            send(GET);
            assertEquals(200, read().status(), "request " + i);
        }
    }

    @Test
    void pipelinedRequestsSentInOneWriteAreAnsweredInOrder() throws IOException {
        send(GET + "GET /nope HTTP/1.1\r\nHost: test\r\n\r\n" + "HEAD / HTTP/1.1\r\nHost: test\r\n\r\n" + GET);
        assertEquals(200, read().status());
        assertEquals(404, read().status());
        Response head = read(true);
        assertEquals(200, head.status());
        assertEquals("19", head.fields().get("content-length"), "HEAD says how long GET's body would be");
        Response last = read();
        assertEquals(200, last.status());
        assertEquals("Hello from evloop!\n", last.body());
    }

    @Test
    void aRequestBodyIsReadPastSoThatTheNextRequestIsFound() throws IOException {
        send("POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 11\r\n\r\nhello=world" + GET);
        Response post = read();
        assertEquals(405, post.status());
        assertEquals("GET, HEAD", post.fields().get("allow"));
        assertEquals(200, read().status());
    }

    @Test
    void aClientThatSendsFasterThanItReadsGetsEveryResponseInOrder() throws Exception {
        int n = 20_000; // megabytes of responses: far past the server's write buffer limits
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < n; i++) {
            requests.append(i % 3 == 0 ? "GET /missing HTTP/1.1\r\nHost: test\r\n\r\n" : GET);
        }
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                send(requests.toString()); // blocks while the server, not reading, holds it back
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        for (int i = 0; i < n; i++) {
            assertEquals(i % 3 == 0 ? 404 : 200, read().status(), "response " + i);
        }
        writer.join();
    }

    @Test
    void connectionCloseIsHonoured() throws IOException {
        send("GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n" + GET);
        Response r = read();
        assertEquals(200, r.status());
        assertEquals("close", r.fields().get("connection"));
        assertClosedByServer();
    }

    @Test
    void http10ClosesUnlessAskedToKeepAlive() throws IOException {
        send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        assertEquals("keep-alive", read().fields().get("connection"));
        send("GET / HTTP/1.0\r\n\r\n");
        assertEquals("close", read().fields().get("connection"));
        assertClosedByServer();
    }

    @Test
    void aMalformedRequestLineGets400AndTheConnectionEnds() throws IOException {
        send("HELLO THERE\r\n\r\n");
        Response r = read();
        assertEquals(400, r.status());
        assertEquals("close", r.fields().get("connection"));
        assertClosedByServer();
    }

    @Test
    void anHttp11RequestWithoutHostGets400() throws IOException {
        send("GET / HTTP/1.1\r\n\r\n");
        assertEquals(400, read().status());
        assertClosedByServer();
    }

    @Test
    void aRequestHeadOverEightKibibytesGets431AndTheConnectionEnds() throws IOException {
        send("GET / HTTP/1.1\r\nHost: test\r\nX-Filler: " + "a".repeat(HttpServer.MAX_HEAD) + "\r\n\r\n");
        Response r = read();
        assertEquals(431, r.status());
        assertEquals("close", r.fields().get("connection"));
        assertClosedByServer();
    }

    @Test
    void aRequestHeadJustUnderTheLimitIsServed() throws IOException {
        String start = "GET / HTTP/1.1\r\nHost: test\r\nX-Filler: ";
        send(start + "a".repeat(HttpServer.MAX_HEAD - start.length() - 4) + "\r\n\r\n");
        assertEquals(200, read().status());
    }

    @Test
    void aRequestWithBareLfLineEndsIsServed() throws IOException {
        send("GET / HTTP/1.1\nHost: x\n\n" + GET);
        assertEquals(200, read().status());
        assertEquals(200, read().status(), "and the next request is found after it");
    }

    @Test
    void aBareCrInsideTheHeadGets400AndTheConnectionEnds() throws IOException {
        send("GET / HTTP/1.1\r\nHost: x\rX-Smuggled: y\r\n\r\n");
        assertEquals(400, read().status());
        assertClosedByServer();
    }

    @Test
    void aBareCrEndingTheRequestLineGets400() throws IOException {
        send("GET / HTTP/1.1\rHost: x\r\n\r\n");
        assertEquals(400, read().status());
        assertClosedByServer();
    }

    @Test
    void aControlCharacterInAFieldValueGets400() throws IOException {
        send("GET / HTTP/1.1\r\nHost: x\r\nX-Nul: a\0b\r\n\r\n");
        assertEquals(400, read().status());
        assertClosedByServer();
    }

    @Test
    void aChunkedBodyIsReadAndTheRequestsPipelinedAfterItAreServedInOrder() throws IOException {
        send("POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n"
                + "1A;name=value;quoted=\"a \\\" b\"\r\n" + "x".repeat(26) + "\r\n"
                + "0\r\nX-Trailer: yes\r\n\r\n"
                + GET + "GET /nope HTTP/1.1\r\nHost: test\r\n\r\n");
        assertEquals(405, read().status());
        assertEquals(200, read().status());
        assertEquals(404, read().status());
    }

    @Test
    void aChunkedBodyArrivingByteByByteIsReadToItsEnd() throws IOException {
        String request = "POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nabc\r\n0\r\n\r\n" + GET;
        for (char c : request.toCharArray()) {
            send(String.valueOf(c));
        }
        assertEquals(405, read().status());
        assertEquals(200, read().status());
    }

    @Test
    void chunkedBodiesFromJavasHttpClientAreReadAndTheConnectionGoesOn() throws Exception {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/");
            for (int i = 0; i < 3; i++) {
                byte[] body = "chunk ".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
                HttpResponse<String> post = client.send(HttpRequest.newBuilder(uri)
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(405, post.statusCode(), "POST " + i);
                HttpResponse<String> get = client.send(HttpRequest.newBuilder(uri).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals("Hello from evloop!\n", get.body(), "GET " + i);
            }
        }
    }

    @Test
    void aClientThatExpects100ContinueGetsItBeforeSendingTheBody() throws IOException {
        send("POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
        assertEquals("HTTP/1.1 100 Continue", line());
        assertEquals("", line());
        send("hello");
        assertEquals(405, read().status());
    }

    @Test
    void aRequestWithBothContentLengthAndTransferEncodingGets400AndTheConnectionEnds() throws IOException {
        send("POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        assertEquals(400, read().status());
        assertClosedByServer();
    }

    @Test
    void aFinalTransferCodingOtherThanChunkedGets400() throws IOException {
        send("POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked, gzip\r\n\r\n");
        assertEquals(400, read().status());
        assertClosedByServer();
    }

    @Test
    void aTransferCodingBeforeChunkedThatTheServerDoesNotDecodeGets501() throws IOException {
        send("POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n");
        assertEquals(501, read().status());
        assertClosedByServer();
    }

    @Test
    void transferEncodingInHttp10Gets400() throws IOException {
        send("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        assertEquals(400, read().status());
        assertClosedByServer();
    }

    @Test
    void aChunkSizeThatIsNotHexGets400() throws IOException {
        send("POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
        assertEquals(400, read().status());
        assertClosedByServer();
    }

    @Test
    void aChunkSizeOver64BitsGets400() throws IOException {
        send("POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n1" + "0".repeat(16) + "\r\n");
        assertEquals(400, read().status());
        assertClosedByServer();
    }

    @Test
    void chunkDataNotFollowedByCrlfGets400() throws IOException {
        send("POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n");
        assertEquals(400, read().status());
        assertClosedByServer();
    }

    @Test
    void aChunkSizeLineEndingInABareLfGets400() throws IOException {
        send("POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n");
        assertEquals(400, read().status());
        assertClosedByServer();
    }

    @Test
    void anEndlessChunkExtensionGets400() throws IOException {
        send("POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n1;ext=" + "a".repeat(HttpServer.MAX_CHUNK_LINE));
        assertEquals(400, read().status());
        assertClosedByServer();
    }

    @Test
    void aTrailerSectionOverEightKibibytesGets431() throws IOException {
        send("POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-Filler: "
                + "a".repeat(HttpServer.MAX_HEAD) + "\r\n\r\n");
        assertEquals(431, read().status());
        assertClosedByServer();
    }
}
