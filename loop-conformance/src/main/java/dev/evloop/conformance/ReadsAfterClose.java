package dev.evloop.conformance;

import dev.evloop.EventLoop;
import dev.evloop.LoopFuture;
import dev.evloop.net.BaseProtocol;
import dev.evloop.net.BufferedProtocol;
import dev.evloop.net.Protocol;
import dev.evloop.net.Server;
import dev.evloop.net.Transport;
import dev.evloop.streams.StreamProtocol;
import dev.evloop.streams.StreamReader;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * asyncio's promise for a stream transport its user closes: from {@code close()} (or
 * {@code abort()}) on, its protocol hears no more data and no EOF, only {@code connectionLost},
 * once, after the unsent data has left. asyncio's socket transport removes its reader in
 * {@code close()}; its SSL transport's {@code close()} promises that "no more data will be
 * received" (though it calls {@code eof_received} once the TLS shutdown is over, which evloop does
 * not: its TLS transport keeps the plain one's promise). One specification, run by {@link TcpTest},
 * {@link UnixSocketTest} and {@link TlsTest} over their own kind of connection ({@link Serve} and
 * {@link Connect}), and by {@link StreamsTest} for a {@link StreamReader} over TCP.
 *
 * <p>Our side is the client. It writes more than the sockets between the two ends hold and closes
 * while its peer, the accepted end, does not read, so that its close waits for the peer: what the
 * peer sends meanwhile reaches a transport that is closing but still open. Then the peer reads, our
 * close completes, the peer is aborted and lost in turn, and only then do the tests look at what
 * our protocol heard: no test waits for something not to happen.
 */
final class ReadsAfterClose {
    /** Several times what the sockets of both ends take in from a writer whose peer does not read. */
    private static final int UNSENT = 16 << 20;
    /** What the peer sends to our closing side. */
    private static final byte[] LATE = "sent after the close".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Starts a server of the link's kind. */
    interface Serve {
        Server serve(Supplier<? extends BaseProtocol> factory);
    }

    /** Connects to a server of the link's kind, returning the client's transport once connectionMade has run. */
    interface Connect {
        Transport connect(Server server, Supplier<? extends BaseProtocol> factory);
    }

    private final EventLoop loop;
    private final Serve serve;
    private final Connect connect;

    ReadsAfterClose(EventLoop loop, Serve serve, Connect connect) {
        this.loop = loop;
        this.serve = serve;
        this.connect = connect;
    }

    /** The accepted end: reads nothing until {@link #read()}, so what our side writes stays unsent. */
    static final class Peer implements Protocol {
        final LoopFuture<Transport> made;
        final LoopFuture<Throwable> lost;

        Peer(EventLoop loop) {
            made = loop.createFuture();
            lost = loop.createFuture();
        }

        @Override
        public void connectionMade(Transport t) {
            t.pauseReading();
            made.setResult(t);
        }

        @Override
        public void connectionLost(Throwable cause) {
            lost.setResult(cause);
        }

        /** Starts reading, so that our side's unsent data leaves and its close completes. */
        void read() {
            made.result().resumeReading();
        }

        /**
         * Ends the peer's side: a half-close where the transport can; over TLS, which cannot, the
         * close_notify and then the end of the TCP stream, which is what a TLS peer's close looks
         * like from our side. Not the peer's full close: with our unsent data still unread in its
         * socket, that close would reset the connection, and a reset may end our side before it
         * reads the close_notify.
         */
        void end() {
            Transport t = made.result();
            if (t.canWriteEof()) {
                t.writeEof();
                return;
            }
            t.channel().pipeline().get(SslHandler.class).closeOutbound()
                    .addListener(f -> ((DuplexChannel) t.channel()).shutdownOutput());
        }
    }

    /** Our side: records what it hears once {@link #closed} is set. */
    static final class Heard implements Protocol {
        final List<String> afterClose = new ArrayList<>();
        final LoopFuture<Throwable> lost;
        boolean closed;

        Heard(EventLoop loop) {
            lost = loop.createFuture();
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            if (closed) {
                afterClose.add("data");
            }
            data.position(data.limit());
        }

        @Override
        public boolean eofReceived() {
            if (closed) {
                afterClose.add("eof");
            }
            return false;
        }

        @Override
        public void connectionLost(Throwable cause) {
            afterClose.add("lost");
            if (!lost.isDone()) {
                lost.setResult(cause);
            }
        }
    }

    /** Connects {@code ours} to a paused peer, writes what the peer will not take, and closes. */
    private void closeWithDataUnsent(Peer peer, BaseProtocol ours, Consumer<Transport> close) {
        Server server = serve.serve(() -> peer);
        Transport transport = connect.connect(server, () -> ours);
        loop.runUntilComplete(peer.made);
        transport.write(new byte[UNSENT]);
        close.accept(transport);
        assertTrue(transport.isClosing());
        server.close(); // its one connection lives on
    }

