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
import java.util.Random;

/**
 * A lean closed-loop load client on one thread and the JDK's NIO, so that the server is what is
 * measured: each connection sends a message, waits for the whole echo, checks it byte for byte,
 * and sends again.
 */
final class EchoClient implements AutoCloseable {
    /** How long a server may leave every connection unanswered before the client gives up on it. */
    static final long STALL_SECONDS = 30;
    private final Selector selector;
    private final Connection[] connections;
    private final ByteBuffer message;
    private long completed;

    EchoClient(InetSocketAddress server, int connectionCount, int messageSize) {
        byte[] bytes = new byte[messageSize];
        new Random(messageSize).nextBytes(bytes);
        message = ByteBuffer.allocateDirect(messageSize).put(bytes).flip();
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
        final ByteBuffer out = message.duplicate();
        final ByteBuffer in = ByteBuffer.allocateDirect(message.capacity());
        SelectionKey key;

        Connection(SocketChannel channel) {
            this.channel = channel;
        }

        void send() throws IOException {
            out.clear();
            in.clear();
            flush();
        }

        void flush() throws IOException {
            channel.write(out);
            key.interestOps(out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        void receive() throws IOException {
            if (channel.read(in) < 0) {
                throw new IOException("the server closed a connection");
            }
            if (in.hasRemaining()) {
                return;
            }
            if (in.flip().mismatch(message) != -1) {
                throw new IllegalStateException("the echo differs from what was sent");
            }
            completed++;
            send();
        }
    }
}
