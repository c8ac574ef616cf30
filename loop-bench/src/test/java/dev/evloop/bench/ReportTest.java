package dev.evloop.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The comparison's Markdown and chart: spreads shown, ratios oriented, targets checked, backends ranked, axis drawn. */
class ReportTest {
    private static final Shape SHAPE = new Shape(50, 1024);
    private final List<EchoProcesses.Figures> figures = new ArrayList<>();

    /** A server measured over two rounds: its mean is {@code trips}, its spread {@code spread}. */
    private void echo(String backend, String style, double trips, double spread, double cpu) {
        figures.add(new EchoProcesses.Figures(new EchoProcesses.Server(backend, EchoServer.Style.of(style)),
                new double[] {trips - spread, trips + spread}, new double[] {cpu, cpu}, new double[] {0.5, 0.5},
                new double[] {cpu, cpu}));
    }

    private final List<EchoProcesses.Latency> latencies = new ArrayList<>();

    private Report report(Shape shape) {
        EchoComparison.Profile profile = new EchoComparison.Profile("test", Duration.ofMillis(500), 1, 2, 2,
                List.of(shape), latencies.isEmpty() ? List.of() : List.of(shape), "");
        EchoComparison.Results results = new EchoComparison.Results(profile, "not pinned: test",
                List.of(new EchoComparison.ShapeResult(shape, figures, latencies)));
        return new Report(new Scores(List.of()), results, null, List.of(), "test profile");
    }

    private String markdown() {
        return report(SHAPE).markdown("chart.svg");
    }

    @Test
    void everyEchoFigureIsShownWithItsSpreadOverRounds() {
        echo("epoll", "protocol", 41_200, 800, 5.25);
        String md = markdown();
        assertTrue(md.contains("| epoll | 41.2 k ± 0.8 k |"), md);
        assertTrue(md.contains("| epoll | 5.25 ± 0.00 |"), md);
    }

    @Test
    void aTargetMetSaysMetAndAMissSaysByHowMuch() {
        echo("epoll", "protocol", 100, 0, 1);
        echo("epoll", "netty", 100, 0, 1);
        echo("epoll", "streams", 50, 0, 1);
        String md = markdown();
        assertTrue(md.contains("| epoll | protocol echo >= 1.0 x netty (50 connections, 1 KiB) | 1.00 ± 0.00 x "
                + "| 1.00 ± 0.00 x | met | met |"), md);
        assertTrue(md.contains("| epoll | streams echo >= 0.9 x protocol (50 connections, 1 KiB) | 0.50 ± 0.00 x "
                + "| 1.00 ± 0.00 x | missed by 44% | met |"), md);
    }

    @Test
    void aMissWithinTheRatiosSpreadSaysItIsWithinNoise() {
        echo("epoll", "protocol", 90, 5, 1);
        echo("epoll", "netty", 100, 10, 1);
        String md = markdown();
        assertTrue(md.contains("| 0.90 ± 0.14 x | 1.00 ± 0.00 x | missed by 10%, within noise | met |"), md);
    }

    @Test
    void serverCpuRatiosAreAboveOneWhenEvloopSpendsLess() {
        echo("io_uring", "protocol", 100, 0, 5);
        echo("io_uring", "buffered", 100, 0, 6);
        echo("io_uring", "streams", 100, 0, 10);
        echo("io_uring", "streams-bytes", 100, 0, 20);
        echo("io_uring", "netty", 100, 0, 6);
        String md = markdown();
        assertTrue(md.contains("| io_uring | 5.00 ± 0.00 | 6.00 ± 0.00 | 10.00 ± 0.00 | 20.00 ± 0.00 | 6.00 ± 0.00 | - | 1.20 ± 0.00 "
                + "| 1.00 ± 0.00 | 0.50 ± 0.00 | 0.25 ± 0.00 |"), md);
    }

    @Test
    void moreRoundTripsPerSecondRanksFirstWhenOutsideTheSpreads() {
        echo("io_uring", "protocol", 30_000, 100, 5);
        echo("epoll", "protocol", 40_000, 100, 9);
        echo("epoll", "netty", 90_000, 100, 1); // raw Netty takes no part in the ranking
        assertTrue(markdown().contains("- 50 connections, 1 KiB: epoll 1.00, io_uring 0.75\n"), markdown());
    }

