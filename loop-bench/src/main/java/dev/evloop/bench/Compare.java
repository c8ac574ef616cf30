package dev.evloop.bench;

import dev.evloop.BackendInfo;
import dev.evloop.EventLoops;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The one-command backend comparison: the echo comparison measured from outside
 * ({@link EchoComparison}: servers and load client in JVMs of their own, taking turns), the HTTP
 * example against raw Netty's HTTP server measured the same way ({@link HttpComparison}), and the
 * JMH micro-benchmarks ({@link SchedulerBenchmark}, {@link TaskBenchmark}) on every backend that
 * can run here (a short profile by default), then writes {@code results/<date>-<host>.json}
 * (JMH's own), {@code -echo.json} (every echo figure of every round), {@code .md} (how the
 * figures were made, tables with spreads and ratios, targets checked, backends ranked) and
 * {@code -http.json} (the same for HTTP, where a round trip is a request), {@code .svg} (the echo chart), and prints the Markdown.
 *
 * <pre>
 * ./evloop bench                         # short profile: a few minutes
 * ./evloop bench --full                  # every shape, longer, for figures to keep
 * ./evloop bench --only Echo             # a regular expression over benchmark names; the echo comparison is Echo
 * ./evloop bench --shapes 500x64,50x1KiB --latency 50x1KiB   # the echo shapes to measure, instead of the profile's
 * ./evloop bench --only Http --http 1,50  # only the HTTP comparison, with 1 and 50 connections
 * ./evloop bench --server-flags '-XX:+UseG1GC -Xlog:gc:file=/tmp/gc-%p.log:tn'   # every echo and HTTP server's JVM
 * ./evloop bench --servers 'epoll/(protocol|netty)' --latency 50x1KiB   # only these servers (backend/style; the
 *                                        # HTTP example is protocol)
 * ./evloop bench --placement             # only what the in-process echo suite measured differently ({@link EchoPlacement})
 * </pre>
 */
public final class Compare {
    /** The echo comparison's name, for {@code --only}. */
    private static final String ECHO = "Echo";
    /** The HTTP comparison's name, for {@code --only}. */
    private static final String HTTP = "Http";
    /**
     * The JMH benchmarks {@code ./evloop bench} leaves out, whatever {@code --only} says:
     * EchoAllocationBenchmark means something only under JMH's gc profiler, so it is run by hand
     * (see its Javadoc); {@code --only Echo} matched it too.
     */
    private static final String NOT_HERE = ".*EchoAllocationBenchmark.*";
    /** Every fork's heap, fixed: {@code -Xms} and {@code -Xmx}. */
    private static final String HEAP_FLAG = "1g";
    private static final String HEAP = "1 GiB";
    private static final Profile FULL_MICRO = new Profile(5, TimeValue.seconds(1), 10, TimeValue.seconds(1));
    private static final String USAGE = "usage: ./evloop bench [--full] [--only REGEX] [--out DIR]"
            + " [--shapes CONNECTIONSxSIZE,...] [--latency CONNECTIONSxSIZE,...] [--servers REGEX] [--http CONNECTIONS,...]"
            + " [--server-flags 'JVM FLAGS'] | --placement [--out DIR]";

    private Compare() {
    }

