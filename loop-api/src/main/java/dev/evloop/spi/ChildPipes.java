package dev.evloop.spi;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Pipes to a child process whose loop end the backend watches itself, by file descriptor: a
 * capability offered through {@link IoWatchFactory#childPipes()}. With it the core starts a child
 * ({@code subprocessExec}, {@code createSubprocessExec}) on pipes it made, reads and writes them
 * only when the loop says they are ready, and needs no thread; without it the core falls back to
 * the JDK's own pipes, pumped by a thread each. It has no asyncio counterpart: asyncio makes its
 * pipes with {@code os.pipe()} and hands them to {@code fork}, which Java cannot do.
 *
 * <p>The JDK forks, so the child's end reaches it by name: {@link Pipe#childEnd()} is a
 * {@link ProcessBuilder.Redirect} to a path that opens it, which the JDK opens in the parent and
 * gives the child. That path must give the child an end in blocking mode while the loop's end is
 * non-blocking: Linux's {@code /proc/self/fd/N} does (opening it opens the pipe afresh), macOS's
 * and the BSDs' {@code /dev/fd/N} does not (it duplicates the descriptor, mode and all).
 *
 * <pre>{@code
 * ChildPipes.Pipe out = childPipes.open(false);          // the child writes, the loop reads
 * Process p = new ProcessBuilder("ls").redirectOutput(out.childEnd()).start();
 * out.closeChildEnd();                                    // the child holds its own copy
 * loop.addReader(out.fd(), () -> { ... out.read(buffer) ... });
 * }</pre>
 *
 * <p>Every method of a pipe is called on one thread at a time (the loop's, once it is watched).
 */
public interface ChildPipes {

    /**
     * Makes a pipe for one of a child's standard streams.
     *
     * @param childReads {@code true} for the child's stdin (the child reads, the loop writes),
     *                   {@code false} for its stdout or stderr (the child writes, the loop reads)
     * @return the pipe, both ends open
     * @throws IOException if no pipe can be made, such as when the process is out of descriptors
     */
    Pipe open(boolean childReads) throws IOException;

    /** One pipe: the loop's end, non-blocking, and the child's end until it is closed. */
    interface Pipe {

        /**
         * The loop's end, for {@code addReader} or {@code addWriter}.
         *
         * @return its file descriptor
         */
        int fd();

        /**
         * What gives the child its end: a redirect for {@link ProcessBuilder#redirectInput} when
         * the child reads, else for {@code redirectOutput} or {@code redirectError}.
         *
         * @return the redirect
         */
        ProcessBuilder.Redirect childEnd();

        /**
         * Closes this process's copy of the child's end: after the child started (it holds its
         * own), or when it did not. Until then the loop's reader would never see the end of file.
         * Calling it again does nothing.
         */
        void closeChildEnd();

        /**
         * Reads what is there without waiting.
         *
         * @param dst where the bytes go, from its position; any buffer, a direct one saves a copy
         * @return the bytes read, {@code 0} if none are there now, {@code -1} at the end of file
         * @throws IOException if the read fails
         */
        int read(ByteBuffer dst) throws IOException;

        /**
         * Writes what the pipe takes without waiting.
         *
         * @param src the bytes, from its position, which advances past those written; any buffer
         * @return the bytes written, {@code 0} if the pipe is full
         * @throws IOException if the write fails, such as with a broken pipe once the reader is gone
         */
        int write(ByteBuffer src) throws IOException;

        /** Closes both ends, unless closed; calling it again does nothing. */
        void close();
    }
}
