package dev.evloop.bench;

import dev.evloop.BackendInfo;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The comparison's results as Markdown (scores, ratios to the baselines, the targets checked, the
 * backends ranked by echo) and as an SVG chart of the echo results, grouped like uvloop's.
 */
final class Report {
    private static final String ECHO = "EchoBenchmark.echo";
    private static final List<String> STYLES = List.of("protocol", "buffered", "streams", "netty");
    private static final List<String> COLOURS = List.of("#1f77b4", "#2ca02c", "#ff7f0e", "#7f7f7f");

    private final Scores scores;
    private final List<BackendInfo> skipped;
    private final String profile;

    /**
     * @param profile how JMH ran (warm-up, measurement, forks, heap), for the report's header
     */
    Report(Scores scores, List<BackendInfo> skipped, String profile) {
        this.scores = scores;
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
        echo(md, chartFile);
        targets(md);
        scheduler(md);
        tasks(md);
        ranking(md);
        return md.toString();
    }

    private List<String> backends(String benchmark) {
        return scores.values(benchmark, "backend");
    }

    private double echo(String backend, String style, String size) {
        return scores.get(ECHO, Map.of("backend", backend, "style", style, "size", size));
    }

    /** The server thread's CPU microseconds per round trip. */
    private double echoCpu(String backend, String style, String size) {
        return scores.serverCpu(ECHO, Map.of("backend", backend, "style", style, "size", size));
    }

    private void echo(StringBuilder md, String chartFile) {
        if (scores.all(ECHO).isEmpty()) {
            return;
        }
        md.append("\n## Echo: round trips per second, 50 connections in a closed loop\n\n");
        md.append("`netty` is raw Netty with its defaults on the same backend. Every backend and style of a message size "
                + "ran in one fork, taking turns in " + EchoBenchmark.SLICE_MILLIS + " ms slices, so that drifts of the "
                + "host hit them alike.\n\n");
        md.append("| backend | size | protocol | buffered | streams | netty | protocol / netty | buffered / netty "
                + "| streams / protocol |\n|---|---|---|---|---|---|---|---|---|\n");
        echoRows(md, false);
        md.append("\n![echo round trips per second](").append(chartFile).append(")\n");

        md.append("\n### Server CPU per round trip (microseconds, user + system, the server's thread only)\n\n");
        md.append("Steadier than round trips per second where the load client shares the cores: the ratios here "
                + "are `netty` CPU / evloop CPU (and protocol / streams), so above 1 means cheaper, as above.\n\n");
        md.append("| backend | size | protocol | buffered | streams | netty | protocol vs netty | buffered vs netty "
                + "| streams vs protocol |\n|---|---|---|---|---|---|---|---|---|\n");
        echoRows(md, true);
    }

    /**
     * A row per backend and size: the four styles' round trips per second (or, with {@code cpu},
     * server microseconds per round trip), then protocol and buffered against netty and streams
     * against protocol, as ratios where above 1 is better either way.
     */
    private void echoRows(StringBuilder md, boolean cpu) {
        for (String backend : backends(ECHO)) {
            for (String size : scores.values(ECHO, "size")) {
                double[] v = new double[STYLES.size()];
                md.append("| ").append(backend).append(" | ").append(sizeLabel(size));
                for (int i = 0; i < v.length; i++) {
                    v[i] = cpu ? echoCpu(backend, STYLES.get(i), size) : echo(backend, STYLES.get(i), size);
                    md.append(" | ").append(cpu ? micros(v[i]) : number(v[i]));
                }
                double protocol = v[0];
                double buffered = v[1];
                double streams = v[2];
                double netty = v[3];
                md.append(" | ").append(ratio(cpu ? netty / protocol : protocol / netty))
                        .append(" | ").append(ratio(cpu ? netty / buffered : buffered / netty))
                        .append(" | ").append(ratio(cpu ? protocol / streams : streams / protocol)).append(" |\n");
            }
        }
    }

