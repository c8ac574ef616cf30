package dev.evloop.spi;

import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@link PipeFiles} for the backends on Netty's native transports, on Linux: the file opened with
 * {@code open(2)} and {@code O_NONBLOCK} through the Foreign Function and Memory API (Java 22 or
 * newer, native access allowed, as evloop's JVM flags allow it), then read and written through
 * Netty's {@link FileDescriptor}. A backend offers it from {@link IoWatchFactory#pipeFiles()} with
 * {@link #onThisSystem()}; the backend must have loaded Netty's native library.
 *
 * <pre>{@code
 * public Optional<PipeFiles> pipeFiles() {
 *     return NativePipeFiles.onThisSystem();
 * }
 * }</pre>
 *
 * <p>Elsewhere (macOS, the BSDs, Java 21) it is not offered, and the core pumps the file from a
 * thread instead.
 */
public final class NativePipeFiles implements PipeFiles {
    private final PosixOpen opener;

    private NativePipeFiles(PosixOpen opener) {
        this.opener = opener;
    }

    /**
     * The capability where it works: Linux on x86-64, AArch64 or RISC-V 64, Java 22 or newer.
     *
     * @return the opener, or empty here
     */
    public static Optional<PipeFiles> onThisSystem() {
        return PosixOpen.onThisSystem().map(NativePipeFiles::new);
    }

    @Override
    public End open(Path path, boolean forWriting) throws IOException {
        NativeEnd end = new NativeEnd(new FileDescriptor(opener.open(path, forWriting)));
        return new End() {
            @Override
            public int fd() {
                return end.fd();
            }

            @Override
            public int read(ByteBuffer dst) throws IOException {
                return end.read(dst);
            }

            @Override
            public int write(ByteBuffer src) throws IOException {
                return end.write(src);
            }

            @Override
            public void close() {
                end.close();
            }

            @Override
            public String toString() {
                return path + " (fd " + end.fd() + ")";
            }
        };
    }
}
