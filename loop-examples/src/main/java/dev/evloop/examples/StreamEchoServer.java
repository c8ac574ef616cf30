package dev.evloop.examples;

import dev.evloop.Async;
import dev.evloop.EventLoops;
import dev.evloop.LoopFuture;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.streams.StreamReader;
import dev.evloop.streams.StreamWriter;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * A TCP echo server in streams style: each connection is a task that reads and writes as if it
 * blocked, while only the task waits. asyncio's "TCP echo server using streams", on
 * {@code Async.startServer}.
 *
 * <p>Run it, talk to it with {@link StreamEchoClient} (or {@code nc 127.0.0.1 8888}), stop it with
 * Ctrl-C:
 * <pre>{@code
 * ./evloop example StreamEchoServer [host] [port]        # 127.0.0.1 8888 by default
 * }</pre>
 */
public final class StreamEchoServer {
    private StreamEchoServer() {
    }

    /**
     * Runs the server.
     *
     * @param args {@code [host] [port]}
     */
    public static void main(String[] args) {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 8888;
        serve(host, port, address -> System.out.println(
                "echo server listening on " + address.getHostString() + ":" + address.getPort()));
    }

    /**
     * Serves until SIGINT or SIGTERM, then stops accepting; {@code EventLoops.run} then cancels
     * the connections' tasks, whose {@code finally} blocks close them.
     *
     * @param host      the address to listen on
     * @param port      the port; 0 picks a free one
     * @param listening told the address once the server listens
     */
    static void serve(String host, int port, Consumer<InetSocketAddress> listening) {
        EventLoops.run(() -> {
            LoopFuture<String> shutdown = Shutdown.requested(Async.currentLoop());
            Server server = Async.startServer(StreamEchoServer::echo, host, port, SocketOptions.defaults());
            listening.accept((InetSocketAddress) server.addresses().get(0));

            System.out.println("SIG" + shutdown.await() + ": shutting down");
            server.close();
            return null;
        });
    }

    /** Serves one connection: echoes until the peer half-closes, then closes. */
    static void echo(StreamReader reader, StreamWriter writer) {
        try {
            byte[] chunk;
            while ((chunk = reader.read(64 * 1024)).length > 0) { // empty at end of stream
                writer.write(chunk);
                writer.drain(); // waits while the peer reads slower than it sends
            }
        } finally {
            writer.close();
        }
    }
}