    @Test
    void withinTheSpreadsLessCpuRanksFirstAndTheRankingSaysWhy() {
        echo("epoll", "protocol", 40_000, 600, 9);
        echo("io_uring", "protocol", 39_200, 500, 5);
        echo("selector", "protocol", 20_000, 500, 4);
        String md = markdown();
        assertTrue(md.contains("- 50 connections, 1 KiB: io_uring 0.98 (ahead of epoll: within noise, less CPU per round"
                + " trip), epoll 1.00, selector 0.50\n"), md);
    }

    @Test
    void whenAllAreWithinNoiseTheRankingSaysSoAndFollowsCpu() {
        echo("epoll", "protocol", 40_000, 600, 9);
        echo("io_uring", "protocol", 39_200, 500, 5);
        String md = markdown();
        assertTrue(md.contains("- 50 connections, 1 KiB: all within noise of each other, so ranked by CPU per round trip:"
                + " io_uring 0.98, epoll 1.00\n"), md);
    }

    @Test
    void aTargetMetOnlyWithinTheRatiosSpreadSaysItIsWithinNoise() {
        echo("epoll", "protocol", 100, 10, 1);
        echo("epoll", "netty", 100, 0, 1);
        String md = markdown();
        assertTrue(md.contains("| 1.00 ± 0.10 x | 1.00 ± 0.00 x | met, within noise | met |"), md);
    }

    @Test
    void theMethodAndWhatTheFiguresCannotShowAreWritten() {
        echo("epoll", "protocol", 100, 0, 1);
        String md = markdown();
        assertTrue(md.contains("### How the figures were made"), md);
        assertTrue(md.contains("### What they cannot show"), md);
        assertTrue(md.contains("not pinned: test"), md);
    }

    @Test
    void aBusyLoadClientIsNamedAsPossiblySettingThePace() {
        figures.add(new EchoProcesses.Figures(new EchoProcesses.Server("epoll", EchoServer.Style.PROTOCOL),
                new double[] {100, 100}, new double[] {1, 1}, new double[] {0.5, 0.97},
                new double[] {1, 1}));
        String md = markdown();
        assertTrue(md.contains("The load client used up to 97% of a CPU. It may have set the pace here"), md);
    }

    @Test
    void aBenchmarkThatDidNotRunLeavesItsSectionsOut() {
        echo("epoll", "protocol", 100, 0, 1);
        String md = markdown();
        assertFalse(md.contains("## Scheduler"), md);
        assertFalse(md.contains("## Tasks"), md);
        assertTrue(md.contains("## Echo"), md);
    }

    @Test
    void theTailLatencyTargetBoundsP999ByTwiceP50PlusOneMillisecond() {
        echo("epoll", "protocol", 40_000, 0, 5);
        latencies.add(latency("protocol", 100_000, 1_100_000)); // p50 100 us, p99.9 1.1 ms: within 1.2 ms
        latencies.add(latency("streams", 100_000, 3_000_000)); // p99.9 3 ms: 2.5 x the bound
        latencies.add(latency("netty", 100_000, 3_000_000)); // raw Netty is shown, not targeted
        String md = markdown();
        assertTrue(md.contains("| epoll | protocol echo p99.9 <= 2 x p50 + 1 ms (50 connections, 1 KiB) | 1.10 ms ± 0.00"
                + " (bound 1.20 ms) | - | met | - |"), md);
        assertTrue(md.contains("| epoll | streams echo p99.9 <= 2 x p50 + 1 ms (50 connections, 1 KiB) | 3.00 ms ± 0.00"
                + " (bound 1.20 ms) | - | missed: 2.5 x the bound | - |"), md);
        assertFalse(md.contains("netty echo p99.9"), md);
    }

