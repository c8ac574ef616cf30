package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.LoopGroup;
import dev.evloop.net.BaseProtocol;
import dev.evloop.net.BufferedProtocol;
import dev.evloop.net.Connection;
import dev.evloop.net.Protocol;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.net.Tls;
import dev.evloop.net.Transport;
import dev.evloop.streams.StreamReader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.handler.ssl.SslContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * asyncio's {@code pause_reading()} promise on every transport that can pause: once it returns,
 * the protocol hears nothing (no data, no EOF, no loss) until {@code resume_reading()}; what
 * arrived meanwhile comes then, in order, data before EOF before the loss, each exactly once.
 * The paused side is always the accepted connection; its peer is a client on the test's loop.
 */
class PauseReadingTest extends BackendTest {
    private static final SslContext SERVER = context(true);
    private static final SslContext CLIENT = context(false);
    /** How long a test lets the peer's bytes, EOF or reset reach a paused transport. */
    private static final double SETTLE_SECONDS = 0.2;
    /**
     * A transport hands over at most one receive buffer a read (Networking's ceiling); over TLS,
     * what one socket read decrypts to, which is no more.
     */
    private static final int ONE_READ = 256 * 1024;

    /** The kinds of connection whose reading can pause. */
    enum Link {
        TCP, TLS, UNIX, START_TLS, LOOP_GROUP
    }

    @TempDir
    Path dir;
    private LoopGroup group;

    @AfterEach
    void closeGroup() {
        if (group != null) {
            group.close();
        }
    }

