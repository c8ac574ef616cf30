package dev.evloop.internal.net;

import dev.evloop.LoopFuture;
import dev.evloop.internal.BaseEventLoop;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.FileRegion;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * One sendfile request: a byte range of a file, whether the transport owns the file (and so
 * closes it when done), and the future of the number of bytes sent. {@link FileSender} sends it,
 * as one zero-copy region or chunk by chunk.
 */
final class FileSlice {
    private static final System.Logger LOG = System.getLogger("dev.evloop");

    private final FileChannel file;
    private final boolean owned;
    private final long offset;
    private final long length;
    private final LoopFuture<Long> result;
    /** Where the next chunk starts, on the copying path. */
    private long position;

    FileSlice(BaseEventLoop loop, FileChannel file, boolean owned, long offset, long length) {
        this.file = file;
        this.owned = owned;
        this.offset = offset;
        this.length = length;
        this.position = offset;
        this.result = loop.createFuture();
    }

    long offset() {
        return offset;
    }

    long length() {
        return length;
    }

    LoopFuture<Long> result() {
        return result;
    }

    /** The whole range as a Netty file region that leaves the file open: the slice closes what it owns. */
    FileRegion region() {
        return new DefaultFileRegion(file, offset, length) {
            @Override
            protected void deallocate() {
                // Netty would close the file here; the slice closes it when it owns it.
            }
        };
    }

    /** Whether the copying path has read the whole range. */
    boolean exhausted() {
        return position == offset + length;
    }

    /**
     * Reads the next chunk of at most {@code max} bytes, with an absolute read that leaves the
     * channel's position alone.
     *
     * @throws EOFException if the file has shrunk since the request was made
     */
    ByteBuf readChunk(ByteBufAllocator alloc, int max) throws IOException {
        int n = (int) Math.min(max, offset + length - position);
        ByteBuf chunk = alloc.ioBuffer(n);
        try {
            while (chunk.readableBytes() < n) {
                if (chunk.writeBytes(file, position + chunk.readableBytes(), n - chunk.readableBytes()) < 0) {
                    throw new EOFException("the file ended at byte " + (position + chunk.readableBytes())
                            + ", before the end of the requested range (" + (offset + length) + ")");
                }
            }
        } catch (IOException | RuntimeException e) {
            chunk.release();
            throw e;
        }
        position += n;
        return chunk;
    }

    /** Every byte has been handed to the socket. */
    void succeed() {
        if (!result.isDone()) {
            result.setResult(length);
        }
        releaseFile();
    }

    /** The send failed; the first failure wins. */
    void fail(Throwable cause) {
        if (!result.isDone()) {
            result.setException(cause);
        }
        releaseFile();
    }

    private void releaseFile() {
        closeIfOwned(file, owned);
    }

    /** Closes a file the transport opened; a caller's file stays open. */
    static void closeIfOwned(FileChannel file, boolean owned) {
        if (owned && file.isOpen()) {
            try {
                file.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "could not close a file after sendfile", e);
            }
        }
    }
}
