package dev.evloop.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * The load client of {@link EchoProcesses}, in a JVM of its own so that it shares no cores,
 * caches, heap or JIT with the servers it measures: one thread, the JDK's NIO, every response
 * checked. It speaks one {@link Workload}'s exchange: {@code echo} (every echoed byte checked) or
 * {@code http} ({@code GET /} on kept-alive connections, {@link HttpExchange}: every response's
 * status and body checked). Its parent drives one server at a time through standard input:
 *
 * <pre>
 * connect CONNECTIONS SIZE   → ready   (closes any earlier connections; opens this shape's to every server;
 *                              http: SIZE is the request's, which the exchange fixes)
 * drive INDEX MILLIS         → INDEX ROUND_TRIPS NANOS
 *                              (closed loop, {@link EchoClient}: server INDEX driven for about MILLIS ms)
 * offer INDEX MILLIS RATE    → INDEX SENT NANOS HISTOGRAM
 *                              (open loop, {@link OpenLoopClient}: RATE messages per second for MILLIS ms;
 *                              HISTOGRAM is the latencies in nanoseconds, HdrHistogram's compressed form in Base64)
 * quit, or end of input      → closes every connection and exits
 * </pre>
 *
 * A failure (a server that closed a connection, a wrong echo, a stuck server) is printed to
 * standard error and ends the process with status 1, which the parent sees as the end of its replies.
 */
public final class EchoLoadMain {
    private final List<InetSocketAddress> servers = new ArrayList<>();
    private final List<EchoClient> closed = new ArrayList<>();
    /** The open-loop clients, made at a server's first offer in a shape. */
    private final List<OpenLoopClient> open = new ArrayList<>();
    private final Workload workload;
    private Shape shape;
    private Exchange exchange;

    private EchoLoadMain(Workload workload) {
        this.workload = workload;
    }

    /**
     * Serves its parent's commands.
     *
     * @param args the workload ({@code echo} or {@code http}), then the port of each server on 127.0.0.1
     * @throws IOException if standard input cannot be read
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: EchoLoadMain <echo|http> <port>...");
            System.exit(2);
        }
        EchoLoadMain client = new EchoLoadMain(Workload.of(args[0]));
        for (String port : Arrays.asList(args).subList(1, args.length)) {
            client.servers.add(new InetSocketAddress("127.0.0.1", Integer.parseInt(port)));
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
                out.println(client.serve(line.trim().split(" ")));
            }
        } catch (RuntimeException e) {
            System.err.println(client.workload.label() + " load client: " + e);
            System.exit(1);
        } finally {
            client.disconnect();
        }
    }

    private String serve(String[] command) {
        switch (command[0]) {
            case "connect" -> {
                disconnect();
                shape = new Shape(Integer.parseInt(command[1]), Integer.parseInt(command[2]));
                exchange = workload.exchange(shape);
                for (InetSocketAddress server : servers) {
                    closed.add(new EchoClient(server, shape.connections(), exchange));
                    open.add(null);
                }
                return "ready";
            }
            case "drive" -> {
                int index = Integer.parseInt(command[1]);
                long start = System.nanoTime();
                long trips = closed.get(index).roundTripsFor(Long.parseLong(command[2]) * 1_000_000L);
                return index + " " + trips + " " + (System.nanoTime() - start);
            }
            case "offer" -> {
                int index = Integer.parseInt(command[1]);
                if (open.get(index) == null) {
                    open.set(index, new OpenLoopClient(servers.get(index), shape.connections(), exchange));
                }
                Histogram latencies = new Histogram(3);
                long start = System.nanoTime();
                long sent = open.get(index).offer(Double.parseDouble(command[3]), Long.parseLong(command[2]) * 1_000_000L,
                        latencies);
                long took = System.nanoTime() - start;
                ByteBuffer encoded = ByteBuffer.allocate(latencies.getNeededByteBufferCapacity());
                latencies.encodeIntoCompressedByteBuffer(encoded);
                encoded.flip();
                return index + " " + sent + " " + took + " " + Base64.getEncoder().encodeToString(
                        Arrays.copyOf(encoded.array(), encoded.limit()));
            }
            default -> throw new IllegalArgumentException("unknown command '" + String.join(" ", command)
                    + "'; expected connect, drive, offer or quit");
        }
    }

    private void disconnect() {
        closed.forEach(EchoClient::close);
        open.stream().filter(c -> c != null).forEach(OpenLoopClient::close);
        closed.clear();
        open.clear();
    }
}
