package dev.evloop.bench;

import dev.evloop.BackendInfo;
import dev.evloop.internal.choice.Calibration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The comparison's results as Markdown (how the echo figures were made and what they cannot show,
 * each figure with its spread over rounds, ratios to raw Netty, latencies at a fixed load, the
 * backends ranked per shape, the targets checked, the JMH micro-benchmarks) and as an SVG chart of
 * the echo round trips with a value axis and labelled bars.
 */
final class Report {
    private static final List<EchoServer.Style> STYLES = List.of(EchoServer.Style.values());
    private static final List<String> COLOURS = List.of("#1f77b4", "#2ca02c", "#ff7f0e", "#ffbb78", "#7f7f7f", "#000000");
    /** A load client busier than this share of a CPU may have set the pace instead of the server. */
    static final double CLIENT_BOUND = 0.9;
    private static final double[] PERCENTILES = {50, 99, 99.9};

    private final Scores scores;
    private final EchoComparison.Results echo;
    private final EchoComparison.Results http;
    private final List<BackendInfo> skipped;
    private final String profile;

    /**
     * @param scores  the JMH micro-benchmarks' scores
     * @param echo    the echo comparison, or {@code null} if it did not run
     * @param http    the HTTP comparison ({@link HttpComparison}), or {@code null} if it did not run
     * @param skipped the backends that cannot run here
     * @param profile how JMH ran (warm-up, measurement, forks, heap), for the report's header
     */
    Report(Scores scores, EchoComparison.Results echo, EchoComparison.Results http, List<BackendInfo> skipped,
           String profile) {
        this.scores = scores;
        this.echo = echo;
        this.http = http;
        this.skipped = skipped;
        this.profile = profile;
    }

    String markdown(String chartFile) {
        StringBuilder md = new StringBuilder();
        md.append("# evloop backend comparison, ").append(LocalDate.now()).append("\n\n");
        md.append("JDK ").append(System.getProperty("java.version")).append(", ")
                .append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
                .append(", ").append(Runtime.getRuntime().availableProcessors()).append(" cores; ")
                .append(profile)
                .append(". Read ratios, not absolute figures: every ratio compares two results of the same run.\n\n");
        for (BackendInfo b : skipped) {
            md.append("- skipped **").append(b.name()).append("**: ").append(b.unavailabilityReason()).append('\n');
        }
        if (echo != null && !echo.shapes().isEmpty()) {
            echoMethod(md);
            echoRanking(md);
            md.append("\n![echo round trips per second](").append(chartFile).append(")\n");
            for (EchoComparison.ShapeResult shape : echo.shapes()) {
                echoShape(md, shape);
            }
        }
        if (http != null && !http.shapes().isEmpty()) {
            HttpReport.section(md, http);
        }
        targets(md);
        scheduler(md);
        tasks(md);
        return md.toString();
    }

