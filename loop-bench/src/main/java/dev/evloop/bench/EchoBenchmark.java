package dev.evloop.bench;

import dev.evloop.BackendInfo;
import dev.evloop.EventLoops;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Echo round trips per second, uvloop's benchmark: 50 connections in a closed loop (send, wait for
 * the whole echo, check it, send again) against an echo server in each style, at 1 KiB, 16 KiB and
 * 100 KiB messages. {@code netty} is raw Netty with its defaults on the same backend, the
 * baseline. Each server runs on its own thread; each has its own load client, one thread of plain
 * NIO, the benchmark's thread.
 *
 * <p>One fork per message size runs every backend with every style, taking turns in
 * {@value #SLICE_MILLIS} ms slices, and {@link EchoMeter} reports each one's round trips per
 * second and its server thread's CPU time per round trip ({@code echo.<backend>.<style>} and
 * {@code .cpu}); the primary score, everything mixed, means nothing. Why turns rather than a fork
 * each: on a small or shared host, the cost of the kernel's copies drifts by up to a factor of two
 * for tens of seconds at a time (seen on this project's 2-core VM at 100 KiB: raw Netty at 16 k or
 * 34 k round trips per second from one run to the next, with {@code _copy_from_iter} taking twice
 * the share of the profile). Forks run one after another land in different phases; servers taking
 * turns share them, so their ratios hold, across styles and across backends.
 *
 * <p>The short profile (these annotations) warms up for six seconds, every server in turn:
 * evloop's deeper call paths take longer to compile than Netty's bare echo, and a shorter warm-up
 * measured the JIT, not the server.
 */
@State(Scope.Thread)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EchoBenchmark {
    static final int CONNECTIONS = 50;
    static final int SLICE_MILLIS = 20;

    /** The backends to compare, comma-separated; empty for every backend that can run here. */
    @Param("")
    public String backends;

    @Param({"1024", "16384", "102400"})
    public int size;

    private final List<EchoLane> lanes = new ArrayList<>();
    private int turn;

    @Setup(Level.Trial)
    public void start() {
        try {
            for (String backend : backendNames()) {
                for (EchoServer.Style style : EchoServer.Style.values()) {
                    lanes.add(new EchoLane(backend, style, CONNECTIONS, size));
                }
            }
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
        EchoMeter.measure(lanes);
    }

    private List<String> backendNames() {
        if (!backends.isBlank()) {
            return List.of(backends.split(","));
        }
        return EventLoops.backends().stream().filter(BackendInfo::available).map(BackendInfo::name).toList();
    }

    @TearDown(Level.Trial)
    public void stop() {
        for (EchoLane lane : lanes) {
            lane.close();
        }
        lanes.clear();
    }

    /** One slice of load on the next server, in turn. */
    @Benchmark
    public void echo() {
        EchoLane lane = lanes.get(turn);
        turn = (turn + 1) % lanes.size();
        lane.drive(TimeUnit.MILLISECONDS.toNanos(SLICE_MILLIS));
    }
}
