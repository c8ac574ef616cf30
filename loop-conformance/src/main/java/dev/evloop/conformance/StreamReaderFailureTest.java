package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.ReturnWhen;
import dev.evloop.Task;
import dev.evloop.WaitResult;
import dev.evloop.net.Connection;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.streams.IncompleteReadException;
import dev.evloop.streams.LimitOverrunException;
import dev.evloop.streams.StreamProtocol;
import dev.evloop.streams.StreamReader;
import dev.evloop.streams.Streams;
import io.netty.buffer.ByteBuf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A {@link StreamReader} whose read meets the connection's failure or end, a limit overrun, flow
 * control or a cancellation: every read raises or returns, none waits for good. A read that still
 * waits after {@link #BOUND} fails its test as a hang.
 */
class StreamReaderFailureTest extends BackendTest {
    /** Far above what any read here takes: a read still waiting by then hangs. */
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final SocketOptions OPTIONS = SocketOptions.defaults();
    /** A small limit, so that a reader pauses its transport after a few kilobytes. */
    private static final int SMALL_LIMIT = 1024;

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static void feed(StreamReader reader, String s) {
        reader.feedData(ByteBuffer.wrap(ascii(s)));
    }

    /** Lets tasks spawned before run until they wait. */
    private static void letThemWait() {
        for (int i = 0; i < 3; i++) {
            Async.yieldNow();
        }
    }

    /** Waits for {@code task} at most {@link #BOUND}; a task still waiting then fails the test. */
    private static <T> Task<T> settled(Task<T> task) {
        WaitResult<T> r = Async.wait(List.of(task), BOUND, ReturnWhen.ALL_COMPLETED);
        if (!r.pending().isEmpty()) {
            task.cancel();
            fail("the read still waits after " + BOUND + ": it hangs");
        }
        return task;
    }

    /** What {@code task} raised, waiting for it at most {@link #BOUND}. */
    private static Throwable raisedBy(Task<?> task) {
        Throwable e = settled(task).exception();
        assertTrue(e != null, "the read returned instead of raising");
        return e;
    }

    /**
     * A reader's read woken by too little data, with the connection's error set before the read
     * runs again: what that read raises.
     */
    private Throwable raisedByAReadWokenBeforeAnError(Function<StreamReader, Object> read) {
        return loop.runUntilComplete(() -> {
            StreamReader reader = new StreamReader(loop, StreamReader.DEFAULT_LIMIT);
            Task<Object> reading = Async.spawn(() -> read.apply(reader));
            letThemWait();
            feed(reader, "ab"); // wakes it; it has not run yet
            reader.setException(new IOException("connection reset"));
            return raisedBy(reading);
        });
    }

    private static void assertTheReset(Throwable e) {
        assertInstanceOf(UncheckedIOException.class, e);
        assertEquals("connection reset", e.getCause().getMessage());
    }

    @Test
    void aReadExactlyWokenByTooFewBytesRaisesTheErrorSetBeforeItRunsAgain() {
        assertTheReset(raisedByAReadWokenBeforeAnError(r -> r.readExactly(4)));
    }

    @Test
    void aReadUntilWokenWithoutItsSeparatorRaisesTheErrorSetBeforeItRunsAgain() {
        assertTheReset(raisedByAReadWokenBeforeAnError(r -> r.readUntil(ascii("\r\n"))));
    }

    @Test
    void aReadLineWokenWithoutANewlineRaisesTheErrorSetBeforeItRunsAgain() {
        assertTheReset(raisedByAReadWokenBeforeAnError(StreamReader::readLine));
    }

    @Test
    void aReadToTheEndWokenByDataRaisesTheErrorSetBeforeItRunsAgainAndKeepsTheData() {
        Object[] outcome = loop.runUntilComplete(() -> {
            StreamReader reader = new StreamReader(loop, StreamReader.DEFAULT_LIMIT);
            Task<byte[]> reading = Async.spawn(() -> reader.read());
            letThemWait();
            feed(reader, "ab");
            reader.setException(new IOException("connection reset"));
            Throwable e = raisedBy(reading);
            reader.feedEof(); // the error stays: the bytes can be seen only through it
            return new Object[] {e, reader.atEof()};
        });
        assertTheReset((Throwable) outcome[0]);
        assertFalse((Boolean) outcome[1], "the bytes taken were put back");
    }

    @Test
    void anErrorSetWhileAReadWaitsIsRaisedByThatRead() {
        Throwable e = loop.runUntilComplete(() -> {
            StreamReader reader = new StreamReader(loop, StreamReader.DEFAULT_LIMIT);
            Task<byte[]> reading = Async.spawn(() -> reader.readExactly(4));
            letThemWait();
            reader.setException(new IOException("connection reset"));
            return raisedBy(reading);
        });
        assertTheReset(e);
    }

    @Test
    void anErrorSetBeforeAReadStartsIsRaisedEvenWithBytesBufferedAsAsyncioDoes() {
        StreamReader reader = new StreamReader(loop, StreamReader.DEFAULT_LIMIT);
        feed(reader, "line\n");
        reader.setException(new IOException("connection reset"));
        assertTheReset(assertThrows(UncheckedIOException.class, () -> reader.read(10)));
        assertTheReset(assertThrows(UncheckedIOException.class, reader::readLine));
        assertTheReset(assertThrows(UncheckedIOException.class, () -> reader.readExactly(2)));
        assertTheReset(assertThrows(UncheckedIOException.class, () -> reader.readRetained(10)));
    }

    @Test
    void theEndOfStreamWhileReadExactlyWaitsRaisesIncompleteReadWithWhatArrived() {
        Throwable e = loop.runUntilComplete(() -> {
            StreamReader reader = new StreamReader(loop, StreamReader.DEFAULT_LIMIT);
            Task<byte[]> reading = Async.spawn(() -> reader.readExactly(4));
            letThemWait();
            feed(reader, "ab");
            reader.feedEof();
            return raisedBy(reading);
        });
        IncompleteReadException incomplete = assertInstanceOf(IncompleteReadException.class, e);
        assertEquals("ab", new String(incomplete.partial(), StandardCharsets.US_ASCII));
        assertEquals(4, incomplete.expected());
    }

    @Test
    void theEndOfStreamWhileReadLineWaitsReturnsThePartialLine() {
        String line = loop.runUntilComplete(() -> {
            StreamReader reader = new StreamReader(loop, StreamReader.DEFAULT_LIMIT);
            Task<byte[]> reading = Async.spawn(reader::readLine);
            letThemWait();
            feed(reader, "ab");
            reader.feedEof();
            return new String(settled(reading).result(), StandardCharsets.US_ASCII);
        });
        assertEquals("ab", line);
    }

    @Test
    void everyReadAfterTheEndOfStreamReturnsOrRaisesAtOnce() {
        StreamReader reader = new StreamReader(loop, StreamReader.DEFAULT_LIMIT);
        reader.feedEof();
        // Outside a task: a read that tried to wait would raise that it cannot.
        assertEquals(0, reader.read(10).length);
        assertEquals(0, reader.read().length);
        assertEquals(0, reader.readLine().length);
        assertEquals(0, reader.readRetained(10).readableBytes());
        assertEquals(0, assertThrows(IncompleteReadException.class, () -> reader.readExactly(1)).partial().length);
        assertEquals(0, assertThrows(IncompleteReadException.class, () -> reader.readUntil(ascii(";"))).partial().length);
        assertTrue(reader.atEof());
    }

    @Test
    void aLimitOverrunLeavesTheReaderToWaitForMoreOnTheNextRead() {
        int limit = 16;
        String got = loop.runUntilComplete(() -> {
            StreamReader reader = new StreamReader(loop, limit);
            feed(reader, "a".repeat(limit + 4));
            assertThrows(LimitOverrunException.class, reader::readLine);
            assertThrows(LimitOverrunException.class, reader::readLine, "the line is still too long");
            Task<byte[]> reading = Async.spawn(() -> reader.readExactly(limit + 8));
            letThemWait();
            feed(reader, "bbbb");
            return new String(settled(reading).result(), StandardCharsets.US_ASCII);
        });
        assertEquals("a".repeat(limit + 4) + "bbbb", got);
    }

    @Test
    void aCancelledReadLeavesWhatArrivedToTheNextRead() {
        String got = loop.runUntilComplete(() -> {
            StreamReader reader = new StreamReader(loop, StreamReader.DEFAULT_LIMIT);
            Task<byte[]> cancelled = Async.spawn(() -> reader.readExactly(4));
            letThemWait();
            feed(reader, "ab");
            cancelled.cancel();
            assertTrue(settled(cancelled).isCancelled());
            Task<byte[]> next = Async.spawn(() -> reader.readExactly(4));
            letThemWait();
            feed(reader, "cd");
            return new String(settled(next).result(), StandardCharsets.US_ASCII);
        });
        assertEquals("abcd", got);
    }

    @Test
    void aReadCancelledAsTheErrorArrivesLeavesTheErrorToTheNextRead() {
        Throwable e = loop.runUntilComplete(() -> {
            StreamReader reader = new StreamReader(loop, StreamReader.DEFAULT_LIMIT);
            Task<byte[]> cancelled = Async.spawn(() -> reader.readExactly(4));
            letThemWait();
            cancelled.cancel();
            reader.setException(new IOException("connection reset"));
            assertTrue(settled(cancelled).isCancelled());
            return raisedBy(Async.spawn(() -> reader.readExactly(4)));
        });
        assertTheReset(e);
    }

    // ---- over a connection --------------------------------------------------------------------

    /**
     * A peer on a thread of its own: accepts one connection, writes {@code data}, waits for
     * {@code reset}, then resets the connection (SO_LINGER 0).
     */
    private static ServerSocket resettingPeer(byte[] data, CountDownLatch reset) throws IOException {
        ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().start(() -> {
            try (listening; Socket s = listening.accept()) {
                OutputStream out = s.getOutputStream();
                out.write(data);
                out.flush();
                reset.await(BOUND.toMillis(), TimeUnit.MILLISECONDS);
                s.setSoLinger(true, 0);
            } catch (IOException | InterruptedException ignored) {
                // the test sees the connection end either way
            }
        });
        return listening;
    }

    @Test
    void aReadWaitingWhenThePeerResetsTheConnectionRaisesTheReset() throws IOException {
        CountDownLatch reset = new CountDownLatch(1);
        ServerSocket peer = resettingPeer(new byte[0], reset);
        Throwable e = loop.runUntilComplete(() -> {
            Streams s = Async.openConnection("127.0.0.1", peer.getLocalPort(), OPTIONS);
            Task<byte[]> reading = Async.spawn(() -> s.reader().readExactly(10));
            letThemWait();
            reset.countDown();
            return raisedBy(reading);
        });
        assertInstanceOf(UncheckedIOException.class, e);
    }

    @Test
    void aReaderThatPausedItsTransportRaisesTheResetThatCameWhilePausedOnceItReadsTheBytes() throws IOException {
        byte[] data = new byte[1 << 20];
        CountDownLatch reset = new CountDownLatch(1);
        ServerSocket peer = resettingPeer(data, reset);
        Throwable e = loop.runUntilComplete(() -> {
            Connection<StreamProtocol> c = loop.createConnection(() -> new StreamProtocol(loop, SMALL_LIMIT),
                    "127.0.0.1", peer.getLocalPort(), OPTIONS).await();
            for (int i = 0; i < 1000 && c.transport().isReading(); i++) {
                Async.sleep(0.002);
            }
            assertTrue(!c.transport().isReading(), "the reader paused its transport");
            reset.countDown();
            Task<byte[]> reading = Async.spawn(() -> {
                StreamReader reader = c.protocol().reader();
                while (reader.read(100).length > 0) {
                    // the reset ends it
                }
                return null;
            });
            return raisedBy(reading);
        });
        assertInstanceOf(UncheckedIOException.class, e);
    }

    /** Serves {@code data} on each connection, then closes it. */
    private static Server serving(byte[] data) {
        return Async.startServer((r, w) -> {
            w.write(data);
            w.drain();
            w.close();
        }, "127.0.0.1", 0, OPTIONS);
    }

    private static int port(Server server) {
        return ((InetSocketAddress) server.addresses().get(0)).getPort();
    }

    /** Connects to {@code server} with a reader of {@link #SMALL_LIMIT} and waits until it pauses its transport. */
    private Connection<StreamProtocol> pausedConnection(Server server) {
        Connection<StreamProtocol> c = loop.createConnection(() -> new StreamProtocol(loop, SMALL_LIMIT),
                "127.0.0.1", port(server), OPTIONS).await();
        for (int i = 0; i < 1000 && c.transport().isReading(); i++) {
            Async.sleep(0.002);
        }
        assertTrue(!c.transport().isReading(), "the reader paused its transport past twice its limit");
        return c;
    }

    private static byte[] payload(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return data;
    }

    /** What a task reading with {@code read} gets from a server sending {@code data} to a paused reader. */
    private byte[] readThroughAPausedReader(byte[] data, Function<StreamReader, byte[]> read) {
        return loop.runUntilComplete(() -> {
            Server server = serving(data);
            Connection<StreamProtocol> c = pausedConnection(server);
            byte[] all = settled(Async.spawn(() -> read.apply(c.protocol().reader()))).result();
            server.close();
            return all;
        });
    }

    @Test
    void aPausedReaderResumesItsTransportOnceSmallExactReadsTakeItsBuffer() {
        byte[] data = payload(256 * 1024);
        assertArrayEquals(data, readThroughAPausedReader(data, reader -> {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int n = 0; n < data.length; n += 100) {
                all.writeBytes(reader.readExactly(Math.min(100, data.length - n)));
            }
            return all.toByteArray();
        }));
    }

    @Test
    void aPausedReaderResumesItsTransportOnceReadRetainedTakesItsBuffer() {
        byte[] data = payload(256 * 1024);
        assertArrayEquals(data, readThroughAPausedReader(data, reader -> {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            ByteBuf chunk;
            while ((chunk = reader.readRetained(SMALL_LIMIT * 4)).isReadable()) {
                byte[] bytes = new byte[chunk.readableBytes()];
                chunk.readBytes(bytes);
                chunk.release();
                all.writeBytes(bytes);
            }
            return all.toByteArray();
        }));
    }

    @Test
    void aPausedReaderWaitingForMoreThanItsLimitResumesItsTransport() {
        byte[] data = payload(256 * 1024);
        assertArrayEquals(data, readThroughAPausedReader(data, reader -> reader.readExactly(data.length)));
    }

    @Test
    void aReadThatResumesTheTransportAndIsCancelledRightAfterLosesNoBytes() {
        byte[] data = payload(256 * 1024);
        byte[] got = loop.runUntilComplete(() -> {
            Server server = serving(data);
            Connection<StreamProtocol> c = pausedConnection(server);
            StreamReader reader = c.protocol().reader();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            // Takes the whole buffer, so it resumes the transport; cancelled as soon as it lets
            // the loop run.
            Task<byte[]> first = Async.spawn(() -> reader.read(Integer.MAX_VALUE));
            Async.yieldNow();
            first.cancel();
            settled(first);
            if (!first.isCancelled()) {
                all.write(first.result());
            }
            all.write(settled(Async.spawn(() -> reader.read())).result());
            server.close();
            return all.toByteArray();
        });
        assertEquals(data.length, got.length, "bytes were lost");
        assertTrue(Arrays.equals(data, got));
    }
}
