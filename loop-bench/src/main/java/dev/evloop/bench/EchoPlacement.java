package dev.evloop.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Why the retired in-process echo suite and clients from outside ranked io_uring and epoll apart
 * ({@code ./evloop bench --placement}). The in-process suite differed from {@link EchoComparison}
 * in three ways at once, and this measures each on its own, with the same servers and client:
 *
 * <ul>
 *   <li><b>what was timed</b>: the server's loop thread, not its whole process: every figure is
 *       given both ways;</li>
 *   <li><b>where the client ran</b>: on the server's CPUs (its own JVM, floating on every CPU as
 *       the in-process client thread did), or on a CPU of its own (taskset);</li>
 *   <li><b>io_uring's poll</b>: Netty's multishot {@code POLL_ADD}, on when the in-process figures
 *       were taken and off since evloop turned it off (it leaks a descriptor per reset
 *       connection), as a server of its own ({@code +multishot}).</li>
 * </ul>
 *
 * <p>The servers take turns in 1 s slices, as in {@link EchoComparison}, at 50 connections of
 * 1 KiB and of 16 KiB, the in-process suite's shapes.
 */
final class EchoPlacement {
    private static final Duration SLICE = Duration.ofSeconds(1);
    private static final int WARM_UP_ROUNDS = 2;
    private static final int ROUNDS = 6;
    private static final List<Shape> SHAPES = List.of(new Shape(50, 1024), new Shape(50, 16 * 1024));

    private EchoPlacement() {
    }

    /** One placement's figures, shape by shape. */
    private record Placed(String placement, List<List<EchoProcesses.Figures>> shapes) {
    }

    /**
     * Measures and writes {@code <stem>-placement.md} into {@code out}.
     *
     * @param backends the backends that run here
     * @param out      the results directory
     * @param stem     the results' file name stem, date and host
     * @param progress where to say what is being measured
     * @return the markdown written
     * @throws IOException if a process fails or the results cannot be written
     */
    static String run(List<String> backends, Path out, String stem, PrintStream progress) throws IOException {
        List<EchoProcesses.Server> servers = new ArrayList<>();
        for (String backend : List.of("epoll", "io_uring")) {
            if (!backends.contains(backend)) {
                throw new IOException("the placement check compares epoll and io_uring; " + backend + " cannot run here");
            }
            servers.add(new EchoProcesses.Server(backend, EchoServer.Style.PROTOCOL));
        }
        servers.add(new EchoProcesses.Server("io_uring", EchoServer.Style.PROTOCOL, "multishot",
                List.of("-Dio.netty.iouring.pollAddMultishotEnabled=true")));
        servers.add(new EchoProcesses.Server("epoll", EchoServer.Style.NETTY));
        servers.add(new EchoProcesses.Server("io_uring", EchoServer.Style.NETTY, "multishot",
                List.of("-Dio.netty.iouring.pollAddMultishotEnabled=true")));
        List<Placed> placed = new ArrayList<>();
        for (EchoProcesses.Pinning pinning : List.of(EchoProcesses.Pinning.plan(), EchoProcesses.Pinning.floating())) {
            try (EchoProcesses processes = EchoProcesses.start(servers, pinning)) {
                progress.println("placement: " + processes.pinning());
                List<List<EchoProcesses.Figures>> shapes = new ArrayList<>();
                for (Shape shape : SHAPES) {
                    processes.connect(shape);
                    progress.println("placement: " + shape.label());
                    processes.measure(WARM_UP_ROUNDS, SLICE);
                    shapes.add(processes.measure(ROUNDS, SLICE));
                }
                placed.add(new Placed(processes.pinning(), shapes));
            }
        }
        String md = markdown(placed);
        Files.writeString(out.resolve(stem + "-placement.md"), md);
        return md;
    }

    private static String markdown(List<Placed> placed) {
        StringBuilder md = new StringBuilder("# Echo: what the in-process suite measured differently\n\n")
                .append(String.format(Locale.ROOT, "Made by `./evloop bench --placement`: %d warm-up and %d measured"
                        + " rounds of %d ms slices per shape, the servers taking turns. Each figure is the mean over"
                        + " rounds ± half their range. `+multishot` runs with Netty's multishot POLL_ADD on"
                        + " (`-Dio.netty.iouring.pollAddMultishotEnabled=true`), as the in-process figures were"
                        + " taken; the others as evloop runs now, with it off.%n", WARM_UP_ROUNDS, ROUNDS,
                        SLICE.toMillis()));
        for (Placed p : placed) {
            md.append("\n## ").append(p.placement()).append("\n");
            for (int s = 0; s < SHAPES.size(); s++) {
                md.append("\n### ").append(SHAPES.get(s).label()).append("\n\n")
                        .append("| server | round trips/s | process CPU µs/round trip | loop thread CPU µs/round trip"
                                + " | load client's CPU |\n|---|---|---|---|---|\n");
                for (EchoProcesses.Figures f : p.shapes().get(s)) {
                    md.append(String.format(Locale.ROOT, "| %s | %.1f k ± %.1f k | %.2f ± %.2f | %.2f ± %.2f | %.0f%% |%n",
                            f.server().label(), f.roundTrips() / 1e3, f.roundTripsSpread() / 1e3, f.cpu(),
                            f.cpuSpread(), EchoProcesses.Figures.mean(f.threadCpuMicros()),
                            EchoProcesses.Figures.spread(f.threadCpuMicros()), f.clientBusiest() * 100));
                }
            }
        }
        return md.toString();
    }
}
