package dev.evloop.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The comparison's Markdown: targets checked against the scores, ratios oriented, backends ranked. */
class ReportTest {
    private final List<Scores.Score> scores = new ArrayList<>();

    private void echo(String backend, String style, int size, double roundTrips, double cpuMicros) {
        scores.add(new Scores.Score("EchoBenchmark.echo",
                Map.of("backend", backend, "style", style, "size", String.valueOf(size)), roundTrips, 0, cpuMicros));
    }

    private String markdown() {
        return new Report(new Scores(scores), List.of(), "test profile").markdown("chart.svg");
    }

    @Test
    void aTargetMetSaysMetAndAMissSaysByHowMuch() {
        echo("epoll", "protocol", 1024, 97, 1);
        echo("epoll", "netty", 1024, 100, 1);
        echo("epoll", "protocol", 102400, 120, 1);
        echo("epoll", "netty", 102400, 100, 1);
        String md = markdown();
        assertTrue(md.contains("| epoll | protocol echo 1 KiB >= 0.97 x netty | 0.97 x | 1.00 x | met | met |"), md);
        assertTrue(md.contains("| epoll | protocol echo 100 KiB >= 1.5 x netty | 1.20 x | 1.00 x | missed by 20% "
                + "| missed by 33% |"), md);
    }

    @Test
    void serverCpuRatiosAreAboveOneWhenEvloopSpendsLess() {
        echo("io_uring", "protocol", 1024, 100, 5);
        echo("io_uring", "buffered", 1024, 100, 6);
        echo("io_uring", "streams", 1024, 100, 10);
        echo("io_uring", "netty", 1024, 100, 6);
        String md = markdown();
        assertTrue(md.contains("| io_uring | 1 KiB | 5.00 | 6.00 | 10.00 | 6.00 | 1.20 | 1.00 | 0.50 |"), md);
    }

    @Test
    void backendsAreRankedByTheGeometricMeanOfEvloopsEcho() {
        for (String style : List.of("protocol", "buffered", "streams")) {
            echo("selector", style, 1024, 100, 1);
            echo("epoll", style, 1024, 400, 1);
        }
        echo("selector", "netty", 1024, 10_000, 1); // the baseline takes no part in the ranking
        String md = markdown();
        int epoll = md.indexOf("1. epoll: 400 round trips/s (1.00 of the best)");
        int selector = md.indexOf("2. selector: 100 round trips/s (0.25 of the best)");
        assertTrue(epoll > 0 && selector > epoll, md);
    }

    @Test
    void aBenchmarkThatDidNotRunLeavesItsSectionsOut() {
        echo("epoll", "protocol", 1024, 100, 1);
        String md = markdown();
        assertFalse(md.contains("## Scheduler"), md);
        assertFalse(md.contains("## Tasks"), md);
        assertTrue(md.contains("## Echo"), md);
    }
}
