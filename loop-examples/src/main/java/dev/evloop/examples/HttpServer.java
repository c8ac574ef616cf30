package dev.evloop.examples;

import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.LoopFuture;
import dev.evloop.Protocol;
import dev.evloop.Server;
import dev.evloop.SocketOptions;
import dev.evloop.TimerHandle;
import dev.evloop.Transport;
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
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small HTTP/1.1 server in protocol style, with its own parser: {@code GET /} and
 * {@code HEAD /} answer 200 with a line of text, other paths 404, other methods 405. Connections
 * stay open between requests (keep-alive) unless the client sends {@code Connection: close} or
 * speaks HTTP/1.0 without asking for keep-alive, and pipelined requests are answered in order. A
 * malformed request gets 400 and a request head over 8 KiB gets 431; both end the connection.
 *
 * <p>Each connection's protocol keeps what arrives in a buffer, answers every complete request in
 * it at once, in order, and keeps the rest for the next read; bodies are read past, not kept. When
 * the client reads its responses slower than it sends requests, the protocol stops reading
 * ({@code pauseWriting} → {@code pauseReading}) until the responses drain.
 *
 * <pre>{@code
 * ./evloop example HttpServer [host] [port]        # 127.0.0.1 8080 by default
 * curl -i http://127.0.0.1:8080/
 * }</pre>
 */
public final class HttpServer {
    /** The largest request head (request line and header fields) this server reads. */
    static final int MAX_HEAD = 8 * 1024;
    /** How long a closing connection waits for the client to close first (see {@code finish}). */
    private static final Duration LINGER = Duration.ofSeconds(5);
    private static final byte[] HELLO = "Hello from evloop!\n".getBytes(StandardCharsets.UTF_8);
    private static final Pattern REQUEST_LINE =
            Pattern.compile("([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\\S+) HTTP/1\\.([01])");
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter
            .ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private HttpServer() {
    }

    /** One connection: parses requests as they arrive and answers them in order. */
    static final class HttpConnection implements Protocol {
        private final EventLoop loop;
        private final Set<Transport> open;
        private Transport transport;
        private byte[] buffer = new byte[8192];
        private int start;
        private int end;
        private long bodyLeft; // bytes of the current request's body still to read past
        private boolean paused; // the client is not reading its responses: answer no more for now
        private boolean eof; // the client sent all it will
        private boolean finished; // the last response is out: drop anything else
        private TimerHandle linger;

        HttpConnection(EventLoop loop, Set<Transport> open) {
            this.loop = loop;
            this.open = open;
        }

        @Override
        public void connectionMade(Transport t) {
            transport = t;
            open.add(t);
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
        }

        @Override
        public void resumeWriting() {
            paused = false;
            transport.resumeReading();
            answerRequests();
        }

        @Override
        public void connectionLost(Throwable cause) {
            open.remove(transport);
            if (linger != null) {
                linger.cancel();
            }
        }

        /** Answers the complete requests in the buffer, as far as flow control lets it. */
        private void answerRequests() {
            while (!finished && !paused) {
                if (bodyLeft > 0) { // this server has no use for bodies: read past them
                    int n = (int) Math.min(bodyLeft, end - start);
                    start += n;
                    bodyLeft -= n;
                    if (bodyLeft > 0) {
                        return;
                    }
                }
                while (end - start >= 2 && buffer[start] == '\r' && buffer[start + 1] == '\n') {
                    start += 2; // RFC 9112 2.2: ignore empty lines before a request line
                }
                int headEnd = indexOfEmptyLine();
                if (headEnd < 0 ? end - start > MAX_HEAD : headEnd + 4 - start > MAX_HEAD) {
                    fail(431);
                    return;
                }
                if (headEnd < 0) {
                    if (eof) {
                        transport.close(); // what is left is no complete request
                    }
                    return;
                }
                String head = new String(buffer, start, headEnd - start, StandardCharsets.ISO_8859_1);
                start = headEnd + 4;
                answer(head);
            }
        }

