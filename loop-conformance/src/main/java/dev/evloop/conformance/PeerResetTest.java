package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.LoopFuture;
import dev.evloop.net.Protocol;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.net.Tls;
import dev.evloop.net.Transport;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that reset their connection at awkward moments, a thousand at a time ({@link #soak}: a
 * hundred in fallback mode, where nothing here runs differently): the server ends
 * each connection exactly once and keeps no descriptor of any. The clients are plain JDK sockets
 * on another thread, so only the server runs on the backend under test. (Netty 4.2.18's io_uring
 * transport, with its multishot POLLIN polls, kept every connection reset just after sending
 * data open for good; see {@code IoUringBackend}.)
 */
class PeerResetTest extends BackendTest {
    private static final int CONNECTIONS = soak(1000);
    /** The first connections load classes and open the files they need; counting starts after them. */
    private static final int WARM_UP = 20;
    /** Clients at once: a real server meets many at a time. */
    private static final int CLIENT_THREADS = 8;
    private static final int TIMEOUT_MILLIS = (int) GUARD.toMillis();

    @TempDir
    Path dir;

    /** Starts a server whose connections are the given sides. */
    private interface Serve {
        Server serve(Supplier<Side> sides);
    }

    /** One client connection, on a thread of its own. */
    private interface Client {
        void run(Server server) throws Exception;
    }

    /**
     * A server-side connection: counts its {@code connectionLost} calls. Over TLS the protocol
     * exists from the accept on, but hears of its connection only once the handshake is done.
     */
    private final class Side implements Protocol {
        private final Consumer<Transport> onMade;
        private boolean made;
        private int lost;

        Side(Consumer<Transport> onMade) {
            this.onMade = onMade;
        }

        @Override
        public void connectionMade(Transport t) {
            made = true;
            onMade.accept(t);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
        }

        @Override
        public void connectionLost(Throwable cause) {
            lost++;
        }

        /** What happened to it, in words, for the report of a failure. */
        String fate() {
            return (made ? "made" : "never made") + ", lost " + lost + "x";
        }
    }

    private Serve tcp(SocketOptions options) {
        return sides -> loop.runUntilComplete(loop.createServer(sides, "127.0.0.1", 0, options));
    }

    private static Socket connect(Server server) throws IOException {
        Socket s = new Socket();
        s.setSoTimeout(TIMEOUT_MILLIS);
        s.connect(server.addresses().get(0), TIMEOUT_MILLIS);
        return s;
    }

    /** SO_LINGER 0: closing sends a reset, not a FIN. */
    private static void reset(Socket s) throws IOException {
        s.setSoLinger(true, 0);
        s.close();
    }

    /**
     * What makes a reset after data an awkward one: without a pause the data and the reset reach
     * the server together; with a millisecond's, the reset comes while the server is busy with
     * the data (how a client that gives up on a partial request behaves). Netty's multishot poll
     * lost 50 of 50 such connections, and none when the client waited for the server to read.
     * Sleeping here times nothing: it only makes the awkward order likely.
     */
    private static void pause() throws InterruptedException {
        Thread.sleep(1);
    }

    /**
     * Serves {@value #WARM_UP}, then {@code connections} clients, each round on a server of its
     * own, and checks that the descriptors are back where they were before the second round.
     * {@code clientThreads} clients run at once, on platform threads made before the count.
     */
    private void serveMany(Serve serve, Consumer<Transport> onMade, int clientThreads, Client client)
            throws IOException {
        serveMany(serve, onMade, clientThreads, client, CONNECTIONS);
    }

    private void serveMany(Serve serve, Consumer<Transport> onMade, int clientThreads, Client client,
                           int connections) throws IOException {
        OpenFileDescriptors.assumeCountable();
        // Platform threads: a virtual thread's blocking socket parks on the JDK's pollers, which
        // open descriptors of their own as more carriers join in.
        ExecutorService clients = Executors.newFixedThreadPool(clientThreads);
        try {
            serveAndCheck(serve, onMade, clients, clientThreads, client, WARM_UP, false);
            long before = OpenFileDescriptors.count();
            serveAndCheck(serve, onMade, clients, clientThreads, client, connections, true);
            assertEquals(before, OpenFileDescriptors.count(), "every connection's descriptor is released");
        } finally {
            clients.shutdown();
        }
    }

    /**
     * Serves that many clients: the server must end each connection it made exactly once, and
     * not tell a protocol whose connection it never made of its loss. With {@code awaitDescriptors},
     * waits (within the guard) for the descriptors too: a handshake cut short ends no protocol's
     * connection, so they are the only sign; a warm-up round may open files for good.
     */
    private void serveAndCheck(Serve serve, Consumer<Transport> onMade, ExecutorService executor,
                               int clientThreads, Client client, int connections, boolean awaitDescriptors)
            throws IOException {
        List<Side> sides = new ArrayList<>();
        Server server = serve.serve(() -> {
            Side side = new Side(onMade);
            sides.add(side);
            return side;
        });
        long listening = OpenFileDescriptors.count();
        List<LoopFuture<Void>> clients = new ArrayList<>();
        for (int thread = 0; thread < clientThreads; thread++) {
            int first = thread;
            clients.add(loop.runInExecutor(executor, () -> {
                for (int i = first; i < connections; i += clientThreads) {
                    client.run(server);
                }
                return null;
            }));
        }
        clients.forEach(loop::runUntilComplete);
        // Each reset reaches the server in its own time: wait, within the guard, for every end.
        loop.runUntilComplete(() -> {
            long deadline = System.nanoTime() + GUARD.toNanos();
            while ((awaitDescriptors && OpenFileDescriptors.count() > listening
                    || sides.stream().anyMatch(side -> side.made && side.lost == 0))
                    && System.nanoTime() < deadline) {
                Async.sleep(0.01);
            }
            return null;
        });
        Map<String, Long> fates = sides.stream()
                .collect(Collectors.groupingBy(Side::fate, TreeMap::new, Collectors.counting()));
        assertTrue(Set.of("made, lost 1x", "never made, lost 0x").containsAll(fates.keySet()),
                () -> "connections by what happened to them: " + fates);
        if (awaitDescriptors) {
            assertEquals(listening, OpenFileDescriptors.count(), "descriptors the server still holds");
        }
        server.close();
        // waitClosed waits for the server's connections too: a leaked one would hold it for good.
        loop.runUntilComplete(() -> Async.waitFor(server.waitClosed(), GUARD));
    }

    @Test
    void clientsThatResetJustAfterSendingDataLeaveNoConnectionOpen() throws IOException {
        serveMany(tcp(SocketOptions.defaults()), t -> { }, CLIENT_THREADS, server -> {
            Socket s = connect(server);
            s.getOutputStream().write('x');
            pause();
            reset(s);
        });
    }

    @Test
    void clientsThatResetRightAfterConnectingWhileTheServerWritesLeaveNoConnectionOpen() throws IOException {
        byte[] greeting = new byte[64 * 1024];
        serveMany(tcp(SocketOptions.defaults()), t -> t.write(greeting), CLIENT_THREADS,
                server -> reset(connect(server)));
    }

    @Test
    void clientsThatResetInTheMiddleOfALargeResponseLeaveNoConnectionOpen() throws IOException {
        byte[] response = new byte[1 << 20];
        serveMany(tcp(SocketOptions.defaults()), t -> t.write(response), CLIENT_THREADS, server -> {
            Socket s = new Socket();
            s.setReceiveBufferSize(4096); // the response cannot all fit in the kernel's buffers
            s.setSoTimeout(TIMEOUT_MILLIS);
            s.connect(server.addresses().get(0), TIMEOUT_MILLIS);
            assertTrue(s.getInputStream().read() >= 0, "the response should begin");
            reset(s);
        });
    }

    @Test
    void clientsThatResetDuringTheTlsHandshakeLeaveNoConnectionOpen() throws Exception {
        SslContext tls = Tls.serverContext(TestCertificates.LOCALHOST.certificate(),
                TestCertificates.LOCALHOST.privateKey());
        byte[] clientHello = clientHello();
        serveMany(tcp(SocketOptions.defaults().ssl(tls)), t -> { }, CLIENT_THREADS, server -> {
            Socket s = connect(server);
            s.getOutputStream().write(clientHello);
            pause();
            reset(s);
        }, CONNECTIONS);
    }

    @Test
    void unixClientsThatCloseJustAfterSendingDataLeaveNoConnectionOpen() throws IOException {
        Path[] path = new Path[1];
        int[] rounds = {0};
        Serve unix = sides -> {
            path[0] = dir.resolve("s" + rounds[0]++ + ".sock");
            return loop.runUntilComplete(loop.createUnixServer(sides, path[0], SocketOptions.defaults()));
        };
        serveMany(unix, t -> { }, CLIENT_THREADS, server -> {
            // A Unix socket has no reset: closing right after sending is the nearest thing.
            try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                c.connect(UnixDomainSocketAddress.of(path[0]));
                c.write(ByteBuffer.wrap(new byte[] {'x'}));
                pause();
            }
        });
    }

    /** The first flight of a TLS client: what a real client sends before the server answers. */
    private static byte[] clientHello() throws Exception {
        SSLEngine engine = SSLContext.getDefault().createSSLEngine("localhost", 443);
        engine.setUseClientMode(true);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        return Arrays.copyOf(out.array(), out.position());
    }
}
