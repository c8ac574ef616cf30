package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.LoopFuture;
import dev.evloop.net.BaseProtocol;
import dev.evloop.net.Connection;
import dev.evloop.net.Protocol;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.net.Tls;
import dev.evloop.net.Transport;
import dev.evloop.streams.StreamHandler;
import dev.evloop.streams.Streams;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evloop.conformance.TcpTest.Echo;
import io.netty.handler.ssl.DelegatingSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** TLS through Netty's SslHandler with the JDK provider: asyncio's {@code ssl=} and {@code start_tls}. */
class TlsTest extends BackendTest implements ClosingTransportContract {
    private static final SslContext SERVER = context(() -> Tls.serverContext(
            TestCertificates.LOCALHOST.certificate(), TestCertificates.LOCALHOST.privateKey()));
    private static final SslContext STRANGER = context(() -> Tls.serverContext(
            TestCertificates.STRANGER.certificate(), TestCertificates.STRANGER.privateKey()));
    private static final SslContext CLIENT = context(() -> Tls.clientContext(TestCertificates.LOCALHOST.certificate()));
    static final SocketOptions SERVER_TLS = SocketOptions.defaults().ssl(SERVER);
    static final SocketOptions CLIENT_TLS = SocketOptions.defaults().ssl(CLIENT);

    private interface ContextMaker {
        SslContext make() throws SSLException;
    }

