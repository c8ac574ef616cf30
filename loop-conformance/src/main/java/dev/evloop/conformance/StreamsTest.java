package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.ReturnWhen;
import dev.evloop.Task;
import dev.evloop.WaitResult;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.streams.IncompleteReadException;
import dev.evloop.streams.LimitOverrunException;
import dev.evloop.streams.StreamHandler;
import dev.evloop.streams.StreamReader;
import dev.evloop.streams.StreamWriter;
import dev.evloop.sync.AsyncEvent;
import dev.evloop.streams.Streams;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslHandler;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/** StreamReader and StreamWriter over TCP: asyncio's streams. */
class StreamsTest extends BackendTest {
    private static final SocketOptions OPTIONS = SocketOptions.defaults();

    /** Echoes until the peer's EOF, then closes. */
    static final StreamHandler ECHO = (reader, writer) -> {
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

    /** Echoes until the peer's EOF, passing on the buffers it reads: the zero-copy pair. */
    static final StreamHandler BUFFER_ECHO = (reader, writer) -> {
        ByteBuf chunk;
        while ((chunk = reader.readRetained(64 * 1024)).isReadable()) {
            writer.write(chunk);
            writer.drain();
        }
        writer.close();
    };

    /**
     * Writes until more than a mebibyte stays in the writer's own buffer (the kernel's are full:
     * the peer does not read yet), so that the writer is paused.
     */
    static void fillUntilPaused(StreamWriter writer) {
        byte[] chunk = new byte[1 << 20];
        for (int i = 0; i < 256 && writer.transport().writeBufferSize() <= chunk.length; i++) {
            writer.write(chunk);
            Async.sleep(0.001);
        }
    }

    /**
     * Fills the writer until it pauses, then has two tasks drain it at once; once both wait,
     * {@code peerReads} lets the peer read everything.
     *
     * @return how many of the two drains returned (within a bound far above what draining takes)
     */
    static int drainersThatReturn(StreamWriter writer, Runnable peerReads) {
        fillUntilPaused(writer);
        List<Task<Boolean>> drainers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            drainers.add(Async.spawn(() -> {
                writer.drain();
                return true;
            }));
        }
        for (int i = 0; i < 3; i++) {
            Async.yieldNow(); // both wait
        }
        peerReads.run();
        WaitResult<Boolean> r = Async.wait(drainers, Duration.ofSeconds(20), ReturnWhen.ALL_COMPLETED);
        r.pending().forEach(dev.evloop.LoopFuture::cancel);
        return r.done().size();
    }

    private static int port(Server server) {
        return ((InetSocketAddress) server.addresses().get(0)).getPort();
    }

    @Test
    void streamsEchoIsByteExactFromOneByteToEightMebibytes() {
        assertEchoesByteExact(ECHO, (writer, data) -> writer.write(data));
    }

    /**
     * Echoes 1 B to 8 MiB through {@code server}, each written by {@code write} and read back to
     * the end, after which the reader is at its end.
     */
    private void assertEchoesByteExact(StreamHandler server, BiConsumer<StreamWriter, byte[]> write) {
        loop.runUntilComplete(() -> {
            Server listening = Async.startServer(server, "127.0.0.1", 0, OPTIONS);
            for (int size : new int[] {1, 1000, 100 * 1024, 1 << 20, 8 << 20}) {
                byte[] data = new byte[size];
                new Random(size).nextBytes(data);
                Streams s = Async.openConnection("127.0.0.1", port(listening), OPTIONS);
                Task<byte[]> reading = Async.spawn(() -> s.reader().read());
                write.accept(s.writer(), data);
                s.writer().drain();
                s.writer().writeEof();
                assertArrayEquals(data, reading.await(), "echo of " + size + " bytes");
                assertTrue(s.reader().atEof());
                s.writer().close();
                s.writer().waitClosed();
            }
            listening.close();
            listening.waitClosed().await();
            return null;
        });
    }