    private static SslContext context(boolean server) {
        try {
            return server
                    ? Tls.serverContext(TestCertificates.LOCALHOST.certificate(), TestCertificates.LOCALHOST.privateKey())
                    : Tls.clientContext(TestCertificates.LOCALHOST.certificate());
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** When a {@link Receiver} pauses itself. */
    enum PauseAt {
        CONNECTION_MADE, FIRST_DATA, EVERY_DATA
    }

    /**
     * The paused side: records each callback and whether it came while paused. Thread-safe, as on a
     * loop group it lives on another thread than the test.
     */
    static final class Receiver implements Protocol {
        private final PauseAt pauseAt;
        private final boolean upgrade;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        /** The callbacks in order, runs of dataReceived as one "data". */
        private final List<String> events = new ArrayList<>();
        private volatile EventLoop home;
        private volatile Transport transport;
        private boolean paused;
        private int dataCalls;
        private int whilePaused;
        private int lostCalls;
        private Throwable lostCause;

        Receiver(PauseAt pauseAt, boolean upgrade) {
            this.pauseAt = pauseAt;
            this.upgrade = upgrade;
        }

        @Override
        public synchronized void connectionMade(Transport t) {
            home = EventLoops.getRunningLoop();
            transport = t;
            if (pauseAt == PauseAt.CONNECTION_MADE) {
                pause();
            }
            if (upgrade) {
                home.startTls(t, SERVER); // a paused transport still completes its handshake
            }
        }

        @Override
        public synchronized void dataReceived(ByteBuffer data) {
            note("data");
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            bytes.write(chunk, 0, chunk.length);
            dataCalls++;
            if (pauseAt == PauseAt.FIRST_DATA && dataCalls == 1) {
                pause();
            } else if (pauseAt == PauseAt.EVERY_DATA) {
                pause();
                if (dataCalls % 2 == 0) {
                    resume(); // resuming inside a callback, which may be one of a held item
                } else {
                    home.callSoon(this::resumeHere);
                }
            }
        }

        @Override
        public synchronized boolean eofReceived() {
            note("eof");
            return false;
        }

        @Override
        public synchronized void connectionLost(Throwable cause) {
            note("lost");
            lostCalls++;
            lostCause = cause;
        }

        private void note(String event) {
            if (paused) {
                whilePaused++;
            }
            if (!event.equals("data") || events.isEmpty() || !events.get(events.size() - 1).equals("data")) {
                events.add(event);
            }
        }

        private void pause() {
            paused = true;
            transport.pauseReading();
        }

        private void resume() {
            paused = false;
            transport.resumeReading();
        }

        private synchronized void resumeHere() {
            resume();
        }

        /** Resumes reading on the receiver's own loop. */
        void resumeFromTest() {
            home.callSoonThreadsafe(this::resumeHere);
        }

        /** Closes the transport on the receiver's own loop. */
        void closeFromTest() {
            home.callSoonThreadsafe(() -> transport.close());
        }

        synchronized boolean made() {
            return transport != null;
        }

        synchronized int size() {
            return bytes.size();
        }

        synchronized byte[] bytes() {
            return bytes.toByteArray();
        }

        synchronized List<String> events() {
            return List.copyOf(events);
        }

        synchronized int dataCalls() {
            return dataCalls;
        }

        synchronized int whilePaused() {
            return whilePaused;
        }

        synchronized int lostCalls() {
            return lostCalls;
        }

        /** What the receiver heard, for an assertion's message. */
        synchronized String heard() {
            return events + " with " + bytes.size() + " bytes in " + dataCalls + " reads, lost: " + lostCause;
        }
    }

    /** The client end: writes what the test says. */
    static final class Sender implements Protocol {
        Transport transport;

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
        }
    }

    /** {@code n} bytes counting modulo 251, so a lost, repeated or reordered byte shows. */
    private static byte[] counting(int n) {
        byte[] data = new byte[n];
        for (int i = 0; i < n; i++) {
            data[i] = (byte) (i % 251);
        }
        return data;
    }

    private static void assertCounting(byte[] got) {
        for (int i = 0; i < got.length; i++) {
            if (got[i] != (byte) (i % 251)) {
                fail("byte " + i + " of " + got.length + " is out of order");
            }
        }
    }

    private Server serve(Link link, Supplier<? extends BaseProtocol> factory) {
        return switch (link) {
            case TCP, START_TLS -> loop.runUntilComplete(loop.createServer(factory, "127.0.0.1", 0, SocketOptions.defaults()));
            case TLS -> loop.runUntilComplete(loop.createServer(factory, "127.0.0.1", 0, SocketOptions.defaults().ssl(SERVER)));
            case UNIX -> loop.runUntilComplete(loop.createUnixServer(factory, dir.resolve("s.sock"), SocketOptions.defaults()));
            case LOOP_GROUP -> {
                group = new LoopGroup(1);
                yield within(group.createServer(factory, "127.0.0.1", 0, SocketOptions.defaults()));
            }
        };
    }

    private Transport connect(Link link, Server server) {
        Connection<Sender> c = switch (link) {
            case TCP, START_TLS, LOOP_GROUP -> loop.runUntilComplete(
                    loop.createConnection(Sender::new, "127.0.0.1", port(server), SocketOptions.defaults()));
            case TLS -> loop.runUntilComplete(loop.createConnection(Sender::new, "localhost", port(server),
                    SocketOptions.defaults().ssl(CLIENT)));
            case UNIX -> loop.runUntilComplete(
                    loop.createUnixConnection(Sender::new, dir.resolve("s.sock"), SocketOptions.defaults()));
        };
        Transport transport = link == Link.START_TLS
                ? loop.runUntilComplete(loop.startTls(c.transport(), CLIENT, "localhost", Duration.ofSeconds(10)))
                : c.transport();
        if (link == Link.TLS || link == Link.START_TLS) {
            // The server's post-handshake messages (TLS 1.3 session tickets) reach the client
            // first: arriving after the client has closed, they would make its kernel reset the
            // connection and drop what it had not sent yet.
            settle();
        }
        return transport;
    }

    private static int port(Server server) {
        return ((InetSocketAddress) server.addresses().get(0)).getPort();
    }

    private static <T> T within(CompletableFuture<T> future) {
        try {
            return future.get(GUARD.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("the group did not deliver: " + e, e);
        }
    }

    /** Lets the peer's writes, EOF or close reach the receiver: the test's loop runs meanwhile. */
    private void settle() {
        loop.runUntilComplete(() -> {
            Async.sleep(SETTLE_SECONDS);
            return null;
        });
    }

    /** The peer's end: a half-close where the transport can, else a close. */
    private static void endFrom(Transport client) {
        if (client.canWriteEof()) {
            client.writeEof();
        } else {
            client.close();
        }
    }

    /** The server's single receiver, once it is connected. */
    private Receiver receiverOf(List<Receiver> made) {
        awaitThat("the connection is made", () -> made.size() == 1 && made.get(0).made());
        return made.get(0);
    }

    private static Supplier<Receiver> receivers(List<Receiver> made, PauseAt pauseAt, Link link) {
        return () -> {
            Receiver r = new Receiver(pauseAt, link == Link.START_TLS);
            made.add(r);
            return r;
        };
    }

    @ParameterizedTest
    @EnumSource(Link.class)
    void aProtocolThatPausesInItsFirstDataReceivedHearsNothingMoreUntilItResumes(Link link) {
        List<Receiver> made = new java.util.concurrent.CopyOnWriteArrayList<>();
        Server server = serve(link, receivers(made, PauseAt.FIRST_DATA, link));
        Transport client = connect(link, server);
        int total = 1 << 20;
        client.write(counting(total));
        Receiver receiver = receiverOf(made);
        awaitThat("the first data", () -> receiver.dataCalls() > 0);
        settle();
        assertEquals(1, receiver.dataCalls(), "dataReceived after pauseReading() returned");
        receiver.resumeFromTest();
        awaitThat("all the data after resuming", () -> receiver.size() >= total);
        assertEquals(total, receiver.size(), receiver::heard);
        assertCounting(receiver.bytes());
        assertEquals(0, receiver.whilePaused());
        client.close();
        server.close();
    }

    /** A buffered protocol with a small buffer, so that one read fills it many times; pauses in its first bufferUpdated. */
    static final class BufferedReceiver implements BufferedProtocol {
        private final ByteBuffer buffer = ByteBuffer.allocate(4096);
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final boolean upgrade;
        private volatile EventLoop home;
        private volatile Transport transport;
        private boolean paused;
        private int updates;
        private int whilePaused;

        BufferedReceiver(boolean upgrade) {
            this.upgrade = upgrade;
        }

        @Override
        public synchronized void connectionMade(Transport t) {
            home = EventLoops.getRunningLoop();
            transport = t;
            if (upgrade) {
                home.startTls(t, SERVER);
            }
        }

        @Override
        public synchronized ByteBuffer getBuffer(int sizeHint) {
            if (paused) {
                whilePaused++;
            }
            return buffer.clear();
        }

        @Override
        public synchronized void bufferUpdated(int n) {
            if (paused) {
                whilePaused++;
            }
            bytes.write(buffer.array(), 0, n);
            if (++updates == 1) {
                paused = true;
                transport.pauseReading();
            }
        }

        private synchronized void resume() {
            paused = false;
            transport.resumeReading();
        }

        synchronized boolean made() {
            return transport != null;
        }

        synchronized int updates() {
            return updates;
        }

        synchronized int whilePaused() {
            return whilePaused;
        }

        synchronized byte[] bytes() {
            return bytes.toByteArray();
        }
    }

    @ParameterizedTest
    @EnumSource(Link.class)
    void aBufferedProtocolThatPausesInItsFirstBufferUpdatedHearsNothingMoreUntilItResumes(Link link) {
        List<BufferedReceiver> made = new java.util.concurrent.CopyOnWriteArrayList<>();
        Server server = serve(link, () -> {
            BufferedReceiver r = new BufferedReceiver(link == Link.START_TLS);
            made.add(r);
            return r;
        });
        Transport client = connect(link, server);
        int total = 1 << 20;
        client.write(counting(total));
        awaitThat("the first bytes", () -> made.size() == 1 && made.get(0).made() && made.get(0).updates() > 0);
        BufferedReceiver receiver = made.get(0);
        settle();
        assertEquals(1, receiver.updates(), "bufferUpdated after pauseReading() returned");
        assertEquals(0, receiver.whilePaused(), "getBuffer or bufferUpdated while paused");
        receiver.home.callSoonThreadsafe(receiver::resume);
        awaitThat("all the data after resuming", () -> receiver.bytes().length >= total);
        assertEquals(total, receiver.bytes().length);
        assertCounting(receiver.bytes());
        client.close();
        server.close();
    }

    @ParameterizedTest
    @EnumSource(Link.class)
    void aProtocolPausedInConnectionMadeHearsNoDataEofOrLossUntilItResumesThenAllInOrder(Link link) {
        List<Receiver> made = new java.util.concurrent.CopyOnWriteArrayList<>();
        Server server = serve(link, receivers(made, PauseAt.CONNECTION_MADE, link));
        Transport client = connect(link, server);
        int total = 100_000;
        client.write(counting(total));
        endFrom(client);
        Receiver receiver = receiverOf(made);
        settle();
        assertEquals(List.of(), receiver.events(), "callbacks while paused");
        receiver.resumeFromTest();
        awaitThat("the loss after resuming", () -> receiver.lostCalls() > 0);
        settle(); // a second connectionLost, or anything after it, would show
        assertEquals(total, receiver.size(), receiver::heard);
        assertCounting(receiver.bytes());
        List<String> events = receiver.events();
        assertTrue(events.equals(List.of("data", "eof", "lost")) || events.equals(List.of("data", "lost")),
                "data, then EOF, then the loss, once each: " + events);
        assertEquals(1, receiver.lostCalls());
        assertEquals(0, receiver.whilePaused());
        server.close();
    }

    @ParameterizedTest
    @EnumSource(Link.class)
    void pausingAndResumingOnEveryReadKeepsDataThenEofThenLossInOrderAndExactlyOnce(Link link) {
        List<Receiver> made = new java.util.concurrent.CopyOnWriteArrayList<>();
        Server server = serve(link, receivers(made, PauseAt.EVERY_DATA, link));
        Transport client = connect(link, server);
        int total = 4 << 20;
        client.write(counting(total));
        endFrom(client);
        Receiver receiver = receiverOf(made);
        awaitThat("the loss", () -> receiver.lostCalls() > 0);
        settle();
        assertEquals(total, receiver.size(), receiver::heard);
        assertCounting(receiver.bytes());
        List<String> events = receiver.events();
        assertTrue(events.equals(List.of("data", "eof", "lost")) || events.equals(List.of("data", "lost")),
                "data, then EOF, then the loss, once each: " + events);
        assertEquals(1, receiver.lostCalls());
        assertEquals(0, receiver.whilePaused());
        assertTrue(receiver.dataCalls() > 2, "the reader paused and resumed many times");
        server.close();
    }

    @ParameterizedTest
    @EnumSource(value = Link.class, names = {"TCP", "LOOP_GROUP"})
    void aResetWhilePausedComesAfterTheDataHeldBeforeItAndOnlyOnce(Link link) throws Exception {
        List<Receiver> made = new java.util.concurrent.CopyOnWriteArrayList<>();
        Server server = serve(link, receivers(made, PauseAt.EVERY_DATA, link));
        int total = 1 << 20;
        CompletableFuture<Void> sent = new CompletableFuture<>();
        Thread.ofPlatform().name("resetting-peer").start(() -> {
            try (Socket peer = new Socket("127.0.0.1", port(server))) {
                OutputStream out = peer.getOutputStream();
                out.write(counting(total));
                out.flush();
                peer.setSoLinger(true, 0); // the close sends a reset
                sent.complete(null);
            } catch (IOException e) {
                sent.completeExceptionally(new UncheckedIOException(e));
            }
        });
        Receiver receiver = receiverOf(made);
        awaitThat("the peer sent and reset", sent::isDone);
        sent.get();
        awaitThat("the loss", () -> receiver.lostCalls() > 0, receiver::heard);
        settle();
        assertCounting(receiver.bytes()); // what came is in order; a reset may discard the rest
        assertEquals("lost", receiver.events().get(receiver.events().size() - 1));
        assertEquals(1, receiver.lostCalls());
        assertEquals(0, receiver.whilePaused());
        server.close();
    }

    @ParameterizedTest
    @EnumSource(Link.class)
    void closingAPausedTransportDropsWhatItHeldAndReportsTheLossOnce(Link link) {
        List<Receiver> made = new java.util.concurrent.CopyOnWriteArrayList<>();
        Server server = serve(link, receivers(made, PauseAt.CONNECTION_MADE, link));
        Transport client = connect(link, server);
        client.write(counting(100_000));
        Receiver receiver = receiverOf(made);
        settle();
        receiver.closeFromTest();
        awaitThat("the loss after closing", () -> receiver.lostCalls() > 0);
        settle();
        assertEquals(List.of("lost"), receiver.events(), "asyncio does not read a transport it closes");
        assertEquals(1, receiver.lostCalls());
        client.close();
        server.close();
    }

    @ParameterizedTest
    @EnumSource(Link.class)
    void closingAPausedTransportWhosePeerHasGoneReportsOnlyTheLossOnce(Link link) {
        List<Receiver> made = new java.util.concurrent.CopyOnWriteArrayList<>();
        Server server = serve(link, receivers(made, PauseAt.CONNECTION_MADE, link));
        Transport client = connect(link, server);
        client.write(counting(100_000));
        client.close();
        Receiver receiver = receiverOf(made);
        settle();
        assertEquals(List.of(), receiver.events(), "callbacks while paused");
        receiver.closeFromTest();
        awaitThat("the loss after closing", () -> receiver.lostCalls() > 0);
        settle();
        assertEquals(List.of("lost"), receiver.events());
        assertEquals(1, receiver.lostCalls());
        server.close();
    }

    /**
     * The streams side of a connection with a {@link StreamReader} nothing reads for a while; it
     * notes the most bytes the reader ever held.
     */
    static final class IdleReader implements Protocol {
        private final StreamReader reader;
        private final EventLoop home;
        private long fed;
        private long read;
        private long mostBuffered;
        private boolean ended;
        private boolean failed;

        IdleReader(EventLoop home) {
            this.home = home;
            this.reader = new StreamReader(home, StreamReader.DEFAULT_LIMIT);
        }

        @Override
        public void connectionMade(Transport t) {
            reader.setTransport(t);
            home.createTask(() -> {
                Async.sleep(SETTLE_SECONDS); // nothing reads: the reader must pause the transport
                byte[] block;
                while ((block = reader.read(StreamReader.DEFAULT_LIMIT)).length > 0) {
                    for (byte b : block) {
                        if (b != (byte) (read++ % 251)) {
                            failed = true;
                        }
                    }
                }
                return null;
            });
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            fed += data.remaining();
            reader.feedData(data);
            mostBuffered = Math.max(mostBuffered, fed - read);
        }

        @Override
        public boolean eofReceived() {
            reader.feedEof();
            return false; // the stream is read to its end without an answer: close
        }

        @Override
        public void connectionLost(Throwable cause) {
            reader.feedEof();
            ended = true;
        }
    }

    @ParameterizedTest
    @EnumSource(value = Link.class, names = {"TCP", "TLS", "UNIX", "START_TLS"})
    void aStreamReaderNobodyReadsKeepsItsBufferWithinItsBoundUpToThePeersClose(Link link) {
        List<IdleReader> made = new java.util.concurrent.CopyOnWriteArrayList<>();
        Supplier<BaseProtocol> factory = link == Link.START_TLS
                ? () -> new UpgradingIdleReader(made)
                : () -> {
                    IdleReader r = new IdleReader(EventLoops.getRunningLoop());
                    made.add(r);
                    return r;
                };
        Server server = serve(link, factory);
        Transport client = connect(link, server);
        int total = 8 << 20;
        client.write(counting(total));
        client.close(); // the peer's close comes while the reader is still paused
        awaitThat("the whole stream read", () -> made.size() == 1 && made.get(0).ended && made.get(0).read == total);
        IdleReader reader = made.get(0);
        assertTrue(!reader.failed, "bytes out of order");
        long bound = 2L * StreamReader.DEFAULT_LIMIT + ONE_READ;
        assertTrue(reader.mostBuffered <= bound, "the reader held " + reader.mostBuffered + " bytes, over " + bound);
        server.close();
    }

    /** An {@link IdleReader} that upgrades its plain connection to TLS first, as a STARTTLS server does. */
    static final class UpgradingIdleReader implements Protocol {
        private final IdleReader inner = new IdleReader(EventLoops.getRunningLoop());

        UpgradingIdleReader(List<IdleReader> made) {
            made.add(inner);
        }

        @Override
        public void connectionMade(Transport t) {
            inner.connectionMade(t);
            EventLoops.getRunningLoop().startTls(t, SERVER);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            inner.dataReceived(data);
        }

        @Override
        public boolean eofReceived() {
            return inner.eofReceived();
        }

        @Override
        public void connectionLost(Throwable cause) {
            inner.connectionLost(cause);
        }
    }
}