    /**
     * Runs the comparison.
     *
     * @param args {@code [--full] [--only REGEX] [--out DIR] [--shapes LIST] [--latency LIST] [--servers REGEX]
     *             [--http COUNTS] [--server-flags FLAGS]}, or
     *             {@code --placement [--out DIR]}
     * @throws RunnerException if JMH fails
     * @throws IOException if a process of the echo comparison fails or the results cannot be written
     */
    public static void main(String[] args) throws RunnerException, IOException {
        boolean full = false;
        boolean placement = false;
        String only = null;
        Path out = Path.of("loop-bench", "results");
        List<Shape> shapes = null;
        List<Shape> latency = null;
        List<Integer> httpConnections = null;
        List<String> serverFlags = List.of();
        Pattern servers = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--full" -> full = true;
                    case "--placement" -> placement = true;
                    case "--only" -> only = requireValue(args, ++i, "--only");
                    case "--out" -> out = Path.of(requireValue(args, ++i, "--out"));
                    case "--shapes" -> shapes = Shape.parseList("--shapes", requireValue(args, ++i, "--shapes"));
                    case "--latency" -> latency = Shape.parseList("--latency", requireValue(args, ++i, "--latency"));
                    case "--servers" -> servers = regex("--servers", requireValue(args, ++i, "--servers"));
                    case "--http" -> httpConnections = HttpComparison.parseConnections("--http",
                            requireValue(args, ++i, "--http"));
                    case "--server-flags" -> serverFlags = jvmFlags("--server-flags",
                            requireValue(args, ++i, "--server-flags"));
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
            if (only != null) {
                regex("--only", only);
            }
        } catch (IllegalArgumentException e) { // InvalidPathException included
            System.err.println("bench: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        EchoComparison.Profile echoProfile = full ? EchoComparison.FULL : EchoComparison.SHORT;
        if (shapes != null || latency != null) {
            echoProfile = echoProfile.withShapes(shapes != null ? shapes : echoProfile.shapes(),
                    latency != null ? latency : List.of());
        }
        EchoComparison.Profile httpProfile = full ? HttpComparison.FULL : HttpComparison.SHORT;
        if (httpConnections != null) {
            httpProfile = HttpComparison.withConnections(httpProfile, httpConnections);
        }
        List<String> runnable = new ArrayList<>();
        List<BackendInfo> skipped = new ArrayList<>();
        for (BackendInfo b : EventLoops.backends()) {
            if (b.available()) {
                runnable.add(b.name());
            } else {
                skipped.add(b);
            }
        }
        for (BackendInfo b : skipped) {
            System.out.println("skipping " + b.name() + ": " + b.unavailabilityReason());
        }
        Files.createDirectories(out);
        String stem = LocalDate.now() + "-" + host();
        if (placement) {
            System.out.println(EchoPlacement.run(runnable, out, stem, System.out));
            System.out.println("written: " + out.resolve(stem + "-placement.md"));
            return;
        }
        Path json = out.resolve(stem + ".json");
        EchoComparison.Results echo = null;
        if (only == null || Pattern.compile(only).matcher(ECHO).find()) {
            echo = EchoComparison.run(runnable, servers, serverFlags, echoProfile, System.out);
        }
        EchoComparison.Results http = null;
        if (only == null || Pattern.compile(only).matcher(HTTP).find()) {
            http = HttpComparison.run(runnable, servers, serverFlags, httpProfile, System.out);
        }
        String include = only == null ? "dev\\.evloop\\.bench\\..*" : ".*(" + only + ").*";
        ChainedOptionsBuilder micro = options(include, runnable);
        // The report's header names only what ran.
        String profile = (echo != null ? "echo: " + echoProfile + "; " : "") + (http != null ? "HTTP: " + httpProfile + "; " : "");
        if (full) {
            FULL_MICRO.applyTo(micro);
            profile += "JMH, full profile (" + FULL_MICRO + ")";
        } else { // each benchmark class's own @Warmup and @Measurement
            profile += "JMH, short profile (scheduler: " + Profile.of(SchedulerBenchmark.class)
                    + "; tasks: " + Profile.of(TaskBenchmark.class) + ")";
        }
        Collection<RunResult> results = run(include, micro);
        ResultFormatFactory.getInstance(ResultFormatType.JSON, json.toString()).writeOut(results);
        if (!serverFlags.isEmpty() && (echo != null || http != null)) {
            profile += "; every echo and HTTP server's JVM also given `" + String.join(" ", serverFlags) + "`";
        }
        Report report = new Report(Scores.of(results), echo, http, skipped,
                profile + ", one JMH fork per benchmark with a " + HEAP + " pre-touched heap");
        String markdown = report.markdown(stem + ".svg");
        Files.writeString(out.resolve(stem + ".md"), markdown);
        Files.writeString(out.resolve(stem + ".svg"), report.echoChart());
        List<Path> written = new ArrayList<>(List.of(json, out.resolve(stem + ".md"), out.resolve(stem + ".svg")));
        if (echo != null) {
            written.add(out.resolve(stem + "-echo.json"));
            Files.writeString(out.resolve(stem + "-echo.json"), echo.json());
        }
        if (http != null) {
            written.add(out.resolve(stem + "-http.json"));
            Files.writeString(out.resolve(stem + "-http.json"), http.json());
        }
        System.out.println();
        System.out.println(markdown);
        System.out.println("written: " + String.join(", ", written.stream().map(Path::toString).toList()));
    }

    /** What to include, the backends, and the JVMs to fork. */
    private static ChainedOptionsBuilder options(String only, List<String> backends) {
        return new OptionsBuilder()
                .include(only)
                .exclude(NOT_HERE)
                .param("backend", backends.toArray(String[]::new))
                .forks(1)
                // A fixed, pre-touched heap: a heap still growing adds page faults (the kernel
                // zeroing fresh pages) to whatever allocates most, and measures the JVM's sizing.
                .jvmArgsAppend("-Xms" + HEAP_FLAG, "-Xmx" + HEAP_FLAG, "-XX:+AlwaysPreTouch");
    }

    /**
     * Runs what the options select; nothing if they select no benchmark. JMH is not started when
     * {@code include} matches none, since it takes a lock that another JMH run on the host holds
     * (with {@code --only Http} it would fail for nothing to run).
     */
    private static Collection<RunResult> run(String include, ChainedOptionsBuilder options) throws RunnerException {
        if (benchmarks(include).isEmpty()) {
            return List.of();
        }
        try {
            return new Runner(options.build()).run();
        } catch (NoBenchmarksException none) {
            return List.of();
        }
    }

    /** The JMH benchmarks (class.method) {@code include} selects, less those never run here ({@link #NOT_HERE}). */
    static List<String> benchmarks(String include) {
        return BenchmarkList.defaultList().find(OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT),
                List.of(include), List.of(NOT_HERE)).stream().map(BenchmarkListEntry::getUsername).toList();
    }

