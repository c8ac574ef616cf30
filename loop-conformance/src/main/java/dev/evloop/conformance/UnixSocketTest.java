package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.LoopFuture;
import dev.evloop.Task;
import dev.evloop.net.BaseProtocol;
import dev.evloop.net.Connection;
import dev.evloop.net.Protocol;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.net.Transport;
import dev.evloop.streams.StreamHandler;
import dev.evloop.streams.Streams;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.evloop.conformance.TcpTest.Echo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unix domain socket servers and connections, in protocol and in stream style: asyncio's
 * {@code create_unix_server}, {@code create_unix_connection}, {@code start_unix_server} and
 * {@code open_unix_connection}, with asyncio 3.13's rules for the socket file. Every backend here
 * serves them; on those whose Netty channels close the connection at the peer's end of stream
 * (io_uring and selector with Netty 4.2.18), the tests of replies after a half-close give way to
 * tests of what those backends do instead, as the backend's SPI declares.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class UnixSocketTest extends BackendTest implements ClosingTransportContract {
    private static final SocketOptions OPTIONS = SocketOptions.defaults();
    private static final int[] SIZES = {1, 1000, 64 * 1024, 100 * 1024, 1 << 20, 4 << 20};

    private static final StreamHandler ECHO = StreamsTest.ECHO;

    /** Short, because sun_path holds at most 107 bytes. */
    @TempDir
    Path dir;

    /** What the backend under test declares: whether a connection stays writable after the peer's EOF. */
    private static boolean keepsWritingAfterPeerEof() {
        return backendProvider().domainSocketsKeepWritingAfterPeerEof();
    }

    private static void assumeKeepsWritingAfterPeerEof() {
        assumeTrue(keepsWritingAfterPeerEof(),
                () -> "the " + backend() + " backend's Unix sockets close at the peer's EOF (Netty 4.2.18)");
    }

    private static void assumeStopsWritingAtPeerEof() {
        assumeFalse(keepsWritingAfterPeerEof(),
                () -> "the " + backend() + " backend's Unix sockets keep writing after the peer's EOF");
    }

    /** The message of a write refused after the peer's EOF names the backend and the limitation. */
    private static void assertNamesTheLimitation(String message) {
        assertTrue(message.contains("the peer ended its side of the connection and the " + backend()
                + " backend's Unix sockets cannot keep writing after that (Netty 4.2.18);"
                + " the epoll and kqueue backends can (-Dloop.backend=epoll)"), message);
    }

    private Path socket() {
        return dir.resolve("s.sock");
    }

    private Server serve(Supplier<? extends BaseProtocol> factory) {
        return loop.runUntilComplete(loop.createUnixServer(factory, socket(), OPTIONS));
    }

    private Connection<Collector> connect(int expected) {
        return loop.runUntilComplete(loop.createUnixConnection(() -> new Collector(loop, expected), socket(), OPTIONS));
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] data = new byte[n];
        new Random(seed).nextBytes(data);
        return data;
    }

    @Test
    void aProtocolFactoryThatThrowsFailsTheConnectionWithWhatItThrew() {
        Server server = serve(Echo::new);
        IllegalStateException thrown = new IllegalStateException("no protocol today");
        Supplier<Protocol> failing = () -> {
            throw thrown;
        };
        LoopFuture<Connection<Protocol>> f = loop.createUnixConnection(failing, socket(), OPTIONS);
        assertSame(thrown, assertThrows(IllegalStateException.class, () -> loop.runUntilComplete(f)));
        server.close();
    }

    @Test
    void protocolEchoIsByteExactFromOneByteToFourMebibytes() {
        Server server = serve(Echo::new);
        for (int size : SIZES) {
            byte[] data = randomBytes(size, size);
            Connection<Collector> c = connect(size);
            c.transport().write(data);
            assertArrayEquals(data, loop.runUntilComplete(c.protocol().received), "echo of " + size + " bytes");
            c.transport().close();
            assertNull(loop.runUntilComplete(c.protocol().lost));
        }
        server.close();
        loop.runUntilComplete(server.waitClosed());
    }

    @Test
    void streamsEchoIsByteExactFromOneByteToFourMebibytes() {
        loop.runUntilComplete(() -> {
            Server server = Async.startUnixServer(ECHO, socket(), OPTIONS);
            for (int size : SIZES) {
                byte[] data = randomBytes(size, size);
                Streams s = Async.openUnixConnection(socket(), OPTIONS);
                Task<byte[]> reading = Async.spawn(() -> s.reader().readExactly(size));
                s.writer().write(data);
                s.writer().drain();
                assertArrayEquals(data, reading.await(), "echo of " + size + " bytes");
                s.writer().close();
                s.writer().waitClosed();
            }
            server.close();
            server.waitClosed().await();
            return null;
        });
    }

    @Test
    void aStreamServerEchoesUntilTheClientsWriteEofWhereTheBackendKeepsWritingAfterIt() {
        assumeKeepsWritingAfterPeerEof();
        loop.runUntilComplete(() -> {
            Server server = Async.startUnixServer(ECHO, socket(), OPTIONS);
            for (int size : SIZES) {
                byte[] data = randomBytes(size, size);
                Streams s = Async.openUnixConnection(socket(), OPTIONS);
                Task<byte[]> reading = Async.spawn(() -> s.reader().read());
                s.writer().write(data);
                s.writer().drain();
                s.writer().writeEof();
                assertArrayEquals(data, reading.await(), "echo of " + size + " bytes");
                assertTrue(s.reader().atEof());
                s.writer().close();
                s.writer().waitClosed();
            }
            server.close();
            server.waitClosed().await();
            return null;
        });
    }

    @Test
    void halfCloseFromTheClientLetsTheServerReplyThenCloseWhereTheBackendKeepsWritingAfterIt() {
        assumeKeepsWritingAfterPeerEof();
        Server server = serve(TcpTest.CountThenReply::new);
        Connection<Collector> c = connect(Integer.MAX_VALUE);
        c.transport().write(new byte[500]);
        assertTrue(c.transport().canWriteEof());
        c.transport().writeEof();
        assertNull(loop.runUntilComplete(c.protocol().lost));
        assertEquals("got 500", c.protocol().bytes.toString());
        server.close();
    }

    /**
     * What a call threw, or {@code null} if it returned: inside a protocol callback or a handler an
     * assertion would only reach the exception handler, so the test body checks the outcome.
     */
    private static Throwable thrownBy(Executable call) {
        try {
            call.execute();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    /** A write after the peer's EOF was refused at the call, saying why. */
    private static void assertRefusedForTheLimitation(Throwable refusal) {
        assertTrue(refusal instanceof IllegalStateException, String.valueOf(refusal));
        assertNamesTheLimitation(refusal.getMessage());
    }

    /** A server protocol that records its callbacks in order. */
    private static class PeerEofRecorder implements Protocol {
        final List<String> calls = new ArrayList<>();
        final LoopFuture<Throwable> lost;
        Transport transport;

        PeerEofRecorder(EventLoop loop) {
            this.lost = loop.createFuture();
        }

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            calls.add("dataReceived " + data.remaining());
        }

        @Override
        public boolean eofReceived() {
            calls.add("eofReceived");
            return true;
        }

        @Override
        public void connectionLost(Throwable cause) {
            calls.add("connectionLost " + cause);
            lost.setResult(cause);
        }
    }

    @Test
    void thePeersHalfCloseIsEofReceivedThenConnectionLostWhereTheBackendCannotWriteAfterIt() {
        assumeStopsWritingAtPeerEof();
        LoopFuture<PeerEofRecorder> serverSide = loop.createFuture();
        Server server = serve(() -> {
            PeerEofRecorder recorder = new PeerEofRecorder(loop);
            serverSide.setResult(recorder);
            return recorder;
        });
        Connection<Collector> c = connect(Integer.MAX_VALUE);
        c.transport().write(new byte[500]);
        c.transport().writeEof();
        PeerEofRecorder recorder = loop.runUntilComplete(serverSide);
        assertNull(loop.runUntilComplete(recorder.lost));
        assertEquals(List.of("dataReceived 500", "eofReceived", "connectionLost null"), recorder.calls);
        assertNull(loop.runUntilComplete(c.protocol().lost), "the client sees the connection end");
        assertEquals(0, c.protocol().bytes.size());
        server.close();
    }

    @Test
    void writingAfterThePeersEofThrowsNamingTheLimitationWhereTheBackendCannotWriteAfterIt() {
        assumeStopsWritingAtPeerEof();
        LoopFuture<List<Throwable>> refusals = loop.createFuture();
        ByteBuf owned = Unpooled.buffer().writeBytes("late".getBytes());
        Server server = serve(() -> new Protocol() {
            private Transport t;

            @Override
            public void connectionMade(Transport transport) {
                t = transport;
            }

            @Override
            public boolean eofReceived() {
                refusals.setResult(Arrays.asList(
                        thrownBy(() -> t.write("reply".getBytes())),
                        thrownBy(() -> t.write(ByteBuffer.wrap("reply".getBytes()))),
                        thrownBy(() -> t.write(owned)),
                        thrownBy(t::writeEof)));
                return true;
            }
        });
        Connection<Collector> c = connect(Integer.MAX_VALUE);
        c.transport().writeEof();
        for (Throwable refusal : loop.runUntilComplete(refusals)) {
            assertRefusedForTheLimitation(refusal);
        }
        assertEquals(0, owned.refCnt(), "a refused ByteBuf is released all the same");
        loop.runUntilComplete(c.protocol().lost);
        server.close();
    }

    @Test
    void queuedWritesLostToThePeersEofAreReportedToConnectionLostWhereTheBackendCannotWriteAfterIt() {
        assumeStopsWritingAtPeerEof();
        LoopFuture<PeerEofRecorder> serverSide = loop.createFuture();
        Server server = serve(() -> new PeerEofRecorder(loop) {
            @Override
            public void connectionMade(Transport t) {
                super.connectionMade(t);
                t.write(new byte[8 << 20]); // far more than the socket buffers hold: most stays queued
                serverSide.setResult(this);
            }
        });
        Connection<Collector> c = loop.runUntilComplete(loop.createUnixConnection(() -> new Collector(loop, 1) {
            @Override
            public void connectionMade(Transport t) {
                super.connectionMade(t);
                t.pauseReading();
            }
        }, socket(), OPTIONS));
        PeerEofRecorder recorder = loop.runUntilComplete(serverSide);
        c.transport().writeEof();
        // io_uring holds Netty's close until the blocked write completes: let it, the rest stays queued
        c.transport().resumeReading();
        Throwable cause = loop.runUntilComplete(recorder.lost);
        assertTrue(cause instanceof IOException, String.valueOf(cause));
        assertNamesTheLimitation(cause.getMessage());
        assertTrue(cause.getMessage().contains("data still queued was not sent"), cause.getMessage());
        assertEquals("eofReceived", recorder.calls.get(recorder.calls.size() - 2));
        c.transport().close();
        server.close();
    }

    @Test
    void aStreamHandlerCannotWriteOrDrainAfterThePeersEofWhereTheBackendCannotWriteAfterIt() {
        assumeStopsWritingAtPeerEof();
        LoopFuture<List<Throwable>> refusals = loop.createFuture();
        loop.runUntilComplete(() -> {
            Server server = Async.startUnixServer((reader, writer) -> {
                byte[] request = reader.read();
                refusals.setResult(Arrays.asList(thrownBy(() -> writer.write(request)), thrownBy(writer::drain)));
                writer.close();
            }, socket(), OPTIONS);
            Streams s = Async.openUnixConnection(socket(), OPTIONS);
            s.writer().write("request".getBytes());
            s.writer().writeEof();
            assertEquals(0, s.reader().read().length, "the client sees the connection end");
            s.writer().waitClosed();
            List<Throwable> refused = refusals.await();
            assertRefusedForTheLimitation(refused.get(0));
            assertTrue(refused.get(1) instanceof UncheckedIOException, String.valueOf(refused.get(1)));
            assertEquals("Connection lost", refused.get(1).getMessage());
            server.close();
            server.waitClosed().await();
            return null;
        });
    }

    @Test
    void createUnixConnectionToAMissingPathFailsWithNoSuchFileExceptionNamingIt() {
        Path missing = dir.resolve("none.sock");
        LoopFuture<Connection<Collector>> f =
                loop.createUnixConnection(() -> new Collector(loop, 1), missing, OPTIONS);
        CompletionException e = assertThrows(CompletionException.class, () -> loop.runUntilComplete(f));
        assertTrue(e.getCause() instanceof NoSuchFileException, String.valueOf(e.getCause()));
        assertEquals(missing.toString(), ((NoSuchFileException) e.getCause()).getFile());
    }

    @Test
    void openUnixConnectionToAMissingPathFailsWithNoSuchFileExceptionNamingIt() {
        Path missing = dir.resolve("none.sock");
        Throwable e = loop.runUntilComplete(() -> {
            try {
                Async.openUnixConnection(missing, OPTIONS);
                return null;
            } catch (UncheckedIOException failure) {
                return failure.getCause();
            }
        });
        assertTrue(e instanceof NoSuchFileException, String.valueOf(e));
        assertEquals(missing.toString(), ((NoSuchFileException) e).getFile());
    }

    @Test
    void connectingToASocketFileNobodyListensOnIsRefusedNamingThePath() throws IOException {
        leaveStaleSocket();
        LoopFuture<Connection<Collector>> f = loop.createUnixConnection(() -> new Collector(loop, 1), socket(), OPTIONS);
        CompletionException e = assertThrows(CompletionException.class, () -> loop.runUntilComplete(f));
        assertTrue(e.getCause() instanceof ConnectException, String.valueOf(e.getCause()));
        assertTrue(e.getCause().getMessage().contains(socket().toString()), e.getCause().getMessage());
    }

    /** A socket file with no server behind it, as a server that died leaves. */
    private void leaveStaleSocket() throws IOException {
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket())); // the JDK leaves the file behind on close
        }
        assertTrue(Files.exists(socket()), "a stale socket file is there");
    }

    @Test
    void aStaleSocketFileIsReplacedByTheNewServer() throws IOException {
        leaveStaleSocket();
        Server server = serve(Echo::new);
        Connection<Collector> c = connect(5);
        c.transport().write("alive".getBytes());
        assertEquals("alive", new String(loop.runUntilComplete(c.protocol().received)));
        c.transport().close();
        server.close();
    }

    @Test
    void aFileThatIsNotASocketIsRefusedAndLeftAlone() throws IOException {
        Files.writeString(socket(), "precious");
        LoopFuture<Server> f = loop.createUnixServer(Echo::new, socket(), OPTIONS);
        CompletionException e = assertThrows(CompletionException.class, () -> loop.runUntilComplete(f));
        assertTrue(e.getCause() instanceof BindException, String.valueOf(e.getCause()));
        assertTrue(e.getCause().getMessage().contains(socket().toString()), e.getCause().getMessage());
        assertEquals("precious", Files.readString(socket()));
    }

    @Test
    void startUnixServerOnAFileThatIsNotASocketFailsWithBindException() throws IOException {
        Files.writeString(socket(), "precious");
        Throwable e = loop.runUntilComplete(() -> {
            try {
                Async.startUnixServer(ECHO, socket(), OPTIONS);
                return null;
            } catch (UncheckedIOException failure) {
                return failure.getCause();
            }
        });
        assertTrue(e instanceof BindException, String.valueOf(e));
    }

    @Test
    void closingTheServerRemovesItsSocketFile() {
        Server server = serve(Echo::new);
        assertTrue(Files.exists(socket()), "the server made its socket file");
        server.close();
        loop.runUntilComplete(server.waitClosed());
        assertFalse(Files.exists(socket()), "the socket file is gone");
    }

    @Test
    void serverAddressesReportThePath() {
        Server server = serve(Echo::new);
        assertEquals(1, server.addresses().size());
        assertEquals(socket().toString(), server.addresses().get(0).toString());
        server.close();
    }

    @Test
    void nullArgumentsAreRejectedAtTheCallNamingThem() {
        NullPointerException path = assertThrows(NullPointerException.class,
                () -> loop.createUnixServer(Echo::new, null, OPTIONS));
        assertEquals("path", path.getMessage());
        NullPointerException factory = assertThrows(NullPointerException.class,
                () -> loop.createUnixConnection(null, socket(), OPTIONS));
        assertEquals("protocolFactory", factory.getMessage());
        NullPointerException options = assertThrows(NullPointerException.class,
                () -> loop.createUnixServer(Echo::new, socket(), null));
        assertEquals("options", options.getMessage());
    }

    @Test
    void aThousandConnectCloseCyclesLeaveNoFileDescriptorBehind() throws IOException {
        OpenFileDescriptors.assumeCountable();
        int cycles = 1_000;
        int[] serverSideLost = new int[1];
        LoopFuture<Void> allServerSidesLost = loop.createFuture();
        Server server = serve(() -> new Protocol() {
            @Override
            public void connectionLost(Throwable cause) {
                if (++serverSideLost[0] == cycles) {
                    allServerSidesLost.setResult(null);
                }
            }
        });
        long before = OpenFileDescriptors.count();
        loop.runUntilComplete(() -> {
            for (int i = 0; i < cycles; i++) {
                Connection<Collector> c = loop.createUnixConnection(() -> new Collector(loop, 1), socket(), OPTIONS).await();
                c.transport().close();
                c.protocol().lost.await();
            }
            return allServerSidesLost.await();
        });
        assertEquals(before, OpenFileDescriptors.count());
        server.close();
    }

    @Test
    void serveForeverOnAClosedUnixServerThrowsNamingIt() {
        Server server = serve(Echo::new);
        TcpTest.closeAndWait(loop, server);
        TcpTest.assertServeForeverRefusesTheClosedServer(loop, server);
    }

    @Test
    void startServingOnAClosedUnixServerThrowsNamingIt() {
        Server server = loop.runUntilComplete(loop.createUnixServer(Echo::new, socket(), OPTIONS.startServing(false)));
        TcpTest.closeAndWait(loop, server);
        TcpTest.assertStartServingRefusesTheClosedServer(server);
    }

    @Test
    void aSecondServeForeverOnAUnixServerWhileOneWaitsThrows() {
        Server server = serve(Echo::new);
        TcpTest.assertASecondServeForeverIsRefused(loop, server);
    }

    @Test
    void writeEofOnAClosingUnixTransportIsIgnoredAndTheCloseGoesOn() {
        Server server = serve(Echo::new);
        Connection<Collector> c = connect(Integer.MAX_VALUE);
        c.transport().close();
        c.transport().writeEof(); // as asyncio's socket transport, once closing
        assertNull(loop.runUntilComplete(c.protocol().lost));
        c.transport().writeEof(); // and once closed
        server.close();
    }

    /** The close specification over Unix socket connections. */
    @Override
    public ReadsAfterClose afterClose() {
        return new ReadsAfterClose(loop, this::serve, (server, factory) -> loop.runUntilComplete(
                loop.createUnixConnection(factory, socket(), OPTIONS)).transport());
    }
}
