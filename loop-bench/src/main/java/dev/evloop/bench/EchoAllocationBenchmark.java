package dev.evloop.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * Bytes allocated per echo round trip in steady state, by an {@link EchoServer} of each style
 * (evloop protocol, buffered protocol, streams; raw Netty as the baseline) on each backend. Run it
 * with JMH's {@code gc} profiler and read {@code gc.alloc.rate.norm}: bytes per round trip.
 *
 * <pre>
 * java $FLAGS -cp ... org.openjdk.jmh.Main EchoAllocationBenchmark -prof gc
 * </pre>
 *
 * <p>Why the {@code gc} profiler over the loop thread's {@code ThreadMXBean} allocated bytes:
 * streams run their handler in tasks, virtual threads whose allocations a per-thread counter of
 * the loop's platform thread does not reliably include, and Netty may allocate on threads of its
 * own; the profiler counts every thread of the JVM, so nothing the server does escapes it. What
 * it also counts is the client, so the client is made to allocate nothing: one blocking JDK
 * {@link SocketChannel} on the benchmark's thread, writing and reading one direct buffer that is
 * allocated once. Raw Netty's figure shows how well that holds: its server allocates nothing per
 * round trip either (pooled buffers, recycled objects), so what it reports is the floor of the
 * harness, and every other figure reads as that floor plus what the server allocates. Counting
 * allocation is not moved by the host's load, unlike time: the scores (round trips per second)
 * are reported but not to be compared here.
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
        "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EchoAllocationBenchmark {

    @Param({"selector", "epoll", "io_uring"})
    public String backend;

    @Param({"protocol", "buffered", "streams", "netty"})
    public String style;

    /** Bytes per message. */
    @Param({"1024", "16384"})
    public int size;

    private EchoServer server;
    private SocketChannel client;
    private ByteBuffer message;

    @Setup(Level.Trial)
    public void open() throws IOException {
        server = new EchoServer(backend, EchoServer.Style.of(style), "127.0.0.1", 0);
        client = SocketChannel.open(server.address());
        client.setOption(StandardSocketOptions.TCP_NODELAY, true);
        message = ByteBuffer.allocateDirect(size);
        byte[] bytes = new byte[size];
        ThreadLocalRandom.current().nextBytes(bytes);
        message.put(bytes).flip();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        client.close();
        server.close();
    }

    /** One round trip: the message out, then all of it back. */
    @Benchmark
    public int roundTrip() {
        try {
            message.clear();
            while (message.hasRemaining()) {
                client.write(message);
            }
            message.clear();
            while (message.hasRemaining()) {
                if (client.read(message) < 0) {
                    throw new IOException("the server closed the connection");
                }
            }
            return message.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
