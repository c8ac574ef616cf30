package dev.evloop.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The echo load client of {@link EchoProcesses}, in a JVM of its own so that it shares no cores,
 * caches, heap or JIT with the servers it measures: one thread, the JDK's NIO, a closed loop of
 * {@code connections} connections to each server, every echoed byte checked ({@link EchoClient}).
 * Its parent drives one server at a time through standard input:
 *
 * <pre>
 * drive INDEX MILLIS    → INDEX ROUND_TRIPS NANOS   (server INDEX driven for about MILLIS ms)
 * quit, or end of input → closes every connection and exits
 * </pre>
 *
 * A failure (a server that closed a connection, a wrong echo, a stuck server) is printed to
 * standard error and ends the process with status 1, which the parent sees as the end of its replies.
 */
public final class EchoLoadMain {
    private EchoLoadMain() {
    }

    /**
     * Connects to every server, then drives them as told.
     *
     * @param args {@code connections size port...}: connections per server, message size in bytes,
     *             and the port of each server on 127.0.0.1
     * @throws IOException if standard input cannot be read
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: EchoLoadMain <connections> <size> <port>...");
            System.exit(2);
        }
        int connections = Integer.parseInt(args[0]);
        int size = Integer.parseInt(args[1]);
        List<EchoClient> clients = new ArrayList<>();
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try {
            for (int i = 2; i < args.length; i++) {
                clients.add(new EchoClient(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[i])), connections, size));
            }
            out.println("ready");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
                String[] command = line.trim().split(" ");
                if (command.length != 3 || !command[0].equals("drive")) {
                    throw new IllegalArgumentException("unknown command '" + line + "'; expected drive INDEX MILLIS or quit");
                }
                int index = Integer.parseInt(command[1]);
                long start = System.nanoTime();
                long trips = clients.get(index).roundTripsFor(Long.parseLong(command[2]) * 1_000_000L);
                out.println(index + " " + trips + " " + (System.nanoTime() - start));
            }
        } catch (RuntimeException e) {
            System.err.println("echo load client: " + e);
            System.exit(1);
        } finally {
            clients.forEach(EchoClient::close);
        }
    }
}
