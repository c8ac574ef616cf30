package dev.evloop.examples;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.LoopFuture;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.streams.StreamReader;
import dev.evloop.streams.StreamWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Blocking and CPU-heavy work kept off the loop with {@code loop.runInExecutor} (asyncio's
 * {@code run_in_executor}): a line server whose commands are {@code primes N} (counts the primes
 * below N on a pool of one platform thread per core, in parallel with the loop) and
 * {@code resolve NAME} (a DNS lookup, a native call that would hold the loop's thread, on the
 * default executor, a virtual thread per call). The session awaits the result; other connections
 * are served meanwhile.
 *
 * <pre>{@code
 * ./evloop example BlockingWork [host] [port]        # 127.0.0.1 8888 by default
 * nc 127.0.0.1 8888
 * primes 10000000
 * resolve localhost
 * }</pre>
 */
public final class BlockingWork {
    /** A host name or address literal as a client may type it: visible ASCII, no spaces. */
    private static final Pattern HOST_NAME = Pattern.compile("[!-~]{1,253}");
    /** The largest N for {@code primes}: its sieve takes N / 8 bytes. */
    static final int MAX_PRIMES_BELOW = 100_000_000;

    private BlockingWork() {
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
                "listening on " + address.getHostString() + ":" + address.getPort()));
    }

    /**
     * Serves until SIGINT or SIGTERM, then stops accepting, cancels the sessions, and stops the
     * CPU pool, interrupting work nobody waits for any more.
     *
     * @param host      the address to listen on
     * @param port      the port; 0 picks a free one
     * @param listening told the address once the server listens
     */
    static void serve(String host, int port, Consumer<InetSocketAddress> listening) {
        ExecutorService cpu = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
        try {
            EventLoops.run(() -> {
                LoopFuture<String> shutdown = Shutdown.requested(Async.currentLoop());
                Server server = Async.startServer((reader, writer) -> session(cpu, reader, writer),
                        host, port, SocketOptions.defaults());
                listening.accept((InetSocketAddress) server.addresses().get(0));

                System.out.println("SIG" + shutdown.await() + ": shutting down");
                server.close();
                return null;
            });
        } finally {
            cpu.shutdownNow();
        }
    }

    /** One client: a command a line, its answer a line. */
    private static void session(ExecutorService cpu, StreamReader reader, StreamWriter writer) {
        EventLoop loop = Async.currentLoop();
        try {
            byte[] raw;
            while ((raw = reader.readLine()).length > 0) {
                String[] command = new String(raw, StandardCharsets.UTF_8).strip().split("\\s+", 2);
                String answer = switch (command[0]) {
                    case "primes" -> {
                        int below = parseLimit(command);
                        if (below < 0) {
                            yield "error: primes takes a whole number from 0 to " + MAX_PRIMES_BELOW;
                        }
                        // CPU work: on the pool, so the loop's thread stays free for I/O.
                        int count = loop.runInExecutor(cpu, () -> countPrimes(below)).await();
                        yield "primes below " + below + ": " + count;
                    }
                    case "resolve" -> {
                        // The name is written back in the answer: only visible ASCII, so that a CR
                        // or an escape in it cannot make the client read a line the server never sent.
                        if (command.length < 2 || !HOST_NAME.matcher(command[1]).matches()) {
                            yield "error: resolve takes a host name";
                        }
                        // Blocking work: null means the loop's default executor.
                        yield command[1] + ": " + loop.runInExecutor(null, () -> resolve(command[1])).await();
                    }
                    default -> "error: the commands are 'primes N' and 'resolve NAME'";
                };
                writer.write((answer + "\n").getBytes(StandardCharsets.UTF_8));
                writer.drain();
            }
        } finally {
            writer.close();
        }
    }

    private static int parseLimit(String[] command) {
        try {
            int n = command.length < 2 ? -1 : Integer.parseInt(command[1]);
            return n <= MAX_PRIMES_BELOW ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The number of primes below {@code n}, by the sieve of Eratosthenes; stops if interrupted. */
    static int countPrimes(int n) {
        BitSet composite = new BitSet(n);
        for (int i = 2; (long) i * i < n; i++) {
            if (Thread.interrupted()) {
                throw new CancellationException("interrupted");
            }
            if (!composite.get(i)) {
                for (int j = i * i; j < n; j += i) {
                    composite.set(j);
                }
            }
        }
        return Math.max(0, n - 2 - composite.cardinality());
    }

    /** Every address of a host name, as the resolver gives them. */
    private static String resolve(String name) {
        try {
            return Arrays.stream(InetAddress.getAllByName(name)).map(InetAddress::getHostAddress)
                    .collect(Collectors.joining(" "));
        } catch (UnknownHostException e) {
            return "unknown host";
        }
    }
}
