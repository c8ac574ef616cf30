package dev.evloop.bench;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.LoopFuture;
import dev.evloop.TaskMode;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Task switches: a {@code yieldNow} round trip (the task hands the thread back to its loop and
 * is resumed in the next iteration) and awaiting a future that a callback completes, in both task
 * modes. Scores are switches per second. Fast mode needs the JVM flag
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED}; the benchmark fails rather than measure
 * the other mode under the wrong name.
 */
@State(Scope.Thread)
@Warmup(iterations = 1, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TaskBenchmark {
    static final int N = 1000;

    @Param({"selector", "epoll", "io_uring", "kqueue"})
    public String backend;

    @Param({"fast", "fallback"})
    public String mode;

    private EventLoop loop;
    private Callable<Integer> yields;
    private Callable<Integer> awaits;
    private Callable<Integer> spawns;

    @Setup(Level.Trial)
    public void open() {
        String before = System.getProperty("loop.tasks");
        System.setProperty("loop.tasks", mode);
        try {
            loop = EventLoops.newEventLoop(backend);
        } finally {
            if (before == null) {
                System.clearProperty("loop.tasks");
            } else {
                System.setProperty("loop.tasks", before);
            }
        }
        Observed.maybe(loop);
        TaskMode got = loop.metrics().taskMode();
        if (!got.name().equalsIgnoreCase(mode)) {
            loop.close();
            throw new IllegalStateException("asked for " + mode + " tasks, the JVM's flags give " + got);
        }
        yields = () -> {
            for (int i = 0; i < N; i++) {
                Async.yieldNow();
            }
            return N;
        };
        spawns = () -> {
            int sum = 0;
            for (int i = 0; i < N; i++) {
                int value = i;
                sum += loop.createTask(() -> value).await();
            }
            return sum;
        };
        awaits = () -> {
            int sum = 0;
            for (int i = 0; i < N; i++) {
                LoopFuture<Integer> f = loop.createFuture();
                int value = i;
                loop.callSoon(() -> f.setResult(value));
                sum += f.await();
            }
            return sum;
        };
    }

    @TearDown(Level.Trial)
    public void close() {
        loop.close();
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int yieldRoundTrip() {
        return loop.runUntilComplete(yields);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int awaitFutureCompletedByCallback() {
        return loop.runUntilComplete(awaits);
    }

    /** A task created, run to its end and awaited: what a task's birth and death cost. */
    @Benchmark
    @OperationsPerInvocation(N)
    public int createTaskAndAwait() {
        return loop.runUntilComplete(spawns);
    }
}
