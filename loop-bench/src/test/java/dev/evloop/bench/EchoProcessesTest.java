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
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void theCFloorIsCompiledStartedAndMeasuredLikeTheJvmServers() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(NativeEcho.unavailableReason() == null,
                () -> "the C floor cannot run here: " + NativeEcho.unavailableReason());
        List<EchoProcesses.Server> servers = List.of(new EchoProcesses.Server("epoll", EchoServer.Style.C));
        List<EchoProcesses.Figures> figures;
        List<EchoProcesses.Latency> latencies;
        try (EchoProcesses processes = EchoProcesses.start(servers, 4, 16 * 1024)) { // the client checks every byte
            figures = processes.measure(1, Duration.ofMillis(200));
            latencies = processes.offer(1, Duration.ofMillis(200), 1_000);
        }
        assertTrue(figures.get(0).roundTripsPerSecond()[0] > 0, "round trips");
        assertEquals(latencies.get(0).sent()[0], latencies.get(0).rounds().get(0).getTotalCount());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void whileOneServersLatencyIsMeasuredTheOthersAreStoppedAndAfterwardsGoOn() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(ProcessPause.available(), "no kill(1) here");
        List<EchoProcesses.Server> servers = List.of(
                new EchoProcesses.Server("selector", EchoServer.Style.PROTOCOL),
                new EchoProcesses.Server("selector", EchoServer.Style.NETTY));
        try (EchoProcesses processes = EchoProcesses.start(servers, 2, 1024)) {
            java.util.concurrent.CompletableFuture<List<EchoProcesses.Latency>> offered =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        try {
                            return processes.offer(1, Duration.ofMillis(1500), 1_000);
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
            boolean seenStopped = false;
            while (!offered.isDone() && !seenStopped) {
                seenStopped = state(processes.server(0)) == 'T' || state(processes.server(1)) == 'T';
                Thread.sleep(5);
            }
            offered.get();
            assertTrue(seenStopped, "neither server was seen stopped while the other's latency was measured");
            assertTrue(state(processes.server(0)) != 'T' && state(processes.server(1)) != 'T', "a server is still stopped");
            for (EchoProcesses.Figures f : processes.measure(1, Duration.ofMillis(200))) {
                assertTrue(f.roundTripsPerSecond()[0] > 0, f.server().label() + " serves again after being stopped");
            }
        }
    }

    /** A process's state letter from /proc (T: stopped). */
    private static char state(ProcessHandle process) throws java.io.IOException {
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(process.pid()), "stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
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
