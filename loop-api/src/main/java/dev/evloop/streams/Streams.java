package dev.evloop.streams;

import dev.evloop.Async;


/**
 * A connection as a reader and a writer: what {@link Async#openConnection} returns, asyncio's
 * {@code (reader, writer)} pair.
 *
 * <pre>{@code
 * Streams s = Async.openConnection("example.org", 80, SocketOptions.defaults());
 * s.writer().write("GET / HTTP/1.0\r\n\r\n".getBytes());
 * byte[] status = s.reader().readLine();
 * }</pre>
 *
 * @param reader the reading side
 * @param writer the writing side
 */
public record Streams(StreamReader reader, StreamWriter writer) {
}