    private void echoMethod(StringBuilder md) {
        EchoComparison.Profile p = echo.profile();
        md.append("\n## Echo, measured from outside\n\n### How the figures were made\n\n")
                .append("- Every server (evloop in protocol, buffered-protocol and streams style, the")
                .append(" streams both passing on the buffers they read and with byte arrays, on every backend, and")
                .append(" raw Netty's echo with its defaults on the same backend, `netty`) runs in a JVM of its own")
                .append(" (256 MiB pre-touched heap, Netty's allocator in its normal mode, as on a heap over 512 MiB),")
                .append(" and beside epoll the floor, `c`: an echo server in C on epoll, one thread, no runtime, in a")
                .append(" process of its own (where a C compiler is found). What no server beats the floor at is the")
                .append(" host's, its kernel's and the load client's, not the server's;")
                .append(" one load client, one thread of the JDK's NIO, runs in another")
                .append(" JVM and checks every echoed byte. ").append(echo.pinning()).append(".\n")
                .append("- The servers take turns: one ").append(p.slice().toMillis()).append(" ms slice each per round,")
                .append(" the first of a round rotating, so that the host's drifts hit them alike; per shape ")
                .append(p.warmUpRounds()).append(" unmeasured rounds, then ").append(p.rounds())
                .append(" measured ones. The same processes serve every shape, so their JIT stays warm.\n")
                .append("- **Round trips per second**: a closed loop, every connection sending its next message once")
                .append(" the whole echo of the last is back. **CPU per round trip**: the server process's user and")
                .append(" system time, every thread (io_uring's kernel workers included), from `/proc/<pid>/stat`,")
                .append(" per round trip.\n")
                .append("- Each figure is the mean over rounds ± its **spread**, half the range between the lowest and")
                .append(" highest round: every round lies within it. Two figures whose difference is within the sum of")
                .append(" their spreads are within noise.\n")
                .append("- **Ranking** (per shape, evloop's protocol style, the one `./evloop calibrate` ranks): more")
                .append(" round trips per second first; where two backends are within noise of each other, less CPU per")
                .append(" round trip first.\n")
                .append("- **Latency**: an open loop at a fixed offered load, half the closed-loop round trips per second")
                .append(" of the slowest server of that shape, the same for every server. Message k is due at start + k /")
                .append(" rate whether or not earlier echoes are back, and its latency runs from that intended send time")
                .append(" to the last byte of its echo, so a stall is charged to every message it delays (no coordinated")
                .append(" omission). Percentiles are over every measured round together (HdrHistogram, 3 significant")
                .append(" digits); the spread is over rounds. ").append(p.latencyRounds())
                .append(" measured rounds after one unmeasured.\n");
        if (!p.note().isEmpty()) {
            md.append("- Shapes: ").append(p.note()).append(".\n");
        }
        md.append("\n### What they cannot show\n\n")
                .append("- Loopback only: no network card, interrupts or wire latency, so the kernel's copies weigh more")
                .append(" than on a network, and a backend's gain on a real link may be smaller or larger.\n")
                .append("- One load client thread: where it is near a full CPU (noted per shape below) the client may")
                .append(" set the pace, and round trips per second then compare the servers less than their CPU per")
                .append(" round trip does.\n")
                .append("- On a host with few cores or other work, the servers share CPUs with each other's idle")
                .append(" threads, JIT and GC, and the host's drifts (often larger than the differences between")
                .append(" backends) are only evened out, not removed: trust a difference only beyond the spreads.\n")
                .append("- CPU time is counted in clock ticks (10 ms on most kernels): about ")
                .append(String.format(Locale.ROOT, "%.0f%%", 1000.0 / p.slice().toMillis()))
                .append(" of a busy slice, less over rounds.\n")
                .append("- One host, one kernel, one JDK: another host can order the backends differently;")
                .append(" `./evloop calibrate` measures the one that will serve.\n");
    }

    /** Per shape, the backends ranked by evloop's protocol-style echo, with the reason where CPU decided. */
    private void echoRanking(StringBuilder md) {
        md.append("\n### Backends ranked, per shape\n\n");
        for (EchoComparison.ShapeResult shape : echo.shapes()) {
            md.append("- ").append(shape.shape().label()).append(": ").append(rankingLine(shape.figures())).append('\n');
        }
    }

