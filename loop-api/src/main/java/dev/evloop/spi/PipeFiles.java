package dev.evloop.spi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * FIFOs and character devices opened non-blocking, whose descriptor {@link IoWatchFactory#watchFd}
 * can watch: a capability offered through {@link IoWatchFactory#pipeFiles()}. With it the core's
 * {@code connectReadPipe(factory, Path)} and {@code connectWritePipe(factory, Path)} open the file
 * themselves and read or write it only when the loop says it is ready; without it they fall back
 * to a thread per end that opens and reads or writes the file in blocking mode. asyncio has no
 * counterpart: its user opens the file ({@code os.open(path, os.O_NONBLOCK)}) and hands over the
 * file object, which Java cannot open non-blocking.
 *
 * <pre>{@code
 * PipeFiles.End end = pipeFiles.open(Path.of("/tmp/fifo"), false);   // never waits for a writer
 * loop.addReader(end.fd(), () -> { ... end.read(buffer) ... });
 * }</pre>
 *
 * <p>Every method of an end is called on one thread at a time (the loop's, once it is watched).
 */
public interface PipeFiles {

    /**
     * Opens a FIFO or character device in non-blocking mode, as POSIX opens one with
     * {@code O_NONBLOCK}: a FIFO's read end opens at once, with or without a writer (a read then
     * finds nothing until a writer comes, and the end of file once every writer left); a FIFO's
     * write end opens only while a reader has it open.
     *
     * @param path       the file, not checked for its kind here: the core checks that first
     * @param forWriting {@code true} for the write end, {@code false} for the read end
     * @return the open end
     * @throws IOException if it cannot be opened: missing, not permitted, or a FIFO opened for
     *                     writing that no process has open for reading ({@code ENXIO}, named in
     *                     the message)
     */
    End open(Path path, boolean forWriting) throws IOException;

    /** One open end, non-blocking. */
    interface End {

        /**
         * The end's descriptor, for {@code addReader} or {@code addWriter}.
         *
         * @return its file descriptor
         */
        int fd();

        /**
         * Reads what is there without waiting.
         *
         * @param dst where the bytes go, from its position; any buffer, a direct one saves a copy
         * @return the bytes read, {@code 0} if none are there now, {@code -1} at the end of file
         * @throws IOException if the read fails
         */
        int read(ByteBuffer dst) throws IOException;

        /**
         * Writes what the file takes without waiting.
         *
         * @param src the bytes, from its position, which advances past those written; any buffer
         * @return the bytes written, {@code 0} if the pipe is full
         * @throws IOException if the write fails, such as with a broken pipe once the reader is gone
         */
        int write(ByteBuffer src) throws IOException;

        /** Closes the end, unless closed; calling it again does nothing. */
        void close();
    }
}
