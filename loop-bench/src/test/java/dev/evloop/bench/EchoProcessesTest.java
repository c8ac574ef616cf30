package dev.evloop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Echo servers in processes of their own, driven in turns by a load client in another process. */
class EchoProcessesTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void twoServersInTheirOwnProcessesAreEachMeasuredEveryRound() throws Exception {
        List<EchoProcesses.Server> servers = List.of(
                new EchoProcesses.Server("selector", EchoServer.Style.PROTOCOL),
                new EchoProcesses.Server("selector", EchoServer.Style.NETTY));
        List<EchoProcesses.Figures> figures;
        try (EchoProcesses processes = EchoProcesses.start(servers, 4, 1024)) {
            figures = processes.measure(2, Duration.ofMillis(200));
        }
        assertEquals(servers, figures.stream().map(EchoProcesses.Figures::server).toList());
        for (EchoProcesses.Figures f : figures) {
            assertEquals(2, f.roundTripsPerSecond().length, f.server().label());
            assertEquals(2, f.cpuMicros().length, f.server().label());
            for (int round = 0; round < 2; round++) {
                assertTrue(f.roundTripsPerSecond()[round] > 0, f.server().label() + " round trips in round " + round);
                assertTrue(f.cpuMicros()[round] >= 0, f.server().label() + " CPU in round " + round);
            }
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void anOpenLoopRecordsEveryMessageSentToEachServerEveryRound() throws Exception {
        List<EchoProcesses.Server> servers = List.of(new EchoProcesses.Server("selector", EchoServer.Style.BUFFERED));
        List<EchoProcesses.Latency> latencies;
        try (EchoProcesses processes = EchoProcesses.start(servers, 2, 1024)) {
            latencies = processes.offer(2, Duration.ofMillis(200), 1_000);
        }
        EchoProcesses.Latency l = latencies.get(0);
        assertEquals(servers.get(0), l.server());
        assertEquals(2, l.rounds().size());
        for (int round = 0; round < 2; round++) {
            assertTrue(l.sent()[round] > 0, "sent in round " + round);
            assertEquals(l.sent()[round], l.rounds().get(round).getTotalCount(), "latencies in round " + round);
        }
        assertTrue(l.micros(50) <= l.micros(99) && l.micros(99) <= l.micros(99.9), "percentiles out of order");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aServerThatCannotStartFailsTheStartNamingIt() {
        List<EchoProcesses.Server> servers = List.of(new EchoProcesses.Server("kqueue", EchoServer.Style.PROTOCOL));
        org.junit.jupiter.api.Assumptions.assumeFalse(dev.evloop.EventLoops.backends().stream()
                .anyMatch(b -> b.name().equals("kqueue") && b.available()), "kqueue does not run here");
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> EchoProcesses.start(servers, 1, 64).close());
        assertTrue(e.getMessage().contains("the kqueue.protocol server did not start listening"), e.getMessage());
    }

    @Test
    void whereTwoCpusAndTasksetExistTheClientRunsOnOtherCpusThanTheServers() {
        EchoProcesses.Pinning p = EchoProcesses.Pinning.plan();
        if (p.client() == null) {
            assertTrue(p.note().startsWith("not pinned: "), p.note());
            return;
        }
        List<String> servers = List.of(p.servers().split(","));
        assertTrue(!servers.contains(p.client()), p.toString());
        assertEquals(List.of("taskset", "-c", p.client()), p.prefix(true));
    }

    @Test
    void spreadIsHalfTheRangeOverRounds() {
        assertEquals(2.5, EchoProcesses.Figures.spread(new double[] {10, 15, 12}));
    }
}