    private void targets(StringBuilder md) {
        List<String[]> rows = new ArrayList<>();
        for (String backend : backends(ECHO)) {
            echoTarget(rows, backend, "protocol echo 1 KiB >= 0.97 x netty", "protocol", "netty", "1024", 0.97);
            echoTarget(rows, backend, "protocol echo 100 KiB >= 1.5 x netty", "protocol", "netty", "102400", 1.5);
            for (String size : scores.values(ECHO, "size")) {
                echoTarget(rows, backend, "streams echo " + sizeLabel(size) + " >= 0.85 x protocol",
                        "streams", "protocol", size, 0.85);
            }
        }
        String sched = "SchedulerBenchmark.";
        for (String backend : backends(sched + "callSoonChain")) {
            Map<String, String> on = Map.of("backend", backend);
            target(rows, backend, "callSoon chain >= 1.0 x Netty execute chain",
                    scores.get(sched + "callSoonChain", on) / scores.get(sched + "nettyExecuteChain", on), Double.NaN, 1.0);
            target(rows, backend, "callSoon burst >= 1.0 x Netty execute burst",
                    scores.get(sched + "callSoonBurst", on) / scores.get(sched + "nettyExecuteBurst", on), Double.NaN, 1.0);
            target(rows, backend, "timers >= 1.0 x Netty schedule",
                    scores.get(sched + "timers", on) / scores.get(sched + "nettySchedule", on), Double.NaN, 1.0);
            target(rows, backend, "callSoonThreadsafe >= 1.0 x Netty execute from another thread",
                    scores.get(sched + "callSoonThreadsafe", on)
                            / scores.get(sched + "nettyExecuteFromAnotherThread", on), Double.NaN, 1.0);
        }
        for (String backend : backends("TaskBenchmark.yieldRoundTrip")) {
            double perSecond = scores.get("TaskBenchmark.yieldRoundTrip", Map.of("backend", backend, "mode", "fast"));
            if (!Double.isNaN(perSecond)) {
                rows.add(new String[] {backend, "yieldNow round trip, fast mode >= 5 M/s", number(perSecond) + "/s", "-",
                        verdict(perSecond / 5e6, 1.0), "-"});
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        md.append("\n## Targets\n\nThe targets are set on throughput; for echo, the same ratio of server CPU per round trip "
                + "is checked too (see above).\n\n");
        md.append("| backend | target | throughput | server CPU | verdict | by CPU |\n|---|---|---|---|---|---|\n");
        for (String[] row : rows) {
            md.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
    }

    /** An echo target: one style against another, by round trips and by server CPU (less is better). */
    private void echoTarget(List<String[]> rows, String backend, String what, String style, String against,
                            String size, double goal) {
        target(rows, backend, what, echo(backend, style, size) / echo(backend, against, size),
                echoCpu(backend, against, size) / echoCpu(backend, style, size), goal);
    }

    /** A target row: the throughput ratio and, where measured, the same ratio of server CPU. */
    private static void target(List<String[]> rows, String backend, String what, double measured, double byCpu,
                               double goal) {
        if (Double.isNaN(measured)) {
            return;
        }
        boolean cpu = !Double.isNaN(byCpu) && !Double.isInfinite(byCpu);
        rows.add(new String[] {backend, what, ratio(measured) + " x", cpu ? ratio(byCpu) + " x" : "-",
            verdict(measured, goal), cpu ? verdict(byCpu, goal) : "-"});
    }

    private static String verdict(double measured, double goal) {
        return measured >= goal ? "met"
                : String.format(Locale.ROOT, "missed by %.0f%%", 100 * (goal - measured) / goal);
    }

    private void scheduler(StringBuilder md) {
        String s = "SchedulerBenchmark.";
        if (scores.all(s + "callSoonChain").isEmpty()) {
            return;
        }
        md.append("\n## Scheduler: callbacks per second\n\n");
        md.append("| backend | callSoon chain | Netty execute chain | deque chain | callSoon burst | Netty execute burst "
                + "| deque burst | timers | Netty schedule | callSoonThreadsafe | Netty execute, other thread |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        String[] columns = {"callSoonChain", "nettyExecuteChain", "dequeChain", "callSoonBurst", "nettyExecuteBurst",
            "dequeBurst", "timers", "nettySchedule", "callSoonThreadsafe", "nettyExecuteFromAnotherThread"};
        for (String backend : backends(s + "callSoonChain")) {
            md.append("| ").append(backend);
            for (String c : columns) {
                md.append(" | ").append(number(scores.get(s + c, Map.of("backend", backend))));
            }
            md.append(" |\n");
        }
        md.append("\nA chain runs one callback per loop iteration, as asyncio's rules require (a busy loop defers its "
                + "I/O poll after one that found nothing, see the README); Netty runs a chain of `execute` calls in one "
                + "pass of its task queue.\n");
    }

    private void tasks(StringBuilder md) {
        String t = "TaskBenchmark.";
        if (scores.all(t + "yieldRoundTrip").isEmpty()) {
            return;
        }
        md.append("\n## Tasks: switches per second\n\n| backend | mode | yieldNow round trip | await a future "
                + "completed by a callback |\n|---|---|---|---|\n");
        for (String backend : backends(t + "yieldRoundTrip")) {
            for (String mode : scores.values(t + "yieldRoundTrip", "mode")) {
                Map<String, String> on = Map.of("backend", backend, "mode", mode);
                md.append("| ").append(backend).append(" | ").append(mode).append(" | ")
                        .append(number(scores.get(t + "yieldRoundTrip", on))).append(" | ")
                        .append(number(scores.get(t + "awaitFutureCompletedByCallback", on))).append(" |\n");
            }
        }
    }

    /** Backends by the geometric mean of evloop's echo (every style and size): the policy's evidence. */
    private void ranking(StringBuilder md) {
        List<String> backends = new ArrayList<>(backends(ECHO));
        if (backends.isEmpty()) {
            return;
        }
        Map<String, Double> mean = new java.util.HashMap<>();
        for (String backend : backends) {
            double logSum = 0;
            int n = 0;
            for (String style : STYLES.subList(0, 3)) {
                for (String size : scores.values(ECHO, "size")) {
                    double v = echo(backend, style, size);
                    if (v > 0) {
                        logSum += Math.log(v);
                        n++;
                    }
                }
            }
            mean.put(backend, n == 0 ? 0 : Math.exp(logSum / n));
        }
        backends.sort(Comparator.comparingDouble((String b) -> mean.get(b)).reversed());
        double best = mean.get(backends.get(0));
        md.append("\n## Ranking by evloop echo (geometric mean over styles and sizes)\n\n");
        for (int i = 0; i < backends.size(); i++) {
            String b = backends.get(i);
            md.append(i + 1).append(". ").append(b).append(": ").append(number(mean.get(b)))
                    .append(" round trips/s (").append(ratio(mean.get(b) / best)).append(" of the best)\n");
        }
    }

    /** Grouped bars: one panel per message size (each on its own scale), a cluster per backend. */
    String echoChart() {
        List<String> sizes = scores.values(ECHO, "size");
        List<String> backends = backends(ECHO);
        int bar = 14;
        int cluster = STYLES.size() * bar + 18;
        int panelWidth = Math.max(160, backends.size() * cluster + 50);
        int height = 300;
        int top = 50;
        int plot = 190;
        int width = Math.max(1, sizes.size()) * panelWidth + 20;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
                .append(height).append("\" font-family=\"sans-serif\" font-size=\"11\">\n");
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append("<text x=\"10\" y=\"18\" font-size=\"14\">Echo round trips per second (50 connections)</text>\n");
        for (int i = 0; i < STYLES.size(); i++) {
            int x = 10 + i * 90;
            svg.append("<rect x=\"").append(x).append("\" y=\"26\" width=\"10\" height=\"10\" fill=\"")
                    .append(COLOURS.get(i)).append("\"/><text x=\"").append(x + 14).append("\" y=\"35\">")
                    .append(STYLES.get(i)).append("</text>\n");
        }
        for (int p = 0; p < sizes.size(); p++) {
            String size = sizes.get(p);
            int left = 10 + p * panelWidth;
            double max = 0;
            for (String backend : backends) {
                for (String style : STYLES) {
                    double v = echo(backend, style, size);
                    if (v > max) {
                        max = v;
                    }
                }
            }
            svg.append("<text x=\"").append(left + 40).append("\" y=\"").append(top + 8).append("\">")
                    .append(sizeLabel(size)).append(" messages (max ").append(number(max)).append(")</text>\n");
            int baseline = top + 20 + plot;
            svg.append("<line x1=\"").append(left + 30).append("\" y1=\"").append(baseline).append("\" x2=\"")
                    .append(left + panelWidth - 10).append("\" y2=\"").append(baseline).append("\" stroke=\"black\"/>\n");
            for (int b = 0; b < backends.size(); b++) {
                int x0 = left + 40 + b * cluster;
                for (int s = 0; s < STYLES.size(); s++) {
                    double v = echo(backends.get(b), STYLES.get(s), size);
                    int h = max > 0 && v > 0 ? (int) Math.round(plot * v / max) : 0;
                    svg.append("<rect x=\"").append(x0 + s * bar).append("\" y=\"").append(baseline - h)
                            .append("\" width=\"").append(bar - 2).append("\" height=\"").append(h)
                            .append("\" fill=\"").append(COLOURS.get(s)).append("\"><title>")
                            .append(backends.get(b)).append(' ').append(STYLES.get(s)).append(": ").append(number(v))
                            .append("</title></rect>\n");
                }
                svg.append("<text x=\"").append(x0).append("\" y=\"").append(baseline + 14).append("\">")
                        .append(backends.get(b)).append("</text>\n");
            }
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static String sizeLabel(String bytes) {
        int n = Integer.parseInt(bytes);
        return n % 1024 == 0 ? n / 1024 + " KiB" : n + " B";
    }

    private static String number(double v) {
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

    private static String micros(double us) {
        return Double.isNaN(us) ? "-" : String.format(Locale.ROOT, "%.2f", us);
    }

    private static String ratio(double r) {
        return Double.isNaN(r) || Double.isInfinite(r) ? "-" : String.format(Locale.ROOT, "%.2f", r);
    }
}