    @Test
    void aMissedTailTargetSaysWhetherTheCFloorMissedItsBoundToo() {
        echo("epoll", "protocol", 40_000, 0, 5);
        latencies.add(latency("protocol", 100_000, 3_000_000)); // bound 1.2 ms
        latencies.add(latency("c", 30_000, 2_500_000)); // the floor's own bound: 1.06 ms
        String md = markdown();
        assertTrue(md.contains("| missed: 2.5 x the bound; the C floor's p99.9: 2.50 ms, over its own bound too | - |"), md);
        assertFalse(md.contains("c echo p99.9"), md);
        assertTrue(md.contains("| epoll | c | 30.0 us ± 0.0 |"), md);
    }

    /** One round of 10,000 latencies: all at {@code p50Nanos} but the slowest 0.5%, at {@code tailNanos}. */
    private static EchoProcesses.Latency latency(String style, long p50Nanos, long tailNanos) {
        Histogram h = new Histogram(3);
        for (int i = 0; i < 10_000; i++) {
            h.recordValue(i < 9_950 ? p50Nanos : tailNanos);
        }
        return new EchoProcesses.Latency(new EchoProcesses.Server("epoll", EchoServer.Style.of(style)), 20_000,
                List.of(h), new long[] {10_000}, new double[] {0.5});
    }

    @Test
    void theLatencyTableShowsEachPercentileWithItsSpreadOverRoundsAndTheOfferedLoad() {
        echo("epoll", "protocol", 40_000, 0, 5);
        Histogram first = new Histogram(3);
        Histogram second = new Histogram(3);
        for (int i = 0; i < 1000; i++) {
            first.recordValue(100_000); // 100 us
            second.recordValue(i < 990 ? 120_000 : 3_000_000); // 120 us (HdrHistogram: 120.1), and 1% at 3 ms
        }
        latencies.add(new EchoProcesses.Latency(new EchoProcesses.Server("epoll", EchoServer.Style.PROTOCOL), 20_000,
                List.of(first, second), new long[] {1000, 1000}, new double[] {0.1, 0.1}));
        String md = markdown();
        assertTrue(md.contains("Latency at 20.0 k messages/s offered"), md);
        assertTrue(md.contains("| epoll | protocol | 100.0 us ± 10.0 | 120.1 us ± 10.0 | 3.00 ms ± 1.45 | 10.0 k |"), md);
    }

    @Test
    void aLatencyAndItsSpreadShareOneUnitChosenByTheLarger() {
        assertEquals("967.7 us ± 12.0", Report.latency(967.7, 12));
        assertEquals("0.97 ms ± 10.14", Report.latency(967.7, 10_144.7));
        assertEquals("11.58 ms ± 0.05", Report.latency(11_580, 50));
    }

    @Test
    void tickStepsAreOneTwoOrFiveTimesAPowerOfTen() {
        assertEquals(10_000, Report.tickStep(41_000));
        assertEquals(20_000, Report.tickStep(95_000));
        assertEquals(5_000, Report.tickStep(21_000));
        assertEquals(0.2, Report.tickStep(0.9), 1e-12);
    }

    @Test
    void theChartsValueAxisHasTicksFromZeroPastTheTallestBarLabelledInRoundUnits() {
        echo("epoll", "protocol", 40_000, 1_000, 5);
        echo("epoll", "netty", 30_000, 1_000, 5);
        List<String> ticks = all(report(SHAPE).echoChart(), "<text class=\"tick-label\"[^>]*>([^<]*)</text>");
        assertEquals(List.of("0", "10 k", "20 k", "30 k", "40 k", "50 k"), ticks);
    }

    @Test
    void everyBarIsLabelledWithItsValueAndCarriesAWhiskerForItsSpread() {
        echo("epoll", "protocol", 40_000, 1_000, 5);
        echo("selector", "netty", 30_000, 2_000, 5);
        String svg = report(SHAPE).echoChart();
        assertEquals(List.of("40.0 k", "30.0 k"), all(svg, "<text class=\"bar-label\"[^>]*>([^<]*)</text>"));
        assertEquals(2, all(svg, "<path class=\"spread\" d=\"([^\"]*)\"").size(), svg);
        assertTrue(svg.contains("<title>selector netty: 30.0 k ± 2.0 k</title>"), svg);
        assertTrue(svg.contains(">epoll</text>") && svg.contains(">selector</text>"), svg);
    }