    /** Closes our side, from which on it records what it hears. */
    private static Consumer<Transport> closing(Heard ours) {
        return t -> {
            ours.closed = true;
            t.close();
        };
    }

    /**
     * Lets the peer read, so that our close completes, then ends the peer too and waits for its
     * loss: the loop runs on past our loss, so a callback coming after it would show.
     */
    private void finish(Peer peer, LoopFuture<?> ourLoss) {
        peer.read();
        loop.runUntilComplete(ourLoss);
        peer.made.result().abort();
        loop.runUntilComplete(peer.lost);
    }

    /** Data the peer sends while our close waits for its unsent data is not delivered. */
    void noDataReachesAClosingTransport() {
        Peer peer = new Peer(loop);
        Heard ours = new Heard(loop);
        closeWithDataUnsent(peer, ours, closing(ours));
        peer.made.result().write(LATE);
        finish(peer, ours.lost);
        assertEquals(List.of("lost"), ours.afterClose, "what the protocol heard after close()");
    }

    /** The peer's end of stream while our close waits for its unsent data is not delivered. */
    void noEofReachesAClosingTransport() {
        Peer peer = new Peer(loop);
        Heard ours = new Heard(loop);
        closeWithDataUnsent(peer, ours, closing(ours));
        peer.made.result().write(LATE);
        peer.end();
        finish(peer, ours.lost);
        assertEquals(List.of("lost"), ours.afterClose, "what the protocol heard after close()");
    }

    /**
     * Our side: a buffered protocol with a small buffer that closes or aborts in its first
     * bufferUpdated, and notes each kind of call it gets after that, once, in the order first seen.
     */
    static final class ClosesInFirstUpdate implements BufferedProtocol {
        private final ByteBuffer buffer = ByteBuffer.allocate(16);
        private final boolean abort;
        final Set<String> afterClose = new LinkedHashSet<>();
        final LoopFuture<Throwable> lost;
        int lostCalls;
        private Transport transport;
        private boolean closed;

        ClosesInFirstUpdate(EventLoop loop, boolean abort) {
            this.abort = abort;
            lost = loop.createFuture();
        }

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public ByteBuffer getBuffer(int sizeHint) {
            heard("getBuffer");
            return buffer.clear();
        }

        @Override
        public void bufferUpdated(int bytes) {
            heard("bufferUpdated");
            if (!closed) {
                closed = true;
                if (abort) {
                    transport.abort();
                } else {
                    transport.close();
                }
            }
        }

        @Override
        public boolean eofReceived() {
            heard("eof");
            return false;
        }

        @Override
        public void connectionLost(Throwable cause) {
            heard("lost");
            lostCalls++;
            if (!lost.isDone()) {
                lost.setResult(cause);
            }
        }

        private void heard(String call) {
            if (closed) {
                afterClose.add(call);
            }
        }
    }

    /**
     * A buffered protocol that closes (or aborts) its transport in {@code bufferUpdated} hears no
     * more of the bytes already read, which asyncio would have read into its buffer with the next
     * {@code recv_into}, after the close.
     */
    void aBufferedProtocolThatClosesInBufferUpdatedHearsNoMoreOfTheRead(boolean abort) {
        Peer peer = new Peer(loop);
        ClosesInFirstUpdate ours = new ClosesInFirstUpdate(loop, abort);
        Server server = serve.serve(() -> peer);
        connect.connect(server, () -> ours);
        Transport sender = loop.runUntilComplete(peer.made);
        sender.write(new byte[64 * 1024]);
        loop.runUntilComplete(ours.lost);
        sender.abort(); // the loop runs on past our loss, so a callback coming after it would show
        loop.runUntilComplete(peer.lost);
        server.close();
        assertEquals(Set.of("lost"), ours.afterClose, "what the protocol heard after " + (abort ? "abort()" : "close()"));
        assertEquals(1, ours.lostCalls);
    }

    /**
     * A {@link StreamReader} whose writer closed is fed nothing more: reading it gives what came
     * before the close (nothing, here) and then its end, as asyncio's reader, whose transport
     * stopped reading at the close.
     */
    void aStreamReaderIsNotFedOnceItsWriterCloses() {
        Peer peer = new Peer(loop);
        StreamProtocol ours = new StreamProtocol(loop, StreamReader.DEFAULT_LIMIT);
        closeWithDataUnsent(peer, ours, t -> ours.writer().close());
        peer.made.result().write(LATE);
        peer.end();
        peer.read();
        byte[] rest = loop.runUntilComplete(() -> {
            ours.writer().waitClosed();
            return ours.reader().read();
        });
        peer.made.result().abort();
        loop.runUntilComplete(peer.lost);
        assertArrayEquals(new byte[0], rest, "what the reader was fed after its writer closed");
        assertTrue(ours.reader().atEof());
    }
}
