package dev.evloop.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import org.HdrHistogram.Histogram;

/**
 * An open-loop load client for latency at a fixed offered load, on one thread and the JDK's
 * NIO: message (request) {@code k} is due at {@code start + k / rate}, whatever came back so far, on
 * connection {@code k mod connections}, pipelined behind any message that connection still waits
 * for. Each latency runs from the message's intended send time to the last byte of its response, so a
 * server (or a client) that falls behind is charged for every message it delays, not only for the
 * one it was slow on: the coordinated omission that a closed loop, which only sends once the last
 * echo is back, would hide. What is sent and how responses are checked is the {@link Exchange}'s:
 * an echo checked byte for byte, or an HTTP response checked by status and body.
 */
final class OpenLoopClient implements AutoCloseable {
    /** Below this wait the client polls without sleeping: {@link Selector#select(long)} counts in milliseconds. */
    private static final long SPIN_NANOS = 1_000_000;
    private static final int READ_CHUNK = 64 * 1024;

    private final Selector selector;
    private final Connection[] connections;
    private final Exchange exchange;
    private final ByteBuffer in;
    /** Where the offer under way records latencies; read by the selector's action, which is made once. */
    private Histogram recording;
    private final java.util.function.Consumer<SelectionKey> ready = this::ready;

    /**
     * Connects to an echo server.
     *
     * @param server          the echo server
     * @param connectionCount connections to open, 1 or more
     * @param messageSize     bytes per message, 1 or more
     * @throws UncheckedIOException if a connection cannot be made
     */
    OpenLoopClient(InetSocketAddress server, int connectionCount, int messageSize) {
        this(server, connectionCount, Exchange.echo(messageSize));
    }

    /**
     * Connects.
     *
     * @param server          the server
     * @param connectionCount connections to open, 1 or more
     * @param exchange        what each message is and how its response is read
     * @throws UncheckedIOException if a connection cannot be made
     */
    OpenLoopClient(InetSocketAddress server, int connectionCount, Exchange exchange) {
        this.exchange = exchange;
        in = ByteBuffer.allocateDirect(READ_CHUNK);
        connections = new Connection[connectionCount];
        try {
            selector = Selector.open();
            for (int i = 0; i < connectionCount; i++) {
                SocketChannel ch = SocketChannel.open(server);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.configureBlocking(false);
                connections[i] = new Connection(ch);
                connections[i].key = ch.register(selector, SelectionKey.OP_READ, connections[i]);
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Offers {@code rate} messages per second for {@code nanos}, then waits for every echo still
     * due, recording into {@code into} each message's latency in nanoseconds from its intended
     * send time. Nothing is allocated per message (no views, no iterators), so that the client's
     * own garbage collections do not land in a server's tail.
     *
     * @param rate  messages per second over all connections, above 0
     * @param nanos how long to offer them, above 0
     * @param into  where each latency is recorded
     * @return how many messages were sent (each one's echo is in {@code into})
     * @throws IllegalArgumentException if {@code rate} or {@code nanos} is not above 0
     * @throws IllegalStateException    if a response is wrong, or none came back for {@link EchoClient#STALL_SECONDS}
     *                                  while some were due
     * @throws UncheckedIOException     if a connection fails or the server closes one
     */
    long offer(double rate, long nanos, Histogram into) {
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("rate: " + rate + " is not a positive number of messages per second");
        }
        if (nanos <= 0) {
            throw new IllegalArgumentException("nanos: " + nanos + " is not above 0");
        }
        double interval = 1e9 / rate;
        long start = System.nanoTime();
        long end = start + nanos;
        long sent = 0;
        long due = start;
        long lastEcho = start;
        long received = into.getTotalCount();
        long expected = received;
        recording = into;
        try {
            while (true) {
                long now = System.nanoTime();
                while (due <= now && due < end) {
                    connections[(int) (sent % connections.length)].enqueue(due);
                    sent++;
                    expected++;
                    due = start + (long) (sent * interval);
                }
                if (into.getTotalCount() == expected && due >= end) {
                    return sent;
                }
                if (into.getTotalCount() != received || into.getTotalCount() == expected) { // progress, or nothing due
                    received = into.getTotalCount();
                    lastEcho = now;
                } else if (now - lastEcho > EchoClient.STALL_SECONDS * 1_000_000_000L) {
                    throw new IllegalStateException("no echo came back for " + EchoClient.STALL_SECONDS
                            + " s: the server is stuck");
                }
                long wait = (due < end ? due : now + 1_000_000_000L) - System.nanoTime();
                if (wait > SPIN_NANOS) {
                    selector.select(ready, wait / 1_000_000);
                } else {
                    selector.selectNow(ready);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            recording = null;
        }
    }

    private void ready(SelectionKey key) {
        Connection c = (Connection) key.attachment();
        try {
            if (key.isWritable()) {
                c.flush();
            }
            if (key.isReadable()) {
                c.receive(recording);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        LoadSockets.closeAll(selector, Arrays.stream(connections).map(c -> c == null ? null : c.channel));
    }

    private final class Connection {
        final SocketChannel channel;
        final ByteBuffer out = exchange.request();
        final Exchange.ResponseReader reader = exchange.reader();
        SelectionKey key;
        /** Intended send times of the messages whose echo is not back yet, oldest first: a ring. */
        long[] intended = new long[16];
        int head;
        int count;
        /** Whole messages not yet written, the one {@link #out} is part-way through included. */
        long unwritten;

        Connection(SocketChannel channel) {
            this.channel = channel;
            out.position(out.limit());
        }

        void enqueue(long intendedNanos) throws IOException {
            if (count == intended.length) {
                long[] bigger = new long[count * 2];
                for (int i = 0; i < count; i++) {
                    bigger[i] = intended[(head + i) % intended.length];
                }
                intended = bigger;
                head = 0;
            }
            intended[(head + count) % intended.length] = intendedNanos;
            count++;
            unwritten++;
            if (unwritten == 1) {
                out.clear();
                flush();
            }
        }

        /** Writes what the socket takes; waits for writability while any message is left. */
        void flush() throws IOException {
            while (unwritten > 0) {
                channel.write(out);
                if (out.hasRemaining()) {
                    key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    return;
                }
                unwritten--;
                if (unwritten > 0) {
                    out.clear();
                }
            }
            key.interestOps(SelectionKey.OP_READ);
        }

        void receive(Histogram into) throws IOException {
            in.clear();
            int n = channel.read(in);
            if (n < 0) {
                throw new IOException("the server closed a connection");
            }
            long now = System.nanoTime();
            in.flip();
            int done = reader.read(in);
            if (done > count || done == count && !reader.idle()) {
                throw new IllegalStateException("the server sent bytes no message asked for");
            }
            for (int i = 0; i < done; i++) {
                into.recordValue(Math.max(0, now - intended[head]));
                head = (head + 1) % intended.length;
                count--;
            }
        }
    }
}
