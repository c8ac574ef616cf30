package dev.evloop.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler that turns each {@link EchoLane} of an {@link EchoBenchmark} fork into results of
 * its own, per iteration: {@code echo.<backend>.<style>}, round trips per second while that lane
 * was driven, and {@code echo.<backend>.<style>.cpu}, the microseconds of CPU (user and system)
 * the server's thread spent per round trip.
 */
public final class EchoMeter implements InternalProfiler {
    /** The prefix of every result this meter adds. */
    static final String PREFIX = "echo.";
    /** The suffix of the CPU results. */
    static final String CPU = ".cpu";

    /** The lanes of the running trial; still read after its teardown, for its last iteration. */
    private static volatile List<EchoLane> lanes = List.of();

    private final List<long[]> start = new ArrayList<>();

    /** JMH makes it by reflection. */
    public EchoMeter() {
    }

    /** Measures these lanes from the next iteration on, instead of any before. */
    static void measure(List<EchoLane> trialLanes) {
        lanes = List.copyOf(trialLanes);
    }

    @Override
    public String getDescription() {
        return "round trips per second and server CPU per round trip of each echo server";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        start.clear();
        for (EchoLane lane : lanes) {
            start.add(new long[] {lane.roundTrips(), lane.busyNanos(), lane.serverCpuNanos()});
        }
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                       IterationResult result) {
        List<Result> results = new ArrayList<>();
        List<EchoLane> measured = lanes;
        for (int i = 0; i < measured.size() && i < start.size(); i++) {
            EchoLane lane = measured.get(i);
            long trips = lane.roundTrips() - start.get(i)[0];
            long nanos = lane.busyNanos() - start.get(i)[1];
            long cpu = lane.serverCpuNanos() - start.get(i)[2];
            if (trips <= 0 || nanos <= 0) {
                continue;
            }
            String name = PREFIX + lane.label();
            results.add(new ScalarResult(name, trips * 1e9 / nanos, "ops/s", AggregationPolicy.AVG));
            results.add(new ScalarResult(name + CPU, cpu / 1e3 / trips, "us/op", AggregationPolicy.AVG));
        }
        return results;
    }
}
