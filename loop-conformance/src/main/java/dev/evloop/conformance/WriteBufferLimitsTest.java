package dev.evloop.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.LoopFuture;
import dev.evloop.net.BaseProtocol;
import dev.evloop.net.Connection;
import dev.evloop.net.DatagramEndpoint;
import dev.evloop.net.Protocol;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.net.Transport;
import dev.evloop.conformance.DatagramTest.Recorder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * asyncio's {@code set_write_buffer_limits} on every transport that writes: limits lowered under
 * what the transport already holds pause the protocol at once (asyncio calls
 * {@code _maybe_pause_protocol} there), and the protocol resumes once the buffer falls to the new
 * low mark, with every byte delivered in order.
 */
class WriteBufferLimitsTest extends BackendTest {
    private static final SocketOptions OPTIONS = SocketOptions.defaults();
    /** More than the kernel's buffers of a loopback connection take, so most of it stays in the transport. */
    private static final int HELD = 16 << 20;
    private static final int HIGH = 256 << 10;
    private static final int LOW = 64 << 10;

    @TempDir
    Path dir;

    /** Records the write flow control the transport asks of it, and its loss. */
    static final class FlowRecorder implements Protocol {
        final List<String> events = new ArrayList<>();
        final LoopFuture<Throwable> lost;

        FlowRecorder(EventLoop loop) {
            this.lost = loop.createFuture();
        }

        @Override
        public void pauseWriting() {
            events.add("pause");
        }

        @Override
        public void resumeWriting() {
            events.add("resume");
        }

        @Override
        public void dataReceived(ByteBuffer data) {
        }

        @Override
        public void connectionLost(Throwable cause) {
            lost.setResult(cause);
        }
    }

    /** A server side that reads nothing until told to, then collects what arrives. */
    static final class HeldReader extends Collector {
        final LoopFuture<HeldReader> made;

        HeldReader(EventLoop loop, LoopFuture<HeldReader> made, int expected) {
            super(loop, expected);
            this.made = made;
        }

        @Override
        public void connectionMade(Transport t) {
            super.connectionMade(t);
            t.pauseReading();
            made.setResult(this);
        }
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    /** Runs {@code body} in a callback on the loop's thread and returns what it returned. */
    private <T> T onLoop(Supplier<T> body) {
        LoopFuture<T> done = loop.createFuture();
        loop.callSoon(() -> {
            try {
                done.setResult(body.get());
            } catch (RuntimeException | Error e) {
                done.setException(e);
            }
        });
        return loop.runUntilComplete(done);
    }

    /**
     * Writes {@link #HELD} bytes under limits high enough not to pause, to a peer that reads
     * nothing, lowers the limits under what the transport holds, and returns the flow control the
     * protocol heard by the time that call returned.
     */
    private List<String> writeThenLowerTheLimits(Transport t, FlowRecorder protocol, byte[] data) {
        return onLoop(() -> {
            t.setWriteBufferLimits(2 * HELD, HELD);
            t.write(data);
            t.setWriteBufferLimits(HIGH, LOW);
            return List.copyOf(protocol.events);
        });
    }

    /**
     * The specification for a connection: {@code serve} starts a server of the given protocols,
     * {@code connect} connects one to it.
     */
    private void assertLoweredLimitsPauseAtOnceAndResumeOnceDrained(
            Function<Supplier<? extends BaseProtocol>, Server> serve,
            Function<Server, LoopFuture<Connection<FlowRecorder>>> connect) {
        byte[] data = random(HELD);
        LoopFuture<HeldReader> made = loop.createFuture();
        Server server = serve.apply(() -> new HeldReader(loop, made, HELD));
        Connection<FlowRecorder> c = loop.runUntilComplete(connect.apply(server));
        HeldReader reader = loop.runUntilComplete(made);

        List<String> atOnce = writeThenLowerTheLimits(c.transport(), c.protocol(), data);

        assertEquals(List.of("pause"), atOnce, "limits lowered under the buffer pause the protocol within the call");
        reader.transport.resumeReading();
        assertArrayEquals(data, loop.runUntilComplete(reader.received));
        assertEquals(List.of("pause", "resume"), c.protocol().events, "the drained buffer resumes the protocol once");
        c.transport().close();
        assertNull(loop.runUntilComplete(c.protocol().lost));
        server.close();
        loop.runUntilComplete(server.waitClosed());
    }

    private static int port(Server server) {
        return ((InetSocketAddress) server.addresses().get(0)).getPort();
    }

    private Server tcpServer(Supplier<? extends BaseProtocol> factory) {
        return loop.runUntilComplete(loop.createServer(factory, "127.0.0.1", 0, OPTIONS));
    }

