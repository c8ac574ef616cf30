package dev.evloop.conformance;

import dev.evloop.net.BaseProtocol;
import dev.evloop.net.Connection;
import dev.evloop.net.Protocol;
import dev.evloop.net.Transport;
import dev.evloop.streams.StreamProtocol;
import dev.evloop.streams.StreamReader;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code connectReadPipe} and {@code connectWritePipe} over a {@link Pipe}, on every backend. */
class PipeTransportTest extends BackendTest {

    /** Collects what a read pipe delivers and the order of its events. */
    static final class Collect implements Protocol {
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        final List<String> events = new ArrayList<>();
        final CompletableFuture<Throwable> lost = new CompletableFuture<>();
        Transport transport;

        @Override
        public void connectionMade(Transport transport) {
            this.transport = transport;
            events.add("made");
        }

        @Override
        public void dataReceived(ByteBuffer chunk) {
            byte[] bytes = new byte[chunk.remaining()];
            chunk.get(bytes);
            data.writeBytes(bytes);
        }

        @Override
        public boolean eofReceived() {
            events.add("eof");
            return false;
        }

        @Override
        public void connectionLost(Throwable cause) {
            events.add("lost");
            lost.complete(cause);
        }
    }

    /** Records flow control and the loss of a write pipe. */
    static final class Flow implements BaseProtocol {
        final List<String> events = new ArrayList<>();
        final CompletableFuture<Throwable> lost = new CompletableFuture<>();

        @Override
        public void pauseWriting() {
            events.add("pause");
        }

        @Override
        public void resumeWriting() {
            events.add("resume");
        }

        @Override
        public void connectionLost(Throwable cause) {
            events.add("lost");
            lost.complete(cause);
        }
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private void runUntil(CompletableFuture<?> done) {
        long deadline = System.nanoTime() + GUARD.toNanos();
        while (!done.isDone() && System.nanoTime() < deadline) {
            loop.runOnce(false);
            Thread.onSpinWait();
        }
        assertTrue(done.isDone(), "not done within " + GUARD);
    }

    @Test
    void aReadPipeDeliversEveryByteInOrderThenTheEndOfFile() throws Exception {
        Pipe pipe = Pipe.open();
        byte[] sent = random(2 * 1024 * 1024);
        Connection<Collect> c = loop.runUntilComplete(loop.connectReadPipe(Collect::new, pipe.source()));
        Thread writer = Thread.ofPlatform().start(() -> {
            try (Pipe.SinkChannel sink = pipe.sink()) {
                ByteBuffer b = ByteBuffer.wrap(sent);
                while (b.hasRemaining()) {
                    sink.write(b);
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        runUntil(c.protocol().lost);
        writer.join();
        assertNull(c.protocol().lost.get());
        assertArrayEquals(sent, c.protocol().data.toByteArray());
        assertEquals(List.of("made", "eof", "lost"), c.protocol().events);
    }

    @Test
    void aPausedReadPipeDeliversNothingUntilResumed() throws Exception {
        Pipe pipe = Pipe.open();
        Connection<Collect> c = loop.runUntilComplete(loop.connectReadPipe(Collect::new, pipe.source()));
        c.transport().pauseReading();
        pipe.sink().write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        loop.runUntilComplete(loop.createTask(() -> {
            dev.evloop.Async.sleep(0.05);
            return null;
        }));
        assertEquals(0, c.protocol().data.size(), "paused: the bytes stay in the pipe");
        c.transport().resumeReading();
        pipe.sink().close();
        runUntil(c.protocol().lost);
        assertArrayEquals(new byte[] {1, 2, 3}, c.protocol().data.toByteArray());
    }

    @Test
    void aWritePipeSendsEveryByteAndClosingGivesTheReaderItsEndOfFile() throws Exception {
        Pipe pipe = Pipe.open();
        byte[] sent = random(3 * 1024 * 1024 + 7);
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try (Pipe.SourceChannel source = pipe.source()) {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                ByteBuffer b = ByteBuffer.allocate(65536);
                while (source.read(b.clear()) >= 0) {
                    all.write(b.array(), 0, b.position());
                }
                return all.toByteArray();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        Connection<Flow> c = loop.runUntilComplete(loop.connectWritePipe(Flow::new, pipe.sink()));
        c.transport().write(sent);
        c.transport().close();
        runUntil(c.protocol().lost);
        assertArrayEquals(sent, read.get(GUARD.toSeconds(), TimeUnit.SECONDS));
        assertNull(c.protocol().lost.get());
        assertEquals(List.of("pause", "resume", "lost"), c.protocol().events,
                "a write over the high-water mark pauses the protocol, the drained buffer resumes it");
    }

    @Test
    void twoTasksDrainingAWritePipeAtOnceBothReturnOnceItDrains() throws Exception {
        Pipe pipe = Pipe.open();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            ByteBuffer sink = ByteBuffer.allocate(1 << 16);
            try (Pipe.SourceChannel source = pipe.source()) {
                while (source.read(sink.clear()) >= 0) {
                    // dropped
                }
            } catch (IOException e) {
                // the test's assertion says what went wrong
            }
        });
        int returned = loop.runUntilComplete(() -> {
            Connection<StreamProtocol> c = loop.connectWritePipe(
                    () -> new StreamProtocol(loop, StreamReader.DEFAULT_LIMIT), pipe.sink()).await();
            int n = StreamsTest.drainersThatReturn(c.protocol().writer(), () -> { });
            c.protocol().writer().close();
            return n;
        });
        reader.join(TimeUnit.SECONDS.toMillis(20));
        assertEquals(2, returned);
    }

    @Test
    void writingToAPipeWhoseReaderClosedLosesTheConnectionWithTheError() throws Exception {
        Pipe pipe = Pipe.open();
        pipe.source().close();
        Connection<Flow> c = loop.runUntilComplete(loop.connectWritePipe(Flow::new, pipe.sink()));
        c.transport().write(new byte[100]);
        runUntil(c.protocol().lost);
        assertInstanceOf(IOException.class, c.protocol().lost.get());
    }

    @Test
    void aReadPipeCannotWriteAndAClosedPipeIsRefusedAtTheCall() throws Exception {
        Pipe pipe = Pipe.open();
        Connection<Collect> c = loop.runUntilComplete(loop.connectReadPipe(Collect::new, pipe.source()));
        assertThrows(UnsupportedOperationException.class, () -> c.transport().write(new byte[1]));
        c.transport().close();
        pipe.sink().close();
        runUntil(c.protocol().lost);
        Pipe closed = Pipe.open();
        closed.source().close();
        closed.sink().close();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loop.connectReadPipe(Collect::new, closed.source()));
        assertTrue(e.getMessage().startsWith("pipe"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> loop.connectWritePipe(Flow::new, closed.sink()));
    }

    @Test
    void aThrowingProtocolFactoryLeavesThePipeAsItWas() throws Exception {
        Pipe pipe = Pipe.open();
        try {
            assertThrows(IllegalStateException.class, () -> loop.connectReadPipe(() -> {
                throw new IllegalStateException("no protocol");
            }, pipe.source()));
            assertThrows(IllegalStateException.class, () -> loop.connectWritePipe(() -> {
                throw new IllegalStateException("no protocol");
            }, pipe.sink()));
            assertTrue(pipe.source().isOpen() && pipe.sink().isOpen());
            assertTrue(pipe.source().isBlocking() && pipe.sink().isBlocking(), "their blocking mode is untouched");
        } finally {
            pipe.source().close();
            pipe.sink().close();
        }
    }
}
