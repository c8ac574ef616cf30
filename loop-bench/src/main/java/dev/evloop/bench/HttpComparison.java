package dev.evloop.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The HTTP comparison of {@code ./evloop bench}: the HttpServer example on each backend against
 * raw Netty's HTTP/1.1 server on the same backend ({@link NettyHttpServerMain}), measured from
 * outside as the echo comparison is ({@link EchoComparison#run(List, Workload, EchoComparison.Profile,
 * PrintStream)}): each server in a JVM of its own, one load client in another sending
 * {@code GET /} on kept-alive connections ({@link HttpExchange}); requests per second and server
 * CPU per request in a closed loop, then latencies in an open loop at half the slowest server's
 * requests per second, pipelined behind outstanding requests on a connection.
 */
final class HttpComparison {
    /** {@code ./evloop bench}: 50 connections. */
    static final EchoComparison.Profile SHORT = profile("short", Duration.ofMillis(500), 2, 4, 3, List.of(50));
    /** {@code ./evloop bench --full}: 1, 50 and 500 connections, longer. */
    static final EchoComparison.Profile FULL = profile("full", Duration.ofSeconds(1), 2, 6, 5, List.of(1, 50, 500));

    private HttpComparison() {
    }

    /**
     * A profile measuring each of {@code connections} in both loops.
     *
     * @throws IllegalArgumentException if a count is not between 1 and {@link Shape#MAX_CONNECTIONS}
     */
    static EchoComparison.Profile profile(String name, Duration slice, int warmUpRounds, int rounds, int latencyRounds,
                                          List<Integer> connections) {
        List<Shape> shapes = connections.stream().distinct().map(HttpComparison::shape).toList();
        return new EchoComparison.Profile(name, slice, warmUpRounds, rounds, latencyRounds, shapes, shapes, "");
    }

    /** The same profile with other connection counts. */
    static EchoComparison.Profile withConnections(EchoComparison.Profile p, List<Integer> connections) {
        return profile(p.name(), p.slice(), p.warmUpRounds(), p.rounds(), p.latencyRounds(), connections);
    }

    /** {@code connections} kept-alive connections, each request {@link HttpExchange#REQUEST}. */
    static Shape shape(int connections) {
        return new Shape(connections, HttpExchange.REQUEST.length);
    }

    /**
     * Parses {@code --http}'s comma-separated connection counts.
     *
     * @throws IllegalArgumentException naming {@code flag} if a count is not a number from 1 to
     *                                  {@link Shape#MAX_CONNECTIONS}
     */
    static List<Integer> parseConnections(String flag, String text) {
        List<Integer> counts = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            try {
                counts.add(shape(Integer.parseInt(part.trim())).connections());
            } catch (IllegalArgumentException e) { // NumberFormatException included
                throw new IllegalArgumentException(flag + ": '" + part + "' is not a number of connections from 1 to "
                        + Shape.MAX_CONNECTIONS, e);
            }
        }
        return List.copyOf(counts);
    }

    /**
     * Runs the comparison.
     *
     * @param backends    the backends to measure, each with the example and raw Netty
     * @param only        which of those servers to start, found in their {@code backend/style} names
     *                    ({@code epoll/protocol} is the example, {@code epoll/netty} raw Netty), as the
     *                    echo comparison's; {@code null} for all
     * @param serverFlags JVM flags every server gets besides the usual ones (a GC, its logging); may be empty
     * @param profile     how long and with how many connections
     * @param progress    where to say what is being measured
     * @return the figures, or {@code null} if {@code only} selects none of these servers (said on
     *         {@code progress}), so that a pattern meant for the echo servers does not fail the run
     * @throws IOException if a process fails or stops
     */
    static EchoComparison.Results run(List<String> backends, Pattern only, List<String> serverFlags,
                                      EchoComparison.Profile profile, PrintStream progress) throws IOException {
        List<EchoProcesses.Server> servers = new ArrayList<>();
        for (String backend : backends) {
            for (EchoServer.Style style : List.of(EchoServer.Style.PROTOCOL, EchoServer.Style.NETTY)) {
                if (only == null || only.matcher(backend + "/" + style.label()).find()) {
                    servers.add(new EchoProcesses.Server(backend, style, "", serverFlags));
                }
            }
        }
        if (servers.isEmpty()) {
            progress.println("http: --servers '" + only + "' selects none of the HTTP servers (backend/protocol for"
                    + " the example, backend/netty for raw Netty): not measured");
            return null;
        }
        return EchoComparison.run(servers, Workload.HTTP, profile, progress);
    }
}