    private LoopFuture<Connection<FlowRecorder>> tcpClient(Server server) {
        return loop.createConnection(() -> new FlowRecorder(loop), "127.0.0.1", port(server), OPTIONS);
    }

    private Path unixSocket() {
        return dir.resolve("s.sock");
    }

    private Server unixServer(Supplier<? extends BaseProtocol> factory) {
        return loop.runUntilComplete(loop.createUnixServer(factory, unixSocket(), OPTIONS));
    }

    private LoopFuture<Connection<FlowRecorder>> unixClient(Server server) {
        return loop.createUnixConnection(() -> new FlowRecorder(loop), unixSocket(), OPTIONS);
    }

    private Server tlsServer(Supplier<? extends BaseProtocol> factory) {
        return loop.runUntilComplete(loop.createServer(factory, "127.0.0.1", 0, TlsTest.SERVER_TLS));
    }

    private LoopFuture<Connection<FlowRecorder>> tlsClient(Server server) {
        return loop.createConnection(() -> new FlowRecorder(loop), "localhost", port(server), TlsTest.CLIENT_TLS);
    }

    @Test
    void limitsLoweredUnderWhatATcpTransportHoldsPauseWritingAtOnceAndResumeOnceItDrains() {
        assertLoweredLimitsPauseAtOnceAndResumeOnceDrained(this::tcpServer, this::tcpClient);
    }

    @Test
    void limitsLoweredUnderWhatAUnixSocketTransportHoldsPauseWritingAtOnceAndResumeOnceItDrains() {
        assertLoweredLimitsPauseAtOnceAndResumeOnceDrained(this::unixServer, this::unixClient);
    }

    @Test
    void limitsLoweredUnderWhatATlsTransportHoldsPauseWritingAtOnceAndResumeOnceItDrains() {
        assertLoweredLimitsPauseAtOnceAndResumeOnceDrained(this::tlsServer, this::tlsClient);
    }

    @Test
    void limitsLoweredUnderWhatADatagramTransportHoldsPauseWritingAtOnceAndResumeOnceItIsSent() {
        DatagramEndpoint<Recorder> receiver = loop.runUntilComplete(loop.createDatagramEndpoint(
                () -> new Recorder(loop), new InetSocketAddress("127.0.0.1", 0), null, OPTIONS));
        InetSocketAddress to = (InetSocketAddress) receiver.transport().localAddress();
        List<String> flow = new ArrayList<>();
        DatagramEndpoint<Recorder> sender = loop.runUntilComplete(loop.createDatagramEndpoint(() -> new Recorder(loop) {
            @Override
            public void pauseWriting() {
                flow.add("pause");
            }

            @Override
            public void resumeWriting() {
                flow.add("resume");
            }
        }, null, to, OPTIONS));

        // Sent from a callback, the datagrams wait in the transport for the flush before the next poll.
        List<String> atOnce = onLoop(() -> {
            for (int i = 0; i < 10; i++) {
                sender.transport().sendTo(new byte[] {(byte) i}, null);
            }
            sender.transport().setWriteBufferLimits(1, 0);
            return List.copyOf(flow);
        });

        assertEquals(List.of("pause"), atOnce, "limits lowered under the buffer pause the protocol within the call");
        for (int i = 0; i < 10; i++) {
            byte expected = (byte) i;
            assertArrayEquals(new byte[] {expected}, loop.runUntilComplete(() -> receiver.protocol().datagrams.get()).data());
        }
        loop.runUntilComplete(() -> {
            while (flow.size() < 2) {
                Async.sleep(0.001);
            }
            return null;
        });
        assertEquals(List.of("pause", "resume"), flow, "the sent datagrams resume the protocol once");
        sender.transport().close();
        receiver.transport().close();
        loop.runUntilComplete(sender.protocol().lost);
        loop.runUntilComplete(receiver.protocol().lost);
    }

    @Test
    void limitsLoweredUnderWhatAWritePipeHoldsPauseWritingAtOnceAndResumeOnceItDrains() throws Exception {
        Pipe pipe = Pipe.open();
        byte[] data = random(1 << 20);
        Connection<FlowRecorder> c = loop.runUntilComplete(loop.connectWritePipe(() -> new FlowRecorder(loop), pipe.sink()));

        List<String> atOnce = onLoop(() -> {
            c.transport().setWriteBufferLimits(2 << 20, 1 << 20);
            c.transport().write(data);
            c.transport().setWriteBufferLimits(HIGH, LOW);
            c.transport().close();
            return List.copyOf(c.protocol().events);
        });

        assertEquals(List.of("pause"), atOnce, "limits lowered under the buffer pause the protocol within the call");
        CompletableFuture<byte[]> read = PipeTransportTest.readAllFrom(pipe.source());
        assertNull(loop.runUntilComplete(c.protocol().lost));
        assertArrayEquals(data, read.get(GUARD.toSeconds(), TimeUnit.SECONDS));
        assertEquals(List.of("pause", "resume"), c.protocol().events, "the drained pipe resumes the protocol once");
    }


