package dev.evloop.examples;

import dev.evloop.Async;
import dev.evloop.BackgroundLoop;
import dev.evloop.net.SocketOptions;
import dev.evloop.streams.Streams;
import dev.evloop.sync.AsyncLock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A loop on a background thread, fed from ordinary threads: a blocking echo client that any
 * thread may call. Each call hands a task to the loop with {@link BackgroundLoop#submit} (asyncio's
 * {@code run_coroutine_threadsafe}) and waits for its result; on the loop, the calls share one
 * connection and take turns on it with an {@link AsyncLock}.
 *
 * <pre>{@code
 * try (BackgroundClient client = new BackgroundClient("127.0.0.1", 8888)) {
 *     String echo = client.echo("hello");          // from any thread
 * }
 * }</pre>
 *
 * <p>With {@link EchoServer} or {@link StreamEchoServer} running:
 * <pre>{@code
 * ./evloop example BackgroundClient [host] [port] [threads]     # 127.0.0.1 8888 4 by default
 * }</pre>
 */
public final class BackgroundClient implements AutoCloseable {
    private final BackgroundLoop background = new BackgroundLoop("echo-client");
    private final AsyncLock turn = new AsyncLock(); // binds to the loop it is first used on: the background one
    private final Streams connection;

    /**
     * Starts the background loop and connects from it.
     *
     * @param host the echo server
     * @param port its port
     * @throws java.util.concurrent.CompletionException carrying the failure to connect (the
     *         background loop is closed again)
     */
    public BackgroundClient(String host, int port) {
        try {
            connection = background.submit(() -> Async.openConnection(host, port, SocketOptions.defaults())).join();
        } catch (RuntimeException e) {
            background.close();
            throw e;
        }
    }

    /**
     * Sends a line and waits for its echo. Safe from any thread; only the caller waits.
     *
     * @param line the line, without a newline
     * @return its echo, without the newline
     * @throws java.util.concurrent.CompletionException carrying the connection's failure
     */
    public String echo(String line) {
        return background.submit(() -> {
            turn.acquire(); // one request at a time: replies come back in the order they were asked
            try {
                connection.writer().write((line + "\n").getBytes(StandardCharsets.UTF_8));
                String echoed = new String(connection.reader().readLine(), StandardCharsets.UTF_8);
                return echoed.endsWith("\n") ? echoed.substring(0, echoed.length() - 1) : echoed;
            } finally {
                turn.release();
            }
        }).join();
    }

    /** Closes the connection, then the background loop and its thread. */
    @Override
    public void close() {
        try {
            background.submit(() -> {
                connection.writer().close();
                connection.writer().waitClosed();
                return null;
            }).join();
        } finally {
            background.close();
        }
    }

    /**
     * Echoes a few lines from each of several plain threads through one client.
     *
     * @param args {@code [host] [port] [threads]}
     * @throws InterruptedException if interrupted while waiting for the threads
     */
    public static void main(String[] args) throws InterruptedException {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 8888;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        try (BackgroundClient client = new BackgroundClient(host, port)) {
            List<Thread> callers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String name = "caller-" + t;
                callers.add(Thread.ofPlatform().name(name).start(() -> {
                    for (int i = 0; i < 3; i++) {
                        System.out.println(name + " got back: " + client.echo("message " + i + " from " + name));
                    }
                }));
            }
            for (Thread caller : callers) {
                caller.join();
            }
        }
    }
}
