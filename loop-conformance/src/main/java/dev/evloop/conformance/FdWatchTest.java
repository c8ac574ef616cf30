package dev.evloop.conformance;

import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.LoopFuture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Readers and writers on file descriptors (native backends) and channels (selector): asyncio's
 * {@code add_reader}, {@code remove_reader}, {@code add_writer} and {@code remove_writer}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FdWatchTest extends BackendTest {

    /** Whether this backend watches channels (the selector does) or file descriptors (the native ones). */
    private static boolean watchesChannels() {
        return backendProvider().ioWatchFactory().watchesChannels();
    }

    /**
     * Something the loop can watch on this backend, with a peer that makes it readable: a pipe (the
     * reader watches the read end, the writer the write end) or a connected socket (both watch it).
     */
    private abstract class Watched implements AutoCloseable {
        EventLoop on = loop;

        /** Watches with another loop from now on. */
        Watched on(EventLoop other) {
            on = other;
            return this;
        }

        abstract void addReader(Runnable callback);

        abstract boolean removeReader();

        abstract void addWriter(Runnable callback);

        abstract boolean removeWriter();

        /** The peer sends {@code bytes} bytes, which can be read at once. */
        abstract void feed(int bytes);

        /** Reads what is there, up to {@code max} bytes, without blocking. */
        abstract int readSome(int max);

        @Override
        public abstract void close() throws IOException;
    }

    private Watched pipe() throws IOException {
        return watchesChannels() ? new ChannelPipe() : new FdPipe();
    }

    private Watched socket() throws IOException {
        return watchesChannels() ? new ChannelSocket() : new FdSocket();
    }

    private final class FdPipe extends Watched {
        private final FileDescriptor[] ends = FileDescriptor.pipe(); // non-blocking: {read end, write end}

        FdPipe() throws IOException {
        }

        @Override
        void addReader(Runnable callback) {
            on.addReader(ends[0].intValue(), callback);
        }

        @Override
        boolean removeReader() {
            return on.removeReader(ends[0].intValue());
        }

        @Override
        void addWriter(Runnable callback) {
            on.addWriter(ends[1].intValue(), callback);
        }

        @Override
        boolean removeWriter() {
            return on.removeWriter(ends[1].intValue());
        }

        @Override
        void feed(int bytes) {
            write(ends[1], bytes);
        }

        @Override
        int readSome(int max) {
            return read(ends[0], max);
        }

        @Override
        public void close() throws IOException {
            ends[0].close();
            ends[1].close();
        }
    }

    private final class FdSocket extends Watched {
        private final ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        private final io.netty.channel.unix.Socket socket = io.netty.channel.unix.Socket.newSocketStream();
        private final Socket peer;

        FdSocket() throws IOException {
            socket.connect(server.getLocalSocketAddress()); // non-blocking: done once the peer is accepted
            peer = server.accept();
        }

        @Override
        void addReader(Runnable callback) {
            on.addReader(socket.intValue(), callback);
        }

        @Override
        boolean removeReader() {
            return on.removeReader(socket.intValue());
        }

        @Override
        void addWriter(Runnable callback) {
            on.addWriter(socket.intValue(), callback);
        }

        @Override
        boolean removeWriter() {
            return on.removeWriter(socket.intValue());
        }

        @Override
        void feed(int bytes) {
            send(peer, bytes);
        }

        @Override
        int readSome(int max) {
            return read(socket, max);
        }

        @Override
        public void close() throws IOException {
            socket.close();
            peer.close();
            server.close();
        }
    }

    private final class ChannelPipe extends Watched {
        private final Pipe pipe = Pipe.open();

        ChannelPipe() throws IOException {
            pipe.source().configureBlocking(false);
            pipe.sink().configureBlocking(false);
        }

        @Override
        void addReader(Runnable callback) {
            on.addReader(pipe.source(), callback);
        }

        @Override
        boolean removeReader() {
            return on.removeReader(pipe.source());
        }

        @Override
        void addWriter(Runnable callback) {
            on.addWriter(pipe.sink(), callback);
        }

        @Override
        boolean removeWriter() {
            return on.removeWriter(pipe.sink());
        }

        @Override
        void feed(int bytes) {
            try {
                assertEquals(bytes, pipe.sink().write(ByteBuffer.allocate(bytes)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        int readSome(int max) {
            try {
                return pipe.source().read(ByteBuffer.allocate(max));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            pipe.source().close();
            pipe.sink().close();
        }
    }

    private final class ChannelSocket extends Watched {
        private final ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        private final SocketChannel channel = SocketChannel.open(server.getLocalSocketAddress());
        private final Socket peer = server.accept();

        ChannelSocket() throws IOException {
            channel.configureBlocking(false);
        }

        @Override
        void addReader(Runnable callback) {
            on.addReader(channel, callback);
        }

        @Override
        boolean removeReader() {
            return on.removeReader(channel);
        }

        @Override
        void addWriter(Runnable callback) {
            on.addWriter(channel, callback);
        }

        @Override
        boolean removeWriter() {
            return on.removeWriter(channel);
        }

        @Override
        void feed(int bytes) {
            send(peer, bytes);
        }

        @Override
        int readSome(int max) {
            try {
                return channel.read(ByteBuffer.allocate(max));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
            peer.close();
            server.close();
        }
    }

    private static void write(FileDescriptor fd, int bytes) {
        try {
            assertEquals(bytes, fd.write(ByteBuffer.allocateDirect(bytes), 0, bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int read(FileDescriptor fd, int max) {
        try {
            return fd.read(ByteBuffer.allocateDirect(max), 0, max);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void send(Socket peer, int bytes) {
        try {
            peer.getOutputStream().write(new byte[bytes]);
            peer.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A few iterations that never block: enough for a watcher still armed to see data already there. */
    private void spin() {
        for (int i = 0; i < 3; i++) {
            loop.runOnce(false);
        }
    }

    @Test
    void aReaderRunsWhenThePipeHasDataAndNoLongerOnceRemoved() throws IOException {
        try (Watched pipe = pipe()) {
            List<Integer> reads = new ArrayList<>();
            pipe.addReader(() -> {
                reads.add(pipe.readSome(100));
                loop.stop();
            });
            pipe.feed(3);
            runGuarded();
            assertEquals(List.of(3), reads);

            assertTrue(pipe.removeReader());
            pipe.feed(3);
            spin();
            assertEquals(List.of(3), reads, "a removed reader does not run");
        }
    }

    @Test
    void aReaderOnASocketRunsWhenThePeerWrites() throws IOException {
        try (Watched socket = socket()) {
            List<Integer> reads = new ArrayList<>();
            socket.addReader(() -> {
                reads.add(socket.readSome(100));
                loop.stop();
            });
            socket.feed(5);
            runGuarded();
            assertEquals(List.of(5), reads);
            assertTrue(socket.removeReader());
        }
    }

    @Test
    void aReaderThatLeavesDataUnreadRunsAgain() throws IOException {
        try (Watched pipe = pipe()) {
            List<Integer> reads = new ArrayList<>();
            pipe.addReader(() -> {
                reads.add(pipe.readSome(1));
                if (reads.size() == 2) {
                    loop.stop();
                }
            });
            pipe.feed(2);
            runGuarded();
            assertEquals(List.of(1, 1), reads, "level-triggered: the byte left over wakes the reader again");
            assertTrue(pipe.removeReader());
        }
    }

    @Test
    void aWriterRunsEveryIterationWhileTheFdIsWritableUntilRemoved() throws IOException {
        try (Watched pipe = pipe()) {
            int[] calls = {0};
            pipe.addWriter(() -> {
                if (++calls[0] == 2) {
                    assertTrue(pipe.removeWriter());
                    loop.stop();
                }
            });
            runGuarded();
            assertEquals(2, calls[0]);
            spin();
            assertEquals(2, calls[0], "a removed writer does not run");
        }
    }

    @Test
    void addingAReaderAgainReplacesTheCallback() throws IOException {
        try (Watched pipe = pipe()) {
            List<String> ran = new ArrayList<>();
            pipe.addReader(() -> ran.add("first"));
            pipe.addReader(() -> {
                ran.add("second");
                pipe.readSome(100);
                loop.stop();
            });
            pipe.feed(1);
            runGuarded();
            assertEquals(List.of("second"), ran);
            assertTrue(pipe.removeReader());
            assertFalse(pipe.removeReader(), "one reader per fd: it is gone");
        }
    }

    @Test
    void removingAReaderOrWriterThatIsNotThereReturnsFalse() throws IOException {
        try (Watched socket = socket()) {
            assertFalse(socket.removeReader());
            assertFalse(socket.removeWriter());
            socket.addReader(() -> { });
            assertFalse(socket.removeWriter(), "the fd has a reader, not a writer");
            assertTrue(socket.removeReader());
        }
    }

    @Test
    void aReaderAndAWriterOnOneFdAreIndependent() throws IOException {
        try (Watched socket = socket()) {
            int[] reads = {0};
            int[] writes = {0};
            socket.addReader(() -> {
                reads[0]++;
                socket.readSome(100);
                loop.stop();
            });
            socket.addWriter(() -> {
                writes[0]++;
                loop.stop();
            });
            runGuarded();
            assertEquals(0, reads[0], "nothing to read yet");
            assertEquals(1, writes[0], "a connected socket is writable");

            assertTrue(socket.removeWriter());
            socket.feed(4);
            runGuarded();
            assertEquals(1, reads[0], "the reader stayed when the writer went");
            assertEquals(1, writes[0]);
            assertTrue(socket.removeReader());
        }
    }

    @Test
    void aThrowingReaderIsReportedAndTheLoopGoesOn() throws IOException {
        List<String> reported = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();
        loop.setExceptionHandler((l, ctx) -> {
            reported.add(ctx.message());
            errors.add(ctx.exception());
            loop.stop();
        });
        try (Watched pipe = pipe()) {
            pipe.addReader(() -> {
                throw new IllegalStateException("reader bug");
            });
            pipe.feed(1);
            runGuarded();
            assertEquals(1, reported.size(), reported.toString());
            assertTrue(reported.get(0).startsWith("Exception in callback"), reported.get(0));
            assertEquals("reader bug", errors.get(0).getMessage());
            assertTrue(pipe.removeReader(), "a throwing reader stays registered, as in asyncio");
            assertEquals(42, loop.runUntilComplete(() -> 42), "the loop goes on");
        }
    }

    @Test
    void aTaskCanAddAndRemoveAReader() throws IOException {
        try (Watched pipe = pipe()) {
            pipe.feed(2);
            int read = loop.runUntilComplete(() -> {
                LoopFuture<Integer> got = loop.createFuture();
                pipe.addReader(() -> {
                    if (!got.isDone()) {
                        got.setResult(pipe.readSome(100));
                    }
                });
                int n = got.await();
                assertTrue(pipe.removeReader());
                return n;
            });
            assertEquals(2, read);
        }
    }

    @Test
    void closingTheLoopReleasesItsWatchersAndLeavesTheFdsOpen() throws IOException {
        OpenFileDescriptors.assumeCountable();
        try (Watched pipe = pipe()) {
            long before = OpenFileDescriptors.count();
            EventLoop other = EventLoops.newEventLoop(backend());
            pipe.on(other).addReader(() -> { });
            pipe.addWriter(() -> { });
            other.runOnce(false);
            other.close();
            assertEquals(before, OpenFileDescriptors.count(), "the loop's own descriptors are gone, the pipe's are not");
            assertFalse(pipe.removeReader(), "a closed loop watches nothing");
            pipe.feed(2);
            assertEquals(2, pipe.readSome(100), "the pipe still works");
        }
    }

    @Test
    void badArgumentsFailAtTheCallNamingThem() throws IOException {
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> loop.addReader(-1, () -> { }));
        assertTrue(negative.getMessage().startsWith("fd"), negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> loop.removeWriter(-1));
        try (Watched pipe = pipe()) {
            NullPointerException noCallback = assertThrows(NullPointerException.class, () -> pipe.addReader(null));
            assertEquals("callback", noCallback.getMessage());
            assertFalse(pipe.removeReader(), "a failed add leaves nothing behind");
        }
        NullPointerException noChannel = assertThrows(NullPointerException.class,
                () -> loop.addWriter((SelectableChannel) null, () -> { }));
        assertEquals("channel", noChannel.getMessage());
    }

    @Test
    void anFdThatIsNotOpenIsRejectedAtTheCall() {
        assumeTrue(!watchesChannels(), "native backends watch file descriptors");
        int notOpen = Integer.MAX_VALUE;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loop.addReader(notOpen, () -> { }));
        assertTrue(e.getMessage().startsWith("fd: " + notOpen + " cannot be watched on the " + backend()), e.getMessage());
        assertFalse(loop.removeReader(notOpen));
    }

    @Test
    void aClosedOrBlockingChannelIsRejectedAtTheCall() throws IOException {
        assumeTrue(watchesChannels(), "the selector backend watches channels");
        Pipe pipe = Pipe.open();
        IllegalArgumentException blocking = assertThrows(IllegalArgumentException.class,
                () -> loop.addReader(pipe.source(), () -> { }));
        assertTrue(blocking.getMessage().contains("blocking mode"), blocking.getMessage());
        pipe.source().close();
        pipe.sink().close();
        IllegalArgumentException closed = assertThrows(IllegalArgumentException.class,
                () -> loop.addReader(pipe.source(), () -> { }));
        assertTrue(closed.getMessage().startsWith("channel: ") && closed.getMessage().contains("closed"), closed.getMessage());
    }

    @Test
    void theOtherKindOfTargetIsUnsupportedNamingTheBackend() throws IOException {
        UnsupportedOperationException e;
        if (watchesChannels()) {
            e = assertThrows(UnsupportedOperationException.class, () -> loop.addReader(0, () -> { }));
        } else {
            Pipe pipe = Pipe.open();
            try {
                pipe.source().configureBlocking(false);
                e = assertThrows(UnsupportedOperationException.class, () -> loop.addReader(pipe.source(), () -> { }));
            } finally {
                pipe.source().close();
                pipe.sink().close();
            }
        }
        assertTrue(e.getMessage().startsWith("the " + backend() + " backend"), e.getMessage());
    }

    @Test
    void watchersRunOnTheLoopThread() throws IOException {
        try (Watched pipe = pipe()) {
            Thread[] ranOn = new Thread[1];
            pipe.addWriter(() -> {
                ranOn[0] = Thread.currentThread();
                pipe.removeWriter();
                loop.stop();
            });
            runGuarded();
            assertSame(Thread.currentThread(), ranOn[0]);
        }
    }
}