    @Test
    void aWhiskerSpansTheSpreadOnTheAxissScale() {
        echo("epoll", "protocol", 40_000, 10_000, 5); // axis to 50 k over 200 px: the whisker spans 30 k to 50 k
        String d = all(report(SHAPE).echoChart(), "<path class=\"spread\" d=\"([^\"]*)\"").get(0);
        Matcher m = Pattern.compile("V(\\d+)").matcher(d);
        assertTrue(m.find(), d);
        int lo = Integer.parseInt(m.group(1));
        Matcher hi = Pattern.compile("^M\\d+ (\\d+)").matcher(d);
        assertTrue(hi.find(), d);
        assertEquals(Math.round(200 * 20_000 / 50_000.0), lo - Integer.parseInt(hi.group(1)), d);
    }

    @Test
    void ratiosCarryTheSumOfTheRelativeSpreads() {
        assertArrayEquals(new double[] {2, 0.4}, Report.ratio(100, 10, 50, 5), 1e-12);
    }

    /** A report of the HTTP comparison alone, 50 connections, from the figures and latencies added. */
    private String httpMarkdown() {
        Shape shape = HttpComparison.shape(50);
        EchoComparison.Profile profile = HttpComparison.profile("test", Duration.ofMillis(500), 1, 2, 2, List.of(50));
        EchoComparison.Results http = new EchoComparison.Results(profile, "not pinned: test",
                List.of(new EchoComparison.ShapeResult(shape, figures, latencies)));
        return new Report(new Scores(List.of()), null, http, List.of(), "test profile").markdown("chart.svg");
    }

    @Test
    void theHttpExamplesTailLatencyTargetIsCheckedPerBackendAndRawNettysIsNot() {
        echo("epoll", "protocol", 40_000, 0, 5);
        echo("epoll", "netty", 40_000, 0, 5);
        latencies.add(latency("protocol", 100_000, 3_000_000)); // p99.9 3 ms: 2.5 x the 1.2 ms bound
        latencies.add(latency("netty", 100_000, 3_000_000));
        String md = httpMarkdown();
        assertTrue(md.contains("| epoll | HttpServer p99.9 <= 2 x p50 + 1 ms (HTTP, 50 connections) | 3.00 ms ± 0.00"
                + " (bound 1.20 ms) | - | missed: 2.5 x the bound | - |"), md);
        assertFalse(md.contains("netty p99.9"), md);
    }

    @Test
    void theHttpTablesShowRequestsCpuAndLatencyOfTheExampleBesideRawNetty() {
        echo("epoll", "protocol", 60_000, 1_000, 10);
        echo("epoll", "netty", 50_000, 1_000, 12.5);
        latencies.add(latency("protocol", 100_000, 1_100_000));
        latencies.add(latency("netty", 200_000, 1_100_000));
        String md = httpMarkdown();
        assertTrue(md.contains("## HTTP example, measured from outside"), md);
        assertTrue(md.contains("### HTTP, 50 connections"), md);
        assertTrue(md.contains("| epoll | 60.0 k ± 1.0 k | 50.0 k ± 1.0 k | 1.20 ± 0.04 x | 10.00 ± 0.00 | 12.50 ± 0.00 "
                + "| 1.25 ± 0.00 x |"), md);
        assertTrue(md.contains("Latency at 20.0 k requests/s offered"), md);
        assertTrue(md.contains("| epoll | HttpServer | 100.0 us ± 0.0 |"), md);
        assertTrue(md.contains("| epoll | netty | 200.1 us ± 0.0 |"), md);
        assertFalse(md.contains("## Echo"), md);
    }

    @Test
    void withoutTheHttpComparisonTheReportHasNoHttpSection() {
        echo("epoll", "protocol", 40_000, 0, 5);
        assertFalse(markdown().contains("HTTP"), markdown());
    }

    private static List<String> all(String text, String regex) {
        List<String> found = new ArrayList<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }
}
