package dev.evloop.spi;

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
        private final NativeEnd loopEnd;
        private final FileDescriptor childEnd;
        private final ProcessBuilder.Redirect redirect;

        UnixPipe(FileDescriptor loopEnd, FileDescriptor childEnd, boolean childReads) {
            this.loopEnd = new NativeEnd(loopEnd);
            this.childEnd = childEnd;
            File path = FD_TABLE.resolve(Integer.toString(childEnd.intValue())).toFile();
            this.redirect = childReads ? ProcessBuilder.Redirect.from(path) : ProcessBuilder.Redirect.to(path);
        }

        @Override
        public int fd() {
            return loopEnd.fd();
        }

        @Override
        public ProcessBuilder.Redirect childEnd() {
            return redirect;
        }

        @Override
        public void closeChildEnd() {
            NativeEnd.closeQuietly(childEnd);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return loopEnd.read(dst);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return loopEnd.write(src);
        }

        @Override
        public void close() {
            NativeEnd.closeQuietly(childEnd);
            loopEnd.close();
        }

        @Override
        public String toString() {
            return "pipe fd " + loopEnd.fd();
        }
    }
}
