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
 * The one-command backend comparison: runs the JMH suite on every backend that can run here (a
 * short profile by default), then writes {@code results/<date>-<host>.json} (JMH's own),
 * {@code .md} (tables of scores and ratios against the baselines, targets checked) and
 * {@code .svg} (the echo chart), and prints the Markdown.
 *
 * <pre>
 * ./evloop bench                 # short profile, every benchmark
 * ./evloop bench --full          # longer warm-up and measurement, for figures to keep
 * ./evloop bench --only Echo     # a regular expression over benchmark names
 * </pre>
 */
public final class Compare {
    private static final String ECHO = "EchoBenchmark";
    /** Every fork's heap, fixed: {@code -Xms} and {@code -Xmx}. */
    private static final String HEAP_FLAG = "1g";
    private static final String HEAP = "1 GiB";
    private static final Profile FULL_ECHO = new Profile(5, TimeValue.seconds(2), 15, TimeValue.seconds(2));
    private static final Profile FULL_MICRO = new Profile(5, TimeValue.seconds(1), 10, TimeValue.seconds(1));

    private Compare() {
    }

    /**
     * Runs the comparison.
     *
     * @param args {@code [--full] [--only REGEX] [--out DIR]}
     * @throws RunnerException if JMH fails
     * @throws IOException if the results cannot be written
     */
    public static void main(String[] args) throws RunnerException, IOException {
        boolean full = false;
        String only = "dev\\.evloop\\.bench\\..*";
        Path out = Path.of("loop-bench", "results");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--full" -> full = true;
                case "--only" -> only = ".*(" + requireValue(args, ++i, "--only") + ").*";
                case "--out" -> out = Path.of(requireValue(args, ++i, "--out"));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; expected --full, --only REGEX, --out DIR");
            }
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
        Path json = out.resolve(stem + ".json");
        List<RunResult> results = new ArrayList<>();
        // Echo forks run every backend and style in turns and need longer than the scheduler's.
        ChainedOptionsBuilder echo = options(only, runnable).exclude("^(?!.*" + ECHO + ").*$");
        ChainedOptionsBuilder micro = options(only, runnable).exclude(ECHO);
        String profile;
        if (full) {
            FULL_ECHO.applyTo(echo);
            FULL_MICRO.applyTo(micro);
            profile = "full profile (echo: " + FULL_ECHO + "; scheduler and tasks: " + FULL_MICRO + ")";
        } else { // each benchmark class's own @Warmup and @Measurement
            profile = "short profile (echo: " + Profile.of(EchoBenchmark.class) + "; scheduler: "
                    + Profile.of(SchedulerBenchmark.class) + "; tasks: " + Profile.of(TaskBenchmark.class) + ")";
        }
        results.addAll(run(echo));
        results.addAll(run(micro));
        ResultFormatFactory.getInstance(ResultFormatType.JSON, json.toString()).writeOut(results);
        Report report = new Report(Scores.of(results), skipped,
                profile + ", one fork per benchmark (echo: per message size), " + HEAP + " pre-touched heap");
        String markdown = report.markdown(stem + ".svg");
        Files.writeString(out.resolve(stem + ".md"), markdown);
        Files.writeString(out.resolve(stem + ".svg"), report.echoChart());
        System.out.println();
        System.out.println(markdown);
        System.out.println("written: " + json + ", " + out.resolve(stem + ".md") + ", " + out.resolve(stem + ".svg"));
    }

    /** The options both runs share: what to include, the backends, and the JVMs to fork. */
    private static ChainedOptionsBuilder options(String only, List<String> backends) {
        return new OptionsBuilder()
                .include(only)
                .param("backend", backends.toArray(String[]::new))
                .param("backends", String.join(",", backends))
                .forks(1)
                // A fixed, pre-touched heap: a heap still growing adds page faults (the kernel
                // zeroing fresh pages) to whatever allocates most, and measures the JVM's sizing.
                .jvmArgsAppend("-Xms" + HEAP_FLAG, "-Xmx" + HEAP_FLAG, "-XX:+AlwaysPreTouch")
                .addProfiler(EchoMeter.class);
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
