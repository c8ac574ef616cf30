package dev.evloop.spi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One non-blocking descriptor read and written through Netty's native {@link FileDescriptor}: the
 * loop's end of a child's pipe ({@link NativeChildPipes}) and an opened FIFO
 * ({@link NativePipeFiles}).
 */
final class NativeEnd {
    /** The pipe's default capacity on Linux: no single write takes more. */
    private static final int SCRATCH_SIZE = 64 * 1024;

    private final FileDescriptor fd;
    private ByteBuf scratchBuf;

    NativeEnd(FileDescriptor fd) {
        this.fd = fd;
    }

    int fd() {
        return fd.intValue();
    }

    int read(ByteBuffer dst) throws IOException {
        if (dst.isDirect()) {
            int n = fd.read(dst, dst.position(), dst.limit());
            if (n > 0) {
                dst.position(dst.position() + n);
            }
            return n;
        }
        ByteBuffer scratch = scratch();
        int from = scratch.position();
        int n = fd.read(scratch, from, from + Math.min(dst.remaining(), SCRATCH_SIZE));
        if (n > 0) {
            dst.put(scratch.limit(from + n));
        }
        return n;
    }

    int write(ByteBuffer src) throws IOException {
        if (src.isDirect()) {
            int n = fd.write(src, src.position(), src.limit());
            src.position(src.position() + n);
            return n;
        }
        ByteBuffer scratch = scratch();
        int from = scratch.position();
        int size = Math.min(src.remaining(), SCRATCH_SIZE);
        scratch.put(src.duplicate().limit(src.position() + size));
        int n = fd.write(scratch, from, from + size);
        src.position(src.position() + n);
        return n;
    }

    /**
     * Where a heap buffer's bytes pass through, as Netty reads and writes direct memory only: one
     * per end, taken from Netty's pool at the first use (a child's stdin, written from heap copies)
     * and given back when the end closes. Not per thread: in fast task mode each task writing to a
     * pipe is a thread of its own.
     */
    private ByteBuffer scratch() {
        if (scratchBuf == null) {
            scratchBuf = ByteBufAllocator.DEFAULT.directBuffer(SCRATCH_SIZE, SCRATCH_SIZE);
        }
        return scratchBuf.internalNioBuffer(0, SCRATCH_SIZE);
    }

    /** Closes the descriptor and gives the scratch buffer back; calling it again does nothing. */
    void close() {
        closeQuietly(fd);
        if (scratchBuf != null) {
            scratchBuf.release();
            scratchBuf = null;
        }
    }

    static void closeQuietly(FileDescriptor fd) {
        try {
            fd.close();
        } catch (IOException e) {
            // close(2) frees the descriptor even when it reports an error: nothing is left to do.
            System.getLogger(NativeEnd.class.getName()).log(System.Logger.Level.DEBUG, "closing a descriptor failed", e);
        }
    }
}
