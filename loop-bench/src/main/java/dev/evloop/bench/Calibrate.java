package dev.evloop.bench;

import dev.evloop.BackendInfo;
import dev.evloop.EventLoops;
import dev.evloop.internal.choice.Calibration;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./evloop calibrate}: measures evloop's echo server (protocol style) on every backend that
 * runs here with {@link EchoProcesses} (servers and load client in processes of their own, taking
 * turns), ranks the backends, and writes the ranking with what it measured and the host it was
 * measured on to the calibration file that the default policy follows on this host.
 *
 * <pre>
 * ./evloop calibrate                                   # 50 connections, 1 KiB, about 30 s measured
 * ./evloop calibrate --connections 500 --size 16384 --seconds 60
 * ./evloop calibrate --with-netty                      # raw Netty on each backend measured beside, not ranked
 * ./evloop calibrate --out /etc/myapp/evloop.properties   # then run with -Dloop.calibration=that file
 * </pre>
 *
 * Backends are ranked by round trips per second; two whose figures are within the sum of their
 * spreads over rounds tie, and the one with less server CPU per round trip goes first.
 */
public final class Calibrate {
    /** How long each server is driven per round. */
    private static final Duration SLICE = Duration.ofSeconds(1);
    /** Unmeasured rounds first, for the JIT of servers and client. */
    private static final int WARM_UP_ROUNDS = 2;
    private static final int MIN_ROUNDS = 3;
    /** The most measured time allowed, so that the whole run stays within about two minutes. */
    private static final int MAX_SECONDS = 100;
    /** A spread over rounds beyond this share of the mean says the host was too busy to rank well. */
    private static final double NOISY = 0.10;

    private Calibrate() {
    }

