package dev.evloop.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * One echo server (a backend and a style) under load in an {@link EchoBenchmark} fork: the server, its load client,
 * and what was measured while the client drove it, which {@link EchoMeter} reads at each
 * iteration's start and end. The benchmark thread writes the counters; the meter reads them from
 * JMH's thread between iterations, hence the volatiles.
 */
final class EchoLane implements AutoCloseable {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final String backend;
    private final EchoServer.Style style;
    private final EchoServer server;
    private final EchoClient client;
    private volatile long roundTrips;
    private volatile long busyNanos;
    /** The server thread's CPU time when it was closed; before that, read live. */
    private volatile long cpuAtClose = -1;

    EchoLane(String backend, EchoServer.Style style, int connections, int size) {
        this.backend = backend;
        this.style = style;
        this.server = new EchoServer(backend, style, "127.0.0.1", 0);
        EchoClient c;
        try {
            c = new EchoClient(server.address(), connections, size);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        this.client = c;
    }

    /** The lane's name in results: {@code <backend>.<style>}. */
    String label() {
        return backend + "." + style.label();
    }

    /** Drives this lane's server for about {@code nanos}, counting its round trips and the time. */
    void drive(long nanos) {
        long start = System.nanoTime();
        long done = client.roundTripsFor(nanos);
        long took = System.nanoTime() - start;
        roundTrips += done;
        busyNanos += took;
    }

    /** Round trips completed while driven, in all. */
    long roundTrips() {
        return roundTrips;
    }

    /** Time spent driving this lane, in all. */
    long busyNanos() {
        return busyNanos;
    }

    /** CPU time (user and system) of the server's thread so far, also once it is closed. */
    long serverCpuNanos() {
        long atClose = cpuAtClose;
        return atClose >= 0 ? atClose : liveCpuNanos();
    }

    private long liveCpuNanos() {
        return Math.max(0, THREADS.getThreadCpuTime(server.thread().threadId()));
    }

    @Override
    public void close() {
        // JMH tears the trial down before the last iteration's profilers read it: keep the figure.
        cpuAtClose = liveCpuNanos();
        client.close();
        server.close();
    }
}
