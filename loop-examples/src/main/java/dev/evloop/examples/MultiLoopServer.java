package dev.evloop.examples;

import dev.evloop.Async;
import dev.evloop.BackgroundLoop;
import dev.evloop.EventLoops;
import dev.evloop.LoopFuture;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.streams.StreamReader;
import dev.evloop.streams.StreamWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Several loops across threads: a {@link BackgroundLoop} per core, each running its own echo
 * server on the same port with SO_REUSEPORT, so that the kernel spreads new connections over the
 * loops; a connection then lives on one loop and its thread, and the loops share nothing. The main
 * thread runs a loop of its own that starts the others, waits for SIGINT or SIGTERM, and shuts
 * them down. Each echo says which loop served it.
 *
 * <pre>{@code
 * ./evloop example MultiLoopServer [host] [port] [loops]     # 127.0.0.1 8888, one loop per core
 * }</pre>
 */
public final class MultiLoopServer {
    private static final SocketOptions SHARED_PORT = SocketOptions.defaults().reusePort(true);

    private MultiLoopServer() {
    }

    /**
     * Runs the server.
     *
     * @param args {@code [host] [port] [loops]}
     */
    public static void main(String[] args) {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 8888;
        int loops = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
        serve(host, port, loops, address -> System.out.println(
                loops + " loops listening on " + address.getHostString() + ":" + address.getPort()));
    }

    /**
     * Serves on {@code loops} background loops until SIGINT or SIGTERM, then closes their servers
     * and the loops, which cancels their sessions.
     *
     * @param host      the address to listen on
     * @param port      the port; 0 picks a free one, which the other loops then share
     * @param loops     how many loops
     * @param listening told the address once every loop listens
     */
    static void serve(String host, int port, int loops, Consumer<InetSocketAddress> listening) {
        List<BackgroundLoop> workers = new ArrayList<>();
        try {
            for (int i = 0; i < loops; i++) {
                workers.add(new BackgroundLoop("echo-loop-" + i));
            }
            EventLoops.run(() -> {
                LoopFuture<String> shutdown = Shutdown.requested(Async.currentLoop());
                List<Server> servers = new ArrayList<>();
                InetSocketAddress address = null;
                for (int i = 0; i < loops; i++) {
                    String name = "echo-loop-" + i;
                    int shared = address == null ? port : address.getPort();
                    // A server belongs to the loop that made it: create it there, and wait here.
                    Server server = LoopFuture.wrap(workers.get(i).submit(() -> Async.startServer(
                            (reader, writer) -> echo(name, reader, writer), host, shared, SHARED_PORT))).await();
                    servers.add(server);
                    address = (InetSocketAddress) server.addresses().get(0);
                }
                listening.accept(address);

                System.out.println("SIG" + shutdown.await() + ": shutting down");
                for (int i = 0; i < loops; i++) {
                    Server server = servers.get(i);
                    LoopFuture.wrap(workers.get(i).submit(() -> {
                        server.close();
                        return null;
                    })).await();
                }
                return null;
            });
        } finally {
            workers.forEach(BackgroundLoop::close); // cancels each loop's sessions, which close their connections
        }
    }

    /** Echoes each line, saying which loop it runs on. */
    private static void echo(String loopName, StreamReader reader, StreamWriter writer) {
        try {
            byte[] line;
            while ((line = reader.readLine()).length > 0) {
                writer.write((loopName + ": ").getBytes(StandardCharsets.UTF_8));
                writer.write(line);
                writer.drain();
            }
        } finally {
            writer.close();
        }
    }
}
