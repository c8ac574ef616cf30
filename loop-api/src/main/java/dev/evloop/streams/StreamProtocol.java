package dev.evloop.streams;

import dev.evloop.EventLoop;
import dev.evloop.ExceptionContext;
import dev.evloop.LoopFuture;
import dev.evloop.Task;
import dev.evloop.net.Protocol;
import dev.evloop.net.Transport;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The protocol behind a reader and writer pair: feeds received data to the {@link StreamReader}
 * and wakes {@link StreamWriter#drain()} when writing may go on. Mirrors asyncio's
 * {@code StreamReaderProtocol} with its {@code FlowControlMixin}.
 *
 * <p>{@link dev.evloop.Async#openConnection} and {@link dev.evloop.Async#startServer} use it; use
 * it yourself to get streams over any other transport, a pipe for instance:
 *
 * <pre>{@code
 * Connection<StreamProtocol> c = loop.connectReadPipe(
 *         () -> new StreamProtocol(loop, StreamReader.DEFAULT_LIMIT), pipe).await();
 * byte[] line = c.protocol().reader().readLine();
 * }</pre>
 *
 * <p>Its methods are called on the loop's thread, by the transport and by the streams. Over
 * evloop's TCP, Unix and TLS transports the reader keeps a received buffer as it came, without a
 * copy, while nothing else is buffered: {@link StreamReader#readRetained} hands it on.
 */
public final class StreamProtocol implements Protocol {
    private final EventLoop loop;
    private final StreamReader reader;
    private final LoopFuture<Void> closed;
    private final java.util.function.BiConsumer<StreamReader, StreamWriter> onConnected;
    private StreamWriter writer;
    private boolean writingPaused;
    private boolean lost;
    private Throwable lostCause;
    /**
     * The tasks waiting in {@link #drain()}, oldest first, as asyncio's {@code _drain_waiters}:
     * several tasks may drain one writer at once, and each is woken. Made at the first wait.
     */
    private ArrayDeque<LoopFuture<Void>> drainWaiters;

    /**
     * A protocol whose reader buffers at most about {@code limit} bytes before it pauses reading.
     * Mirrors {@code asyncio.StreamReaderProtocol(StreamReader(limit))}.
     *
     * @param loop  the loop the transport runs on
     * @param limit the reader's buffer limit in bytes, {@link StreamReader#DEFAULT_LIMIT} usually
     * @throws NullPointerException if {@code loop} is null
     * @throws IllegalArgumentException if {@code limit} is not positive
     */
    public StreamProtocol(EventLoop loop, int limit) {
        this(loop, limit, null);
    }

    private StreamProtocol(EventLoop loop, int limit,
                           java.util.function.BiConsumer<StreamReader, StreamWriter> onConnected) {
        this.reader = new StreamReader(loop, limit);
        this.loop = loop;
        this.closed = loop.createFuture();
        this.onConnected = onConnected;
    }

    /**
     * The protocol of one connection a stream server accepted: once connected, it runs
     * {@code handler} as a task on {@code loop}; a handler that fails is reported to the loop's
     * exception handler and aborts the connection. Mirrors {@code StreamReaderProtocol} with a
     * {@code client_connected_cb}.
     *
     * @param loop    the loop the connection runs on
     * @param handler what serves the connection
     * @return the protocol, for a server's protocol factory
     * @throws NullPointerException if an argument is null
     */
    public static StreamProtocol serving(EventLoop loop, StreamHandler handler) {
        java.util.Objects.requireNonNull(handler, "handler");
        return new StreamProtocol(loop, StreamReader.DEFAULT_LIMIT, (reader, writer) -> {
            Task<Void> serving = loop.createTask(() -> {
                handler.handle(reader, writer);
                return null;
            });
            serving.addDoneCallback(done -> {
                if (!done.isCancelled() && done.exception() != null) {
                    loop.callExceptionHandler(ExceptionContext.of("Unhandled exception in a stream handler",
                            done.exception()).with(ExceptionContext.TRANSPORT, writer.transport()));
                    writer.transport().abort();
                }
            });
        });
    }

    /**
     * The reader the transport feeds.
     *
     * @return the reader, the same one always
     */
    public StreamReader reader() {
        return reader;
    }

    /**
     * The writer over the transport.
     *
     * @return the writer; {@code null} until the connection is made
     */
    public StreamWriter writer() {
        return writer;
    }

    LoopFuture<Void> closed() {
        return closed;
    }

    /** The error the connection was lost with; {@code null} while open or after a clean close. */
    Throwable lostCause() {
        return lostCause;
    }

    @Override
    public void connectionMade(Transport transport) {
        reader.setTransport(transport);
        writer = new StreamWriter(transport, this);
        if (onConnected != null) {
            onConnected.accept(reader, writer);
        }
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        reader.feedData(data);
    }

    /**
     * Received bytes as a Netty buffer, from its reader index to its writer index: what
     * {@link #dataReceived(ByteBuffer)} does, except that the reader keeps the buffer itself
     * (retained, its indexes left as they are) instead of copying it while the reader's own array
     * is empty (behind other kept buffers, within the reader's memory bound), for
     * {@link StreamReader#readRetained} to hand on. evloop's TCP, Unix and TLS
     * transports call this in place of {@code dataReceived}.
     *
     * <p>Ownership: the caller keeps its own reference and releases it as usual; the reader takes
     * one more where it keeps the buffer, and releases it when read, or when the connection is
     * lost (the bytes then stay readable from a heap copy).
     *
     * @param data the received bytes
     * @throws NullPointerException if {@code data} is null
     * @throws IllegalStateException after the end of the stream was fed
     */
    public void bufferReceived(ByteBuf data) {
        reader.feedBuffer(data);
    }

    @Override
    public boolean eofReceived() {
        reader.feedEof();
        return true;
    }

    @Override
    public void connectionLost(Throwable cause) {
        lost = true;
        lostCause = cause;
        // A buffer the reader kept goes back to the channel's allocator with the channel; its
        // bytes stay readable from the heap.
        reader.copyKeptBuffer();
        if (cause == null) {
            reader.feedEof();
        } else {
            reader.setException(cause);
        }
        if (!closed.isDone()) {
            closed.setResult(null);
        }
        wakeDrainers();
    }

    @Override
    public void pauseWriting() {
        writingPaused = true;
    }

    @Override
    public void resumeWriting() {
        writingPaused = false;
        wakeDrainers();
    }

    void drain() {
        if (lost) {
            throw StreamWriter.connectionLost(lostCause);
        }
        if (!writingPaused) {
            return;
        }
        if (drainWaiters == null) {
            drainWaiters = new ArrayDeque<>();
        }
        LoopFuture<Void> waiter = loop.createFuture();
        drainWaiters.add(waiter);
        try {
            waiter.await();
        } finally {
            drainWaiters.remove(waiter);
        }
        if (lost) {
            throw StreamWriter.connectionLost(lostCause);
        }
    }

    /** Wakes every task waiting in {@link #drain()}; each removes its own waiter when it runs. */
    private void wakeDrainers() {
        if (drainWaiters == null) {
            return;
        }
        for (LoopFuture<Void> waiter : drainWaiters) {
            if (!waiter.isDone()) {
                waiter.setResult(null);
            }
        }
    }
}
