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
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The one-command backend comparison: the echo comparison measured from outside
 * ({@link EchoComparison}: servers and load client in JVMs of their own, taking turns) and the
 * JMH micro-benchmarks ({@link SchedulerBenchmark}, {@link TaskBenchmark}) on every backend that
 * can run here (a short profile by default), then writes {@code results/<date>-<host>.json}
 * (JMH's own), {@code -echo.json} (every echo figure of every round), {@code .md} (how the
 * figures were made, tables with spreads and ratios, targets checked, backends ranked) and
 * {@code .svg} (the echo chart), and prints the Markdown.
 *
 * <pre>
 * ./evloop bench                         # short profile: a few minutes
 * ./evloop bench --full                  # every shape, longer, for figures to keep
 * ./evloop bench --only Echo             # a regular expression over benchmark names; the echo comparison is Echo
 * ./evloop bench --shapes 500x64,50x1KiB --latency 50x1KiB   # the echo shapes to measure, instead of the profile's
 * ./evloop bench --servers 'epoll/(protocol|netty)' --latency 50x1KiB   # only these echo servers (backend/style)
 * ./evloop bench --placement             # only what the in-process echo suite measured differently ({@link EchoPlacement})
 * </pre>
 */
public final class Compare {
    /** The echo comparison's name, for {@code --only}. */
    private static final String ECHO = "Echo";
    /** Every fork's heap, fixed: {@code -Xms} and {@code -Xmx}. */
    private static final String HEAP_FLAG = "1g";
    private static final String HEAP = "1 GiB";
    private static final Profile FULL_MICRO = new Profile(5, TimeValue.seconds(1), 10, TimeValue.seconds(1));
    private static final String USAGE = "usage: ./evloop bench [--full] [--only REGEX] [--out DIR]"
            + " [--shapes CONNECTIONSxSIZE,...] [--latency CONNECTIONSxSIZE,...] [--servers REGEX] | --placement [--out DIR]";

    private Compare() {
    }

    /**
     * Runs the comparison.
     *
     * @param args {@code [--full] [--only REGEX] [--out DIR] [--shapes LIST] [--latency LIST] [--servers REGEX]}, or
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
            echo = EchoComparison.run(runnable, servers, echoProfile, System.out);
        }
        // EchoAllocationBenchmark means something only under JMH's gc profiler: run it by hand (see its Javadoc).
        ChainedOptionsBuilder micro = options(only == null ? "dev\\.evloop\\.bench\\.(?!EchoAllocationBenchmark).*" : ".*(" + only + ").*", runnable);
        String profile;
        if (full) {
            FULL_MICRO.applyTo(micro);
            profile = "echo: " + echoProfile + "; JMH, full profile (" + FULL_MICRO + ")";
        } else { // each benchmark class's own @Warmup and @Measurement
            profile = "echo: " + echoProfile + "; JMH, short profile (scheduler: " + Profile.of(SchedulerBenchmark.class)
                    + "; tasks: " + Profile.of(TaskBenchmark.class) + ")";
        }
        Collection<RunResult> results = run(micro);
        ResultFormatFactory.getInstance(ResultFormatType.JSON, json.toString()).writeOut(results);
        Report report = new Report(Scores.of(results), echo, skipped,
                profile + ", one JMH fork per benchmark with a " + HEAP + " pre-touched heap");
        String markdown = report.markdown(stem + ".svg");
        Files.writeString(out.resolve(stem + ".md"), markdown);
        Files.writeString(out.resolve(stem + ".svg"), report.echoChart());
        List<Path> written = new ArrayList<>(List.of(json, out.resolve(stem + ".md"), out.resolve(stem + ".svg")));
        if (echo != null) {
            written.add(out.resolve(stem + "-echo.json"));
            Files.writeString(out.resolve(stem + "-echo.json"), echo.json());
        }
        System.out.println();
        System.out.println(markdown);
        System.out.println("written: " + String.join(", ", written.stream().map(Path::toString).toList()));
    }

    /** What to include, the backends, and the JVMs to fork. */
    private static ChainedOptionsBuilder options(String only, List<String> backends) {
        return new OptionsBuilder()
                .include(only)
                .param("backend", backends.toArray(String[]::new))
                .forks(1)
                // A fixed, pre-touched heap: a heap still growing adds page faults (the kernel
                // zeroing fresh pages) to whatever allocates most, and measures the JVM's sizing.
                .jvmArgsAppend("-Xms" + HEAP_FLAG, "-Xmx" + HEAP_FLAG, "-XX:+AlwaysPreTouch");
    }

    /** Runs what the options select; nothing if they select no benchmark. */
    private static Collection<RunResult> run(ChainedOptionsBuilder options) throws RunnerException {
        try {
            return new Runner(options.build()).run();
        } catch (NoBenchmarksException none) {
            return List.of();
        }
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
