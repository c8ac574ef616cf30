package dev.evloop.conformance;

import dev.evloop.LoopFuture;
import dev.evloop.net.Connection;
import dev.evloop.net.DatagramEndpoint;
import dev.evloop.net.DatagramProtocol;
import dev.evloop.net.DatagramTransport;
import dev.evloop.net.Protocol;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.net.Tls;
import dev.evloop.net.Transport;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The view a protocol is handed in {@code dataReceived} (and {@code datagramReceived}): writing
 * it, or slices of it, during the call sends those bytes without a copy, byte-exact, on TCP, TLS,
 * Unix sockets and UDP; writing it after the call returned is refused. Netty's paranoid leak
 * detector watches every buffer the transports take a reference on.
 */
class ReceivedViewTest extends BackendTest {
    private static final SocketOptions PLAIN = SocketOptions.defaults();

    /** Hands every received view to {@code write}, with the transport, during the call. */
    static final class Writes implements Protocol {
        private final Consumer<Writes> onData;
        Transport transport;
        ByteBuffer data;

        Writes(Consumer<Writes> onData) {
            this.onData = onData;
        }

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public void dataReceived(ByteBuffer view) {
            data = view;
            onData.accept(this);
        }
    }

    /**
     * The channel's allocator, counting the buffers evloop's transport classes ask for: the copies
     * a transport makes of what it is given (receive buffers, which the channel's read loop asks
     * for, do not count).
     */
    static final class CountingAllocator implements ByteBufAllocator {
        private final ByteBufAllocator real = ByteBufAllocator.DEFAULT;
        int copies;
        /** Where the first copy was asked for, to name the culprit when there should be none. */
        private Throwable first;

        private void counted() {
            // Receive buffers come from the channel's own read loop; a transport's copies from
            // evloop's transport classes.
            boolean byTransport = StackWalker.getInstance().walk(frames -> frames.anyMatch(
                    f -> f.getClassName().startsWith("dev.evloop.internal.net.")));
            if (byTransport && copies++ == 0) {
                first = new Throwable("the first buffer allocated");
            }
        }

        /** The count, with the stack of the first allocation. */
        String report() {
            if (first == null) {
                return "no buffer allocated";
            }
            java.io.StringWriter w = new java.io.StringWriter();
            first.printStackTrace(new java.io.PrintWriter(w));
            return copies + " buffers allocated; " + w;
        }

