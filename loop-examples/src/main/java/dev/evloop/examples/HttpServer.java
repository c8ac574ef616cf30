package dev.evloop.examples;

import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.LoopFuture;
import dev.evloop.TimerHandle;
import dev.evloop.net.Connection;
import dev.evloop.net.Protocol;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.net.Transport;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small HTTP/1.1 server in protocol style, with its own parser: {@code GET /} and
 * {@code HEAD /} answer 200 with a line of text, other paths 404, other methods 405. Connections
 * stay open between requests (keep-alive) unless the client sends {@code Connection: close} or
 * speaks HTTP/1.0 without asking for keep-alive, and pipelined requests are answered in order.
 * Bodies, whether framed by {@code Content-Length} or chunked, are read past, not kept. A
 * malformed request gets 400, a request head over 8 KiB 431, a transfer coding other than
 * chunked 501; all three end the connection.
 *
 * <p>Lines may end with CRLF or a bare LF, as RFC 9112 section 2.2 allows; a CR anywhere else
 * is a 400. Chunked bodies are held to CRLF, since a lenient framing is how one request is
 * smuggled inside another.
 *
 * <p>No client holds a connection for free, as in Node and every production server (the values
 * are Node's defaults): a request head must arrive within {@link Timeouts#headers()} (60 s) of
 * the connection, or of its first byte on a kept-alive connection, and a whole request within
 * {@link Timeouts#request()} (300 s), else 408 and the connection ends; a connection that sends
 * nothing in that time, or nothing for {@link Timeouts#keepAlive()} (5 s) after a response, is
 * closed without a word, as nginx does (Node 20 answers a silent new connection with 408 too).
 * A client that stops reading its responses for as long as the head timeout is dropped.
 *
 * <p>Each connection's protocol keeps what arrives in a buffer, answers every complete request in
 * it at once, in order, and keeps the rest for the next read. When the client reads its
 * responses slower than it sends requests, the protocol stops reading ({@code pauseWriting} →
 * {@code pauseReading}) until the responses drain.
 *
 * <pre>{@code
 * ./evloop example HttpServer [host] [port] [headers-s] [keep-alive-s] [request-s]   # 127.0.0.1 8080 60 5 300
 * curl -i http://127.0.0.1:8080/
 * }</pre>
 */
public final class HttpServer {
    /** The largest request head (request line and header fields), and the largest trailer section. */
    static final int MAX_HEAD = 8 * 1024;
    /** The longest line of a chunk's size and extensions. */
    static final int MAX_CHUNK_LINE = 4 * 1024;
    /** How long a closing connection waits for the client to close first (see {@code finish}). */
    private static final Duration LINGER = Duration.ofSeconds(5);
    private static final byte[] HELLO = "Hello from evloop!\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
    private static final Pattern REQUEST_LINE = Pattern.compile("(" + TOKEN + ") ([!-~]+) HTTP/1\\.([01])");
    /** A field line (RFC 9110 5.5): no CTL in the value but HTAB; obs-fold is not allowed. */
    private static final Pattern FIELD = Pattern.compile("(" + TOKEN + "):[ \\t]*+([^\\x00-\\x08\\x0a-\\x1f\\x7f]*+)");
    /** What may follow a chunk's size (RFC 9112 7.1.1): extensions, which this server ignores. */
    private static final Pattern CHUNK_EXTENSIONS = Pattern.compile("(?:[ \\t]*+;[ \\t]*+" + TOKEN
            + "(?:[ \\t]*+=[ \\t]*+(?:" + TOKEN + "|\"(?:[\\t !#-\\[\\]-~\\x80-\\xff]|\\\\[\\t -~\\x80-\\xff])*+\"))?+)*+");
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter
            .ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private HttpServer() {
    }

    /**
     * How long a client may take, as Node's {@code http.Server} options of the same names.
     *
     * @param headers   for a request head: from the connection for the first request, from its
     *                  first byte for the next ones; past it, 408 (or a silent close if nothing came)
     * @param keepAlive for the first byte of the next request after a response; past it, a silent close
     * @param request   for a whole request, body included, from its first byte; past it, 408
     */
    record Timeouts(Duration headers, Duration keepAlive, Duration request) {
        /** Node's defaults: 60 s, 5 s, 300 s. */
        static final Timeouts DEFAULTS = new Timeouts(Duration.ofSeconds(60), Duration.ofSeconds(5), Duration.ofSeconds(300));

        /**
         * Checks the values.
         *
         * @throws NullPointerException     if one is null
         * @throws IllegalArgumentException if one is zero or negative, naming it
         */
        Timeouts {
            positive(headers, "headers");
            positive(keepAlive, "keepAlive");
            positive(request, "request");
        }

        private static void positive(Duration timeout, String name) {
            Objects.requireNonNull(timeout, name);
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException(name + " timeout must be positive, got " + timeout);
            }
        }
    }

    /** Where a connection is in its current request, which says what its deadline means. */
    private enum Phase {
        /** No byte of a request yet: at the deadline the connection closes without a word. */
        IDLE,
        /** Reading a request head. */
        HEAD,
        /** Reading a body framed by Content-Length. */
        BODY,
        /** Reading a chunk-size line. */
        CHUNK_SIZE,
        /** Reading a chunk's data. */
        CHUNK_DATA,
        /** Reading the CRLF after a chunk's data. */
        CHUNK_END,
        /** Reading the trailer section after the last chunk. */
        TRAILERS
    }

    /** One connection: parses requests as they arrive and answers them in order. */
    static final class HttpConnection implements Protocol {
        private final EventLoop loop;
        private final Set<Transport> open;
        private final Timeouts timeouts;
        private Transport transport;
        private byte[] buffer = new byte[8192];
        private int start;
        private int end;
        private int scanned; // bytes after start known not to hold the end of the request head
        private Phase phase = Phase.IDLE;
        private boolean served; // a request has been answered: IDLE means kept alive, not new
        private long left; // bytes of the current body or chunk still to read past
        private int trailerBytes;
        private double requestStart;
        // The answer to the request being read, sent once all of it is read.
        private int status;
        private boolean headOnly;
        private boolean keepAlive;
        private boolean http10;
        private boolean paused; // the client is not reading its responses: answer no more for now
        private boolean eof; // the client sent all it will
        private boolean finished; // the last response is out: drop anything else
        private TimerHandle linger;
        // One timer serves every deadline: moving a deadline later does not re-arm it; it finds
        // the new deadline when it fires. So a busy connection costs a timer every few seconds,
        // not one per request.
        private double deadline;
        private TimerHandle timer;
        private double timerAt;

        HttpConnection(EventLoop loop, Set<Transport> open, Timeouts timeouts) {
            this.loop = loop;
            this.open = open;
            this.timeouts = timeouts;
        }

        @Override
        public void connectionMade(Transport t) {
            transport = t;
            open.add(t);
            setDeadline(loop.time() + seconds(timeouts.headers()));
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            if (finished) {
                return;
            }
            append(data);
            answerRequests();
        }

        @Override
        public boolean eofReceived() {
            eof = true;
            return paused && !finished; // requests still buffered are answered when writing resumes
        }

        @Override
        public void pauseWriting() {
            paused = true;
            transport.pauseReading();
            // From now on the deadline is for the client to read: a client that never does is dropped.
            setDeadline(loop.time() + seconds(timeouts.headers()));
        }

        @Override
        public void resumeWriting() {
            paused = false;
            transport.resumeReading();
            // The current phase starts over: it had no way to progress while reading was paused.
            setDeadline(loop.time() + seconds(phase == Phase.IDLE ? timeouts.keepAlive() : timeouts.headers()));
            answerRequests();
        }

        @Override
        public void connectionLost(Throwable cause) {
            open.remove(transport);
            if (linger != null) {
                linger.cancel();
            }
            if (timer != null) {
                timer.cancel();
            }
        }

        /** Answers the complete requests in the buffer, as far as flow control lets it. */
        private void answerRequests() {
            while (!finished && !paused && step()) {
                // each step consumed something or changed phase: try the next one
            }
            if (!finished && !paused && eof) {
                transport.close(); // what is left is no complete request
            }
        }

        /** Takes one step in the current request; false when it needs more data. */
        private boolean step() {
            return switch (phase) {
                case IDLE -> startRequest();
                case HEAD -> readHead();
                case BODY -> skipBody();
                case CHUNK_SIZE -> readChunkSize();
                case CHUNK_DATA -> skipBody();
                case CHUNK_END -> readChunkEnd();
                case TRAILERS -> readTrailer();
            };
        }

        /** Skips the empty lines RFC 9112 2.2 lets a client send before a request; true at its first byte. */
        private boolean startRequest() {
            while (start < end && (buffer[start] == '\n'
                    || buffer[start] == '\r' && start + 1 < end && buffer[start + 1] == '\n')) {
                start += buffer[start] == '\n' ? 1 : 2;
            }
            if (start == end || buffer[start] == '\r' && start + 1 == end) {
                return false;
            }
            phase = Phase.HEAD;
            scanned = 0;
            requestStart = loop.time();
            if (served) { // the first request's head counts from the connection, as in Node
                setDeadline(requestStart + seconds(timeouts.headers()));
            }
            return true;
        }

        private boolean readHead() {
            int headEnd = -1; // just past the empty line that ends the head
            int contentEnd = -1; // just past the LF of the last field line
            int i = start + scanned;
            for (; i < end; i++) {
                if (buffer[i] != '\n') {
                    continue;
                }
                if (i + 1 < end && buffer[i + 1] == '\n') {
                    headEnd = i + 2;
                } else if (i + 2 < end && buffer[i + 1] == '\r' && buffer[i + 2] == '\n') {
                    headEnd = i + 3;
                } else if (i + 2 >= end) {
                    break; // too soon to tell whether an empty line follows: look here again
                }
                if (headEnd >= 0) {
                    contentEnd = i + 1;
                    break;
                }
            }
            if (headEnd < 0 ? end - start > MAX_HEAD : headEnd - start > MAX_HEAD) {
                fail(431);
                return false;
            }
            if (headEnd < 0) {
                scanned = i - start;
                return false;
            }
            String head = new String(buffer, start, contentEnd - start, StandardCharsets.ISO_8859_1);
            start = headEnd;
            return parseHead(head);
        }

        /** Parses a request head and decides its answer; true if the request goes on. */
        private boolean parseHead(String head) {
            String[] lines = lines(head);
            Matcher requestLine = lines == null ? null : REQUEST_LINE.matcher(lines[0]);
            if (requestLine == null || !requestLine.matches()) {
                fail(400);
                return false;
            }
            String method = requestLine.group(1);
            String path = requestLine.group(2).split("\\?", 2)[0];
            http10 = requestLine.group(3).equals("0");
            Map<String, String> fields = new HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                Matcher field = FIELD.matcher(lines[i]);
                if (!field.matches()) {
                    fail(400); // not a field, obsolete line folding, space before the colon, or a CTL
                    return false;
                }
                // A repeated field is one field whose values are joined with commas (RFC 9110 5.3).
                fields.merge(field.group(1).toLowerCase(Locale.ROOT), field.group(2).strip(),
                        (first, next) -> first + ", " + next);
            }
            String length = fields.get("content-length");
            String codings = fields.get("transfer-encoding");
            if (!http10 && !fields.containsKey("host") || length != null && !length.matches("[0-9]{1,18}")) {
                fail(400);
                return false;
            }
            if (codings != null) {
                int framing = chunkedFraming(codings);
                if (framing != 0 || length != null || http10) {
                    // RFC 9112 6.1 and 6.3: both framings at once, or a transfer coding in HTTP/1.0,
                    // or a final coding other than chunked, leave the body's end unknown.
                    fail(framing == 501 ? 501 : 400);
                    return false;
                }
            }
            List<String> connection =
                    List.of(fields.getOrDefault("connection", "").toLowerCase(Locale.ROOT).split("\\s*,\\s*"));
            keepAlive = http10 ? connection.contains("keep-alive") : !connection.contains("close");
            headOnly = method.equals("HEAD");
            status = !path.equals("/") ? 404 : !method.equals("GET") && !headOnly ? 405 : 200;
            left = codings != null ? 0 : length == null ? 0 : Long.parseLong(length);
            phase = codings != null ? Phase.CHUNK_SIZE : Phase.BODY;
            if ((codings != null || left > 0) && !http10
                    && "100-continue".equalsIgnoreCase(fields.get("expect"))) {
                transport.write(CONTINUE); // RFC 9110 10.1.1: the client waits for this before its body
            }
            if (phase == Phase.CHUNK_SIZE || left > 0) {
                setDeadline(requestStart + seconds(timeouts.request()));
            }
            return true;
        }

        /**
         * 0 if a Transfer-Encoding's codings end with chunked, applied once; 501 for a coding before
         * it that this server does not decode (RFC 9112 6.1); 400 for anything else.
         */
        private static int chunkedFraming(String codings) {
            String[] list = codings.toLowerCase(Locale.ROOT).split("[ \\t]*,[ \\t]*", -1);
            if (!list[list.length - 1].equals("chunked")) {
                return 400;
            }
            for (int i = 0; i < list.length - 1; i++) {
                if (list[i].equals("chunked") || !list[i].matches(TOKEN)) {
                    return 400;
                }
            }
            return list.length == 1 ? 0 : 501;
        }

        /** A head's lines, each without its CRLF or LF; null if one holds any other CR. */
        private static String[] lines(String head) {
            String[] lines = head.split("\n");
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i];
                if (line.endsWith("\r")) {
                    line = line.substring(0, line.length() - 1);
                    lines[i] = line;
                }
                if (line.indexOf('\r') >= 0) {
                    return null; // a bare CR (RFC 9112 2.2)
                }
            }
            return lines;
        }

        /** Reads past a body's or chunk's bytes; true once they are all read. */
        private boolean skipBody() {
            int n = (int) Math.min(left, end - start);
            start += n;
            left -= n;
            if (left > 0) {
                return false;
            }
            if (phase == Phase.CHUNK_DATA) {
                phase = Phase.CHUNK_END;
            } else {
                completeRequest();
            }
            return true;
        }

        /** A chunk-size line: hex digits, perhaps extensions, CRLF (RFC 9112 7.1). */
        private boolean readChunkSize() {
            int lf = indexOf('\n', MAX_CHUNK_LINE);
            if (lf < 0) {
                if (end - start > MAX_CHUNK_LINE) {
                    fail(400);
                }
                return false;
            }
            int lineEnd = lf - 1;
            long size = 0;
            int i = start;
            for (; i < lineEnd && Character.digit(buffer[i], 16) >= 0; i++) {
                if (size > Long.MAX_VALUE >> 4) {
                    fail(400);
                    return false;
                }
                size = size << 4 | Character.digit(buffer[i], 16);
            }
            if (lf == start || buffer[lineEnd] != '\r' || i == start || !CHUNK_EXTENSIONS.matcher(
                    new String(buffer, i, lineEnd - i, StandardCharsets.ISO_8859_1)).matches()) {
                fail(400);
                return false;
            }
            start = lf + 1;
            left = size;
            trailerBytes = 0;
            phase = size == 0 ? Phase.TRAILERS : Phase.CHUNK_DATA;
            return true;
        }

        private boolean readChunkEnd() {
            if (end - start < 2) {
                return false;
            }
            if (buffer[start] != '\r' || buffer[start + 1] != '\n') {
                fail(400);
                return false;
            }
            start += 2;
            phase = Phase.CHUNK_SIZE;
            return true;
        }

        /** One trailer field line, or the empty line that ends the request; trailers are ignored. */
        private boolean readTrailer() {
            int lf = indexOf('\n', MAX_HEAD - trailerBytes);
            if (lf < 0) {
                if (end - start > MAX_HEAD - trailerBytes) {
                    fail(431);
                }
                return false;
            }
            int lineEnd = lf - 1;
            if (lf == start || buffer[lineEnd] != '\r') {
                fail(400);
                return false;
            }
            String line = new String(buffer, start, lineEnd - start, StandardCharsets.ISO_8859_1);
            trailerBytes += lf + 1 - start;
            start = lf + 1;
            if (line.isEmpty()) {
                completeRequest();
            } else if (!FIELD.matcher(line).matches()) {
                fail(400);
                return false;
            }
            return true;
        }

        /** The request is read in full: answer it, and wait for the next one. */
        private void completeRequest() {
            String persistence = !keepAlive ? "Connection: close\r\n" : http10 ? "Connection: keep-alive\r\n" : "";
            switch (status) {
                case 404 -> respond(404, persistence, "Not Found\n".getBytes(StandardCharsets.UTF_8), headOnly);
                case 405 -> respond(405, "Allow: GET, HEAD\r\n" + persistence,
                        "Method Not Allowed\n".getBytes(StandardCharsets.UTF_8), false);
                default -> respond(200, persistence, HELLO, headOnly);
            }
            if (!keepAlive) {
                finish();
                return;
            }
            served = true;
            phase = Phase.IDLE;
            setDeadline(loop.time() + seconds(timeouts.keepAlive()));
        }

        /** Answers a request this server cannot serve, and ends the connection. */
        private void fail(int status) {
            byte[] body = (reason(status) + "\n").getBytes(StandardCharsets.UTF_8);
            respond(status, "Connection: close\r\n", body, false);
            finish();
        }

        private void respond(int status, String extraFields, byte[] body, boolean headOnly) {
            String head = "HTTP/1.1 " + status + " " + reason(status) + "\r\n"
                    + "Date: " + HTTP_DATE.format(Instant.now()) + "\r\n"
                    + "Content-Type: text/plain; charset=utf-8\r\n"
                    + "Content-Length: " + body.length + "\r\n"
                    + extraFields
                    + "\r\n";
            transport.write(head.getBytes(StandardCharsets.ISO_8859_1));
            if (!headOnly) {
                transport.write(body);
            }
        }

        /**
         * Ends the connection after the last response without losing it: closing a socket with
         * unread data makes the kernel send a reset, which can destroy a response the client has
         * not read yet. So the server half-closes, drops what still comes, and closes when the
         * client does (the default {@code eofReceived}), or after {@link #LINGER}.
         */
        private void finish() {
            finished = true;
            if (timer != null) {
                timer.cancel();
                timer = null;
            }
            if (eof) {
                transport.close();
            } else {
                transport.writeEof();
                linger = loop.callLater(LINGER, transport::abort);
            }
        }

        /** Moves the deadline; the timer is re-armed only if it would fire too late. */
        private void setDeadline(double when) {
            deadline = when;
            if (timer == null || when < timerAt) {
                if (timer != null) {
                    timer.cancel();
                }
                timer = loop.callAt(when, this::deadlinePassed);
                timerAt = when;
            }
        }

        private void deadlinePassed() {
            timer = null;
            if (finished) {
                return;
            }
            if (loop.time() < deadline) {
                setDeadline(deadline);
            } else if (paused) {
                transport.abort(); // it has not read its responses for a whole head timeout
            } else if (phase == Phase.IDLE) {
                transport.close(); // nothing of a request came: as Node, close without a word
            } else {
                fail(408);
            }
        }

        /** Where {@code b} is within the next {@code limit} bytes (and one more), or -1. */
        private int indexOf(char b, int limit) {
            int stop = (int) Math.min(end, (long) start + limit + 1);
            for (int i = start; i < stop; i++) {
                if (buffer[i] == b) {
                    return i;
                }
            }
            return -1;
        }

        private void append(ByteBuffer data) {
            int n = data.remaining();
            if (end + n > buffer.length) {
                System.arraycopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
                if (end + n > buffer.length) {
                    buffer = Arrays.copyOf(buffer, Math.max(2 * buffer.length, end + n));
                }
            }
            data.get(buffer, end, n);
            end += n;
        }
    }

    /** A Duration as the seconds the loop's clock counts, without overflow for long ones. */
    private static double seconds(Duration d) {
        return d.getSeconds() + d.getNano() / 1e9;
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 431 -> "Request Header Fields Too Large";
            case 501 -> "Not Implemented";
            default -> throw new IllegalArgumentException("status: no reason phrase for " + status);
        };
    }

    /**
     * Runs the server.
     *
     * @param args {@code [host] [port] [headers-timeout-s] [keep-alive-timeout-s] [request-timeout-s]},
     *             the timeouts in seconds (decimals allowed); see {@link Timeouts} for the defaults
     */
    public static void main(String[] args) {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 8080;
        Timeouts d = Timeouts.DEFAULTS;
        Timeouts timeouts = new Timeouts(
                args.length > 2 ? secondsArg(args[2]) : d.headers(),
                args.length > 3 ? secondsArg(args[3]) : d.keepAlive(),
                args.length > 4 ? secondsArg(args[4]) : d.request());
        serve(host, port, timeouts, address -> System.out.println(
                "HTTP server listening on http://" + address.getHostString() + ":" + address.getPort() + "/"));
    }

    private static Duration secondsArg(String text) {
        return Duration.ofNanos(Math.round(Double.parseDouble(text) * 1e9));
    }

    /**
     * Serves with {@link Timeouts#DEFAULTS}; see {@link #serve(String, int, Timeouts, Consumer)}.
     *
     * @param host      the address to listen on
     * @param port      the port; 0 picks a free one
     * @param listening told the address once the server listens
     */
    static void serve(String host, int port, Consumer<InetSocketAddress> listening) {
        serve(host, port, Timeouts.DEFAULTS, listening);
    }

    /**
     * Serves until SIGINT or SIGTERM, then stops accepting and closes every connection once its
     * responses are sent.
     *
     * @param host      the address to listen on
     * @param port      the port; 0 picks a free one
     * @param timeouts  how long a client may take
     * @param listening told the address once the server listens
     */
    static void serve(String host, int port, Timeouts timeouts, Consumer<InetSocketAddress> listening) {
        Objects.requireNonNull(timeouts, "timeouts");
        try (EventLoop loop = EventLoops.newEventLoop()) {
            LoopFuture<String> shutdown = Shutdown.requested(loop);
            Set<Transport> open = new HashSet<>();
            Server server = loop.runUntilComplete(loop.createServer(
                    () -> new HttpConnection(loop, open, timeouts), host, port, SocketOptions.defaults().backlog(1024)));
            listening.accept((InetSocketAddress) server.addresses().get(0));

            System.out.println("SIG" + loop.runUntilComplete(shutdown) + ": shutting down");
            server.close();
            List.copyOf(open).forEach(Transport::close);
            loop.runUntilComplete(server.waitClosed());
        }
    }
}
