package dev.evloop.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.evloop.Async;
import dev.evloop.BaseProtocol;
import dev.evloop.Connection;
import dev.evloop.LoopFuture;
import dev.evloop.Protocol;
import dev.evloop.Server;
import dev.evloop.SocketOptions;
import dev.evloop.StreamHandler;
import dev.evloop.Streams;
import dev.evloop.Task;
import dev.evloop.Transport;
import dev.evloop.conformance.TcpTest.Collector;
import dev.evloop.conformance.TcpTest.Echo;
import java.io.ByteArrayOutputStream;
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
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unix domain socket servers and connections, in protocol and in stream style: asyncio's
 * {@code create_unix_server}, {@code create_unix_connection}, {@code start_unix_server} and
 * {@code open_unix_connection}, with asyncio 3.13's rules for the socket file.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class UnixSocketTest extends BackendTest {
    /**
     * Backends whose Netty domain socket channels (4.2.18) close a connection when the peer
     * half-closes it: they refuse Unix sockets rather than lose replies (see UnixSocketRefusalTest).
     */
    static final Set<String> REFUSING = Set.of("selector", "io_uring");
    private static final SocketOptions OPTIONS = SocketOptions.defaults();
    private static final int[] SIZES = {1, 1000, 64 * 1024, 100 * 1024, 1 << 20, 4 << 20};

    private static final StreamHandler ECHO = (reader, writer) -> {
        while (true) {
            byte[] chunk = reader.read(64 * 1024);
            if (chunk.length == 0) {
                break;
            }
            writer.write(chunk);
            writer.drain();
        }
        writer.close();
    };

    /** Short, because sun_path holds at most 107 bytes. */
    @TempDir
    Path dir;

    @BeforeEach
    void onlyWhereServed() {
        assumeFalse(REFUSING.contains(backend()), () -> backend() + " refuses Unix domain sockets");
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
    void halfCloseFromTheClientLetsTheServerReplyThenClose() {
        Server server = serve(() -> new Protocol() {
            private Transport t;
            private final ByteArrayOutputStream got = new ByteArrayOutputStream();

            @Override
            public void connectionMade(Transport transport) {
                t = transport;
            }

            @Override
            public void dataReceived(ByteBuffer data) {
                byte[] b = new byte[data.remaining()];
                data.get(b);
                got.write(b, 0, b.length);
            }

            @Override
            public boolean eofReceived() {
                t.write(("got " + got.size()).getBytes());
                t.close();
                return true;
            }
        });
        Connection<Collector> c = connect(Integer.MAX_VALUE);
        c.transport().write(new byte[500]);
        assertTrue(c.transport().canWriteEof());
        c.transport().writeEof();
        assertNull(loop.runUntilComplete(c.protocol().lost));
        assertEquals("got 500", c.protocol().bytes.toString());
        server.close();
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
        Path fds = Path.of("/proc/self/fd");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(fds), "needs /proc/self/fd");
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
        long before = count(fds);
        loop.runUntilComplete(() -> {
            for (int i = 0; i < cycles; i++) {
                Connection<Collector> c = loop.createUnixConnection(() -> new Collector(loop, 1), socket(), OPTIONS).await();
                c.transport().close();
                c.protocol().lost.await();
            }
            return allServerSidesLost.await();
        });
        assertEquals(before, count(fds));
        server.close();
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }
}
