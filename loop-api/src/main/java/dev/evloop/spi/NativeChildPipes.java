package dev.evloop.spi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.unix.FileDescriptor;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * {@link ChildPipes} for the backends on Netty's native transports, on Linux: pipes from Netty's
 * {@link FileDescriptor#pipe()} (both ends non-blocking), the child's end handed over as
 * {@code /proc/self/fd/N}, which the JDK opens afresh, in blocking mode, for the child. A backend
 * offers it from {@link IoWatchFactory#childPipes()} with {@link #onThisSystem()}; the backend must
 * have loaded Netty's native library (its own transport's), which carries {@code FileDescriptor}'s
 * methods.
 *
 * <pre>{@code
 * public Optional<ChildPipes> childPipes() {
 *     return NativeChildPipes.onThisSystem();
 * }
 * }</pre>
 *
 * <p>Elsewhere (macOS, the BSDs) it is not offered: there {@code /dev/fd/N} duplicates the
 * descriptor, and the child would get the non-blocking mode of Netty's pipe, which most programs
 * do not expect; Netty exposes no {@code fcntl} to clear it.
 */
public final class NativeChildPipes implements ChildPipes {
    private static final NativeChildPipes INSTANCE = new NativeChildPipes();
    private static final Path FD_TABLE = Path.of("/proc/self/fd");
    /** The pipe's default capacity on Linux: no single write takes more. */
    private static final int SCRATCH_SIZE = 64 * 1024;

    private NativeChildPipes() {
    }

    /**
     * The capability where it works: on Linux, with {@code /proc/self/fd} mounted.
     *
     * @return the pipes, or empty on another system
     */
    public static Optional<ChildPipes> onThisSystem() {
        boolean linux = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");
        return linux && Files.isDirectory(FD_TABLE) ? Optional.of(INSTANCE) : Optional.empty();
    }

    @Override
    public ChildPipes.Pipe open(boolean childReads) throws IOException {
        FileDescriptor[] ends = FileDescriptor.pipe();
        return childReads ? new UnixPipe(ends[1], ends[0], true) : new UnixPipe(ends[0], ends[1], false);
    }

    private static final class UnixPipe implements ChildPipes.Pipe {
        private final FileDescriptor loopEnd;
        private final FileDescriptor childEnd;
        private final ProcessBuilder.Redirect redirect;
        private ByteBuf scratchBuf;

        UnixPipe(FileDescriptor loopEnd, FileDescriptor childEnd, boolean childReads) {
            this.loopEnd = loopEnd;
            this.childEnd = childEnd;
            File path = FD_TABLE.resolve(Integer.toString(childEnd.intValue())).toFile();
            this.redirect = childReads ? ProcessBuilder.Redirect.from(path) : ProcessBuilder.Redirect.to(path);
        }

        @Override
        public int fd() {
            return loopEnd.intValue();
        }

        @Override
        public ProcessBuilder.Redirect childEnd() {
            return redirect;
        }

        @Override
        public void closeChildEnd() {
            closeQuietly(childEnd);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (dst.isDirect()) {
                int n = loopEnd.read(dst, dst.position(), dst.limit());
                if (n > 0) {
                    dst.position(dst.position() + n);
                }
                return n;
            }
            ByteBuffer scratch = scratch();
            int from = scratch.position();
            int n = loopEnd.read(scratch, from, from + Math.min(dst.remaining(), SCRATCH_SIZE));
            if (n > 0) {
                dst.put(scratch.limit(from + n));
            }
            return n;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (src.isDirect()) {
                int n = loopEnd.write(src, src.position(), src.limit());
                src.position(src.position() + n);
                return n;
            }
            ByteBuffer scratch = scratch();
            int from = scratch.position();
            int size = Math.min(src.remaining(), SCRATCH_SIZE);
            scratch.put(src.duplicate().limit(src.position() + size));
            int n = loopEnd.write(scratch, from, from + size);
            src.position(src.position() + n);
            return n;
        }

        /**
         * Where a heap buffer's bytes pass through, as Netty reads and writes direct memory only:
         * one per pipe, taken from Netty's pool at the first use (a child's stdin, written from
         * heap copies) and given back when the pipe closes. Not per thread: in fast task mode each
         * task writing to a pipe is a thread of its own.
         */
        private ByteBuffer scratch() {
            if (scratchBuf == null) {
                scratchBuf = ByteBufAllocator.DEFAULT.directBuffer(SCRATCH_SIZE, SCRATCH_SIZE);
            }
            return scratchBuf.internalNioBuffer(0, SCRATCH_SIZE);
        }

        @Override
        public void close() {
            closeQuietly(childEnd);
            closeQuietly(loopEnd);
            if (scratchBuf != null) {
                scratchBuf.release();
                scratchBuf = null;
            }
        }

        private static void closeQuietly(FileDescriptor fd) {
            try {
                fd.close();
            } catch (IOException e) {
                // close(2) frees the descriptor even when it reports an error: nothing is left to do.
                System.getLogger(NativeChildPipes.class.getName()).log(System.Logger.Level.DEBUG,
                        "closing a pipe failed", e);
            }
        }

        @Override
        public String toString() {
            return "pipe fd " + loopEnd.intValue();
        }
    }
}
