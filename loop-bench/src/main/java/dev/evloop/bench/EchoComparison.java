package dev.evloop.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The echo comparison of {@code ./evloop bench}, measured from outside with {@link EchoProcesses}:
 * every backend in every style (protocol, buffered, streams, streams-bytes), raw Netty on each backend
 * and a floor in C beside epoll ({@link NativeEcho}), each
 * server in a process of its own, all driven in turns by one load client in another JVM, so that the
 * host's drifts hit them alike. For each shape it measures round trips per second and whole-process
 * CPU per round trip in a closed loop, and, for the latency shapes, latencies in an open loop at a
 * fixed offered load: half the closed-loop round trips per second of the slowest server in that
 * shape, the same for every server so that their latencies compare.
 */
final class EchoComparison {
    /**
     * How long and what to measure.
     *
     * @param name           {@code short} or {@code full}, for the results
     * @param slice          how long each server is driven per round
     * @param warmUpRounds   unmeasured rounds before each shape's measured ones
     * @param rounds         measured rounds per shape, closed loop
     * @param latencyRounds  measured rounds per latency shape, open loop (after one unmeasured)
     * @param shapes         the closed-loop shapes, in order
     * @param latencyShapes  the shapes also measured in an open loop; each is one of {@code shapes}
     * @param note           what the shapes leave out and why, for the results (empty if nothing)
     */
    record Profile(String name, Duration slice, int warmUpRounds, int rounds, int latencyRounds, List<Shape> shapes,
                   List<Shape> latencyShapes, String note) {
        Profile {
            shapes = List.copyOf(shapes);
            latencyShapes = List.copyOf(latencyShapes);
            for (Shape s : latencyShapes) {
                if (!shapes.contains(s)) {
                    throw new IllegalArgumentException("latency shape " + s + " is not among the shapes " + shapes
                            + ": its offered load is half of what the closed loop measured there");
                }
            }
        }

        /** The same profile with other shapes; the note on what the profile's own shapes leave out goes. */
        Profile withShapes(List<Shape> closedLoop, List<Shape> latency) {
            List<Shape> all = new ArrayList<>(closedLoop);
            for (Shape s : latency) {
                if (!all.contains(s)) {
                    all.add(s);
                }
            }
            return new Profile(name, slice, warmUpRounds, rounds, latencyRounds, all, latency, "");
        }

        /** About how long it takes, servers' start-up aside. */
        Duration estimate(int servers) {
            long slices = (long) shapes.size() * (warmUpRounds + rounds) + (long) latencyShapes.size() * (1 + latencyRounds);
            return slice.multipliedBy(slices * servers);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s profile: %d ms slices; per shape %d warm-up and %d measured rounds"
                    + " (closed loop), %d measured rounds after one warm-up (open loop)", name, slice.toMillis(),
                    warmUpRounds, rounds, latencyRounds);
        }
    }

    /** {@code ./evloop bench}: a few minutes. */
    static final Profile SHORT = new Profile("short", Duration.ofMillis(500), 2, 4, 3,
            Shape.parseList("short profile", "1x1KiB,50x1KiB,500x16KiB"), Shape.parseList("short profile", "50x1KiB"),
            "the short profile measures three of the shapes (`--full` measures 1, 50 and 500 connections at 64 B,"
                    + " 1 KiB and 16 KiB, and 100 KiB)");

    /** {@code ./evloop bench --full}: every shape, longer; figures to keep. */
    static final Profile FULL = new Profile("full", Duration.ofSeconds(1), 2, 6, 5,
            Shape.parseList("full profile", "1x64,50x64,500x64,1x1KiB,50x1KiB,500x1KiB,1x16KiB,50x16KiB,500x16KiB,"
                    + "1x100KiB,50x100KiB"),
            Shape.parseList("full profile", "1x1KiB,50x1KiB,500x1KiB"),
            "100 KiB messages run with 1 and 50 connections only: 500 connections of 100 KiB are 50 MB in flight per"
                    + " server, more than the one-thread load client keeps fed on a small host, so it would measure"
                    + " the client");

    /**
     * One shape's figures.
     *
     * @param shape   the shape
     * @param figures each server's closed-loop figures
     * @param latency each server's open-loop latencies; empty where the shape had none
     */
    record ShapeResult(Shape shape, List<EchoProcesses.Figures> figures, List<EchoProcesses.Latency> latency) {
    }

    /**
     * Everything measured, and how.
     *
     * @param profile how long and what was measured
     * @param pinning where the processes ran, in words
     * @param shapes  each shape's figures, in the order measured
     */
    record Results(Profile profile, String pinning, List<ShapeResult> shapes) {
        /**
         * Every figure of every round as JSON, for tools and for comparing runs: per shape and
         * server, round trips per second, server CPU microseconds per round trip (the whole process,
         * and its busiest thread) and the load client's share of a CPU, one value per round; and per latency round, the p50, p99 and
         * p99.9 in microseconds and the messages sent.
         */
        String json() {
            StringBuilder j = new StringBuilder("{\"profile\": ").append(quote(profile.toString()))
                    .append(",\n \"pinning\": ").append(quote(pinning)).append(",\n \"shapes\": [");
            for (int s = 0; s < shapes.size(); s++) {
                ShapeResult shape = shapes.get(s);
                j.append(s == 0 ? "\n" : ",\n").append("  {\"connections\": ").append(shape.shape().connections())
                        .append(", \"size\": ").append(shape.shape().size()).append(", \"servers\": [");
                for (int i = 0; i < shape.figures().size(); i++) {
                    EchoProcesses.Figures f = shape.figures().get(i);
                    j.append(i == 0 ? "\n" : ",\n").append("   {").append(server(f.server()))
                            .append(", \"roundTripsPerSecond\": ").append(array(f.roundTripsPerSecond()))
                            .append(", \"cpuMicrosPerRoundTrip\": ").append(array(f.cpuMicros()))
                            .append(", \"clientBusy\": ").append(array(f.clientBusy()))
                            .append(", \"busiestThreadCpuMicrosPerRoundTrip\": ").append(array(f.threadCpuMicros()))
                            .append('}');
                }
                j.append("],\n   \"latency\": [");
                for (int i = 0; i < shape.latency().size(); i++) {
                    EchoProcesses.Latency l = shape.latency().get(i);
                    j.append(i == 0 ? "\n" : ",\n").append("   {").append(server(l.server()))
                            .append(String.format(Locale.ROOT, ", \"offeredPerSecond\": %.1f", l.rate()))
                            .append(", \"sent\": ").append(Arrays.toString(l.sent()));
                    for (double p : new double[] {50, 99, 99.9}) {
                        j.append(", \"p").append(p == 99.9 ? "99.9" : String.valueOf((int) p)).append("Micros\": ")
                                .append(array(l.rounds().stream().mapToDouble(h -> h.getValueAtPercentile(p) / 1e3)
                                        .toArray()));
                    }
                    j.append('}');
                }
                j.append("]}");
            }
            return j.append("]}\n").toString();
        }

        private static String server(EchoProcesses.Server server) {
            return "\"backend\": " + quote(server.backend()) + ", \"style\": " + quote(server.style().label());
        }

        private static String array(double[] values) {
            StringBuilder a = new StringBuilder("[");
            for (int i = 0; i < values.length; i++) {
                a.append(i == 0 ? "" : ", ").append(Double.isNaN(values[i]) ? "null" // not measured here
                        : String.format(Locale.ROOT, "%.3f", values[i]));
            }
            return a.append(']').toString();
        }

        private static String quote(String text) {
            StringBuilder q = new StringBuilder("\"");
            for (char c : text.toCharArray()) {
                if (c == '"' || c == '\\') {
                    q.append('\\').append(c);
                } else if (c < 0x20) {
                    q.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                } else {
                    q.append(c);
                }
            }
            return q.append('"').toString();
        }
    }

    private EchoComparison() {
    }

    /**
     * Runs the comparison.
     *
     * @param backends    the backends to measure, each with every evloop style and raw Netty
     * @param only        which of those servers to start, found in their {@code backend/style} names
     *                    ({@code epoll/protocol}, {@code io_uring/netty}); {@code null} for all. Fewer
     *                    servers share the servers' CPU with fewer idle JVMs (their JIT, GC and timers)
     * @param serverFlags JVM flags every server's JVM gets besides the usual ones (a GC, its logging);
     *                    may be empty
     * @param profile     how long and what to measure
     * @param progress    where to say what is being measured
     * @throws IllegalArgumentException if {@code only} selects no server
     * @throws IOException if a process fails or stops
     */
    static Results run(List<String> backends, Pattern only, List<String> serverFlags, Profile profile,
                       PrintStream progress) throws IOException {
        List<EchoProcesses.Server> servers = new ArrayList<>();
        for (String backend : backends) {
            for (EchoServer.Style style : EchoServer.Style.values()) {
                if ((only == null || only.matcher(backend + "/" + style.label()).find()) && runsOn(backend, style, progress)) {
                    servers.add(new EchoProcesses.Server(backend, style, "", serverFlags));
                }
            }
        }
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("only: '" + only + "' selects none of the servers " + backends
                    + " x " + Arrays.stream(EchoServer.Style.values()).map(EchoServer.Style::label).toList());
        }
        return run(servers, Workload.ECHO, profile, progress);
    }

    /**
     * Measures servers of a workload, every shape of the profile in turn: closed loop, then, for
     * the latency shapes, an open loop at half the slowest server's round trips per second.
     *
     * @param servers  the servers, each in a process of its own
     * @param workload what they serve, and so what the load client sends
     * @param profile  how long and what to measure
     * @param progress where to say what is being measured
     * @throws IOException if a process fails or stops
     */
    static Results run(List<EchoProcesses.Server> servers, Workload workload, Profile profile, PrintStream progress)
            throws IOException {
        String name = workload.label();
        progress.printf("%s: %d servers in their own processes, %s; about %d s%n", name, servers.size(), profile,
                profile.estimate(servers.size()).toSeconds());
        List<ShapeResult> results = new ArrayList<>();
        try (EchoProcesses processes = EchoProcesses.start(servers, workload)) {
            progress.println(name + ": " + processes.pinning());
            for (Shape shape : profile.shapes()) {
                processes.connect(shape);
                progress.println(name + ": " + shape.label() + ", closed loop");
                processes.measure(profile.warmUpRounds(), profile.slice());
                List<EchoProcesses.Figures> figures = processes.measure(profile.rounds(), profile.slice());
                List<EchoProcesses.Latency> latency = List.of();
                if (profile.latencyShapes().contains(shape)) {
                    double rate = offeredRate(figures);
                    progress.printf(Locale.ROOT, "%s: %s, open loop at %.0f messages/s%n", name, shape.label(), rate);
                    processes.offer(1, profile.slice(), rate);
                    latency = processes.offer(profile.latencyRounds(), profile.slice(), rate);
                }
                results.add(new ShapeResult(shape, figures, latency));
            }
            return new Results(profile, processes.pinning(), results);
        }
    }

    /**
     * Whether a server of this style runs with this backend: every style does, but the C floor,
     * which is epoll's (it is written on epoll) and needs a C compiler; where it cannot run,
     * {@code progress} is told why.
     */
    private static boolean runsOn(String backend, EchoServer.Style style, PrintStream progress) {
        if (style != EchoServer.Style.C) {
            return true;
        }
        if (!backend.equals("epoll")) {
            return false;
        }
        String unavailable = NativeEcho.unavailableReason();
        if (unavailable != null) {
            progress.println("echo: without the C floor: " + unavailable);
        }
        return unavailable == null;
    }

    /** Half the closed-loop round trips per second of the slowest server: a load every server carries. */
    static double offeredRate(List<EchoProcesses.Figures> figures) {
        return figures.stream().mapToDouble(EchoProcesses.Figures::roundTrips).min().orElseThrow() / 2;
    }
}
