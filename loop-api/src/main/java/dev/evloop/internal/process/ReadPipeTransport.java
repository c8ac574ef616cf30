package dev.evloop.internal.process;

import dev.evloop.EventLoop;
import dev.evloop.ExceptionContext;
import dev.evloop.LoopFuture;
import dev.evloop.internal.net.OwnedBuffers;
import dev.evloop.internal.net.ReceivedData;
import dev.evloop.net.Protocol;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * The read end of a pipe as a transport: asyncio's {@code _UnixReadPipeTransport}. It hands what
 * its {@link PipeSource} delivers to a {@link Protocol}, pauses the source while the protocol asks
 * it to, and reports the end of file as {@code eofReceived} then {@code connectionLost(null)}.
 * Writing, sendfile and addresses do not apply to it. Touched only on the loop's thread.
 */
final class ReadPipeTransport extends PipeTransport {
    private final EventLoop loop;
    private final Protocol protocol;
    private final PipeSource source;
    private final String name;
    private boolean reading = true;
    private boolean closing;

    ReadPipeTransport(EventLoop loop, Protocol protocol, PipeSource source, String name) {
        this.loop = loop;
        this.protocol = protocol;
        this.source = source;
        this.name = name;
    }

    /** Tells the protocol, then starts the source, as asyncio orders {@code connection_made}. */
    void start() {
        protocol.connectionMade(this);
        if (!closing) {
            source.start(this);
            if (!reading) {
                source.pause();
            }
        }
    }

    void received(ByteBuffer data) {
        if (closing) {
            return;
        }
        try {
            protocol.dataReceived(data);
        } catch (RuntimeException | Error e) {
            fatal("Fatal error: protocol.dataReceived() call failed.", e);
        } finally {
            ReceivedData.empty(data); // the sources reuse the memory for the next read
        }
    }

    void eof() {
        if (closing) {
            return;
        }
        closing = true;
        source.close();
        pipeClosed();
        try {
            protocol.eofReceived();
        } catch (RuntimeException | Error e) {
            fatal("Fatal error: protocol.eofReceived() call failed.", e);
            return;
        }
        loop.callSoon(() -> connectionLost(null));
    }

    void failed(Throwable cause) {
        if (!closing) {
            closing = true;
            source.close();
            pipeClosed();
            loop.callSoon(() -> connectionLost(cause));
        }
    }

    private void fatal(String message, Throwable cause) {
        loop.callExceptionHandler(ExceptionContext.of(message, cause).with(ExceptionContext.TRANSPORT, this));
        failed(cause);
    }

    private void connectionLost(Throwable cause) {
        try {
            protocol.connectionLost(cause);
        } catch (RuntimeException | Error e) {
            loop.callExceptionHandler(ExceptionContext.of("Exception in protocol.connectionLost()", e)
                    .with(ExceptionContext.TRANSPORT, this));
        }
    }

    @Override
    public void close() {
        if (!closing) {
            closing = true;
            source.close();
            pipeClosed();
            loop.callSoon(() -> connectionLost(null));
        }
    }

    @Override
    public void abort() {
        close();
    }

    @Override
    public boolean isClosing() {
        return closing;
    }

    @Override
    public void pauseReading() {
        if (reading && !closing) {
            reading = false;
            source.pause();
        }
    }

    @Override
    public void resumeReading() {
        if (!reading && !closing) {
            reading = true;
            source.resume();
        }
    }

    @Override
    public boolean isReading() {
        return reading && !closing;
    }

    private UnsupportedOperationException readOnly() {
        return new UnsupportedOperationException("a read pipe transport (" + name + ") cannot write");
    }

    @Override
    public void write(byte[] data) {
        throw readOnly();
    }

    @Override
    public void write(ByteBuffer data) {
        throw readOnly();
    }

    @Override
    public void write(ByteBuf data) {
        OwnedBuffers.alive(data).release(); // the transport owns it from the call on, refused or not
        throw readOnly();
    }

    @Override
    public LoopFuture<Long> sendfile(Path path, long offset, long count) {
        throw readOnly();
    }

    @Override
    public LoopFuture<Long> sendfile(FileChannel file, long offset, long count) {
        throw readOnly();
    }

    @Override
    public void writeEof() {
        throw readOnly();
    }

    @Override
    public boolean canWriteEof() {
        return false;
    }

    @Override
    public void setWriteBufferLimits(int high, int low) {
        throw readOnly();
    }

    @Override
    public long writeBufferSize() {
        return 0;
    }

    @Override
    public String toString() {
        return "ReadPipeTransport[" + name + (closing ? ", closing" : "") + "]";
    }
}