    private static SslContext context(ContextMaker maker) {
        try {
            return maker.make();
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    private Server serve(Supplier<? extends BaseProtocol> factory, SocketOptions options) {
        return loop.runUntilComplete(loop.createServer(factory, "127.0.0.1", 0, options));
    }

    private static int port(Server server) {
        return ((InetSocketAddress) server.addresses().get(0)).getPort();
    }

    private LoopFuture<Connection<Collector>> connect(Server server, int expected, String host, SocketOptions options) {
        return loop.createConnection(() -> new Collector(loop, expected), host, port(server), options);
    }

    /** The error a failed future carries, unwrapped from the CompletionException await adds. */
    private Throwable failure(LoopFuture<?> future) {
        Throwable t = assertThrows(Throwable.class, () -> loop.runUntilComplete(future));
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    private void closeAndWait(Server server) {
        server.close();
        loop.runUntilComplete(server.waitClosed());
    }

    @Test
    void tlsEchoIsByteExactFromOneByteToEightMebibytes() {
        Server server = serve(Echo::new, SERVER_TLS);
        for (int size : new int[] {1, 1000, 100 * 1024, 1 << 20, 8 << 20}) {
            byte[] data = new byte[size];
            new Random(size).nextBytes(data);
            Connection<Collector> c = loop.runUntilComplete(connect(server, size, "localhost", CLIENT_TLS));
            c.transport().write(data);
            assertArrayEquals(data, loop.runUntilComplete(c.protocol().received), "echo of " + size + " bytes");
            c.transport().close();
            assertNull(loop.runUntilComplete(c.protocol().lost));
        }
        closeAndWait(server);
    }

    @Test
    void connectionMadeComesAfterTheHandshakeOnBothSides() {
        boolean[] serverSawHandshakeDone = {false};
        Server server = serve(() -> new Protocol() {
            @Override
            public void connectionMade(Transport t) {
                serverSawHandshakeDone[0] = t.channel().pipeline().get(SslHandler.class).handshakeFuture().isSuccess();
            }

            @Override
            public void dataReceived(ByteBuffer data) {
            }
        }, SERVER_TLS);
        boolean[] clientSawHandshakeDone = {false};
        Connection<Collector> c = loop.runUntilComplete(loop.createConnection(() -> new Collector(loop, 1) {
            @Override
            public void connectionMade(Transport t) {
                super.connectionMade(t);
                clientSawHandshakeDone[0] = t.channel().pipeline().get(SslHandler.class).handshakeFuture().isSuccess();
            }
        }, "127.0.0.1", port(server), CLIENT_TLS));
        assertTrue(clientSawHandshakeDone[0], "the client's connectionMade ran after its handshake");
        c.transport().close();
        closeAndWait(server);
        assertTrue(serverSawHandshakeDone[0], "the server's connectionMade ran after its handshake");
    }

    @Test
    void streamsRunOverTls() {
        StreamHandler lineEcho = (reader, writer) -> {
            writer.write(reader.readLine());
            writer.drain();
            writer.close();
        };
        byte[] answer = loop.runUntilComplete(() -> {
            Server server = Async.startServer(lineEcho, "127.0.0.1", 0, SERVER_TLS);
            Streams s = Async.openConnection("localhost", port(server), CLIENT_TLS);
            s.writer().write("hello over tls\n".getBytes(StandardCharsets.US_ASCII));
            byte[] line = s.reader().readLine();
            s.writer().close();
            server.close();
            server.waitClosed().await();
            return line;
        });
        assertEquals("hello over tls\n", new String(answer, StandardCharsets.US_ASCII));
    }

    @Test
    void aWrongHostNameFailsTheHandshakeAndClosesTheConnection() {
        Server server = serve(Echo::new, SERVER_TLS);
        boolean[] made = {false};
        Throwable error = failure(loop.createConnection(() -> new Protocol() {
            @Override
            public void connectionMade(Transport t) {
                made[0] = true;
            }

            @Override
            public void dataReceived(ByteBuffer data) {
            }
        }, "127.0.0.1", port(server), CLIENT_TLS.serverHostname("wrong.example")));
        assertInstanceOf(SSLHandshakeException.class, error);
        assertTrue(error.getMessage().contains("wrong.example"), error.getMessage());
        assertFalse(made[0], "connectionMade never runs for a failed handshake");
        closeAndWait(server); // completes only once the server's side of the connection is closed too
    }

    @Test
    void anUntrustedCertificateFailsTheHandshakeAndClosesTheConnection() {
        Server server = serve(Echo::new, SocketOptions.defaults().ssl(STRANGER));
        Throwable error = failure(connect(server, 1, "localhost", CLIENT_TLS));
        assertInstanceOf(SSLHandshakeException.class, error);
        assertTrue(error.getMessage().contains("PKIX"), error.getMessage());
        closeAndWait(server);
    }

    @Test
    void aServerThatNeverAnswersTheHandshakeTimesOut() {
        Server silent = serve(() -> new Protocol() {
            @Override
            public void dataReceived(ByteBuffer data) {
            }
        }, SocketOptions.defaults());
        Throwable error = failure(connect(silent, 1, "localhost",
                CLIENT_TLS.sslHandshakeTimeout(Duration.ofMillis(100))));
        assertInstanceOf(SslHandshakeTimeoutException.class, error);
        closeAndWait(silent);
    }

    @Test
    void aClosingTlsTransportStillRefusesToHalfCloseAsAsyncioDoes() {
        Server server = serve(Echo::new, SERVER_TLS);
        Connection<Collector> c = loop.runUntilComplete(connect(server, 1, "localhost", CLIENT_TLS));
        c.transport().close();
        assertThrows(UnsupportedOperationException.class, () -> c.transport().writeEof(), "closing");
        loop.runUntilComplete(c.protocol().lost);
        assertThrows(UnsupportedOperationException.class, () -> c.transport().writeEof(), "closed");
        closeAndWait(server);
    }

    @Test
    void aClosingTlsTransportRefusesToHalfCloseFromATaskToo() {
        Server server = serve(Echo::new, SERVER_TLS);
        Connection<Collector> c = loop.runUntilComplete(connect(server, 1, "localhost", CLIENT_TLS));
        loop.runUntilComplete(() -> {
            c.transport().close();
            return assertThrows(UnsupportedOperationException.class, () -> c.transport().writeEof());
        });
        loop.runUntilComplete(c.protocol().lost);
        closeAndWait(server);
    }

    @Test
    void aTlsTransportCannotHalfClose() {
        Server server = serve(Echo::new, SERVER_TLS);
        Connection<Collector> c = loop.runUntilComplete(connect(server, 1, "localhost", CLIENT_TLS));
        assertFalse(c.transport().canWriteEof());
        assertThrows(UnsupportedOperationException.class, () -> c.transport().writeEof());
        c.transport().close();
        closeAndWait(server);
    }

    /**
     * Answers {@code STARTTLS} in plain text, then upgrades with the context and handshake timeout
     * given and echoes over TLS.
     */
    static final class StartTlsServer implements Protocol {
        private final EventLoop loop;
        private final SslContext context;
        private final Duration handshakeTimeout;
        private Transport transport;
        private boolean upgraded;

        StartTlsServer(EventLoop loop, SslContext context, Duration handshakeTimeout) {
            this.loop = loop;
            this.context = context;
            this.handshakeTimeout = handshakeTimeout;
        }

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            if (upgraded) {
                transport.write(data);
                return;
            }
            upgraded = true;
            transport.write("GO\n".getBytes(StandardCharsets.US_ASCII)); // leaves before the handshake
            loop.startTls(transport, context, null, handshakeTimeout);
        }
    }

    private StartTlsServer startTlsServer() {
        return new StartTlsServer(loop, SERVER, SocketOptions.defaults().sslHandshakeTimeout());
    }

    @Test
    void startTlsUpgradesALiveConnection() {
        Server server = serve(this::startTlsServer, SocketOptions.defaults());
        byte[] secret = "over tls now".getBytes(StandardCharsets.US_ASCII);
        Connection<Collector> c = loop.runUntilComplete(connect(server, 3 + secret.length, "127.0.0.1",
                SocketOptions.defaults()));
        Transport plain = c.transport();
        loop.runUntilComplete(() -> {
            plain.write("STARTTLS\n".getBytes(StandardCharsets.US_ASCII));
            while (c.protocol().bytes.size() < 3) {
                Async.sleep(0.001);
            }
            Transport secure = loop.startTls(plain, CLIENT, "localhost", Duration.ofSeconds(10)).await();
            assertTrue(secure == plain, "the same transport goes on, now encrypted");
            secure.write(secret);
            return null;
        });
        byte[] all = loop.runUntilComplete(c.protocol().received);
        assertEquals("GO\nover tls now", new String(all, StandardCharsets.US_ASCII));
        assertNotNull(plain.channel().pipeline().get(SslHandler.class));
        plain.close();
        closeAndWait(server);
    }

    @Test
    void startTlsThatFailsAbortsTheConnection() {
        Server server = serve(this::startTlsServer, SocketOptions.defaults());
        Connection<Collector> c = loop.runUntilComplete(connect(server, 3, "127.0.0.1", SocketOptions.defaults()));
        c.transport().write("STARTTLS\n".getBytes(StandardCharsets.US_ASCII));
        loop.runUntilComplete(c.protocol().received);
        Throwable error = failure(loop.startTls(c.transport(), CLIENT, "wrong.example", Duration.ofSeconds(10)));
        assertInstanceOf(SSLHandshakeException.class, error);
        loop.runUntilComplete(c.protocol().lost);
        assertEquals(1, c.protocol().lostCalls);
        closeAndWait(server);
    }

    /** A context whose every engine fails to start, as a misconfigured provider's does. */
    private static SslContext engineless(SslContext context) {
        return new DelegatingSslContext(context) {
            @Override
            protected void initEngine(SSLEngine engine) {
                throw new IllegalStateException("this context makes no engine");
            }
        };
    }

    @Test
    void startTlsWhoseContextCannotMakeAnEngineFailsTheCallAndTheConnectionGoesOnPlain() {
        Server server = serve(Echo::new, SocketOptions.defaults());
        Connection<Collector> c = loop.runUntilComplete(connect(server, 2, "127.0.0.1", SocketOptions.defaults()));
        Throwable error = failure(loop.startTls(c.transport(), engineless(CLIENT)));
        assertInstanceOf(IllegalStateException.class, error);
        c.transport().write("ok".getBytes(StandardCharsets.US_ASCII));
        assertEquals("ok", new String(loop.runUntilComplete(c.protocol().received), StandardCharsets.US_ASCII));
        c.transport().close();
        closeAndWait(server);
    }

    @Test
    void aConnectionWhoseContextCannotMakeAnEngineFailsWithTheContextsError() {
        Server server = serve(Echo::new, SERVER_TLS);
        Throwable error = failure(connect(server, 1, "localhost", SocketOptions.defaults().ssl(engineless(CLIENT))));
        assertInstanceOf(IllegalStateException.class, error);
        assertEquals("this context makes no engine", error.getMessage());
        closeAndWait(server);
    }

    @Test
    void startTlsRefusesATransportThatIsClosingOrAlreadySecure() {
        Server server = serve(Echo::new, SERVER_TLS);
        Connection<Collector> secure = loop.runUntilComplete(connect(server, 1, "localhost", CLIENT_TLS));
        assertInstanceOf(IllegalStateException.class, failure(loop.startTls(secure.transport(), CLIENT)));
        secure.transport().close();
        assertInstanceOf(IllegalStateException.class, failure(loop.startTls(secure.transport(), CLIENT)));
        closeAndWait(server);
    }

    @Test
    void tlsOptionsThatCannotWorkAreRejectedAtTheCall() {
        assertThrows(IllegalArgumentException.class,
                () -> loop.createConnection(Echo::new, "127.0.0.1", 1, SocketOptions.defaults().ssl(SERVER)));
        assertThrows(IllegalArgumentException.class,
                () -> loop.createConnection(Echo::new, "127.0.0.1", 1, SocketOptions.defaults().serverHostname("x")));
        assertThrows(IllegalArgumentException.class,
                () -> loop.createServer(Echo::new, "127.0.0.1", 0, SocketOptions.defaults().ssl(CLIENT)));
        assertThrows(IllegalArgumentException.class,
                () -> SocketOptions.defaults().sslHandshakeTimeout(Duration.ZERO));
        assertThrows(NullPointerException.class, () -> Tls.serverContext(null, Path.of("key.pem")));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> Tls.clientContext(Path.of("no-such-file.pem")));
        assertTrue(missing.getMessage().contains("trustedCertificatesPem"), missing.getMessage());
    }

    @Test
    void startTlsRejectsBadArgumentsAtTheCall() {
        Server server = serve(Echo::new, SocketOptions.defaults());
        Connection<Collector> c = loop.runUntilComplete(connect(server, 1, "127.0.0.1", SocketOptions.defaults()));
        assertThrows(NullPointerException.class, () -> loop.startTls(null, CLIENT));
        assertThrows(NullPointerException.class, () -> loop.startTls(c.transport(), null));
        assertThrows(IllegalArgumentException.class,
                () -> loop.startTls(c.transport(), SERVER, "localhost", Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class,
                () -> loop.startTls(c.transport(), CLIENT, "localhost", Duration.ofSeconds(-1)));
        c.transport().close();
        closeAndWait(server);
    }

    @Test
    void failedHandshakesLeaveNoFileDescriptorBehind() throws IOException {
        OpenFileDescriptors.assumeCountable();
        Server warmUp = serve(Echo::new, SocketOptions.defaults().ssl(STRANGER));
        failure(connect(warmUp, 1, "localhost", CLIENT_TLS)); // loads the TLS classes and their files first
        closeAndWait(warmUp);
        long before = OpenFileDescriptors.count();
        Server server = serve(Echo::new, SocketOptions.defaults().ssl(STRANGER));
        for (int i = 0; i < 200; i++) {
            failure(connect(server, 1, "localhost", CLIENT_TLS));
        }
        closeAndWait(server);
        assertEquals(before, OpenFileDescriptors.count());
    }

    /** The close specification over TLS connections. */
    @Override
    public ReadsAfterClose afterClose() {
        return new ReadsAfterClose(loop, factory -> serve(factory, SERVER_TLS), (server, factory) -> loop.runUntilComplete(
                loop.createConnection(factory, "localhost", port(server), CLIENT_TLS)).transport());
    }
}