    /**
     * {@code io_uring 0.99 (ahead of epoll: within noise, less CPU per round trip), epoll 1.00, selector 0.90}:
     * the protocol-style servers ranked, each with its share of the best round trips per second,
     * and a reason wherever CPU per round trip put a backend ahead of one with more round trips.
     * When every backend is within noise of every other, the line says so first.
     */
    static String rankingLine(List<EchoProcesses.Figures> figures) {
        List<Calibration.Measurement> measured = new ArrayList<>();
        for (EchoProcesses.Figures f : figures) {
            if (f.server().style() == EchoServer.Style.PROTOCOL && f.roundTrips() > 0) {
                measured.add(new Calibration.Measurement(f.server().backend(), f.roundTrips(), f.roundTripsSpread(),
                        Math.max(0, f.cpu()), Math.max(0, f.cpuSpread())));
            }
        }
        if (measured.isEmpty()) {
            return "-";
        }
        List<Calibration.Measurement> ranked = Calibrate.rank(measured);
        double best = ranked.stream().mapToDouble(Calibration.Measurement::roundTripsPerSecond).max().orElseThrow();
        boolean allTie = ranked.size() > 1 && ranked.stream().allMatch(a -> ranked.stream().allMatch(b -> within(a, b)));
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < ranked.size(); i++) {
            Calibration.Measurement m = ranked.get(i);
            StringBuilder part = new StringBuilder(m.backend()).append(' ').append(ratio(m.roundTripsPerSecond() / best));
            List<String> overtaken = new ArrayList<>();
            for (Calibration.Measurement below : ranked.subList(i + 1, ranked.size())) {
                if (below.roundTripsPerSecond() > m.roundTripsPerSecond()) {
                    overtaken.add(below.backend());
                }
            }
            if (!allTie && !overtaken.isEmpty()) {
                part.append(" (ahead of ").append(String.join(" and ", overtaken))
                        .append(": within noise, less CPU per round trip)");
            }
            parts.add(part.toString());
        }
        return (allTie ? "all within noise of each other, so ranked by CPU per round trip: " : "")
                + String.join(", ", parts);
    }

    private static boolean within(Calibration.Measurement a, Calibration.Measurement b) {
        return Math.abs(a.roundTripsPerSecond() - b.roundTripsPerSecond()) <= a.roundTripsSpread() + b.roundTripsSpread();
    }

    private void echoShape(StringBuilder md, EchoComparison.ShapeResult shape) {
        md.append("\n### ").append(shape.shape().label()).append("\n\n");
        double busiest = shape.figures().stream().mapToDouble(EchoProcesses.Figures::clientBusiest).max().orElse(0);
        md.append(String.format(Locale.ROOT, "The load client used up to %.0f%% of a CPU.", busiest * 100));
        if (busiest >= CLIENT_BOUND) {
            md.append(" It may have set the pace here: compare the servers by CPU per round trip.");
        }
        md.append("\n\nRound trips per second (ratios above 1: the first named is faster)\n\n");
        md.append("| backend | protocol | buffered | streams | streams-bytes | netty | c | protocol / netty | buffered / netty "
                + "| streams / protocol | streams-bytes / protocol |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        rows(md, shape.figures(), false);
        md.append("\nServer process CPU per round trip, microseconds (ratios above 1: the first named is cheaper)\n\n");
        md.append("| backend | protocol | buffered | streams | streams-bytes | netty | c | protocol vs netty | buffered vs netty "
                + "| streams vs protocol | streams-bytes vs protocol |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        rows(md, shape.figures(), true);
        if (!shape.latency().isEmpty()) {
            double rate = shape.latency().get(0).rate();
            md.append(String.format(Locale.ROOT, "%nLatency at %s messages/s offered (open loop, from each message's"
                    + " intended send time). Echoed/s below the offered rate: the server fell behind (the drain after"
                    + " each slice counts in its time).%n%n", number(rate)));
            md.append("| backend | style | p50 | p99 | p99.9 | echoed/s |\n|---|---|---|---|---|---|\n");
            for (EchoProcesses.Latency l : shape.latency()) {
                md.append("| ").append(l.server().backend()).append(" | ").append(l.server().style().label());
                for (double p : PERCENTILES) {
                    md.append(" | ").append(latency(l.micros(p), l.microsSpread(p)));
                }
                md.append(" | ").append(number(l.achieved())).append(" |\n");
            }
        }
    }

    static EchoProcesses.Figures find(List<EchoProcesses.Figures> figures, String backend, EchoServer.Style style) {
        return figures.stream().filter(f -> f.server().backend().equals(backend) && f.server().style() == style)
                .findFirst().orElse(null);
    }

    private static List<String> backends(List<EchoProcesses.Figures> figures) {
        return figures.stream().map(f -> f.server().backend()).distinct().toList();
    }

    /**
     * A row per backend: every style's figures with their spreads, then protocol and buffered
     * against netty and both streams styles against protocol, as ratios where above 1 is better
     * either way.
     */
    private static void rows(StringBuilder md, List<EchoProcesses.Figures> figures, boolean cpu) {
        for (String backend : backends(figures)) {
            md.append("| ").append(backend);
            EchoProcesses.Figures[] f = new EchoProcesses.Figures[STYLES.size()];
            for (int i = 0; i < f.length; i++) {
                f[i] = find(figures, backend, STYLES.get(i));
                md.append(" | ").append(f[i] == null ? "-" : cpu ? withSpread(f[i].cpu(), f[i].cpuSpread(), 2)
                        : rate(f[i].roundTrips(), f[i].roundTripsSpread()));
            }
            EchoProcesses.Figures protocol = f[EchoServer.Style.PROTOCOL.ordinal()];
            EchoProcesses.Figures netty = f[EchoServer.Style.NETTY.ordinal()];
            md.append(" | ").append(ratioCell(protocol, netty, cpu))
                    .append(" | ").append(ratioCell(f[EchoServer.Style.BUFFERED.ordinal()], netty, cpu))
                    .append(" | ").append(ratioCell(f[EchoServer.Style.STREAMS.ordinal()], protocol, cpu))
                    .append(" | ").append(ratioCell(f[EchoServer.Style.STREAMS_BYTES.ordinal()], protocol, cpu))
                    .append(" |\n");
        }
    }

    /** {@code a} against {@code b} with its spread: round trips a / b, or CPU b / a. */
    private static String ratioCell(EchoProcesses.Figures a, EchoProcesses.Figures b, boolean cpu) {
        if (a == null || b == null) {
            return "-";
        }
        double[] r = cpu ? ratio(b.cpu(), b.cpuSpread(), a.cpu(), a.cpuSpread())
                : ratio(a.roundTrips(), a.roundTripsSpread(), b.roundTrips(), b.roundTripsSpread());
        return withSpread(r[0], r[1], 2);
    }

    /** {@code x / y} and its spread, to first order: the ratio times the sum of the relative spreads. */
    static double[] ratio(double x, double xSpread, double y, double ySpread) {
        double r = x / y;
        return new double[] {r, Math.abs(r) * (xSpread / Math.abs(x) + ySpread / Math.abs(y))};
    }

    private void targets(StringBuilder md) {
        List<String[]> rows = new ArrayList<>();
        if (echo != null) {
            for (EchoComparison.ShapeResult shape : echo.shapes()) {
                List<EchoProcesses.Figures> f = shape.figures();
                String on = " (" + shape.shape().label() + ")";
                for (String backend : backends(f)) { // issue 13's: on the selector, netty is Netty's NIO
                    echoTarget(rows, backend, "protocol echo >= 1.0 x netty" + on, find(f, backend,
                            EchoServer.Style.PROTOCOL), find(f, backend, EchoServer.Style.NETTY), 1.0);
                    echoTarget(rows, backend, "streams echo >= 0.9 x protocol" + on,
                            find(f, backend, EchoServer.Style.STREAMS), find(f, backend, EchoServer.Style.PROTOCOL), 0.9);
                }
                EchoProcesses.Latency floor = shape.latency().stream()
                        .filter(l -> l.server().style() == EchoServer.Style.C).findFirst().orElse(null);
                for (EchoProcesses.Latency l : shape.latency()) {
                    latencyTarget(rows, l, l.server().style().label() + " echo", floor, on);
                }
            }
        }
        if (http != null) {
            HttpReport.targets(rows, http);
        }
        String sched = "SchedulerBenchmark.";
        for (String backend : scores.values(sched + "callSoonChain", "backend")) {
            Map<String, String> on = Map.of("backend", backend);
            target(rows, backend, "callSoon chain >= 1.0 x Netty execute chain",
                    scores.get(sched + "callSoonChain", on) / scores.get(sched + "nettyExecuteChain", on), 1.0);
            target(rows, backend, "callSoon burst >= 1.0 x Netty execute burst",
                    scores.get(sched + "callSoonBurst", on) / scores.get(sched + "nettyExecuteBurst", on), 1.0);
            target(rows, backend, "timers >= 1.0 x Netty schedule",
                    scores.get(sched + "timers", on) / scores.get(sched + "nettySchedule", on), 1.0);
            target(rows, backend, "callSoonThreadsafe >= 1.0 x Netty execute from another thread",
                    scores.get(sched + "callSoonThreadsafe", on)
                            / scores.get(sched + "nettyExecuteFromAnotherThread", on), 1.0);
        }
        for (String backend : scores.values("TaskBenchmark.yieldRoundTrip", "backend")) {
            double perSecond = scores.get("TaskBenchmark.yieldRoundTrip", Map.of("backend", backend, "mode", "fast"));
            if (!Double.isNaN(perSecond)) {
                rows.add(new String[] {backend, "yieldNow round trip, fast mode >= 5 M/s", number(perSecond) + "/s", "-",
                    verdict(perSecond / 5e6, 0, 1.0), "-"});
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        md.append("\n## Targets\n\nThe targets are set on throughput; for echo, the same ratio of server CPU per round trip "
                + "is checked too. A miss within the ratio's spread says so: it is within noise.\n\n");
        md.append("| backend | target | throughput | server CPU | verdict | by CPU |\n|---|---|---|---|---|---|\n");
        for (String[] row : rows) {
            md.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
    }

    /** An echo target: one style against another, by round trips and by server CPU (less is better). */
    private static void echoTarget(List<String[]> rows, String backend, String what, EchoProcesses.Figures style,
                                   EchoProcesses.Figures against, double goal) {
        if (style == null || against == null) {
            return;
        }
        double[] trips = ratio(style.roundTrips(), style.roundTripsSpread(), against.roundTrips(),
                against.roundTripsSpread());
        double[] cpu = ratio(against.cpu(), against.cpuSpread(), style.cpu(), style.cpuSpread());
        boolean byCpu = Double.isFinite(cpu[0]);
        rows.add(new String[] {backend, what, withSpread(trips[0], trips[1], 2) + " x",
            byCpu ? withSpread(cpu[0], cpu[1], 2) + " x" : "-", verdict(trips[0], trips[1], goal),
            byCpu ? verdict(cpu[0], cpu[1], goal) : "-"});
    }

    /**
     * The tail-latency target of a fixed offered load: p99.9 within 2 x p50 plus 1 ms, for each style
     * but the baselines, raw Netty's and the C floor's (shown beside them in the latency table). A
     * miss says how the floor fared, if it ran: a bound the floor misses too is the host's.
     *
     * @param what  the server, as the target's row names it: {@code protocol echo}, {@code HttpServer}
     * @param floor the C floor's latencies in the same shape, or {@code null} if it did not run
     * @param on    the shape, as the row names it
     */
    static void latencyTarget(List<String[]> rows, EchoProcesses.Latency l, String what, EchoProcesses.Latency floor,
                              String on) {
        if (l.server().style() == EchoServer.Style.NETTY || l.server().style() == EchoServer.Style.C) {
            return;
        }
        double p50 = l.micros(50);
        double p999 = l.micros(99.9);
        double spread = l.microsSpread(99.9);
        double bound = 2 * p50 + 1000;
        String verdict = p999 <= bound ? "met"
                : String.format(Locale.ROOT, "missed: %.1f x the bound", p999 / bound)
                        + (p999 - spread <= bound ? ", within noise" : "")
                        + (floor == null ? "" : String.format(Locale.ROOT, "; the C floor's p99.9: %.2f ms, %s",
                                floor.micros(99.9) / 1e3, floor.micros(99.9) <= 2 * floor.micros(50) + 1000
                                        ? "within its own bound" : "over its own bound too"));
        rows.add(new String[] {l.server().backend(), what + " p99.9 <= 2 x p50 + 1 ms" + on,
            latency(p999, spread) + String.format(Locale.ROOT, " (bound %.2f ms)", bound / 1e3), "-", verdict, "-"});
    }

    /** A target row of a micro-benchmark: the throughput ratio, no spread. */
    private static void target(List<String[]> rows, String backend, String what, double measured, double goal) {
        if (!Double.isNaN(measured)) {
            rows.add(new String[] {backend, what, ratio(measured) + " x", "-", verdict(measured, 0, goal), "-"});
        }
    }

    /** {@code met} or {@code missed by N%}, and {@code within noise} where the goal is within the ratio's spread. */
    static String verdict(double measured, double spread, double goal) {
        if (measured >= goal) {
            return measured - spread < goal ? "met, within noise" : "met";
        }
        String missed = String.format(Locale.ROOT, "missed by %.0f%%", 100 * (goal - measured) / goal);
        return measured + spread >= goal ? missed + ", within noise" : missed;
    }

    private void scheduler(StringBuilder md) {
        String s = "SchedulerBenchmark.";
        if (scores.all(s + "callSoonChain").isEmpty()) {
            return;
        }
        md.append("\n## Scheduler: callbacks per second (JMH)\n\n");
        md.append("| backend | callSoon chain | Netty execute chain | deque chain | callSoon burst | Netty execute burst "
                + "| deque burst | timers | Netty schedule | callSoonThreadsafe | Netty execute, other thread "
                + "| runs, no I/O | runs, with I/O | Netty runNow |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        String[] columns = {"callSoonChain", "nettyExecuteChain", "dequeChain", "callSoonBurst", "nettyExecuteBurst",
            "dequeBurst", "timers", "nettySchedule", "callSoonThreadsafe", "nettyExecuteFromAnotherThread",
            "runThatStops", "runThatStopsWithIo", "nettyRunNow"};
        for (String backend : scores.values(s + "callSoonChain", "backend")) {
            md.append("| ").append(backend);
            for (String c : columns) {
                md.append(" | ").append(number(scores.get(s + c, Map.of("backend", backend))));
            }
            md.append(" |\n");
        }
        md.append("\nA chain runs one callback per loop iteration, as asyncio's rules require (a busy loop defers its "
                + "I/O poll after one that found nothing, see the README); Netty runs a chain of `execute` calls in one "
                + "pass of its task queue. A run is one `runForever` that its first callback stops, so what each "
                + "`runUntilComplete` pays besides its callbacks; a loop that does I/O runs inside Netty's per-thread "
                + "pools, set up and released per run; Netty's nearest is one `runNow` with one task.\n");
    }

    private void tasks(StringBuilder md) {
        String t = "TaskBenchmark.";
        if (scores.all(t + "yieldRoundTrip").isEmpty()) {
            return;
        }
        md.append("\n## Tasks: switches per second (JMH)\n\n| backend | mode | yieldNow round trip | await a future "
                + "completed by a callback |\n|---|---|---|---|\n");
        for (String backend : scores.values(t + "yieldRoundTrip", "backend")) {
            for (String mode : scores.values(t + "yieldRoundTrip", "mode")) {
                Map<String, String> on = Map.of("backend", backend, "mode", mode);
                md.append("| ").append(backend).append(" | ").append(mode).append(" | ")
                        .append(number(scores.get(t + "yieldRoundTrip", on))).append(" | ")
                        .append(number(scores.get(t + "awaitFutureCompletedByCallback", on))).append(" |\n");
            }
        }
    }

    /**
     * The echo round trips as grouped bars: a panel per shape (each on its own scale, with a value
     * axis and its ticks), a cluster per backend, a bar per style labelled with its value, and a
     * whisker over each bar for its spread over rounds.
     */
    String echoChart() {
        List<EchoComparison.ShapeResult> shapes = echo == null ? List.of() : echo.shapes();
        int bar = 18;
        int cluster = STYLES.size() * bar + 22;
        int maxBackends = shapes.stream().mapToInt(s -> backends(s.figures()).size()).max().orElse(1);
        int axis = 56;
        int panelWidth = Math.max(200, axis + maxBackends * cluster + 20);
        int perRow = 3;
        int panelHeight = 320;
        int header = 48;
        int labelRoom = 48; // above the plot, for the value labels of the tallest bars
        int plot = 200;
        int rows = Math.max(1, (shapes.size() + perRow - 1) / perRow);
        int width = Math.max(660, Math.min(Math.max(1, shapes.size()), perRow) * panelWidth + 20); // the title's room
        int height = header + rows * panelHeight;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
                .append(height).append("\" font-family=\"sans-serif\" font-size=\"11\">\n");
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append("<text x=\"10\" y=\"18\" font-size=\"14\">Echo round trips per second, closed loop"
                + " (bars: mean over rounds; whiskers: spread over rounds)</text>\n");
        for (int i = 0; i < STYLES.size(); i++) {
            int x = 10 + i * 90;
            svg.append("<rect x=\"").append(x).append("\" y=\"28\" width=\"10\" height=\"10\" fill=\"")
                    .append(COLOURS.get(i)).append("\"/><text x=\"").append(x + 14).append("\" y=\"37\">")
                    .append(STYLES.get(i).label()).append("</text>\n");
        }
        for (int p = 0; p < shapes.size(); p++) {
            EchoComparison.ShapeResult shape = shapes.get(p);
            List<String> backends = backends(shape.figures());
            int left = 10 + (p % perRow) * panelWidth;
            int top = header + (p / perRow) * panelHeight;
            double max = shape.figures().stream().mapToDouble(f -> f.roundTrips() + f.roundTripsSpread()).max().orElse(0);
            double step = tickStep(max);
            double axisTop = step * Math.max(1, Math.ceil(max / step));
            int baseline = top + 20 + labelRoom + plot;
            int plotTop = baseline - plot;
            svg.append("<text x=\"").append(left + axis).append("\" y=\"").append(top + 14).append("\" font-size=\"12\">")
                    .append(escape(shape.shape().label())).append("</text>\n");
            // the value axis: a line, and a tick with its label and a faint grid line at each step
            svg.append("<line x1=\"").append(left + axis).append("\" y1=\"").append(plotTop).append("\" x2=\"")
                    .append(left + axis).append("\" y2=\"").append(baseline).append("\" stroke=\"black\"/>\n");
            for (int t = 0; t * step <= axisTop + step / 2; t++) {
                double value = t * step;
                int y = baseline - (int) Math.round(plot * value / axisTop);
                svg.append("<line class=\"tick\" x1=\"").append(left + axis - 4).append("\" y1=\"").append(y)
                        .append("\" x2=\"").append(left + panelWidth - 10).append("\" y2=\"").append(y)
                        .append("\" stroke=\"").append(t == 0 ? "black" : "#dddddd").append("\"/>")
                        .append("<text class=\"tick-label\" x=\"").append(left + axis - 6).append("\" y=\"").append(y + 4)
                        .append("\" text-anchor=\"end\">").append(tickLabel(value)).append("</text>\n");
            }
            svg.append("<text x=\"").append(left + 12).append("\" y=\"").append(plotTop + plot / 2)
                    .append("\" text-anchor=\"middle\" transform=\"rotate(-90 ").append(left + 12).append(' ')
                    .append(plotTop + plot / 2).append(")\">round trips/s</text>\n");
            for (int b = 0; b < backends.size(); b++) {
                int x0 = left + axis + 12 + b * cluster;
                for (int s = 0; s < STYLES.size(); s++) {
                    EchoProcesses.Figures f = find(shape.figures(), backends.get(b), STYLES.get(s));
                    if (f == null) {
                        continue;
                    }
                    double v = f.roundTrips();
                    int h = axisTop > 0 && v > 0 ? (int) Math.round(plot * v / axisTop) : 0;
                    int x = x0 + s * bar;
                    int centre = x + (bar - 2) / 2;
                    svg.append("<rect class=\"bar\" x=\"").append(x).append("\" y=\"").append(baseline - h)
                            .append("\" width=\"").append(bar - 2).append("\" height=\"").append(h)
                            .append("\" fill=\"").append(COLOURS.get(s)).append("\"><title>")
                            .append(backends.get(b)).append(' ').append(STYLES.get(s).label()).append(": ")
                            .append(rate(v, f.roundTripsSpread())).append("</title></rect>\n");
                    int hi = baseline - (int) Math.round(plot * (v + f.roundTripsSpread()) / axisTop);
                    int lo = baseline - (int) Math.round(plot * Math.max(0, v - f.roundTripsSpread()) / axisTop);
                    svg.append("<path class=\"spread\" d=\"M").append(centre - 3).append(' ').append(hi).append('H')
                            .append(centre + 3).append("M").append(centre).append(' ').append(hi).append('V').append(lo)
                            .append("M").append(centre - 3).append(' ').append(lo).append('H').append(centre + 3)
                            .append("\" stroke=\"black\" fill=\"none\"/>\n");
                    int labelY = hi - 4;
                    svg.append("<text class=\"bar-label\" x=\"").append(centre + 4).append("\" y=\"").append(labelY)
                            .append("\" font-size=\"10\" transform=\"rotate(-90 ").append(centre + 4).append(' ')
                            .append(labelY).append(")\">").append(number(v)).append("</text>\n");
                }
                svg.append("<text x=\"").append(x0 + STYLES.size() * bar / 2).append("\" y=\"").append(baseline + 16)
                        .append("\" text-anchor=\"middle\">").append(escape(backends.get(b))).append("</text>\n");
            }
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** A round step for about five ticks up to {@code max}: 1, 2 or 5 times a power of ten. */
    static double tickStep(double max) {
        if (!(max > 0) || !Double.isFinite(max)) {
            return 1;
        }
        double raw = max / 5;
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        double fraction = raw / power;
        return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
    }

    /** A tick's value: {@code 0}, {@code 500}, {@code 20 k}, {@code 2.5 k}, {@code 1.2 M}. */
    static String tickLabel(double v) {
        if (v >= 1e6) {
            return trim(v / 1e6) + " M";
        }
        if (v >= 1e3) {
            return trim(v / 1e3) + " k";
        }
        return trim(v);
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.2f", v);
        return s.replaceAll("\\.?0+$", "");
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** A rate with its spread: {@code 41.2 k ± 0.8 k}. */
    static String rate(double value, double spread) {
        if (Double.isNaN(value)) {
            return "-";
        }
        if (value >= 1e6) {
            return String.format(Locale.ROOT, "%.2f M ± %.2f M", value / 1e6, spread / 1e6);
        }
        if (value >= 1e3) {
            return String.format(Locale.ROOT, "%.1f k ± %.1f k", value / 1e3, spread / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f ± %.0f", value, spread);
    }

    /**
     * A latency with its spread, both in microseconds while the larger is below a millisecond, else
     * both in milliseconds: {@code 85.2 us ± 3.1}, {@code 0.97 ms ± 10.14}.
     */
    static String latency(double micros, double spread) {
        if (!Double.isFinite(micros)) {
            return "-";
        }
        return Math.max(micros, spread) < 1000 ? String.format(Locale.ROOT, "%.1f us ± %.1f", micros, spread)
                : String.format(Locale.ROOT, "%.2f ms ± %.2f", micros / 1e3, spread / 1e3);
    }

    static String withSpread(double value, double spread, int decimals) {
        if (!Double.isFinite(value)) {
            return "-";
        }
        return String.format(Locale.ROOT, "%." + decimals + "f ± %." + decimals + "f", value, spread);
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.2f M", v / 1e6);
        }
        if (v >= 1e3) {
            return String.format(Locale.ROOT, "%.1f k", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", v);
    }

    private static String ratio(double r) {
        return Double.isNaN(r) || Double.isInfinite(r) ? "-" : String.format(Locale.ROOT, "%.2f", r);
    }
}