    /**
     * Measures, ranks, writes the calibration file and prints the ranking.
     *
     * @param args {@code [--connections N] [--size BYTES] [--seconds S] [--out FILE] [--with-netty]}
     * @throws IOException if a process fails or the file cannot be written
     */
    public static void main(String[] args) throws IOException {
        int connections = 50;
        int size = 1024;
        int seconds = 30;
        Path out = null;
        boolean withNetty = false;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--connections" -> connections = bounded(args, ++i, "--connections", 1, 2000);
                    case "--size" -> size = bounded(args, ++i, "--size", 1, 4 * 1024 * 1024);
                    case "--seconds" -> seconds = bounded(args, ++i, "--seconds", 3, MAX_SECONDS);
                    case "--out" -> out = Path.of(value(args, ++i, "--out"));
                    case "--with-netty" -> withNetty = true;
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
            if (out == null) {
                out = Calibration.location();
            }
        } catch (IllegalArgumentException e) { // InvalidPathException included
            System.err.println("calibrate: " + e.getMessage() + "\nusage: ./evloop calibrate [--connections N]"
                    + " [--size BYTES] [--seconds S (3-" + MAX_SECONDS + ")] [--out FILE] [--with-netty]");
            System.exit(2);
            return;
        }
        List<EchoProcesses.Server> servers = new ArrayList<>();
        for (BackendInfo b : EventLoops.backends()) {
            if (b.available()) {
                servers.add(new EchoProcesses.Server(b.name(), EchoServer.Style.PROTOCOL));
                if (withNetty) {
                    servers.add(new EchoProcesses.Server(b.name(), EchoServer.Style.NETTY));
                }
            } else {
                System.out.println("skipping " + b.name() + ": " + b.unavailabilityReason());
            }
        }
        int rounds = Math.max(MIN_ROUNDS, (int) (seconds / (SLICE.toSeconds() * servers.size())));
        String method;
        List<EchoProcesses.Figures> figures;
        try (EchoProcesses processes = EchoProcesses.start(servers, connections, size)) {
            method = "evloop protocol-style echo servers, each in its own JVM, driven in turns by a one-thread NIO"
                    + " load client in another JVM (closed loop, every byte checked); " + processes.pinning() + "; "
                    + WARM_UP_ROUNDS + " warm-up and " + rounds + " measured rounds of " + SLICE.toSeconds()
                    + " s per server; CPU is the server process's (all threads) from /proc/<pid>/stat";
            System.out.printf("calibrating %s on this host: echo, %d connections, %d-byte messages, %d rounds; %s%n",
                    String.join(", ", servers.stream().map(EchoProcesses.Server::label).toList()),
                    connections, size, rounds, processes.pinning());
            System.out.printf("warming up: %d rounds, then measuring: %d rounds, of %d s per server%n",
                    WARM_UP_ROUNDS, rounds, SLICE.toSeconds());
            processes.measure(WARM_UP_ROUNDS, SLICE);
            figures = processes.measure(rounds, SLICE);
        }
        List<Calibration.Measurement> ranking = rank(figures.stream()
                .filter(f -> f.server().style() == EchoServer.Style.PROTOCOL)
                .map(f -> new Calibration.Measurement(f.server().backend(), f.roundTrips(), f.roundTripsSpread(),
                        f.cpu(), f.cpuSpread()))
                .toList());
        List<EchoProcesses.Figures> baselines = figures.stream()
                .filter(f -> f.server().style() == EchoServer.Style.NETTY).toList();
        Calibration calibration = new Calibration(Instant.now().truncatedTo(ChronoUnit.SECONDS),
                Calibration.Host.current(), connections, size, method, ranking);
        calibration.write(out);
        System.out.println();
        System.out.println(table(calibration, baselines));
        double worst = ranking.stream().mapToDouble(m -> m.roundTripsSpread() / m.roundTripsPerSecond()).max().orElseThrow();
        if (worst > NOISY) {
            System.out.printf(Locale.ROOT, "the round trips varied by up to ±%.0f%% over rounds: this host is busy or"
                    + " drifting, so the ranking is weak; calibrate again when it is quiet, or with more --seconds%n",
                    worst * 100);
        }
        System.out.println("written: " + out);
        if (!out.toAbsolutePath().equals(Calibration.location().toAbsolutePath())) {
            System.out.println("the default policy reads it with -D" + Calibration.PROPERTY + "=" + out);
        } else {
            Info.print(System.out);
        }
    }

    /**
     * The backends in the order the policy should prefer them: more round trips per second first;
     * where two are within the sum of their spreads, less CPU per round trip first.
     *
     * @param measured what was measured, in any order
     * @return the same measurements, ranked
     */
    static List<Calibration.Measurement> rank(List<Calibration.Measurement> measured) {
        List<Calibration.Measurement> ranked = new ArrayList<>(measured);
        ranked.sort((a, b) -> Double.compare(b.roundTripsPerSecond(), a.roundTripsPerSecond()));
        // "Within noise" is not transitive, so no comparator can say it: swap neighbours until settled.
        for (int pass = 0; pass < ranked.size(); pass++) {
            for (int i = 0; i + 1 < ranked.size(); i++) {
                Calibration.Measurement a = ranked.get(i);
                Calibration.Measurement b = ranked.get(i + 1);
                if (tie(a, b) && b.cpuMicrosPerRoundTrip() < a.cpuMicrosPerRoundTrip()) {
                    ranked.set(i, b);
                    ranked.set(i + 1, a);
                }
            }
        }
        return ranked;
    }

    private static boolean tie(Calibration.Measurement a, Calibration.Measurement b) {
        return Math.abs(a.roundTripsPerSecond() - b.roundTripsPerSecond()) <= a.roundTripsSpread() + b.roundTripsSpread();
    }

    /**
     * The ranking as a Markdown table, with each figure's spread over rounds, and raw Netty on the
     * same backend beside each when it was measured.
     */
    static String table(Calibration c, List<EchoProcesses.Figures> baselines) {
        boolean netty = !baselines.isEmpty();
        StringBuilder t = new StringBuilder("| backend | share | round trips/s | server CPU per round trip |"
                + (netty ? " raw Netty: round trips/s | raw Netty: CPU per round trip |\n|---|---|---|---|---|---|\n"
                        : "\n|---|---|---|---|\n"));
        double[] shares = c.shares();
        for (int i = 0; i < shares.length; i++) {
            Calibration.Measurement m = c.ranking().get(i);
            t.append(String.format(Locale.ROOT, "| %s | %.2f | %s | %s |", m.backend(), shares[i],
                    thousands(m.roundTripsPerSecond(), m.roundTripsSpread()),
                    micros(m.cpuMicrosPerRoundTrip(), m.cpuSpread())));
            for (EchoProcesses.Figures f : baselines) {
                if (f.server().backend().equals(m.backend())) {
                    t.append(' ').append(thousands(f.roundTrips(), f.roundTripsSpread())).append(" | ")
                            .append(micros(f.cpu(), f.cpuSpread())).append(" |");
                }
            }
            t.append('\n');
        }
        return t.toString();
    }

    /** A rate with its spread: {@code 41.2 k ± 0.8 k}. */
    private static String thousands(double value, double spread) {
        return String.format(Locale.ROOT, "%.1f k ± %.1f k", value / 1e3, spread / 1e3);
    }

    private static String micros(double value, double spread) {
        return String.format(Locale.ROOT, "%.2f us ± %.2f", value, spread);
    }

    private static int bounded(String[] args, int i, String flag, int min, int max) {
        String text = value(args, i, flag);
        int n;
        try {
            n = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": '" + text + "' is not a whole number");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(flag + ": " + n + " is not between " + min + " and " + max);
        }
        return n;
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }
}
