package dev.evloop.examples;

import dev.evloop.Async;
import dev.evloop.EventLoops;
import dev.evloop.LoopFuture;
import dev.evloop.Task;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.streams.StreamReader;
import dev.evloop.streams.StreamWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Graceful shutdown on SIGINT or SIGTERM, the whole pattern: stop accepting connections, tell the
 * clients, give the sessions in progress a grace period to finish, cancel those still running
 * when it ends, and let their {@code finally} blocks close their connections before the loop
 * closes. The server itself answers each line upper-cased.
 *
 * <pre>{@code
 * ./evloop example GracefulShutdown [host] [port] [grace-seconds]     # 127.0.0.1 8888 10 by default
 * nc 127.0.0.1 8888         # in another terminal; then Ctrl-C the server, or kill <pid>
 * }</pre>
 */
public final class GracefulShutdown {
    private GracefulShutdown() {
    }

    /**
     * Runs the server.
     *
     * @param args {@code [host] [port] [grace-seconds]}
     */
    public static void main(String[] args) {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 8888;
        Duration grace = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 10);
        serve(host, port, grace, address -> System.out.println(
                "listening on " + address.getHostString() + ":" + address.getPort() + "; Ctrl-C to stop"));
    }

    /**
     * Serves until SIGINT or SIGTERM, then shuts down as the class comment says.
     *
     * @param host      the address to listen on
     * @param port      the port; 0 picks a free one
     * @param grace     how long sessions in progress may go on after the signal
     * @param listening told the address once the server listens
     */
    static void serve(String host, int port, Duration grace, Consumer<InetSocketAddress> listening) {
        EventLoops.run(() -> {
            LoopFuture<String> shutdown = Shutdown.requested(Async.currentLoop()); // before anyone can connect
            Map<StreamWriter, Task<?>> sessions = new LinkedHashMap<>();
            Server server = Async.startServer((reader, writer) -> {
                sessions.put(writer, Async.currentTask());
                try {
                    upperCase(reader, writer);
                } finally { // runs when the client leaves, and when the session is cancelled
                    sessions.remove(writer);
                    writer.close();
                }
            }, host, port, SocketOptions.defaults());
            listening.accept((InetSocketAddress) server.addresses().get(0));

            String signal = shutdown.await();
            System.out.println("SIG" + signal + ": no new connections; " + sessions.size()
                    + " session(s) have " + grace.toMillis() + " ms to finish");
            server.close();
            byte[] notice = "* shutting down, please finish\n".getBytes(StandardCharsets.UTF_8);
            sessions.keySet().forEach(writer -> writer.write(notice));
            // Cancelling a gather cancels what it gathers: that is how the grace period ends.
            LoopFuture<List<LoopFuture<Object>>> finished = Async.gatherSettled(List.copyOf(sessions.values()));
            try {
                Async.waitFor(finished, grace);
                System.out.println("every session finished");
            } catch (TimeoutException e) {
                System.out.println("grace period over: the sessions left were cancelled");
            }
            return null;
        }); // EventLoops.run waits for cancelled tasks to unwind, then closes the loop
    }

    /** The service itself: each line back, upper-cased, until the client is done. */
    private static void upperCase(StreamReader reader, StreamWriter writer) {
        byte[] line;
        while ((line = reader.readLine()).length > 0) {
            String upper = new String(line, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
            writer.write(upper.getBytes(StandardCharsets.UTF_8));
            writer.drain();
        }
    }
}