        @Override public ByteBuf buffer() { counted(); return real.buffer(); }
        @Override public ByteBuf buffer(int initialCapacity) { counted(); return real.buffer(initialCapacity); }
        @Override public ByteBuf buffer(int initialCapacity, int maxCapacity) { counted(); return real.buffer(initialCapacity, maxCapacity); }
        @Override public ByteBuf ioBuffer() { counted(); return real.ioBuffer(); }
        @Override public ByteBuf ioBuffer(int initialCapacity) { counted(); return real.ioBuffer(initialCapacity); }
        @Override public ByteBuf ioBuffer(int initialCapacity, int maxCapacity) { counted(); return real.ioBuffer(initialCapacity, maxCapacity); }
        @Override public ByteBuf heapBuffer() { counted(); return real.heapBuffer(); }
        @Override public ByteBuf heapBuffer(int initialCapacity) { counted(); return real.heapBuffer(initialCapacity); }
        @Override public ByteBuf heapBuffer(int initialCapacity, int maxCapacity) { counted(); return real.heapBuffer(initialCapacity, maxCapacity); }
        @Override public ByteBuf directBuffer() { counted(); return real.directBuffer(); }
        @Override public ByteBuf directBuffer(int initialCapacity) { counted(); return real.directBuffer(initialCapacity); }
        @Override public ByteBuf directBuffer(int initialCapacity, int maxCapacity) { counted(); return real.directBuffer(initialCapacity, maxCapacity); }
        @Override public CompositeByteBuf compositeBuffer() { return real.compositeBuffer(); }
        @Override public CompositeByteBuf compositeBuffer(int maxNumComponents) { return real.compositeBuffer(maxNumComponents); }
        @Override public CompositeByteBuf compositeHeapBuffer() { return real.compositeHeapBuffer(); }
        @Override public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) { return real.compositeHeapBuffer(maxNumComponents); }
        @Override public CompositeByteBuf compositeDirectBuffer() { return real.compositeDirectBuffer(); }
        @Override public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) { return real.compositeDirectBuffer(maxNumComponents); }
        @Override public boolean isDirectBufferPooled() { return real.isDirectBufferPooled(); }
        @Override public int calculateNewCapacity(int minNewCapacity, int maxCapacity) { return real.calculateNewCapacity(minNewCapacity, maxCapacity); }
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] data = new byte[n];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static int port(Server server) {
        return ((InetSocketAddress) server.addresses().get(0)).getPort();
    }

    /** Sends {@code sent} to a TCP server of {@code Writes} protocols and returns the first {@code expected} bytes back. */
    private byte[] tcpRoundTrip(Consumer<Writes> onData, SocketOptions serverOptions, SocketOptions clientOptions,
                                byte[] sent, int expected) {
        Server server = loop.runUntilComplete(loop.createServer(() -> new Writes(onData), "127.0.0.1", 0, serverOptions));
        Connection<Collector> c = loop.runUntilComplete(loop.createConnection(
                () -> new Collector(loop, expected), "127.0.0.1", port(server), clientOptions));
        try {
            c.transport().write(sent);
            return guarded(c.protocol().received);
        } finally {
            c.transport().close();
            server.close();
            loop.runUntilComplete(server.waitClosed());
        }
    }

    /** Runs the loop until {@code f} completes; a future that never does is cancelled after {@link #GUARD}. */
    private <T> T guarded(LoopFuture<T> f) {
        dev.evloop.TimerHandle guard = loop.callLater(GUARD, f::cancel);
        try {
            return loop.runUntilComplete(f);
        } finally {
            guard.cancel();
        }
    }

    /** Writes the view in three slices, the middle one made by slice(), the others by duplicate(). */
    private static void writeInSlices(Writes w) {
        ByteBuffer d = w.data;
        int n = d.remaining();
        int a = d.position() + n / 3;
        int b = d.position() + 2 * n / 3;
        w.transport.write(d.duplicate().limit(a));
        w.transport.write(d.slice(a, b - a));
        w.transport.write(d.duplicate().position(b));
    }

    @Test
    void writingTheReceivedViewDuringTheCallCopiesNothing() {
        CountingAllocator allocator = new CountingAllocator();
        byte[] data = randomBytes(1 << 20, 1);
        byte[] back = tcpRoundTrip(w -> w.transport.write(w.data),
                PLAIN.option(ChannelOption.ALLOCATOR, allocator), PLAIN, data, data.length);
        assertArrayEquals(data, back);
        assertEquals(0, allocator.copies, allocator::report);
    }

    @Test
    void writingSlicesOfTheReceivedViewCopiesNothingAndEchoesByteExact() {
        CountingAllocator allocator = new CountingAllocator();
        byte[] data = randomBytes(1 << 20, 2);
        byte[] back = tcpRoundTrip(ReceivedViewTest::writeInSlices,
                PLAIN.option(ChannelOption.ALLOCATOR, allocator), PLAIN, data, data.length);
        assertArrayEquals(data, back);
        assertEquals(0, allocator.copies, allocator::report);
    }

    @Test
    void writingTheReceivedViewTwiceSendsItTwice() {
        byte[] data = randomBytes(256 * 1024, 3);
        List<Integer> chunks = new ArrayList<>();
        byte[] back = tcpRoundTrip(w -> {
            chunks.add(w.data.remaining());
            w.transport.write(w.data);
            w.transport.write(w.data);
        }, PLAIN, PLAIN, data, 2 * data.length);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        int at = 0;
        for (int n : chunks) {
            expected.write(data, at, n);
            expected.write(data, at, n);
            at += n;
        }
        assertArrayEquals(expected.toByteArray(), back);
    }

    @Test
    void writingTheViewLeavesItsPositionAndLimitAsTheyWere() {
        List<String> moved = new ArrayList<>();
        byte[] data = randomBytes(4 << 20, 8);
        byte[] back = tcpRoundTrip(w -> {
            int position = w.data.position();
            int limit = w.data.limit();
            w.transport.write(w.data); // a large one flushes at once, inside the call
            if (w.data.position() != position || w.data.limit() != limit) {
                moved.add(position + ".." + limit + " became " + w.data.position() + ".." + w.data.limit());
            }
        }, PLAIN, PLAIN, data, data.length);
        assertArrayEquals(data, back);
        assertEquals(List.of(), moved);
    }

    @Test
    void writingTheReceivedViewOverTlsEchoesByteExact() {
        SslContext server = context(() -> Tls.serverContext(TestCertificates.LOCALHOST.certificate(),
                TestCertificates.LOCALHOST.privateKey()));
        SslContext client = context(() -> Tls.clientContext(TestCertificates.LOCALHOST.certificate()));
        byte[] data = randomBytes(1 << 20, 4);
        byte[] back = tcpRoundTrip(ReceivedViewTest::writeInSlices, PLAIN.ssl(server), PLAIN.ssl(client), data, data.length);
        assertArrayEquals(data, back);
        byte[] whole = tcpRoundTrip(w -> w.transport.write(w.data), PLAIN.ssl(server), PLAIN.ssl(client), data, data.length);
        assertArrayEquals(data, whole);
    }

    interface SslSource {
        SslContext make() throws IOException;
    }

    private static SslContext context(SslSource source) {
        try {
            return source.make();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void writingTheReceivedViewOverAUnixSocketCopiesNothingAndEchoesByteExact() throws IOException {
        Path dir = Files.createTempDirectory("evloop-view");
        Path socket = dir.resolve("s.sock");
        CountingAllocator allocator = new CountingAllocator();
        Server server = loop.runUntilComplete(loop.createUnixServer(() -> new Writes(w -> w.transport.write(w.data)),
                socket, PLAIN.option(ChannelOption.ALLOCATOR, allocator)));
        byte[] data = randomBytes(1 << 20, 5);
        Connection<Collector> c = loop.runUntilComplete(loop.createUnixConnection(
                () -> new Collector(loop, data.length), socket, PLAIN));
        try {
            c.transport().write(data);
            assertArrayEquals(data, guarded(c.protocol().received));
            assertEquals(0, allocator.copies, allocator::report);
        } finally {
            c.transport().close();
            server.close();
            loop.runUntilComplete(server.waitClosed());
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void aProtocolWritingTheViewToAnotherConnectionOfItsLoopCopiesNothing() {
        // A relay: what it receives goes to its connection to an echo server, which sends it back.
        CountingAllocator allocator = new CountingAllocator();
        byte[] data = randomBytes(256 * 1024, 6);
        Server echo = loop.runUntilComplete(loop.createServer(() -> new Writes(w -> w.transport.write(w.data)),
                "127.0.0.1", 0, PLAIN));
        Connection<Collector> upstream = loop.runUntilComplete(loop.createConnection(() -> new Collector(loop, data.length),
                "127.0.0.1", port(echo), PLAIN.option(ChannelOption.ALLOCATOR, allocator)));
        Server relay = loop.runUntilComplete(loop.createServer(() -> new Writes(w -> upstream.transport().write(w.data)),
                "127.0.0.1", 0, PLAIN));
        Connection<Collector> client = loop.runUntilComplete(loop.createConnection(
                () -> new Collector(loop, 1), "127.0.0.1", port(relay), PLAIN));
        try {
            client.transport().write(data);
            assertArrayEquals(data, guarded(upstream.protocol().received));
            assertEquals(0, allocator.copies, allocator::report);
        } finally {
            client.transport().close();
            upstream.transport().close();
            relay.close();
            echo.close();
            loop.runUntilComplete(relay.waitClosed());
            loop.runUntilComplete(echo.waitClosed());
        }
    }

    @Test
    void writingTheViewAfterDataReceivedReturnedIsRefused() {
        LoopFuture<Throwable> outcome = loop.createFuture();
        byte[] data = {1, 2, 3};
        Server server = loop.runUntilComplete(loop.createServer(() -> new Writes(w -> loop.callSoon(() -> {
            try {
                w.transport.write(w.data);
                outcome.setResult(null);
            } catch (RuntimeException e) {
                outcome.setResult(e);
            }
        })), "127.0.0.1", 0, PLAIN));
        Connection<Collector> c = loop.runUntilComplete(loop.createConnection(
                () -> new Collector(loop, 1), "127.0.0.1", port(server), PLAIN));
        try {
            c.transport().write(data);
            Throwable refused = guarded(outcome);
            assertInstanceOf(IllegalStateException.class, refused);
            assertTrue(refused.getMessage().startsWith("data: "), refused.getMessage());
        } finally {
            c.transport().close();
            server.close();
            loop.runUntilComplete(server.waitClosed());
        }
    }

    @Test
    void theViewIsEmptyOnceDataReceivedReturned() {
        LoopFuture<Integer> left = loop.createFuture();
        Server server = loop.runUntilComplete(loop.createServer(
                () -> new Writes(w -> loop.callSoon(() -> left.setResult(w.data.remaining()))), "127.0.0.1", 0, PLAIN));
        Connection<Collector> c = loop.runUntilComplete(loop.createConnection(
                () -> new Collector(loop, 1), "127.0.0.1", port(server), PLAIN));
        try {
            c.transport().write(new byte[] {1, 2, 3});
            assertEquals(0, guarded(left), "bytes a kept view still shows after its call");
        } finally {
            c.transport().close();
            server.close();
            loop.runUntilComplete(server.waitClosed());
        }
    }

    @Test
    void writingAViewKeptPastALaterCallSendsNoneOfItsMemory() {
        List<ByteBuffer> views = new ArrayList<>();
        Server server = loop.runUntilComplete(loop.createServer(() -> new Writes(w -> {
            views.add(w.data);
            if (views.size() == 2) {
                loop.callSoon(() -> { // after both calls returned: the first view is not the last dead one
                    w.transport.write(views.get(0));
                    w.transport.write(new byte[] {'e', 'n', 'd'});
                });
            }
        }), "127.0.0.1", 0, PLAIN));
        Connection<Collector> c = loop.runUntilComplete(loop.createConnection(
                () -> new Collector(loop, 3), "127.0.0.1", port(server), PLAIN));
        try {
            c.transport().write(new byte[] {'f', 'i', 'r', 's', 't'});
            loop.runUntilComplete(() -> {
                for (int i = 0; i < 1000 && views.isEmpty(); i++) {
                    dev.evloop.Async.sleep(0.001);
                }
                return null;
            });
            c.transport().write(new byte[] {'S', 'E', 'C', 'O', 'N', 'D'});
            assertEquals("end", new String(guarded(c.protocol().received), java.nio.charset.StandardCharsets.US_ASCII));
        } finally {
            c.transport().close();
            server.close();
            loop.runUntilComplete(server.waitClosed());
        }
    }

    /** Sends each datagram back with the view it was handed, during the call or, if told, after. */
    static final class DatagramEcho implements DatagramProtocol {
        final LoopFuture<Throwable> laterOutcome;
        final boolean later;
        DatagramTransport transport;

        DatagramEcho(dev.evloop.EventLoop loop, boolean later) {
            this.laterOutcome = loop.createFuture();
            this.later = later;
        }

        @Override
        public void connectionMade(DatagramTransport t) {
            transport = t;
        }

        @Override
        public void datagramReceived(ByteBuffer data, SocketAddress from) {
            if (!later) {
                transport.sendTo(data.slice(1, data.remaining() - 1), from); // all but the first byte
                return;
            }
            dev.evloop.EventLoops.getRunningLoop().callSoon(() -> {
                try {
                    transport.sendTo(data, from);
                    laterOutcome.setResult(null);
                } catch (RuntimeException e) {
                    laterOutcome.setResult(e);
                }
            });
        }
    }

    /** Receives one datagram. */
    static final class OneDatagram implements DatagramProtocol {
        final LoopFuture<byte[]> received;

        OneDatagram(dev.evloop.EventLoop loop) {
            this.received = loop.createFuture();
        }

        @Override
        public void datagramReceived(ByteBuffer data, SocketAddress from) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            if (!received.isDone()) {
                received.setResult(bytes);
            }
        }
    }

    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress("127.0.0.1", 0);

    @Test
    void sendingASliceOfTheReceivedDatagramBackCopiesNothingAndIsByteExact() {
        CountingAllocator allocator = new CountingAllocator();
        DatagramEndpoint<DatagramEcho> server = loop.runUntilComplete(loop.createDatagramEndpoint(
                () -> new DatagramEcho(loop, false), ANY_LOOPBACK_PORT, null, PLAIN.option(ChannelOption.ALLOCATOR, allocator)));
        DatagramEndpoint<OneDatagram> client = loop.runUntilComplete(loop.createDatagramEndpoint(
                () -> new OneDatagram(loop), null, (InetSocketAddress) server.transport().localAddress(), PLAIN));
        byte[] data = randomBytes(1200, 7);
        client.transport().sendTo(data, null);
        byte[] back = guarded(client.protocol().received);
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 1, data.length), back);
        assertEquals(0, allocator.copies, allocator::report);
        client.transport().close();
        server.transport().close();
    }

    @Test
    void theDatagramViewIsEmptyOnceDatagramReceivedReturned() {
        LoopFuture<Integer> left = loop.createFuture();
        DatagramEndpoint<DatagramProtocol> server = loop.runUntilComplete(loop.createDatagramEndpoint(
                () -> new DatagramProtocol() {
                    @Override
                    public void datagramReceived(ByteBuffer data, SocketAddress from) {
                        loop.callSoon(() -> left.setResult(data.remaining()));
                    }
                }, ANY_LOOPBACK_PORT, null, PLAIN));
        DatagramEndpoint<OneDatagram> client = loop.runUntilComplete(loop.createDatagramEndpoint(
                () -> new OneDatagram(loop), null, (InetSocketAddress) server.transport().localAddress(), PLAIN));
        client.transport().sendTo(new byte[] {1, 2, 3}, null);
        assertEquals(0, guarded(left), "bytes a kept view still shows after its call");
        client.transport().close();
        server.transport().close();
    }

    @Test
    void sendingTheReceivedDatagramViewAfterTheCallReturnedIsRefused() {
        DatagramEndpoint<DatagramEcho> server = loop.runUntilComplete(loop.createDatagramEndpoint(
                () -> new DatagramEcho(loop, true), ANY_LOOPBACK_PORT, null, PLAIN));
        DatagramEndpoint<OneDatagram> client = loop.runUntilComplete(loop.createDatagramEndpoint(
                () -> new OneDatagram(loop), null, (InetSocketAddress) server.transport().localAddress(), PLAIN));
        client.transport().sendTo(new byte[] {1, 2, 3}, null);
        Throwable refused = guarded(server.protocol().laterOutcome);
        assertInstanceOf(IllegalStateException.class, refused);
        client.transport().close();
        server.transport().close();
    }
}
