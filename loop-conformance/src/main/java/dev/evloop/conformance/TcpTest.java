package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.LoopFuture;
import dev.evloop.ReturnWhen;
import dev.evloop.Task;
import dev.evloop.TaskGroup;
import dev.evloop.TaskGroupException;
import dev.evloop.net.BaseProtocol;
import dev.evloop.net.BufferedProtocol;
import dev.evloop.net.Connection;
import dev.evloop.net.Protocol;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.net.Transport;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelOption;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** TCP servers, connections, transports and protocols: asyncio's rules on every backend. */
class TcpTest extends BackendTest implements ClosingTransportContract {
    private static final SocketOptions OPTIONS = SocketOptions.defaults();

    /** Writes back whatever arrives. */
    static final class Echo implements Protocol {
        private Transport transport;

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            transport.write(data);
        }
    }

    /** Echo, receiving into its own buffer. */
    static final class BufferedEcho implements BufferedProtocol {
        private final ByteBuffer buffer = ByteBuffer.allocate(8192);
        private Transport transport;

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public ByteBuffer getBuffer(int sizeHint) {
            return buffer.clear();
        }

        @Override
        public void bufferUpdated(int bytes) {
            transport.write(buffer.duplicate().position(0).limit(bytes));
        }
    }

    /** Counts what arrives; at the peer's EOF, replies {@code got N} on the still-open write side and closes. */
    static final class CountThenReply implements Protocol {
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
    }

    private Server serve(Supplier<? extends BaseProtocol> factory) {
        return loop.runUntilComplete(loop.createServer(factory, "127.0.0.1", 0, OPTIONS));
    }

    private Connection<Collector> connect(Server server, int expected) {
        return connect(server, expected, OPTIONS);
    }

    private Connection<Collector> connect(Server server, int expected, SocketOptions options) {
        return loop.runUntilComplete(
                loop.createConnection(() -> new Collector(loop, expected), "127.0.0.1", port(server), options));
    }

    private static int port(Server server) {
        return ((InetSocketAddress) server.addresses().get(0)).getPort();
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] data = new byte[n];
        new Random(seed).nextBytes(data);
        return data;
    }

    private void echoRoundTrip(Supplier<? extends BaseProtocol> serverProtocol) {
        Server server = serve(serverProtocol);
        for (int size : new int[] {1, 1000, 64 * 1024, 100 * 1024, 1 << 20, 8 << 20}) {
            byte[] data = randomBytes(size, size);
            Connection<Collector> c = connect(server, size);
            c.transport().write(data);
            byte[] back = loop.runUntilComplete(c.protocol().received);
            assertArrayEquals(data, back, "echo of " + size + " bytes");
            c.transport().close();
            assertNull(loop.runUntilComplete(c.protocol().lost));
        }
        server.close();
        loop.runUntilComplete(server.waitClosed());
    }

    @Test
    void protocolEchoIsByteExactFromOneByteToEightMebibytes() {
        echoRoundTrip(Echo::new);
    }

    @Test
    void bufferedProtocolEchoIsByteExactFromOneByteToEightMebibytes() {
        echoRoundTrip(BufferedEcho::new);
    }

    /** Echo through a buffer of 7 free bytes behind 3 it keeps: every read takes several fills, none at index 0. */
    static final class SmallOffsetBufferedEcho implements BufferedProtocol {
        private final ByteBuffer buffer = ByteBuffer.allocate(10);
        private Transport transport;

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public ByteBuffer getBuffer(int sizeHint) {
            return buffer.clear().position(3);
        }

        @Override
        public void bufferUpdated(int bytes) {
            transport.write(buffer.duplicate().position(3).limit(3 + bytes));
        }
    }

    @Test
    void aBufferedProtocolWithABufferSmallerThanAReadGetsEveryByteInOrderAtItsBuffersPosition() {
        Server server = serve(SmallOffsetBufferedEcho::new);
        byte[] data = randomBytes(20_000, 7);
        Connection<Collector> c = connect(server, data.length);
        c.transport().write(data);
        assertArrayEquals(data, loop.runUntilComplete(c.protocol().received));
        c.transport().close();
        server.close();
        loop.runUntilComplete(server.waitClosed());
    }

    @Test
    void aThousandConcurrentConnectionsAllEcho() {
        Server server = serve(Echo::new);
        int n = 1000;
        List<Connection<Collector>> conns = loop.runUntilComplete(() -> {
            List<LoopFuture<Connection<Collector>>> pending = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                pending.add(loop.createConnection(() -> new Collector(loop, 64), "127.0.0.1", port(server), OPTIONS));
            }
            return Async.gather(pending).await();
        });
        for (int i = 0; i < n; i++) {
            conns.get(i).transport().write(randomBytes(64, i));
        }
        for (int i = 0; i < n; i++) {
            assertArrayEquals(randomBytes(64, i), loop.runUntilComplete(conns.get(i).protocol().received));
        }
        conns.forEach(c -> c.transport().close());
        server.close();
        loop.runUntilComplete(server.waitClosed());
    }

    @Test
    void writingAByteBufferCopiesItFromItsPositionAndLeavesThePositionAlone() {
        Server server = serve(Echo::new);
        Connection<Collector> c = connect(server, 3);
        ByteBuffer data = ByteBuffer.wrap(new byte[] {9, 1, 2, 3}).position(1);
        c.transport().write(data);
        assertEquals(1, data.position());
        assertEquals(4, data.limit());
        data.put(1, (byte) 7); // the transport copied: changing the buffer now changes nothing sent
        assertArrayEquals(new byte[] {1, 2, 3}, loop.runUntilComplete(c.protocol().received));
        c.transport().close();
        server.close();
    }

    @Test
    void connectionMadeHasRunWhenCreateConnectionCompletes() {
        Server server = serve(Echo::new);
        Connection<Collector> c = connect(server, 1);
        assertTrue(c.protocol().transport == c.transport());
        assertEquals(new InetSocketAddress("127.0.0.1", port(server)), c.transport().remoteAddress());
        c.transport().close();
        server.close();
    }

    @Test
    void aProtocolFactoryThatThrowsFailsTheConnectionWithWhatItThrew() {
        Server server = serve(Echo::new);
        IllegalStateException thrown = new IllegalStateException("no protocol today");
        Supplier<Protocol> failing = () -> {
            throw thrown;
        };
        LoopFuture<Connection<Protocol>> f = loop.createConnection(failing, "127.0.0.1", port(server), OPTIONS);
        assertSame(thrown, assertThrows(IllegalStateException.class, () -> loop.runUntilComplete(f)));
        server.close();
    }

    @Test
    void bothEndsOfAConnectionAreOpenConnectionsOfTheLoopUntilTheirSocketsClose() {
        Server server = serve(Echo::new);
        Connection<Collector> c = connect(server, 1);
        c.transport().write(new byte[] {1});
        loop.runUntilComplete(c.protocol().received); // the echo: the server's end exists too
        Set<Transport> open = loop.openConnections();
        assertEquals(2, open.size(), String.valueOf(open));
        assertEquals(c.transport(), open.iterator().next(), "the client's end opened first");

        c.transport().close();
        loop.runUntilComplete(c.protocol().lost);
        loop.runUntilComplete(() -> {
            for (int i = 0; i < 1000 && !loop.openConnections().isEmpty(); i++) {
                Async.sleep(Duration.ofMillis(1)); // the server's end closes at the client's EOF
            }
            return null;
        });
        assertEquals(Set.of(), loop.openConnections());
        server.close();
    }

    @Test
    void theOpenConnectionsRefuseAnotherThreadWhileTheLoopRuns() throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        loop.runUntilComplete(() -> {
            Thread other = Thread.ofPlatform().start(() -> {
                try {
                    loop.openConnections();
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            other.join();
            return null;
        });
        assertTrue(failure.get() instanceof IllegalStateException, String.valueOf(failure.get()));
        assertTrue(failure.get().getMessage().contains("openConnections"), failure.get().getMessage());
    }

    @Test
    void aByteBufReleasedAfterATaskWroteItLosesItsConnectionNotTheLoop() {
        Server server = serve(Echo::new);
        Connection<Collector> c = connect(server, 1);
        loop.runUntilComplete(() -> {
            io.netty.buffer.ByteBuf buf = io.netty.buffer.Unpooled.buffer(1).writeByte(1);
            c.transport().write(buf);
            buf.release(); // the caller's mistake: the transport owned it
            Async.sleep(Duration.ofMillis(10)); // the loop sends the task's writes meanwhile
            return null;
        });
        Throwable lost = loop.runUntilComplete(c.protocol().lost);
        assertTrue(lost instanceof io.netty.util.IllegalReferenceCountException, String.valueOf(lost));
        assertEquals(3, loop.runUntilComplete(loop.createTask(() -> 3)), "the loop runs on");
        server.close();
    }

    @Test
    void aRefusedConnectionFailsWithConnectException() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        LoopFuture<Connection<Collector>> f = loop.createConnection(() -> new Collector(loop, 1), "127.0.0.1", port, OPTIONS);
        CompletionException e = assertThrows(CompletionException.class, () -> loop.runUntilComplete(f));
        assertTrue(e.getCause() instanceof ConnectException, String.valueOf(e.getCause()));
    }

    @Test
    void halfCloseFromTheClientLetsTheServerReplyThenClose() {
        Server server = serve(CountThenReply::new);
        Connection<Collector> c = connect(server, Integer.MAX_VALUE);
        c.transport().write(new byte[500]);
        assertTrue(c.transport().canWriteEof());
        c.transport().writeEof();
        assertThrows(IllegalStateException.class, () -> c.transport().write(new byte[1]));
        assertNull(loop.runUntilComplete(c.protocol().lost));
        assertEquals("got 500", c.protocol().bytes.toString());
        assertEquals(1, c.protocol().lostCalls);
        server.close();
    }

    @Test
    void writeEofOnAClosingTransportIsIgnoredAndTheCloseGoesOn() {
        Server server = serve(Echo::new);
        Connection<Collector> c = connect(server, Integer.MAX_VALUE);
        c.transport().close();
        c.transport().writeEof(); // as asyncio's socket transport, once closing
        assertNull(loop.runUntilComplete(c.protocol().lost));
        c.transport().writeEof(); // and once closed
        assertEquals(1, c.protocol().lostCalls);
        server.close();
    }

    @Test
    void halfCloseFromTheServerLetsTheClientKeepWriting() {
        ByteArrayOutputStream serverGot = new ByteArrayOutputStream();
        LoopFuture<Void> serverLost = loop.createFuture();
        Server server = serve(() -> new Protocol() {
            @Override
            public void connectionMade(Transport t) {
                t.write("bye".getBytes());
                t.writeEof();
            }

            @Override
            public void dataReceived(ByteBuffer data) {
                byte[] b = new byte[data.remaining()];
                data.get(b);
                serverGot.write(b, 0, b.length);
            }

            @Override
            public void connectionLost(Throwable cause) {
                serverLost.setResult(null);
            }
        });
        boolean[] eof = new boolean[1];
        Collector collector = new Collector(loop, Integer.MAX_VALUE) {
            @Override
            public boolean eofReceived() {
                eof[0] = true;
                transport.write("still here".getBytes()); // our side is still open
                transport.close();
                return true;
            }
        };
        loop.runUntilComplete(loop.createConnection(() -> collector, "127.0.0.1", port(server), OPTIONS));
        loop.runUntilComplete(serverLost);
        loop.runUntilComplete(collector.lost);
        assertTrue(eof[0]);
        assertEquals("bye", collector.bytes.toString());
        assertEquals("still here", serverGot.toString());
        server.close();
    }

    @Test
    void aPeerResetMidStreamEndsTheConnectionOnceWithTheError() {
        List<Throwable> lost = new ArrayList<>();
        LoopFuture<Void> gone = loop.createFuture();
        Server server = serve(() -> new Protocol() {
            @Override
            public void connectionLost(Throwable cause) {
                lost.add(cause);
                gone.setResult(null);
            }
        });
        SocketOptions linger0 = OPTIONS.option(ChannelOption.SO_LINGER, 0);
        Connection<Collector> c = connect(server, 1, linger0);
        c.transport().write(new byte[1000]);
        loop.runUntilComplete(() -> {
            Async.sleep(0.01);
            c.transport().abort(); // SO_LINGER 0: the peer sees a reset
            return null;
        });
        loop.runUntilComplete(gone);
        loop.runUntilComplete(() -> {
            Async.sleep(0.01);
            return null;
        });
        assertEquals(1, lost.size());
        assertTrue(lost.get(0) instanceof IOException, String.valueOf(lost.get(0)));
        server.close();
    }

    @Test
    void aProtocolThatThrowsAbortsItsConnectionNotTheLoop() {
        List<String> reported = new ArrayList<>();
        loop.setExceptionHandler((l, ctx) -> reported.add(ctx.message()));
        Server server = serve(() -> new Protocol() {
            @Override
            public void dataReceived(ByteBuffer data) {
                throw new IllegalStateException("protocol bug");
            }
        });
        Connection<Collector> c = connect(server, 1);
        c.transport().write(new byte[10]);
        loop.runUntilComplete(c.protocol().lost);
        assertEquals(List.of("Fatal error: protocol.dataReceived() call failed."), reported);
        assertEquals(42, loop.runUntilComplete(() -> 42), "the loop goes on");
        server.close();
    }

    @Test
    void aServerWritingToAClientThatDoesNotReadIsPausedAndResumedAndNothingIsLost() {
        long total = 100L << 20;
        int chunk = 64 * 1024;
        long[] maxBuffered = new long[1];
        int[] pauses = new int[1];
        int[] resumes = new int[1];
        Server server = serve(() -> new Protocol() {
            private Transport t;
            private long sent;
            private boolean paused;

            @Override
            public void connectionMade(Transport transport) {
                t = transport;
                pump();
            }

            private void pump() {
                while (!paused && sent < total) {
                    byte[] data = new byte[chunk];
                    for (int i = 0; i < chunk; i++) {
                        data[i] = (byte) ((sent + i) % 251);
                    }
                    t.write(data);
                    sent += chunk;
                    maxBuffered[0] = Math.max(maxBuffered[0], t.writeBufferSize());
                }
                if (sent >= total) {
                    t.close();
                }
            }

            @Override
            public void pauseWriting() {
                pauses[0]++;
                paused = true;
            }

            @Override
            public void resumeWriting() {
                resumes[0]++;
                paused = false;
                pump();
            }
        });
        long[] received = {0};
        boolean[] inOrder = {true};
        LoopFuture<Void> done = loop.createFuture();
        Transport[] client = new Transport[1];
        loop.runUntilComplete(loop.createConnection(() -> new Protocol() {
            @Override
            public void connectionMade(Transport transport) {
                client[0] = transport;
                transport.pauseReading();
            }

            @Override
            public void dataReceived(ByteBuffer data) {
                while (data.hasRemaining()) {
                    if (data.get() != (byte) (received[0]++ % 251)) {
                        inOrder[0] = false;
                    }
                }
            }

            @Override
            public void connectionLost(Throwable cause) {
                done.setResult(null);
            }
        }, "127.0.0.1", port(server), OPTIONS));
        loop.runUntilComplete(() -> {
            Async.sleep(0.05); // the server fills the socket buffers and pauses
            assertFalse(client[0].isReading());
            assertEquals(0, received[0], "pauseReading held the data back");
            client[0].resumeReading();
            return null;
        });
        loop.runUntilComplete(done);
        assertEquals(total, received[0]);
        assertTrue(inOrder[0], "bytes arrived in order");
        assertTrue(pauses[0] >= 1 && resumes[0] >= 1, pauses[0] + " pauses, " + resumes[0] + " resumes");
        assertTrue(maxBuffered[0] <= 64 * 1024 + chunk, "buffer stayed near the high-water mark: " + maxBuffered[0]);
        server.close();
    }

    @Test
    void closingTheServerStopsListeningButKeepsLiveConnections() {
        Server server = serve(Echo::new);
        int port = port(server);
        Connection<Collector> live = loop.runUntilComplete(
                loop.createConnection(() -> new Collector(loop, 5), "127.0.0.1", port, OPTIONS));
        server.close();
        assertFalse(server.isServing());
        live.transport().write("still".getBytes());
        assertEquals("still", new String(loop.runUntilComplete(live.protocol().received)));
        LoopFuture<Void> closed = server.waitClosed();
        assertFalse(closed.isDone(), "a live connection keeps waitClosed pending");
        live.transport().close();
        loop.runUntilComplete(closed);
        LoopFuture<Connection<Collector>> refused = loop.createConnection(() -> new Collector(loop, 1), "127.0.0.1", port, OPTIONS);
        assertThrows(CompletionException.class, () -> loop.runUntilComplete(refused));
    }

    @Test
    void serveForeverEndsWhenItsTaskIsCancelledAndClosesTheServer() {
        Server server = serve(Echo::new);
        LoopFuture<Void> entering = loop.createFuture();
        var task = loop.createTask(() -> {
            entering.setResult(null); // its callbacks run after this step, which suspends in serveForever
            server.serveForever();
            return null;
        });
        // Not a timer: on a loaded host a timer can fire before the task's first step has run.
        entering.addDoneCallback(f -> task.cancel());
        assertThrows(java.util.concurrent.CancellationException.class, () -> loop.runUntilComplete(task));
        assertFalse(server.isServing());
    }

    @Test
    void serveForeverAbortedByAFailingTaskGroupChildClosesTheServer() {
        Server server = serve(Echo::new);
        LoopFuture<Void> entering = loop.createFuture();
        var task = loop.createTask(() -> TaskGroup.run(group -> {
            group.spawn(() -> {
                entering.await(); // fails once the body waits in serveForever
                throw new IllegalStateException("a sibling failed");
            });
            entering.setResult(null);
            server.serveForever();
            return null;
        }));
        assertThrows(TaskGroupException.class, () -> loop.runUntilComplete(task));
        assertFalse(server.isServing());
    }

    /** Closes {@code server} and waits until it is gone. */
    static void closeAndWait(EventLoop loop, Server server) {
        server.close();
        loop.runUntilComplete(server.waitClosed());
    }

    /** What serveForever, called in a task of {@code loop}, raises on {@code server}, closed by then. */
    static void assertServeForeverRefusesTheClosedServer(EventLoop loop, Server server) {
        String named = server.toString();
        IllegalStateException e = loop.runUntilComplete(() -> assertThrows(IllegalStateException.class, server::serveForever));
        assertEquals("server " + named + " is closed", e.getMessage());
        assertFalse(server.isServing());
    }

    /** What startServing raises on {@code server}, closed by then. */
    static void assertStartServingRefusesTheClosedServer(Server server) {
        String named = server.toString();
        IllegalStateException e = assertThrows(IllegalStateException.class, server::startServing);
        assertEquals("server " + named + " is closed", e.getMessage());
        assertFalse(server.isServing());
    }

    /** A second serveForever, while a task of {@code loop} waits in one, raises; the first goes on serving. */
    static void assertASecondServeForeverIsRefused(EventLoop loop, Server server) {
        String named = server.toString();
        IllegalStateException e = loop.runUntilComplete(() -> {
            Task<Void> first = Async.spawn(() -> {
                server.serveForever();
                return null;
            });
            Async.yieldNow(); // it waits in serveForever
            Async.yieldNow();
            Task<Void> second = Async.spawn(() -> {
                server.serveForever();
                return null;
            });
            // Bounded: a second serveForever that is not refused serves until the server closes.
            Async.wait(List.of(second), Duration.ofSeconds(10), ReturnWhen.ALL_COMPLETED);
            boolean refusedInTime = second.isDone();
            second.cancel();
            assertTrue(server.isServing(), "the first still serves");
            assertFalse(first.isDone());
            first.cancel();
            assertTrue(refusedInTime, "the second serveForever was not refused");
            return assertInstanceOf(IllegalStateException.class, second.exception());
        });
        assertEquals("server " + named + " is already being awaited on serveForever()", e.getMessage());
    }

    @Test
    void serveForeverOnAClosedServerThrowsNamingIt() {
        Server server = serve(Echo::new);
        closeAndWait(loop, server);
        assertServeForeverRefusesTheClosedServer(loop, server);
    }

    @Test
    void serveForeverRightAfterCloseThrowsBeforeTheListenersAreClosed() {
        Server server = serve(Echo::new);
        String named = server.toString();
        IllegalStateException e = loop.runUntilComplete(() -> {
            server.close();
            return assertThrows(IllegalStateException.class, server::serveForever);
        });
        assertTrue(e.getMessage().endsWith(" is closed"), e.getMessage());
        assertTrue(e.getMessage().contains(named.substring(0, named.length() - 1)), e.getMessage());
    }

    @Test
    void startServingOnAClosedServerThrowsNamingIt() {
        Server server = loop.runUntilComplete(loop.createServer(Echo::new, "127.0.0.1", 0, OPTIONS.startServing(false)));
        closeAndWait(loop, server);
        assertStartServingRefusesTheClosedServer(server);
    }

    @Test
    void aSecondServeForeverWhileOneWaitsThrows() {
        Server server = serve(Echo::new);
        assertASecondServeForeverIsRefused(loop, server);
        assertFalse(server.isServing(), "the cancelled serveForever closed it");
    }

    @Test
    void aServerCreatedWithoutStartServingAcceptsOnlyOnceStarted() {
        Server server = loop.runUntilComplete(loop.createServer(Echo::new, "127.0.0.1", 0, OPTIONS.startServing(false)));
        assertFalse(server.isServing());
        server.startServing();
        assertTrue(server.isServing());
        server.close();
    }

    @Test
    void badArgumentsAreRejectedAtTheCall() {
        assertThrows(IllegalArgumentException.class, () -> loop.createServer(Echo::new, "127.0.0.1", 70000, OPTIONS));
        assertThrows(NullPointerException.class, () -> loop.createConnection(Echo::new, null, 1, OPTIONS));
        assertThrows(NullPointerException.class, () -> loop.createServer(null, "127.0.0.1", 0, OPTIONS));
        Server server = serve(Echo::new);
        Connection<Collector> c = connect(server, 1);
        assertThrows(IllegalArgumentException.class, () -> c.transport().setWriteBufferLimits(10, 20));
        c.transport().close();
        server.close();
    }

    @Test
    void tenThousandConnectCloseCyclesLeaveNoFileDescriptorBehind() throws IOException {
        OpenFileDescriptors.assumeCountable();
        Server server = serve(Echo::new);
        int port = port(server);
        long before = OpenFileDescriptors.count();
        loop.runUntilComplete(() -> {
            for (int i = 0; i < 10_000; i++) {
                Connection<Collector> c = loop.createConnection(() -> new Collector(loop, 1), "127.0.0.1", port, OPTIONS).await();
                c.transport().close();
                c.protocol().lost.await();
            }
            Async.sleep(0.05); // the server side's closes arrive
            return null;
        });
        assertEquals(before, OpenFileDescriptors.count());
        server.close();
    }

    /** The close specification over TCP connections. */
    @Override
    public ReadsAfterClose afterClose() {
        return new ReadsAfterClose(loop, this::serve, (server, factory) -> loop.runUntilComplete(
                loop.createConnection(factory, "127.0.0.1", port(server), OPTIONS)).transport());
    }
}
