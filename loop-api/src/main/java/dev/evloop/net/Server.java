package dev.evloop.net;

import dev.evloop.EventLoop;
import dev.evloop.LoopFuture;
import java.net.SocketAddress;
import java.util.List;

/**
 * A listening socket made by {@link EventLoop#createServer} or {@link EventLoop#createUnixServer}:
 * each connection it accepts gets a new protocol and transport. Mirrors asyncio's {@code Server}.
 *
 * <pre>{@code
 * Server server = loop.runUntilComplete(loop.createServer(Echo::new, "127.0.0.1", 0, SocketOptions.defaults()));
 * System.out.println("listening on " + server.addresses());
 * server.close();
 * loop.runUntilComplete(server.waitClosed());
 * }</pre>
 *
 * <p>evloop implements this interface; users do not.
 */
public interface Server extends AutoCloseable {

    /**
     * Stops listening; connections already accepted stay open. Mirrors {@code close()}.
     */
    @Override
    void close();

    /**
     * A future that completes once the server is closed and every connection it accepted is
     * gone. Mirrors {@code await server.wait_closed()}.
     *
     * <p><b>Cancel safety.</b> Each call returns a future of its own: cancelling it, or a task awaiting it,
     * leaves the server and every other waiter as they were.
     *
     * @return the future
     */
    LoopFuture<Void> waitClosed();

    /**
     * Starts accepting connections, if the server was created with {@code startServing(false)};
     * on a server already serving, does nothing. Mirrors {@code await server.start_serving()}.
     *
     * @throws IllegalStateException naming the server if it is closed: a closed server never
     *         serves again (asyncio's fails there too, on the sockets its close dropped)
     */
    void startServing();

    /**
     * Accepts connections until the server is closed or the calling task is cancelled (which
     * closes it). Mirrors {@code await server.serve_forever()}.
     *
     * <p><b>Cancel safety.</b> A cancellation during the wait closes the server, as asyncio's does;
     * so does the {@link dev.evloop.TaskGroupException} a {@link dev.evloop.TaskGroup} raises in
     * its body when a child fails.
     *
     * @throws IllegalStateException if not called inside a task; naming the server, if it is
     *         already closed (asyncio's {@code RuntimeError("server ... is closed")}) or another
     *         task is already waiting in {@code serveForever} (asyncio's {@code RuntimeError("server
     *         ... is already being awaited on serve_forever()")})
     * @throws java.util.concurrent.CancellationException when the task is cancelled
     */
    void serveForever();

    /**
     * Whether the server is accepting connections. Mirrors {@code is_serving()}.
     *
     * @return {@code true} while accepting
     */
    boolean isServing();

    /**
     * The addresses it listens on. Mirrors {@code server.sockets}.
     *
     * @return the addresses
     */
    List<SocketAddress> addresses();
}