    @Test
    void aThousandConcurrentStreamConnectionsAllEcho() {
        int n = 1000;
        List<byte[]> echoed = loop.runUntilComplete(() -> {
            Server server = Async.startServer(ECHO, "127.0.0.1", 0, OPTIONS.backlog(n));
            List<Task<byte[]>> clients = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                byte[] data = payload(i);
                clients.add(Async.spawn(() -> {
                    Streams s = Async.openConnection("127.0.0.1", port(server), OPTIONS);
                    s.writer().write(data);
                    s.writer().writeEof();
                    byte[] back = s.reader().read();
                    s.writer().close();
                    return back;
                }));
            }
            List<byte[]> results = Async.gather(clients).await();
            server.close();
            server.waitClosed().await();
            return results;
        });
        for (int i = 0; i < n; i++) {
            assertArrayEquals(payload(i), echoed.get(i), "connection " + i);
        }
    }

    private static byte[] payload(int seed) {
        byte[] data = new byte[64];
        new Random(seed).nextBytes(data);
        return data;
    }

    @Test
    void twoTasksDrainingOneWriterAtOnceBothReturnOnceItDrains() {
        int returned = loop.runUntilComplete(() -> {
            AsyncEvent go = new AsyncEvent();
            Server server = Async.startServer((r, w) -> {
                go.await(); // not reading yet: the kernel's buffers fill, then the client's
                discard(r, w);
            }, "127.0.0.1", 0, OPTIONS);
            Streams s = Async.openConnection("127.0.0.1", port(server), OPTIONS);
            int n = drainersThatReturn(s.writer(), go::set);
            s.writer().close();
            server.close();
            return n;
        });
        assertEquals(2, returned);
    }

    @Test
    void twoTasksDrainingWhenTheConnectionIsLostBothRaise() {
        List<Throwable> raised = loop.runUntilComplete(() -> {
            AsyncEvent go = new AsyncEvent();
            Server server = Async.startServer((r, w) -> {
                go.await(); // not reading: the client's writes stay buffered
                w.transport().abort();
            }, "127.0.0.1", 0, OPTIONS);
            Streams s = Async.openConnection("127.0.0.1", port(server), OPTIONS);
            fillUntilPaused(s.writer());
            List<Task<Void>> drainers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                drainers.add(Async.spawn(() -> {
                    s.writer().drain();
                    return null;
                }));
            }
            for (int i = 0; i < 3; i++) {
                Async.yieldNow(); // both wait
            }
            go.set();
            WaitResult<Void> r = Async.wait(drainers, Duration.ofSeconds(20), ReturnWhen.ALL_COMPLETED);
            r.pending().forEach(dev.evloop.LoopFuture::cancel);
            List<Throwable> errors = new ArrayList<>();
            for (Task<Void> d : drainers) {
                if (d.isDone() && !d.isCancelled() && d.exception() != null) {
                    errors.add(d.exception());
                }
            }
            s.writer().close();
            server.close();
            return errors;
        });
        assertEquals(2, raised.size(), "both drains raised: " + raised);
        for (Throwable e : raised) {
            assertTrue(e instanceof UncheckedIOException, String.valueOf(e));
        }
    }

    /** Reads and drops everything, then closes. */
    static void discard(StreamReader reader, StreamWriter writer) {
        while (reader.read(1 << 16).length > 0) {
            // dropped
        }
        writer.close();
    }

    @Test
    void theBufferPairEchoesByteExactFromOneByteToEightMebibytes() {
        assertEchoesByteExact(BUFFER_ECHO, (writer, data) -> writer.write(Unpooled.wrappedBuffer(data.clone())));
    }

    @Test
    void readRetainedOfLessThanArrivedHandsOverThatMuchAndLeavesTheRestInOrderForAnyRead() {
        List<String> got = loop.runUntilComplete(() -> {
            Server server = Async.startServer((r, w) -> {
                w.write("abcdefgh\nij".getBytes(StandardCharsets.US_ASCII));
                w.close();
            }, "127.0.0.1", 0, OPTIONS);
            Streams s = Async.openConnection("127.0.0.1", port(server), OPTIONS);
            List<String> parts = new ArrayList<>();
            s.reader().readExactly(1); // at least the first arrival is there
            ByteBuf two = s.reader().readRetained(2);
            try {
                parts.add(two.toString(StandardCharsets.US_ASCII));
            } finally {
                two.release();
            }
            parts.add(new String(s.reader().readLine(), StandardCharsets.US_ASCII));
            ByteBuf rest = s.reader().readRetained(100);
            try {
                parts.add(rest.toString(StandardCharsets.US_ASCII));
            } finally {
                rest.release();
            }
            server.close();
            return parts;
        });
        assertEquals(List.of("bc", "defgh\n", "ij"), got);
    }

    @Test
    void readRetainedAtTheEndOfTheStreamReturnsAnEmptyBuffer() {
        int readable = loop.runUntilComplete(() -> {
            Server server = Async.startServer((r, w) -> w.close(), "127.0.0.1", 0, OPTIONS);
            Streams s = Async.openConnection("127.0.0.1", port(server), OPTIONS);
            ByteBuf end = s.reader().readRetained(100);
            int n = end.readableBytes();
            end.release();
            s.writer().close();
            server.close();
            return n;
        });
        assertEquals(0, readable);
    }

    @Test
    void readRetainedRefusesANegativeCountNamingIt() {
        StreamReader reader = new StreamReader(loop, StreamReader.DEFAULT_LIMIT);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> reader.readRetained(-1));
        assertTrue(e.getMessage().contains("n must not be negative"), e.getMessage());
    }

    @Test
    void bytesLeftUnreadWhenTheConnectionIsLostCanStillBeReadAfterwards() {
        byte[] data = payload(7);
        byte[] got = loop.runUntilComplete(() -> {
            Server server = Async.startServer((r, w) -> {
                w.write(data);
                w.close();
            }, "127.0.0.1", 0, OPTIONS);
            Streams s = Async.openConnection("127.0.0.1", port(server), OPTIONS);
            s.writer().close();
            s.writer().waitClosed(); // the connection is gone, its buffers with it
            byte[] all = s.reader().read();
            server.close();
            return all;
        });
        assertArrayEquals(data, got);
    }

    @Test
    void aBufferWrittenAfterWriteEofIsRefusedAndReleased() {
        ByteBuf buf = Unpooled.buffer(4).writeInt(1);
        Throwable e = loop.runUntilComplete(() -> {
            Server server = Async.startServer(StreamsTest::discard, "127.0.0.1", 0, OPTIONS);
            Streams s = Async.openConnection("127.0.0.1", port(server), OPTIONS);
            s.writer().writeEof();
            Throwable refused = assertThrows(IllegalStateException.class, () -> s.writer().write(buf));
            s.writer().close();
            server.close();
            return refused;
        });
        assertTrue(e.getMessage().contains("writeEof"), e.getMessage());
        assertEquals(0, buf.refCnt(), "the writer released the buffer it refused");
    }

    @Test
    void aBufferWrittenToAClosingWriterIsDroppedAndReleased() {
        ByteBuf buf = Unpooled.buffer(4).writeInt(1);
        loop.runUntilComplete(() -> {
            Server server = Async.startServer(StreamsTest::discard, "127.0.0.1", 0, OPTIONS);
            Streams s = Async.openConnection("127.0.0.1", port(server), OPTIONS);
            s.writer().close();
            s.writer().write(buf);
            server.close();
            return null;
        });
        assertEquals(0, buf.refCnt(), "the writer released the buffer it dropped");
    }

    @Test
    void aTaskThatWaitsOnAReaderBeforeAWokenOneRunsMakesTheWokenOnesNextWaitRaise() {
        Object[] outcome = loop.runUntilComplete(() -> {
            StreamReader reader = new StreamReader(loop, StreamReader.DEFAULT_LIMIT);
            Task<byte[]> first = Async.spawn(() -> reader.readExactly(4));
            for (int i = 0; i < 3; i++) {
                Async.yieldNow(); // it waits
            }
            reader.feedData(ByteBuffer.wrap("ab".getBytes(StandardCharsets.US_ASCII))); // wakes it; it has not run yet
            loop.callLater(0.01, () -> reader.feedData(ByteBuffer.wrap("cdefghij".getBytes(StandardCharsets.US_ASCII))));
            byte[] second = Async.timeout(Duration.ofSeconds(10), () -> reader.readExactly(10)); // waits now, this task
            Throwable firstFailure = assertThrows(IllegalStateException.class, first::await);
            return new Object[] {new String(second, StandardCharsets.US_ASCII), firstFailure};
        });
        assertEquals("abcdefghij", outcome[0]);
        assertTrue(((Throwable) outcome[1]).getMessage().contains("another task is already waiting"),
                String.valueOf(outcome[1]));
    }

    @Test
    void aFailureThatEndsTheNextWaitLeavesAReadWokenBeforeItToReturnItsData() {
        Object[] outcome = loop.runUntilComplete(() -> {
            StreamReader reader = new StreamReader(loop, StreamReader.DEFAULT_LIMIT);
            Task<byte[]> first = Async.spawn(() -> reader.read(100));
            for (int i = 0; i < 3; i++) {
                Async.yieldNow(); // it waits
            }
            loop.callSoon(() -> reader.setException(new IllegalStateException("reset"))); // runs before the woken read
            reader.feedData(ByteBuffer.wrap("ab".getBytes(StandardCharsets.US_ASCII))); // wakes it; it has not run yet
            Throwable secondFailure = assertThrows(IllegalStateException.class, () -> reader.readExactly(10)); // waits now
            return new Object[] {new String(first.await(), StandardCharsets.US_ASCII), secondFailure.getMessage()};
        });
        assertEquals("ab", outcome[0]);
        assertEquals("reset", outcome[1]);
    }

    @Test
    void aReadThatTakesEverythingKeepsItsBytesWhenMoreArrive() {
        StreamReader reader = new StreamReader(loop, StreamReader.DEFAULT_LIMIT);
        byte[] first = payload(1);
        byte[] second = payload(2);
        reader.feedData(ByteBuffer.wrap(first));
        byte[] got = reader.read(4096);
        reader.feedData(ByteBuffer.wrap(second));
        assertArrayEquals(first, got);
        assertArrayEquals(second, reader.read(4096));
    }

    @Test
    void partialReadsAndLaterArrivalsComeOutInOrder() {
        StreamReader reader = new StreamReader(loop, StreamReader.DEFAULT_LIMIT);
        reader.feedData(ByteBuffer.wrap("abcdef".getBytes()));
        assertEquals("ab", new String(reader.read(2)));
        reader.feedData(ByteBuffer.wrap("ghij".getBytes()));
        assertEquals("cdefghij", new String(reader.read(100)));
        reader.feedData(ByteBuffer.wrap("kl\nmn".getBytes()));
        assertEquals("kl\n", new String(reader.readLine()));
        reader.feedEof();
        assertEquals("mn", new String(reader.read(100)));
        assertTrue(reader.atEof());
    }

    @Test
    void readLineReturnsLinesWithTheirNewlineAndTheRestAtEof() {
        List<String> lines = loop.runUntilComplete(() -> {
            Server server = Async.startServer((r, w) -> {
                w.write("one\ntwo\nthree".getBytes());
                w.close();
            }, "127.0.0.1", 0, OPTIONS);
            Streams s = Async.openConnection("127.0.0.1", port(server), OPTIONS);
            List<String> got = new ArrayList<>();
            byte[] line;
            while ((line = s.reader().readLine()).length > 0) {
                got.add(new String(line));
            }
            server.close();
            return got;
        });
        assertEquals(List.of("one\n", "two\n", "three"), lines);
    }

    @Test
    void aLineOverTheLimitRaisesLimitOverrunAndItsBytesCanStillBeRead() {
        byte[] longLine = new byte[70_001];
        Arrays.fill(longLine, (byte) 'a');
        longLine[70_000] = '\n';
        byte[] got = loop.runUntilComplete(() -> {
            Server server = Async.startServer((r, w) -> {
                w.write(longLine);
                w.write("next\n".getBytes());
                w.close();
            }, "127.0.0.1", 0, OPTIONS);
            Streams s = Async.openConnection("127.0.0.1", port(server), OPTIONS);
            assertThrows(LimitOverrunException.class, () -> s.reader().readLine());
            byte[] all = s.reader().readExactly(longLine.length);
            assertEquals("next\n", new String(s.reader().readLine()));
            server.close();
            return all;
        });
        assertArrayEquals(longLine, got);
    }

    @Test
    void readExactlyAtEofRaisesIncompleteReadWithThePartialBytes() {
        IncompleteReadException e = loop.runUntilComplete(() -> {
            Server server = Async.startServer((r, w) -> {
                w.write("0123456789".getBytes());
                w.close();
            }, "127.0.0.1", 0, OPTIONS);
            Streams s = Async.openConnection("127.0.0.1", port(server), OPTIONS);
            try {
                s.reader().readExactly(20);
                return null;
            } catch (IncompleteReadException incomplete) {
                return incomplete;
            } finally {
                server.close();
            }
        });
        assertEquals("0123456789", new String(e.partial()));
        assertEquals(20, e.expected());
    }

    @Test
    void openConnectionToAClosedPortFailsWithConnectException() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Throwable e = loop.runUntilComplete(() -> {
            try {
                Async.openConnection("127.0.0.1", port, OPTIONS);
                return null;
            } catch (UncheckedIOException failure) {
                return failure.getCause();
            }
        });
        assertTrue(e instanceof ConnectException, String.valueOf(e));
    }

    @Test
    void drainSuspendsWhileThePeerIsSlowAndNothingIsLost() {
        int total = 16 << 20;
        long[] maxAfterDrain = new long[1];
        int[] received = loop.runUntilComplete(() -> {
            int[] count = new int[1];
            Server server = Async.startServer((r, w) -> {
                Async.sleep(0.05); // a slow reader at first
                byte[] chunk;
                while ((chunk = r.read(1 << 16)).length > 0) {
                    count[0] += chunk.length;
                }
                w.close();
            }, "127.0.0.1", 0, OPTIONS);
            Streams s = Async.openConnection("127.0.0.1", port(server), OPTIONS);
            byte[] chunk = new byte[64 * 1024];
            for (int sent = 0; sent < total; sent += chunk.length) {
                s.writer().write(chunk);
                s.writer().drain();
                maxAfterDrain[0] = Math.max(maxAfterDrain[0], s.writer().transport().writeBufferSize());
            }
            s.writer().writeEof();
            s.writer().waitClosed();
            server.close();
            return count;
        });
        assertEquals(total, received[0]);
        assertTrue(maxAfterDrain[0] <= 2 * 64 * 1024, "drain let the buffer grow to " + maxAfterDrain[0]);
    }

    @Test
    void aReaderThatFallsBehindPausesTheTransportAndResumesItWhenRead() {
        boolean[] pausedSeen = new boolean[1];
        int size = 1 << 20;
        int got = loop.runUntilComplete(() -> {
            Server server = Async.startServer((r, w) -> {
                w.write(new byte[size]);
                w.drain();
                w.close();
            }, "127.0.0.1", 0, OPTIONS);
            Streams s = Async.openConnection("127.0.0.1", port(server), OPTIONS);
            for (int i = 0; i < 200 && !pausedSeen[0]; i++) {
                Async.sleep(0.002);
                pausedSeen[0] = !s.writer().transport().isReading();
            }
            int n = s.reader().read().length;
            server.close();
            return n;
        });
        assertTrue(pausedSeen[0], "the transport paused reading past twice the limit");
        assertEquals(size, got);
    }

    @Test
    void aFailingHandlerIsReportedAndItsConnectionAborted() {
        List<String> reported = new ArrayList<>();
        loop.setExceptionHandler((l, c) -> reported.add(c.message()));
        byte[] rest = loop.runUntilComplete(() -> {
            Server server = Async.startServer((r, w) -> {
                throw new IllegalStateException("handler bug");
            }, "127.0.0.1", 0, OPTIONS);
            Streams s = Async.openConnection("127.0.0.1", port(server), OPTIONS);
            byte[] all = s.reader().read();
            server.close();
            return all;
        });
        assertEquals(0, rest.length);
        assertEquals(List.of("Unhandled exception in a stream handler"), reported);
    }

    @Test
    void writingAfterTheConnectionIsLostFailsInDrain() {
        Throwable e = loop.runUntilComplete(() -> {
            Server server = Async.startServer((r, w) -> w.transport().abort(), "127.0.0.1", 0, OPTIONS);
            Streams s = Async.openConnection("127.0.0.1", port(server), OPTIONS);
            s.reader().read(); // the peer is gone; our side is still open for writing
            server.close();
            try {
                for (int i = 0; i < 500; i++) { // the peer answers our data with a reset
                    s.writer().write(new byte[1024]);
                    s.writer().drain();
                    Async.sleep(0.002);
                }
                return null;
            } catch (UncheckedIOException lost) {
                return lost;
            }
        });
        assertTrue(e instanceof UncheckedIOException, String.valueOf(e));
        assertFalse(e.getMessage().isEmpty());
    }

    /**
     * Resets each connection it accepts (SO_LINGER 0, then abort), as a peer that crashes does:
     * over TLS without the close_notify a TLS close sends first, after which a reset is no error.
     */
    static final StreamHandler RESET = (reader, writer) -> {
        Channel channel = writer.transport().channel();
        channel.config().setOption(ChannelOption.SO_LINGER, 0);
        if (channel.pipeline().get(SslHandler.class) != null) {
            channel.pipeline().remove(SslHandler.class);
        }
        writer.transport().abort();
    };

    /**
     * Over a connection the peer resets: what a {@code waitClosed} already waiting when the reset
     * comes raises, and what one called after raises.
     */
    private List<Throwable> waitClosedFailures(SocketOptions serverOptions, SocketOptions clientOptions) {
        return loop.runUntilComplete(() -> {
            Server server = Async.startServer(RESET, "127.0.0.1", 0, serverOptions);
            Streams s = Async.openConnection("127.0.0.1", port(server), clientOptions);
            Task<Throwable> waiting = Async.spawn(() -> {
                try {
                    s.writer().waitClosed();
                    return null;
                } catch (RuntimeException e) {
                    return e;
                }
            });
            Throwable first = Async.timeout(Duration.ofSeconds(10), waiting::await);
            Throwable later = null;
            try {
                s.writer().waitClosed();
            } catch (RuntimeException e) {
                later = e;
            }
            server.close();
            return Arrays.asList(first, later);
        });
    }

    @Test
    void waitClosedRaisesTheErrorATcpConnectionWasLostWith() {
        for (Throwable e : waitClosedFailures(OPTIONS, OPTIONS)) {
            assertInstanceOf(UncheckedIOException.class, e, "the reset");
        }
    }

    @Test
    void waitClosedRaisesTheErrorATlsConnectionWasLostWith() {
        for (Throwable e : waitClosedFailures(TlsTest.SERVER_TLS, TlsTest.CLIENT_TLS)) {
            assertInstanceOf(UncheckedIOException.class, e, "the reset");
        }
    }

    @Test
    void waitClosedReturnsAfterACleanClose() {
        loop.runUntilComplete(() -> {
            Server server = Async.startServer((r, w) -> w.close(), "127.0.0.1", 0, OPTIONS);
            Streams s = Async.openConnection("127.0.0.1", port(server), OPTIONS);
            assertEquals(0, s.reader().read().length);
            s.writer().close();
            s.writer().waitClosed();
            server.close();
            return null;
        });
    }

    @Test
    void aStreamReaderIsNotFedWhatArrivesAfterItsWriterCloses() {
        new ReadsAfterClose(loop,
                factory -> loop.runUntilComplete(loop.createServer(factory, "127.0.0.1", 0, OPTIONS)),
                (server, factory) -> loop.runUntilComplete(loop.createConnection(factory, "127.0.0.1",
                        ((InetSocketAddress) server.addresses().get(0)).getPort(), OPTIONS)).transport())
                .aStreamReaderIsNotFedOnceItsWriterCloses();
    }
}
