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
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code connectReadPipe} and {@code connectWritePipe} over a {@link Pipe} and over a FIFO given by its path, on every backend. */
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
    void theViewOfAReadPipeIsEmptyOnceDataReceivedReturned() throws Exception {
        Pipe pipe = Pipe.open();
        CompletableFuture<Integer> left = new CompletableFuture<>();
        Connection<Protocol> c = loop.runUntilComplete(loop.connectReadPipe(() -> new Protocol() {
            @Override
            public void dataReceived(ByteBuffer data) {
                loop.callSoon(() -> left.complete(data.remaining()));
            }
        }, pipe.source()));
        try (Pipe.SinkChannel sink = pipe.sink()) {
            sink.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            runUntil(left);
        }
        assertEquals(0, left.get(), "bytes a kept view still shows after its call");
        c.transport().close();
    }

    @Test
    void aWritePipeSendsEveryByteAndClosingGivesTheReaderItsEndOfFile() throws Exception {
        Pipe pipe = Pipe.open();
        byte[] sent = random(3 * 1024 * 1024 + 7);
        CompletableFuture<byte[]> read = readAllFrom(pipe.source());
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

    // FIFOs given by their path

    /** Makes a FIFO, skipping the test where there is no mkfifo. */
    static Path mkfifo(Path dir) throws IOException, InterruptedException {
        Path fifo = dir.resolve("fifo");
        Process make;
        try {
            make = new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "no mkfifo here: " + e.getMessage());
            throw e;
        }
        assertEquals(0, make.waitFor(), "mkfifo " + fifo);
        return fifo;
    }

    /** Whether this run's backend opens FIFOs itself, non-blocking (the native ones on Linux). */
    static boolean opensPipeFilesNonBlocking() {
        return backendProvider().ioWatchFactory().pipeFiles().isPresent();
    }

    /**
     * Opens a FIFO for reading from a test thread without waiting for a writer: read-write first
     * (which on Linux never waits), then read-only, then drops the read-write end, so the reader
     * sees the end of file once the loop's writer closes.
     */
    static FileChannel openReader(Path fifo) throws IOException {
        FileChannel keeper = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            return FileChannel.open(fifo, StandardOpenOption.READ);
        } finally {
            keeper.close();
        }
    }

    /** Reads a pipe on another thread until its end of file, then closes it. */
    static CompletableFuture<byte[]> readAllFrom(Pipe.SourceChannel source) {
        return CompletableFuture.supplyAsync(() -> {
            try (source) {
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
    }

    /**
     * Reads a FIFO on a thread of its own until its end of file, the reader open before this
     * returns (so that a non-blocking writer's open finds it). A FIFO with no writer reads as at
     * its end, so the reader holds a writing end of its own until the first byte came.
     */
    static CompletableFuture<byte[]> readAllFrom(Path fifo) throws IOException {
        FileChannel keeper = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileChannel reader = FileChannel.open(fifo, StandardOpenOption.READ);
        return CompletableFuture.supplyAsync(() -> {
            try (reader; keeper) {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                ByteBuffer b = ByteBuffer.allocate(65536);
                while (reader.read(b.clear()) >= 0) {
                    all.write(b.array(), 0, b.position());
                    keeper.close();
                }
                return all.toByteArray();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, runnable -> Thread.ofPlatform().daemon().start(runnable));
    }

    @Test
    void aTaskReadsAFifoThroughTheLoopWhileATickerKeepsTicking(@TempDir Path dir) throws Exception {
        Path fifo = mkfifo(dir);
        byte[] sent = random(1024 * 1024 + 3);
        java.util.concurrent.atomic.AtomicInteger ticks = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean tickedWhileWaiting = new java.util.concurrent.atomic.AtomicBoolean();
        byte[] received = loop.runUntilComplete(() -> {
            dev.evloop.Task<Void> ticker = dev.evloop.Async.spawn(() -> {
                while (true) {
                    dev.evloop.Async.sleep(0.005);
                    ticks.incrementAndGet();
                }
            });
            int ticksAtStart = ticks.get();
            // Writes only once the ticker ticked while the reader opened and waited: an open or a
            // read blocking the loop would stop the ticker, and the writer would write only when
            // its patience ran out.
            Thread writer = Thread.ofPlatform().daemon().start(() -> {
                long deadline = System.nanoTime() + GUARD.toNanos() / 2;
                while (ticks.get() < ticksAtStart + 20 && System.nanoTime() < deadline) {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                tickedWhileWaiting.set(ticks.get() >= ticksAtStart + 20);
                try (java.io.FileOutputStream out = new java.io.FileOutputStream(fifo.toFile())) {
                    out.write(sent);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Connection<StreamProtocol> c = loop.connectReadPipe(
                    () -> new StreamProtocol(loop, StreamReader.DEFAULT_LIMIT), fifo).await();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] chunk;
            while ((chunk = c.protocol().reader().read(65536)).length > 0) {
                all.writeBytes(chunk);
            }
            ticker.cancel();
            writer.join(GUARD.toMillis());
            return all.toByteArray();
        });
        assertTrue(tickedWhileWaiting.get(), "the ticker ticked while the task waited on the FIFO");
        assertArrayEquals(sent, received);
    }

    @Test
    void aPausedFifoDeliversNothingUntilResumedThenEveryByteAndTheEndOfFile(@TempDir Path dir) throws Exception {
        Path fifo = mkfifo(dir);
        Connection<Collect> c = loop.runUntilComplete(loop.connectReadPipe(Collect::new, fifo));
        c.transport().pauseReading();
        try (FileChannel writer = FileChannel.open(fifo, StandardOpenOption.WRITE)) {
            writer.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            loop.runUntilComplete(loop.createTask(() -> {
                dev.evloop.Async.sleep(0.05);
                return null;
            }));
            assertEquals(0, c.protocol().data.size(), "paused: the bytes stay in the FIFO");
        }
        c.transport().resumeReading();
        runUntil(c.protocol().lost);
        assertArrayEquals(new byte[] {1, 2, 3}, c.protocol().data.toByteArray());
        assertEquals(List.of("made", "eof", "lost"), c.protocol().events);
    }

    @Test
    void aFifoWriteEndSendsEveryByteWithFlowControlAndClosingGivesTheReaderItsEndOfFile(@TempDir Path dir)
            throws Exception {
        Path fifo = mkfifo(dir);
        byte[] sent = random(3 * 1024 * 1024 + 7);
        CompletableFuture<byte[]> read = readAllFrom(fifo);
        Connection<Flow> c = loop.runUntilComplete(loop.connectWritePipe(Flow::new, fifo));
        c.transport().write(sent);
        c.transport().close();
        runUntil(c.protocol().lost);
        assertArrayEquals(sent, read.get(GUARD.toSeconds(), TimeUnit.SECONDS));
        assertNull(c.protocol().lost.get());
        assertEquals(List.of("pause", "resume", "lost"), c.protocol().events);
    }

    @Test
    void aTaskDrainsAFifoWriteEndAsTheReaderTakesTheBytes(@TempDir Path dir) throws Exception {
        Path fifo = mkfifo(dir);
        byte[] sent = random(2 * 1024 * 1024);
        CompletableFuture<byte[]> read = readAllFrom(fifo);
        loop.runUntilComplete(() -> {
            Connection<StreamProtocol> c = loop.connectWritePipe(
                    () -> new StreamProtocol(loop, StreamReader.DEFAULT_LIMIT), fifo).await();
            for (int at = 0; at < sent.length; at += 256 * 1024) {
                c.protocol().writer().write(java.util.Arrays.copyOfRange(sent, at, at + 256 * 1024));
                c.protocol().writer().drain();
            }
            c.protocol().writer().close();
            return null;
        });
        assertArrayEquals(sent, read.get(GUARD.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void aFifoThatNobodyReadsIsRefusedAtTheCallWhereTheBackendOpensItNonBlocking(@TempDir Path dir) throws Exception {
        assumeTrue(opensPipeFilesNonBlocking(), "this backend opens a FIFO's write end on a thread, waiting for a reader");
        OpenFileDescriptors.assumeCountable();
        Path fifo = mkfifo(dir);
        long before = OpenFileDescriptors.count();
        java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
                () -> loop.connectWritePipe(Flow::new, fifo));
        assertTrue(e.getMessage().startsWith("path") && e.getMessage().contains(fifo.toString())
                && e.getMessage().contains("ENXIO"), e.getMessage());
        OpenFileDescriptors.assertNoMoreThan(before, "a refused open");
    }

    @Test
    void aFifoThatNobodyReadsYetGetsTheBytesOnceAReaderComesWhereTheBackendOpensItOnAThread(@TempDir Path dir)
            throws Exception {
        assumeTrue(!opensPipeFilesNonBlocking(), "this backend refuses a FIFO nobody reads at the call");
        Path fifo = mkfifo(dir);
        Connection<Flow> c = loop.runUntilComplete(loop.connectWritePipe(Flow::new, fifo));
        c.transport().write(new byte[] {4, 5, 6});
        c.transport().close();
        loop.runUntilComplete(loop.createTask(() -> {
            dev.evloop.Async.sleep(0.05);
            return null;
        }));
        assertTrue(!c.protocol().lost.isDone(), "the bytes wait for a reader");
        try (FileChannel reader = FileChannel.open(fifo, StandardOpenOption.READ)) {
            runUntil(c.protocol().lost);
            ByteBuffer b = ByteBuffer.allocate(16);
            while (reader.read(b) >= 0) {
                // until the end of file
            }
            assertArrayEquals(new byte[] {4, 5, 6}, Arrays.copyOf(b.array(), b.position()));
        }
        assertNull(c.protocol().lost.get());
    }

    @Test
    void aPathThatIsNullMissingOrNotAPipeIsRefusedAtTheCallNamingPath(@TempDir Path dir) throws Exception {
        OpenFileDescriptors.assumeCountable();
        long before = OpenFileDescriptors.count();
        NullPointerException npe = assertThrows(NullPointerException.class,
                () -> loop.connectReadPipe(Collect::new, (Path) null));
        assertEquals("path", npe.getMessage());
        assertThrows(NullPointerException.class, () -> loop.connectWritePipe(Flow::new, (Path) null));
        Path missing = dir.resolve("missing");
        java.io.UncheckedIOException gone = assertThrows(java.io.UncheckedIOException.class,
                () -> loop.connectReadPipe(Collect::new, missing));
        assertTrue(gone.getMessage().startsWith("path") && gone.getMessage().contains(missing.toString()), gone.getMessage());
        assertThrows(java.io.UncheckedIOException.class, () -> loop.connectWritePipe(Flow::new, missing));
        Path file = Files.writeString(dir.resolve("file"), "not a pipe");
        for (Path notAPipe : List.of(file, dir)) {
            IllegalArgumentException read = assertThrows(IllegalArgumentException.class,
                    () -> loop.connectReadPipe(Collect::new, notAPipe));
            assertTrue(read.getMessage().startsWith("path") && read.getMessage().contains(notAPipe.toString()),
                    read.getMessage());
            assertThrows(IllegalArgumentException.class, () -> loop.connectWritePipe(Flow::new, notAPipe));
        }
        OpenFileDescriptors.assertNoMoreThan(before, "refused paths");
    }

    @Test
    void closingAFifoTransportClosesItsDescriptorEvenBeforeAWriterCame(@TempDir Path dir) throws Exception {
        OpenFileDescriptors.assumeCountable();
        Path fifo = mkfifo(dir);
        long before = OpenFileDescriptors.count();
        for (int i = 0; i < soak(200); i++) {
            Connection<Collect> c = loop.runUntilComplete(loop.connectReadPipe(Collect::new, fifo));
            c.transport().close();
            runUntil(c.protocol().lost);
        }
        OpenFileDescriptors.assertNoMoreThan(before, "closed FIFO transports");
    }

    @Test
    void closingTheLoopClosesTheFifoItOpenedForAPipeTransport(@TempDir Path dir) throws Exception {
        OpenFileDescriptors.assumeCountable();
        Path fifo = mkfifo(dir);
        long before = OpenFileDescriptors.count();
        dev.evloop.EventLoop other = dev.evloop.EventLoops.newEventLoop(backend());
        // A reader and a writer of the test's own, so that every backend opens both ends at once.
        FileChannel both = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            other.runUntilComplete(other.connectReadPipe(Collect::new, fifo));
            other.runUntilComplete(other.connectWritePipe(Flow::new, fifo)).transport().write(new byte[] {1});
            other.close();
        } finally {
            both.close();
        }
        OpenFileDescriptors.assertNoMoreThan(before, "FIFO transports of a closed loop");
    }

    @Test
    void closingTheLoopClosesThePipeChannelsItsPipeTransportsOwn() throws Exception {
        dev.evloop.EventLoop other = dev.evloop.EventLoops.newEventLoop(backend());
        Pipe pipe = Pipe.open();
        other.runUntilComplete(other.connectReadPipe(Collect::new, pipe.source()));
        other.runUntilComplete(other.connectWritePipe(Flow::new, pipe.sink()));
        other.close();
        assertTrue(!pipe.source().isOpen() && !pipe.sink().isOpen(), "both ends closed with the loop");
    }

    /** Closes its transport in its first dataReceived; notes every call after that. */
    static final class ClosesInFirstData implements Protocol {
        final List<String> afterClose = new ArrayList<>();
        final CompletableFuture<Throwable> lost = new CompletableFuture<>();
        private Transport transport;
        private boolean closed;

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            if (closed) {
                afterClose.add("data");
            } else {
                closed = true;
                transport.close();
            }
        }

        @Override
        public boolean eofReceived() {
            afterClose.add("eof");
            return false;
        }

        @Override
        public void connectionLost(Throwable cause) {
            afterClose.add("lost");
            lost.complete(cause);
        }
    }

    @Test
    void aReadPipeClosedInDataReceivedHearsNoMoreDataAndNoEndOfFile() throws Exception {
        Pipe pipe = Pipe.open();
        Connection<ClosesInFirstData> c = loop.runUntilComplete(loop.connectReadPipe(ClosesInFirstData::new, pipe.source()));
        // Keeps the pipe full until our close closes its read end: there is always more to read.
        Thread writer = Thread.ofPlatform().start(() -> {
            try (Pipe.SinkChannel sink = pipe.sink()) {
                ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
                while (true) {
                    sink.write(chunk.clear());
                }
            } catch (IOException closedByTheReader) {
                // the end of the writing
            }
        });
        runUntil(c.protocol().lost);
        writer.join();
        loop.runUntilComplete(() -> 0); // one more turn: a chunk read before the close would have come
        assertNull(c.protocol().lost.get());
        assertEquals(List.of("lost"), c.protocol().afterClose);
    }
}
