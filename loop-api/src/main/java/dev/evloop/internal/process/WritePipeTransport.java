package dev.evloop.internal.process;

import dev.evloop.EventLoop;
import dev.evloop.ExceptionContext;
import dev.evloop.LoopFuture;
import dev.evloop.internal.net.OwnedBuffers;
import dev.evloop.net.BaseProtocol;
import dev.evloop.streams.StreamWriter;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The write end of a pipe as a transport: asyncio's {@code _UnixWritePipeTransport}. Bytes are
 * copied and handed to its {@link PipeSink}; the bytes not yet gone count as the write buffer, and
 * the protocol is told {@code pauseWriting} when it passes the high-water mark (64 KiB by default)
 * and {@code resumeWriting} when it falls to the low one (16 KiB), so {@link StreamWriter#drain()}
 * waits while the reader is slow. A failed write (a broken pipe once the reader is gone) is
 * reported as {@code connectionLost(error)}. Touched only on the loop's thread.
 */
final class WritePipeTransport extends PipeTransport {
    private static final int DEFAULT_HIGH = 64 * 1024;
    private static final int DEFAULT_LOW = 16 * 1024;

    private final EventLoop loop;
    private final BaseProtocol protocol;
    private final PipeSink sink;
    private final String name;
    private long buffered;
    private int high = DEFAULT_HIGH;
    private int low = DEFAULT_LOW;
    private boolean paused;
    private boolean closing;
    private boolean lost;

    WritePipeTransport(EventLoop loop, BaseProtocol protocol, PipeSink sink, String name) {
        this.loop = loop;
        this.protocol = protocol;
        this.sink = sink;
        this.name = name;
    }

    void start() {
        sink.start(this);
        protocol.connectionMade(this);
    }

    /** Bytes left the sink. */
    void written(int count) {
        buffered -= count;
        if (paused && buffered <= low) {
            paused = false;
            try {
                protocol.resumeWriting();
            } catch (RuntimeException | Error e) {
                report("protocol.resumeWriting() failed", e);
            }
        }
    }

    /** The sink closed the pipe after its last byte. */
    void finished() {
        lose(null);
    }

    /**
     * The reader is gone (the child exited), as asyncio's write pipe sees its peer close: an idle
     * pipe is lost at once, without error, so a later {@code drain} raises; one with bytes
     * pending fails on its next write with the broken pipe.
     */
    void readerGone() {
        if (buffered == 0 && !lost) {
            closing = true;
            sink.abort();
            lose(null);
        }
    }

    /** A write failed, such as with a broken pipe. */
    void failed(IOException cause) {
        if (!lost) {
            closing = true;
            sink.abort();
            lose(cause);
        }
    }

    private void lose(Throwable cause) {
        if (lost) {
            return;
        }
        lost = true;
        buffered = 0;
        pipeClosed();
        loop.callSoon(() -> {
            try {
                protocol.connectionLost(cause);
            } catch (RuntimeException | Error e) {
                report("Exception in protocol.connectionLost()", e);
            }
        });
    }

    private void report(String message, Throwable cause) {
        loop.callExceptionHandler(ExceptionContext.of(message, cause).with(ExceptionContext.TRANSPORT, this));
    }

    @Override
    public void write(byte[] data) {
        Objects.requireNonNull(data, "data");
        write(ByteBuffer.wrap(data.clone()), data.length);
    }

    @Override
    public void write(ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        int n = data.remaining();
        ByteBuffer copy = ByteBuffer.allocate(n);
        copy.put(data.duplicate()).flip();
        write(copy, n);
    }

    @Override
    public void write(ByteBuf data) {
        OwnedBuffers.alive(data);
        try {
            int n = data.readableBytes();
            byte[] copy = new byte[n];
            data.readBytes(copy);
            write(ByteBuffer.wrap(copy), n);
        } finally {
            data.release();
        }
    }

    private void write(ByteBuffer owned, int n) {
        if (closing) {
            // asyncio drops writes after close with a warning; a broken pipe already reached the protocol.
            return;
        }
        if (n == 0) {
            return;
        }
        buffered += n;
        sink.write(owned);
        pauseOverHighMark();
    }

    /** Tells the protocol to pause once the buffer is over the high mark: asyncio's {@code _maybe_pause_protocol}. */
    private void pauseOverHighMark() {
        if (!paused && !lost && buffered > high) {
            paused = true;
            try {
                protocol.pauseWriting();
            } catch (RuntimeException | Error e) {
                report("protocol.pauseWriting() failed", e);
            }
        }
    }

    private UnsupportedOperationException notHere(String what) {
        return new UnsupportedOperationException(what + " does not apply to a write pipe transport (" + name + ")");
    }

    @Override
    public LoopFuture<Long> sendfile(Path path, long offset, long count) {
        throw notHere("sendfile");
    }

    @Override
    public LoopFuture<Long> sendfile(FileChannel file, long offset, long count) {
        throw notHere("sendfile");
    }

    /** Closes the pipe once the buffer is written: the reader then sees the end of file. */
    @Override
    public void writeEof() {
        close();
    }

    @Override
    public boolean canWriteEof() {
        return true;
    }

    @Override
    public void close() {
        if (!closing) {
            closing = true;
            sink.finish();
        }
    }

    @Override
    public void abort() {
        closing = true;
        sink.abort();
        lose(null);
    }

    @Override
    public boolean isClosing() {
        return closing;
    }

    @Override
    public void pauseReading() {
        throw notHere("pauseReading");
    }

    @Override
    public void resumeReading() {
        throw notHere("resumeReading");
    }

    @Override
    public boolean isReading() {
        return false;
    }

    @Override
    public void setWriteBufferLimits(int high, int low) {
        if (high < 0 || low < 0 || low > high) {
            throw new IllegalArgumentException("need 0 <= low <= high, got high=" + high + ", low=" + low);
        }
        this.high = high;
        this.low = low;
        pauseOverHighMark();
    }

    @Override
    public long writeBufferSize() {
        return buffered;
    }

    @Override
    public String toString() {
        return "WritePipeTransport[" + name + ", buffered=" + buffered + (closing ? ", closing" : "") + "]";
    }
}
