package dev.evloop.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Echo round trips per second, uvloop's benchmark: 50 connections in a closed loop against an
 * echo server in each style ({@code netty} is raw Netty with its defaults on the same backend, the
 * baseline), at 1 KiB, 16 KiB and 100 KiB messages. The server runs on its own thread; the load
 * client ({@link EchoClient}) is one thread of plain NIO on the benchmark's thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EchoBenchmark {
    static final int CONNECTIONS = 50;
    static final int ROUND_TRIPS = 500;

    @Param({"selector", "epoll", "io_uring", "kqueue"})
    public String backend;

    @Param({"protocol", "buffered", "streams", "netty"})
    public String style;

    @Param({"1024", "16384", "102400"})
    public int size;

    private EchoServer server;
    private EchoClient client;

    @Setup(Level.Trial)
    public void start() {
        server = new EchoServer(backend, EchoServer.Style.of(style), "127.0.0.1", 0);
        client = new EchoClient(server.address(), CONNECTIONS, size);
    }

    @TearDown(Level.Trial)
    public void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void echo() {
        client.roundTrips(ROUND_TRIPS);
    }
}