    /**
     * The specification for closing: on a connection whose limits are under the overhead Netty
     * counts per queued message, {@code end} (a close or a half-close) neither pauses nor
     * resumes writing, as asyncio's, which writes nothing then, never does.
     */
    private void assertEndingPausesNobody(Function<Supplier<? extends BaseProtocol>, Server> serve,
            Function<Server, LoopFuture<Connection<FlowRecorder>>> connect, Consumer<Transport> end) {
        LoopFuture<HeldReader> made = loop.createFuture();
        Server server = serve.apply(() -> new HeldReader(loop, made, 0));
        Connection<FlowRecorder> c = loop.runUntilComplete(connect.apply(server));
        HeldReader reader = loop.runUntilComplete(made);

        List<String> inTheCall = onLoop(() -> {
            c.transport().setWriteBufferLimits(0, 0);
            end.accept(c.transport());
            return List.copyOf(c.protocol().events);
        });
        loop.runUntilComplete(loop.createTask(() -> {
            Async.sleep(0.05); // the loop's turns after the call, where a resume would come
            return null;
        }));

        assertEquals(List.of(), inTheCall, "flow control heard within the call");
        assertEquals(List.of(), c.protocol().events, "flow control heard after the call");
        c.transport().abort();
        reader.transport.abort();
        loop.runUntilComplete(c.protocol().lost);
        server.close();
        loop.runUntilComplete(server.waitClosed());
    }

    @Test
    void closingATcpTransportWithLimitsOfZeroNeitherPausesNorResumesWriting() {
        assertEndingPausesNobody(this::tcpServer, this::tcpClient, Transport::close);
    }

    @Test
    void writeEofOnATcpTransportWithLimitsOfZeroNeitherPausesNorResumesWriting() {
        assertEndingPausesNobody(this::tcpServer, this::tcpClient, Transport::writeEof);
    }

    @Test
    void closingAUnixSocketTransportWithLimitsOfZeroNeitherPausesNorResumesWriting() {
        assertEndingPausesNobody(this::unixServer, this::unixClient, Transport::close);
    }

    @Test
    void writeEofOnAUnixSocketTransportWithLimitsOfZeroNeitherPausesNorResumesWriting() {
        assertEndingPausesNobody(this::unixServer, this::unixClient, Transport::writeEof);
    }

    @Test
    void closingATlsTransportWithLimitsOfZeroNeitherPausesNorResumesWriting() {
        assertEndingPausesNobody(this::tlsServer, this::tlsClient, Transport::close);
    }

    /**
     * asyncio's {@code set_write_buffer_limits} leaves {@code get_write_buffer_size()} as it was.
     * evloop may send what the kernel takes meanwhile (here nothing much: the peer reads nothing
     * and the write filled the kernel's buffers), so the size never grows.
     */
    @Test
    void loweringTheLimitsNeverGrowsTheWriteBufferSize() {
        byte[] data = random(HELD);
        LoopFuture<HeldReader> made = loop.createFuture();
        Server server = tcpServer(() -> new HeldReader(loop, made, HELD));
        Connection<FlowRecorder> c = loop.runUntilComplete(tcpClient(server));
        HeldReader reader = loop.runUntilComplete(made);

        long[] sizes = onLoop(() -> {
            c.transport().setWriteBufferLimits(2 * HELD, HELD);
            c.transport().write(data);
            long before = c.transport().writeBufferSize();
            c.transport().setWriteBufferLimits(HIGH, LOW);
            return new long[] {before, c.transport().writeBufferSize()};
        });

        assertTrue(sizes[1] <= sizes[0], "writeBufferSize() grew from " + sizes[0] + " to " + sizes[1]
                + " when the limits were lowered");
        reader.transport.resumeReading();
        assertArrayEquals(data, loop.runUntilComplete(reader.received));
        assertEquals(0, c.transport().writeBufferSize(), "once all was sent");
        c.transport().close();
        assertNull(loop.runUntilComplete(c.protocol().lost));
        server.close();
        loop.runUntilComplete(server.waitClosed());
    }
}
