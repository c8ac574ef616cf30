package dev.evloop.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The HTTP exchange of the HTTP comparison: {@code GET /} on a kept-alive HTTP/1.1 connection,
 * answered by {@code 200} and {@link #BODY}, as the HttpServer example and {@link NettyHttpServerMain}
 * answer it; every response read by an {@link HttpResponseReader}, which checks both.
 */
final class HttpExchange implements Exchange {
    /** The body both servers send for {@code GET /}: the HttpServer example's greeting. */
    static final byte[] BODY = "Hello from evloop!\n".getBytes(StandardCharsets.UTF_8);
    /** The request: the least HTTP/1.1 allows (RFC 9112 3.2: a Host field), so the server's parse is what differs. */
    static final byte[] REQUEST = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final ByteBuffer REQUEST_BYTES =
            ByteBuffer.allocateDirect(REQUEST.length).put(REQUEST).flip().asReadOnlyBuffer();

    @Override
    public ByteBuffer request() {
        return REQUEST_BYTES.duplicate();
    }

    @Override
    public ResponseReader reader() {
        return new HttpResponseReader(200, BODY);
    }
}
