package dev.evloop.internal.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A FIFO or character device for a {@link Pumps} thread, on a backend that cannot open it
 * non-blocking ({@link dev.evloop.spi.PipeFiles}): the pump opens it in blocking mode, as the JDK
 * only can (a read end as its pump starts, a write end at its first write), so a FIFO's open
 * waits on the pump's thread, never the loop's, for the other side (a writer for a read end, a
 * reader for a write end). The file is a
 * {@link FileChannel}, whose close wakes a read or write blocked in it.
 *
 * <p>A close while the pump still waits in the open wakes it by opening the FIFO read-write, which
 * on Linux never waits and counts as both a reader and a writer; the pump then closes what it
 * opened, and that waking end with it.
 */
final class PipeFileStreams {
    private final Path path;
    private final boolean forWriting;
    private final boolean fifo;
    /** Guarded by this. */
    private FileChannel channel;
    private FileChannel waker;
    private boolean opening;
    private boolean closed;

    PipeFileStreams(Path path, boolean forWriting, boolean fifo) {
        this.path = path;
        this.forWriting = forWriting;
        this.fifo = fifo;
    }

    /** On the pump's thread: the open channel, opening it first (which may wait for the other side). */
    private FileChannel channel() throws IOException {
        synchronized (this) {
            if (closed) {
                throw new AsynchronousCloseException();
            }
            if (channel != null) {
                return channel;
            }
            opening = true;
        }
        FileChannel opened;
        try {
            opened = FileChannel.open(path, forWriting ? StandardOpenOption.WRITE : StandardOpenOption.READ);
        } catch (IOException e) {
            synchronized (this) {
                opening = false;
                if (waker != null) {
                    Pumps.closeQuietly(waker);
                }
            }
            throw e;
        }
        synchronized (this) {
            opening = false;
            if (closed) {
                Pumps.closeQuietly(opened);
                if (waker != null) {
                    Pumps.closeQuietly(waker);
                }
                throw new AsynchronousCloseException();
            }
            channel = opened;
            return opened;
        }
    }

    /** Closes the file, or wakes a pump waiting to open it; calling it again does nothing. */
    void close() {
        FileChannel open;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            open = channel;
            if (open == null && opening && fifo) {
                try {
                    waker = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
                } catch (IOException e) {
                    System.getLogger(PipeFileStreams.class.getName()).log(System.Logger.Level.DEBUG,
                            "cannot wake the pump opening " + path, e);
                }
            }
        }
        if (open != null) {
            Pumps.closeQuietly(open);
        }
    }

    /** The read end as a stream, for {@link Pumps.Source}. */
    Input input() {
        return new Input();
    }

    /**
     * The read end, which its pump opens before it waits for its first turn: a writer's own
     * blocking open waits for a reader, and a paused transport must not keep it waiting.
     */
    final class Input extends InputStream {
        /** On the pump's thread, first: opens the file, waiting for a writer if it is a FIFO. */
        void open() throws IOException {
            channel();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return channel().read(ByteBuffer.wrap(b, off, len));
        }

        @Override
        public void close() {
            PipeFileStreams.this.close();
        }
    }

    /** The write end as a stream, for {@link Pumps.Sink}. */
    OutputStream output() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                FileChannel out = channel();
                ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
            }

            @Override
            public void close() {
                PipeFileStreams.this.close();
            }
        };
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
