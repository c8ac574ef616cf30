package dev.evloop.streams;

import dev.evloop.Async;


/**
 * What {@link Async#startServer} runs, as a task, for each connection: asyncio's
 * {@code client_connected_cb}.
 *
 * <pre>{@code
 * Async.startServer((reader, writer) -> {
 *     byte[] line;
 *     while ((line = reader.readLine()).length > 0) {
 *         writer.write(line);
 *         writer.drain();
 *     }
 *     writer.close();
 * }, "127.0.0.1", 8888, SocketOptions.defaults());
 * }</pre>
 */
@FunctionalInterface
public interface StreamHandler {

    /**
     * Serves one connection. An exception thrown here is reported to the loop's exception handler
     * and aborts the connection.
     *
     * @param reader the connection's reading side
     * @param writer the connection's writing side
     * @throws Exception anything; it ends this connection only
     */
    void handle(StreamReader reader, StreamWriter writer) throws Exception;
}
