package dev.evloop.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads HTTP/1.1 responses off one connection as RFC 9112 frames them, and checks each is the one
 * expected: a status line ({@code HTTP/1.x SP 3DIGIT SP reason}), header fields up to an empty
 * line, then a body of exactly {@code Content-Length} bytes (section 6.3), which must be the
 * expected body byte for byte. Responses may arrive cut anywhere by the reads, several in one.
 *
 * <p>It is strict where a benchmark client should be, and says why it stopped: lines end in CRLF
 * (section 2.2 lets a recipient accept a bare LF; these servers send CRLF, and a bare LF means
 * something is off); a response without {@code Content-Length}, or with {@code Transfer-Encoding}
 * (which would override it), or with differing lengths (RFC 9110 8.6), is not read further; a head
 * over {@value #MAX_HEAD} bytes is refused. Nothing is allocated per response unless it is wrong.
 */
final class HttpResponseReader implements Exchange.ResponseReader {
    /** The largest response head read, status line and fields together. */
    static final int MAX_HEAD = 8 * 1024;
    private static final byte[] CONTENT_LENGTH = "content-length".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRANSFER_ENCODING = "transfer-encoding".getBytes(StandardCharsets.US_ASCII);

    private final int status;
    private final byte[] body;
    private final byte[] head = new byte[MAX_HEAD];
    private int headLength;
    /** Body bytes of the current response read so far; -1 while its head is read. */
    private int bodyRead = -1;

    /**
     * @param status the status code every response must have
     * @param body   the body every response must have
     */
    HttpResponseReader(int status, byte[] body) {
        this.status = status;
        this.body = body.clone();
    }

    @Override
    public int read(ByteBuffer in) {
        int done = 0;
        while (in.hasRemaining()) {
            if (bodyRead < 0) {
                readHead(in);
            }
            if (bodyRead >= 0) {
                int take = Math.min(in.remaining(), body.length - bodyRead);
                // byte by byte, not ByteBuffer.mismatch on slices: a small body, and no garbage in
                // the load client, whose own GC pauses would be charged to the server as latency
                for (int i = 0, at = in.position(); i < take; i++) {
                    if (in.get(at + i) != body[bodyRead + i]) {
                        throw new IllegalStateException("the response's body differs from the expected "
                                + body.length + " bytes '" + new String(body, StandardCharsets.UTF_8) + "'");
                    }
                }
                in.position(in.position() + take);
                bodyRead += take;
                if (bodyRead == body.length) {
                    bodyRead = -1;
                    headLength = 0;
                    done++;
                }
            }
        }
        return done;
    }

    @Override
    public boolean idle() {
        return bodyRead < 0 && headLength == 0;
    }

    /** Copies head bytes until the empty line that ends the head, then checks it; leaves the rest in {@code in}. */
    private void readHead(ByteBuffer in) {
        while (in.hasRemaining()) {
            byte b = in.get();
            if (headLength == MAX_HEAD) {
                throw new IllegalStateException("the response's head is over " + MAX_HEAD + " bytes");
            }
            head[headLength++] = b;
            if (b == '\n') {
                if (headLength < 2 || head[headLength - 2] != '\r') {
                    throw new IllegalStateException("a line of the response's head ends in a bare LF: "
                            + text(0, headLength));
                }
                if (headLength >= 4 && head[headLength - 3] == '\n') {
                    checkHead();
                    bodyRead = 0;
                    return;
                }
            }
        }
    }

    /** The status line and the fields of a complete head (ending CRLF CRLF at {@code headLength}). */
    private void checkHead() {
        int lineEnd = lineEnd(0);
        // status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 4)
        if (lineEnd < 12 || !startsWith(0, "HTTP/1.") || !digit(7) || head[8] != ' ' || !digit(9) || !digit(10)
                || !digit(11) || lineEnd > 12 && head[12] != ' ') {
            throw new IllegalStateException("not an HTTP/1.x status line: '" + text(0, lineEnd) + "'");
        }
        int code = (head[9] - '0') * 100 + (head[10] - '0') * 10 + (head[11] - '0');
        if (code != status) {
            throw new IllegalStateException("status " + code + ", expected " + status + ": '" + text(0, lineEnd) + "'");
        }
        long length = -1;
        for (int line = lineEnd + 2; line < headLength - 2; line = lineEnd + 2) {
            lineEnd = lineEnd(line);
            int colon = line;
            while (colon < lineEnd && head[colon] != ':' && head[colon] > ' ' && head[colon] < 0x7f) {
                colon++;
            }
            if (colon == line || colon == lineEnd || head[colon] != ':') { // obs-fold, space before the colon, no colon
                throw new IllegalStateException("not a header field line: '" + text(line, lineEnd) + "'");
            }
            if (named(line, colon, TRANSFER_ENCODING)) {
                throw new IllegalStateException("a Transfer-Encoding in the response ('" + text(line, lineEnd)
                        + "'): this client reads bodies framed by Content-Length only");
            }
            if (named(line, colon, CONTENT_LENGTH)) {
                length = contentLength(colon + 1, lineEnd, length);
            }
        }
        if (length < 0) {
            throw new IllegalStateException("no Content-Length in the response: its body would run to the"
                    + " connection's close");
        }
        if (length != body.length) {
            throw new IllegalStateException("Content-Length " + length + ", expected " + body.length);
        }
    }

    /**
     * The value of a Content-Length field: digits, or a list of the same digits (RFC 9110 8.6),
     * equal to any earlier field's.
     */
    private long contentLength(int from, int to, long earlier) {
        long value = earlier;
        int i = from;
        while (i <= to) {
            while (i < to && (head[i] == ' ' || head[i] == '\t')) {
                i++;
            }
            long v = 0;
            int digits = 0;
            while (i < to && digit(i) && digits < 18) {
                v = v * 10 + head[i++] - '0';
                digits++;
            }
            while (i < to && (head[i] == ' ' || head[i] == '\t')) {
                i++;
            }
            if (digits == 0 || i < to && head[i] != ',' || value >= 0 && v != value) {
                throw new IllegalStateException("not one Content-Length: '" + text(from, to) + "'");
            }
            value = v;
            i++; // past the comma, or past the end
        }
        return value;
    }

    /** Where the line starting at {@code from} ends: its CR, which a LF follows; a CR elsewhere is refused. */
    private int lineEnd(int from) {
        int i = from;
        while (head[i] != '\r') {
            i++;
        }
        if (head[i + 1] != '\n') {
            throw new IllegalStateException("a CR not followed by LF in the response's head: " + text(0, headLength));
        }
        return i;
    }

    private boolean named(int from, int to, byte[] lowerCaseName) {
        if (to - from != lowerCaseName.length) {
            return false;
        }
        for (int i = 0; i < lowerCaseName.length; i++) {
            int c = head[from + i];
            if ((c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c) != lowerCaseName[i]) {
                return false;
            }
        }
        return true;
    }

    private boolean startsWith(int from, String prefix) {
        for (int i = 0; i < prefix.length(); i++) {
            if (head[from + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean digit(int i) {
        return head[i] >= '0' && head[i] <= '9';
    }

    private String text(int from, int to) {
        return new String(head, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
