/**
 * Streams: a reader and a writer over a connection, for tasks that read and write in sequence.
 * asyncio's {@code streams.py}, built on the public API of {@link dev.evloop.net} only.
 *
 * <ul>
 *   <li>{@link dev.evloop.streams.StreamReader} and {@link dev.evloop.streams.StreamWriter}, in a
 *       {@link dev.evloop.streams.Streams} pair from {@link dev.evloop.Async#openConnection};</li>
 *   <li>{@link dev.evloop.streams.StreamHandler}, what {@link dev.evloop.Async#startServer} runs
 *       per connection;</li>
 *   <li>{@link dev.evloop.streams.StreamProtocol}, the protocol that feeds them, for streams over
 *       other transports;</li>
 *   <li>{@link dev.evloop.streams.IncompleteReadException} and
 *       {@link dev.evloop.streams.LimitOverrunException}.</li>
 * </ul>
 *
 * <pre>{@code
 * Streams s = Async.openConnection("127.0.0.1", 8888);
 * s.writer().write("ping\n".getBytes(StandardCharsets.US_ASCII));
 * byte[] reply = s.reader().readLine();
 * }</pre>
 */
package dev.evloop.streams;