    /**
     * Splits JVM flags at white space.
     *
     * @throws IllegalArgumentException naming {@code flag} if the text holds no flag, or a word that
     *                                  does not start with {@code -} (a JVM flag always does)
     */
    static List<String> jvmFlags(String flag, String text) {
        List<String> flags = List.of(text.trim().split("\\s+"));
        for (String f : flags) {
            if (!f.startsWith("-")) {
                throw new IllegalArgumentException(flag + ": '" + f + "' is not a JVM flag (they start with -)");
            }
        }
        return flags;
    }

    private static String requireValue(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    private static Pattern regex(String flag, String value) {
        try {
            return Pattern.compile(value);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(flag + ": '" + value + "' is not a regular expression: " + e.getDescription());
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "_");
        } catch (IOException e) {
            return "host";
        }
    }

    /** How long JMH warms up and measures. */
    private record Profile(int warmups, TimeValue warmup, int measurements, TimeValue measurement) {
        /** What a benchmark class's own annotations say: the short profile. */
        static Profile of(Class<?> benchmark) {
            Warmup w = benchmark.getAnnotation(Warmup.class);
            Measurement m = benchmark.getAnnotation(Measurement.class);
            return new Profile(w.iterations(), new TimeValue(w.time(), w.timeUnit()),
                    m.iterations(), new TimeValue(m.time(), m.timeUnit()));
        }

        void applyTo(ChainedOptionsBuilder options) {
            options.warmupIterations(warmups).warmupTime(warmup)
                    .measurementIterations(measurements).measurementTime(measurement);
        }

        @Override
        public String toString() {
            return warmups + " x " + warmup + " warm-up, " + measurements + " x " + measurement + " measured";
        }
    }
}
