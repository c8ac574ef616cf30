package dev.evloop.bench;

import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.net.Protocol;
import dev.evloop.net.SocketOptions;
import io.netty.channel.ManualIoEventLoop;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.Semaphore;
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
 * The scheduler: callbacks, timers and cross-thread submissions on an evloop loop, each next to
 * raw Netty doing the same on a bare {@link ManualIoEventLoop} of the same backend and, for
 * {@code callSoon}, a bare {@link ArrayDeque} as the floor. Scores are operations (callbacks run)
 * per second.
 *
 * <p>Two shapes of {@code callSoon}: a <em>chain</em>, where each callback schedules the next (in
 * evloop each step is one loop iteration, as asyncio's rules require, which polls I/O unless the
 * loop defers its poll while busy; Netty runs the whole chain in one pass of its task queue), and a
 * <em>burst</em>, where all callbacks are scheduled first and then run in one iteration. And what
 * a run itself costs, start to stop, on a loop without I/O and on one with it.
 */
@State(Scope.Thread)
@Warmup(iterations = 1, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SchedulerBenchmark {
    static final int N = 1000;

    @Param({"selector", "epoll", "io_uring", "kqueue"})
    public String backend;

    private EventLoop loop;
    private ManualIoEventLoop netty;
    private final ArrayDeque<Runnable> deque = new ArrayDeque<>();
    private int remaining;
    private Producer producer;

    private final Runnable loopChainStep = this::loopChainStep;
    private final Runnable nettyChainStep = this::nettyChainStep;
    private final Runnable dequeChainStep = this::dequeChainStep;
    private final Runnable countDown = () -> remaining--;
    private final Runnable countDownAndStop = this::countDownAndStop;
    private final Runnable stopLoop = () -> loop.stop();
    private final Runnable nothing = () -> { };

    @Setup(Level.Trial)
    public void open() {
        loop = EventLoops.newEventLoop(backend);
        Observed.maybe(loop);
        netty = RawNetty.manualLoop(backend);
        producer = new Producer();
    }

    @TearDown(Level.Trial)
    public void close() throws InterruptedException {
        producer.stop();
        loop.close();
        RawNetty.close(netty);
    }

    // ---- callSoon chain ---------------------------------------------------------------------

    private void loopChainStep() {
        if (--remaining > 0) {
            loop.callSoon(loopChainStep);
        } else {
            loop.stop();
        }
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int callSoonChain() {
        remaining = N;
        loop.callSoon(loopChainStep);
        loop.runForever();
        return remaining;
    }

    private void nettyChainStep() {
        if (--remaining > 0) {
            netty.execute(nettyChainStep);
        }
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int nettyExecuteChain() {
        remaining = N;
        netty.execute(nettyChainStep);
        while (remaining > 0) {
            netty.runNow();
        }
        return remaining;
    }

    private void dequeChainStep() {
        if (--remaining > 0) {
            deque.add(dequeChainStep);
        }
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int dequeChain() {
        remaining = N;
        deque.add(dequeChainStep);
        Runnable r;
        while ((r = deque.poll()) != null) {
            r.run();
        }
        return remaining;
    }

    // ---- callSoon burst ---------------------------------------------------------------------

    @Benchmark
    @OperationsPerInvocation(N)
    public int callSoonBurst() {
        remaining = N;
        for (int i = 0; i < N; i++) {
            loop.callSoon(countDown);
        }
        loop.runOnce(false);
        return remaining;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int nettyExecuteBurst() {
        remaining = N;
        for (int i = 0; i < N; i++) {
            netty.execute(countDown);
        }
        netty.runNow();
        return remaining;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int dequeBurst() {
        remaining = N;
        for (int i = 0; i < N; i++) {
            deque.add(countDown);
        }
        Runnable r;
        while ((r = deque.poll()) != null) {
            r.run();
        }
        return remaining;
    }

    // ---- timers -----------------------------------------------------------------------------

    private void countDownAndStop() {
        if (--remaining == 0) {
            loop.stop();
        }
    }

    /** N timers over 16 distinct deadlines a nanosecond apart: heap order matters, no one waits. */
    @Benchmark
    @OperationsPerInvocation(N)
    public int timers() {
        remaining = N;
        for (int i = 0; i < N; i++) {
            loop.callLater(Duration.ofNanos(i & 15), countDownAndStop);
        }
        loop.runForever();
        return remaining;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int nettySchedule() {
        remaining = N;
        for (int i = 0; i < N; i++) {
            netty.schedule(countDown, i & 15, TimeUnit.NANOSECONDS);
        }
        while (remaining > 0) {
            netty.runNow();
        }
        return remaining;
    }

    // ---- from another thread ----------------------------------------------------------------

    @Benchmark
    @OperationsPerInvocation(N)
    public int callSoonThreadsafe() {
        remaining = N;
        producer.submit(() -> {
            for (int i = 0; i < N; i++) {
                loop.callSoonThreadsafe(countDownAndStop);
            }
        });
        loop.runForever();
        return remaining;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int nettyExecuteFromAnotherThread() {
        remaining = N;
        producer.submit(() -> {
            for (int i = 0; i < N; i++) {
                netty.execute(countDown);
            }
        });
        while (remaining > 0) {
            netty.run(0);
        }
        return remaining;
    }

    // ---- a run's own cost ----------------------------------------------------------------------

    /**
     * One {@code runForever} that its first callback stops: what a run's start and end cost a loop
     * with only callbacks, which pays that once per {@code runUntilComplete}. Netty's nearest is
     * {@link #nettyRunNow}, one pass of its loop with one task.
     */
    @Benchmark
    public void runThatStops() {
        loop.callSoon(stopLoop);
        loop.runForever();
    }

    /** {@link #runThatStops} on a loop that does I/O, whose runs use Netty's per-thread pools. */
    @Benchmark
    public void runThatStopsWithIo(LoopWithIo withIo) {
        withIo.loop.callSoon(withIo.stop);
        withIo.loop.runForever();
    }

    @Benchmark
    public void nettyRunNow() {
        netty.execute(nothing);
        netty.runNow();
    }

    /** A loop of the benchmark's backend with a server listening on loopback: a loop that does I/O. */
    @State(Scope.Thread)
    public static class LoopWithIo {
        @Param({"selector", "epoll", "io_uring", "kqueue"})
        public String backend;

        EventLoop loop;
        Runnable stop;

        @Setup(Level.Trial)
        public void open() {
            loop = EventLoops.newEventLoop(backend);
            Observed.maybe(loop);
            loop.runUntilComplete(loop.createServer(() -> new Protocol() { }, "127.0.0.1", 0, SocketOptions.defaults()));
            stop = loop::stop;
        }

        @TearDown(Level.Trial)
        public void close() {
            loop.close();
        }
    }

    /** One platform thread that runs a job whenever the benchmark hands it one. */
    private static final class Producer {
        private final Semaphore ready = new Semaphore(0);
        private final Thread thread;
        private volatile Runnable job;
        private volatile boolean stopping;

        Producer() {
            thread = Thread.ofPlatform().daemon(true).name("bench-producer").start(this::serve);
        }

        void submit(Runnable work) {
            job = work;
            ready.release();
        }

        private void serve() {
            while (true) {
                ready.acquireUninterruptibly();
                if (stopping) {
                    return;
                }
                job.run();
            }
        }

        void stop() throws InterruptedException {
            stopping = true;
            ready.release();
            thread.join();
        }
    }
}
