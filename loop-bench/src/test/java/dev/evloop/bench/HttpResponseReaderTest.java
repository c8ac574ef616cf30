package dev.evloop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The HTTP load client's response framing (RFC 9112: status line, fields, Content-Length) and its checks. */
class HttpResponseReaderTest {
    private static final String BODY = "Hello from evloop!\n";
    private static final String OK = "HTTP/1.1 200 OK\r\nDate: Tue, 01 Dec 2026 03:00:00 GMT\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 19\r\n\r\n" + BODY;

    private final HttpResponseReader reader = new HttpResponseReader(200, BODY.getBytes(StandardCharsets.UTF_8));

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private String failure(String response) {
        return assertThrows(IllegalStateException.class, () -> reader.read(bytes(response))).getMessage();
    }

    @Test
    void aWholeResponseInOneReadCountsOnceAndLeavesTheReaderIdle() {
        assertEquals(1, reader.read(bytes(OK)));
        assertTrue(reader.idle());
    }

    @Test
    void aResponseArrivingOneByteAtATimeCountsOnlyAtItsLastByte() {
        byte[] all = OK.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < all.length - 1; i++) {
            assertEquals(0, reader.read(ByteBuffer.wrap(all, i, 1)), "after byte " + i);
            assertFalse(reader.idle(), "after byte " + i);
        }
        assertEquals(1, reader.read(ByteBuffer.wrap(all, all.length - 1, 1)));
        assertTrue(reader.idle());
    }

    @Test
    void severalResponsesInOneReadCountEach() {
        assertEquals(3, reader.read(bytes(OK + OK + OK)));
    }

    @Test
    void aReadEndingPartWayThroughTheNextResponseCountsTheWholeOnesAndFinishesTheRestLater() {
        String two = OK + OK;
        int cut = OK.length() + 20; // in the second response's head
        assertEquals(1, reader.read(bytes(two.substring(0, cut))));
        assertFalse(reader.idle());
        assertEquals(1, reader.read(bytes(two.substring(cut))));
        assertTrue(reader.idle());
    }

    @Test
    void aResponseSplitInItsBodyIsCountedWhenTheBodyIsWhole() {
        int cut = OK.length() - 5;
        assertEquals(0, reader.read(bytes(OK.substring(0, cut))));
        assertEquals(1, reader.read(bytes(OK.substring(cut))));
    }

    @Test
    void fieldNamesMatchWhateverTheirCaseAndARepeatedEqualLengthIsOneLength() {
        assertEquals(1, reader.read(bytes("HTTP/1.1 200 OK\r\ncontent-LENGTH: 19, 19\r\nX-Other:\tx\r\n\r\n" + BODY)));
    }

    @Test
    void aStatusOtherThanTheExpectedOneFailsNamingBoth() {
        String m = failure("HTTP/1.1 404 Not Found\r\nContent-Length: 10\r\n\r\nNot Found\n");
        assertTrue(m.startsWith("status 404, expected 200: 'HTTP/1.1 404 Not Found'"), m);
    }

    @Test
    void aBodyThatDiffersFailsSayingSo() {
        String m = failure(OK.replace("evloop", "Evloop"));
        assertTrue(m.startsWith("the response's body differs from the expected 19 bytes"), m);
    }

    @Test
    void aContentLengthOtherThanTheBodysFailsNamingBoth() {
        String m = failure(OK.replace("Content-Length: 19", "Content-Length: 20"));
        assertEquals("Content-Length 20, expected 19", m);
    }

    @Test
    void differingContentLengthsFail() {
        String m = failure(OK.replace("Content-Length: 19", "Content-Length: 19\r\nContent-Length: 20"));
        assertTrue(m.startsWith("not one Content-Length"), m);
    }

    @Test
    void aResponseWithoutContentLengthFailsSinceItsBodyWouldRunToTheClose() {
        String m = failure("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n" + BODY);
        assertTrue(m.startsWith("no Content-Length in the response"), m);
    }

    @Test
    void aTransferEncodingFailsSinceItWouldOverrideContentLength() {
        String m = failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 19\r\n\r\n" + BODY);
        assertTrue(m.startsWith("a Transfer-Encoding in the response"), m);
    }

    @Test
    void aLineEndingInABareLfFails() {
        String m = failure("HTTP/1.1 200 OK\nContent-Length: 19\n\n" + BODY);
        assertTrue(m.startsWith("a line of the response's head ends in a bare LF"), m);
    }

    @Test
    void aStatusLineThatIsNotHttp1Fails() {
        String m = failure("HTTP/2 200 OK\r\nContent-Length: 19\r\n\r\n" + BODY);
        assertTrue(m.startsWith("not an HTTP/1.x status line: 'HTTP/2 200 OK'"), m);
    }

    @Test
    void aFieldLineWithoutAColonOrWithSpaceBeforeItFails() {
        assertTrue(failure(OK.replace("Content-Type:", "Content-Type :")).startsWith("not a header field line"));
        assertTrue(failure(OK.replace("Date:", "Date")).startsWith("not a header field line"));
    }

    @Test
    void aHeadOverTheLimitFailsNamingIt() {
        String big = "HTTP/1.1 200 OK\r\nX-Big: " + "x".repeat(HttpResponseReader.MAX_HEAD) + "\r\n";
        String m = failure(big);
        assertEquals("the response's head is over " + HttpResponseReader.MAX_HEAD + " bytes", m);
    }
}
