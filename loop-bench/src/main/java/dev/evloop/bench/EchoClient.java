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
import java.util.Iterator;

/**
 * A lean closed-loop load client on one thread and the JDK's NIO, so that the server is what is
 * measured: each connection sends a message, waits for the whole response, checks it (an echo
 * byte for byte, an HTTP response by status and body: the {@link Exchange}'s), and sends again.
 */
final class EchoClient implements AutoCloseable {
    /** How long a server may leave every connection unanswered before the client gives up on it. */
    static final long STALL_SECONDS = 30;
    private static final int READ_CHUNK = 64 * 1024;
    private final Selector selector;
    private final Connection[] connections;
    private final Exchange exchange;
    private final ByteBuffer in = ByteBuffer.allocateDirect(READ_CHUNK);
    private long completed;

    /** Connects to an echo server, {@code connectionCount} connections echoing {@code messageSize} bytes each. */
    EchoClient(InetSocketAddress server, int connectionCount, int messageSize) {
        this(server, connectionCount, Exchange.echo(messageSize));
    }

    /**
     * Connects, and sends each connection's first message.
     *
     * @throws UncheckedIOException if a connection cannot be made
     */
    EchoClient(InetSocketAddress server, int connectionCount, Exchange exchange) {
        this.exchange = exchange;
        connections = new Connection[connectionCount];
        try {
            selector = Selector.open();
            for (int i = 0; i < connectionCount; i++) {
                SocketChannel ch = SocketChannel.open(server);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.configureBlocking(false);
                connections[i] = new Connection(ch);
                connections[i].key = ch.register(selector, 0, connections[i]);
            }
            for (Connection c : connections) {
                c.send();
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs for about {@code nanos} (or longer, until one echo came back); returns how many echoes
     * came back whole and correct meanwhile.
     *
     * @throws IllegalStateException if no echo came back for {@link #STALL_SECONDS} past the time asked for
     */
    long roundTripsFor(long nanos) {
        long before = completed;
        long start = System.nanoTime();
        long elapsed;
        do {
            serve();
            elapsed = System.nanoTime() - start;
            if (completed == before && elapsed - nanos > STALL_SECONDS * 1_000_000_000L) {
                throw new IllegalStateException("no echo came back for " + STALL_SECONDS + " s: the server is stuck");
            }
        } while (completed == before || elapsed < nanos);
        return completed - before;
    }

    /** One select, woken at least every second, and whatever it found ready: sends continued, echoes read and checked. */
    private void serve() {
        try {
            selector.select(1000);
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                Connection c = (Connection) key.attachment();
                if (key.isWritable()) {
                    c.flush();
                }
                if (key.isReadable()) {
                    c.receive();
                }
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

        Connection(SocketChannel channel) {
            this.channel = channel;
        }

        void send() throws IOException {
            out.clear();
            flush();
        }

        void flush() throws IOException {
            channel.write(out);
            key.interestOps(out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        void receive() throws IOException {
            in.clear();
            if (channel.read(in) < 0) {
                throw new IOException("the server closed a connection");
            }
            int done = reader.read(in.flip());
            if (done > 1 || done == 1 && !reader.idle()) {
                throw new IllegalStateException("the server sent bytes no message asked for");
            }
            if (done == 1) {
                completed++;
                send();
            }
        }
    }
}
