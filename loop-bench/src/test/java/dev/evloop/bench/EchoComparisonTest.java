package dev.evloop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** What the echo comparison measures: its profiles' shapes and the load its open loop offers. */
class EchoComparisonTest {
    private static EchoProcesses.Figures figures(String backend, double trips) {
        return new EchoProcesses.Figures(new EchoProcesses.Server(backend, EchoServer.Style.PROTOCOL),
                new double[] {trips}, new double[] {1}, new double[] {0.5}, new double[] {0.9});
    }

    @Test
    void theOfferedLoadIsHalfTheSlowestServersRoundTrips() {
        assertEquals(15_000, EchoComparison.offeredRate(List.of(figures("epoll", 40_000), figures("selector", 30_000))));
    }

    @Test
    void aLatencyShapeNotMeasuredInAClosedLoopIsRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new EchoComparison.Profile(
                "test", Duration.ofMillis(100), 1, 1, 1, List.of(new Shape(50, 64)), List.of(new Shape(1, 64)), ""));
        assertTrue(e.getMessage().startsWith("latency shape 1x64 is not among the shapes"), e.getMessage());
    }

    @Test
    void latencyShapesGivenOnTheirOwnAreMeasuredInAClosedLoopToo() {
        EchoComparison.Profile p = EchoComparison.SHORT.withShapes(List.of(new Shape(50, 64)), List.of(new Shape(1, 64)));
        assertEquals(List.of(new Shape(50, 64), new Shape(1, 64)), p.shapes());
        assertEquals(List.of(new Shape(1, 64)), p.latencyShapes());
    }

    @Test
    void theJsonCarriesEveryRoundsFiguresAndLatencies() {
        EchoProcesses.Server server = new EchoProcesses.Server("epoll", EchoServer.Style.STREAMS);
        EchoProcesses.Figures f = new EchoProcesses.Figures(server, new double[] {100, 120}, new double[] {5, 6},
                new double[] {0.25, 0.5}, new double[] {4, 5});
        Histogram round = new Histogram(3);
        round.recordValue(2_000_000); // 2 ms
        EchoProcesses.Latency l = new EchoProcesses.Latency(server, 50, List.of(round), new long[] {1}, new double[] {0.5});
        Shape shape = new Shape(50, 1024);
        EchoComparison.Results r = new EchoComparison.Results(new EchoComparison.Profile("test", Duration.ofMillis(100),
                1, 2, 1, List.of(shape), List.of(shape), ""), "pinned \"here\"",
                List.of(new EchoComparison.ShapeResult(shape, List.of(f), List.of(l))));
        String json = r.json();
        assertTrue(json.contains("\"pinning\": \"pinned \\\"here\\\"\""), json);
        assertTrue(json.contains("{\"backend\": \"epoll\", \"style\": \"streams\", \"roundTripsPerSecond\": [100.000, 120.000],"
                + " \"cpuMicrosPerRoundTrip\": [5.000, 6.000], \"clientBusy\": [0.250, 0.500],"
                + " \"busiestThreadCpuMicrosPerRoundTrip\": [4.000, 5.000]}"), json);
        assertTrue(json.contains("\"offeredPerSecond\": 50.0, \"sent\": [1], \"p50Micros\": [2000.895]"), json);
    }

    @Test
    void theFullProfileMeasuresOneFiftyAndFiveHundredConnectionsAtEverySmallSize() {
        for (int connections : new int[] {1, 50, 500}) {
            for (int size : new int[] {64, 1024, 16384}) {
                assertTrue(EchoComparison.FULL.shapes().contains(new Shape(connections, size)), connections + "x" + size);
            }
        }
        assertTrue(EchoComparison.FULL.shapes().contains(new Shape(50, 102400)));
    }
}