        /** Parses one request head and writes its response. */
        private void answer(String head) {
            String[] lines = head.split("\r\n", -1);
            Matcher requestLine = REQUEST_LINE.matcher(lines[0]);
            if (!requestLine.matches()) {
                fail(400);
                return;
            }
            String method = requestLine.group(1);
            String path = requestLine.group(2).split("\\?", 2)[0];
            boolean http11 = requestLine.group(3).equals("1");
            Map<String, String> fields = new HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                String line = lines[i];
                int colon = line.indexOf(':');
                if (colon <= 0 || Character.isWhitespace(line.charAt(0))
                        || Character.isWhitespace(line.charAt(colon - 1))) {
                    fail(400); // not a field, obsolete line folding, or space before the colon (RFC 9112 5)
                    return;
                }
                // A repeated field is one field whose values are joined with commas (RFC 9110 5.3).
                fields.merge(line.substring(0, colon).toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).strip(), (first, next) -> first + ", " + next);
            }
            String length = fields.getOrDefault("content-length", "0");
            if ((http11 && !fields.containsKey("host")) || !length.matches("[0-9]{1,18}")) {
                fail(400);
                return;
            }
            if (fields.containsKey("transfer-encoding")) {
                fail(501); // this server does not decode chunked bodies, so it could not find the next request
                return;
            }
            bodyLeft = Long.parseLong(length);
            List<String> connection =
                    List.of(fields.getOrDefault("connection", "").toLowerCase(Locale.ROOT).split("\\s*,\\s*"));
            boolean keepAlive = http11 ? !connection.contains("close") : connection.contains("keep-alive");
            String persistence = !keepAlive ? "Connection: close\r\n" : http11 ? "" : "Connection: keep-alive\r\n";
            boolean headOnly = method.equals("HEAD");
            if (!path.equals("/")) {
                respond(404, persistence, "Not Found\n".getBytes(StandardCharsets.UTF_8), headOnly);
            } else if (!method.equals("GET") && !headOnly) {
                respond(405, "Allow: GET, HEAD\r\n" + persistence,
                        "Method Not Allowed\n".getBytes(StandardCharsets.UTF_8), false);
            } else {
                respond(200, persistence, HELLO, headOnly);
            }
            if (!keepAlive) {
                finish();
            }
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
            if (eof) {
                transport.close();
            } else {
                transport.writeEof();
                linger = loop.callLater(LINGER, transport::abort);
            }
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

        /** Where the empty line that ends the request head begins, or -1. */
        private int indexOfEmptyLine() {
            for (int i = start; i + 3 < end; i++) {
                if (buffer[i] == '\r' && buffer[i + 1] == '\n' && buffer[i + 2] == '\r' && buffer[i + 3] == '\n') {
                    return i;
                }
            }
            return -1;
        }
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 431 -> "Request Header Fields Too Large";
            case 501 -> "Not Implemented";
            default -> throw new IllegalArgumentException("status: no reason phrase for " + status);
        };
    }

    /**
     * Runs the server.
     *
     * @param args {@code [host] [port]}
     */
    public static void main(String[] args) {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 8080;
        serve(host, port, address -> System.out.println(
                "HTTP server listening on http://" + address.getHostString() + ":" + address.getPort() + "/"));
    }

    /**
     * Serves until SIGINT or SIGTERM, then stops accepting and closes every connection once its
     * responses are sent.
     *
     * @param host      the address to listen on
     * @param port      the port; 0 picks a free one
     * @param listening told the address once the server listens
     */
    static void serve(String host, int port, Consumer<InetSocketAddress> listening) {
        try (EventLoop loop = EventLoops.newEventLoop()) {
            LoopFuture<String> shutdown = Shutdown.requested(loop);
            Set<Transport> open = new HashSet<>();
            Server server = loop.runUntilComplete(loop.createServer(
                    () -> new HttpConnection(loop, open), host, port, SocketOptions.defaults().backlog(1024)));
            listening.accept((InetSocketAddress) server.addresses().get(0));

            System.out.println("SIG" + loop.runUntilComplete(shutdown) + ": shutting down");
            server.close();
            List.copyOf(open).forEach(Transport::close);
            loop.runUntilComplete(server.waitClosed());
        }
    }
}
