package dev.evloop;

import java.nio.ByteBuffer;

/**
 * The protocol behind a reader and writer pair: feeds received data to the {@link StreamReader}
 * and wakes {@link StreamWriter#drain()} when writing may go on. asyncio's
 * {@code StreamReaderProtocol} with its {@code FlowControlMixin}.
 */
final class StreamProtocol implements Protocol {
    private final EventLoop loop;
    private final StreamReader reader;
    private final LoopFuture<Void> closed;
    private final java.util.function.BiConsumer<StreamReader, StreamWriter> onConnected;
    private StreamWriter writer;
    private boolean writingPaused;
    private boolean lost;
    private Throwable lostCause;
    private LoopFuture<Void> drainWaiter;

    StreamProtocol(EventLoop loop, int limit, java.util.function.BiConsumer<StreamReader, StreamWriter> onConnected) {
        this.loop = loop;
        this.reader = new StreamReader(loop, limit);
        this.closed = loop.createFuture();
        this.onConnected = onConnected;
    }

    /**
     * The protocol of one connection a stream server accepted: once connected, it runs
     * {@code handler} as a task on {@code loop}; a handler that fails is reported and aborts the
     * connection.
     */
    static StreamProtocol serving(EventLoop loop, StreamHandler handler) {
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

    StreamReader reader() {
        return reader;
    }

    StreamWriter writer() {
        return writer;
    }

    LoopFuture<Void> closed() {
        return closed;
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

    @Override
    public boolean eofReceived() {
        reader.feedEof();
        return true;
    }

    @Override
    public void connectionLost(Throwable cause) {
        lost = true;
        lostCause = cause;
        if (cause == null) {
            reader.feedEof();
        } else {
            reader.setException(cause);
        }
        if (!closed.isDone()) {
            closed.setResult(null);
        }
        wakeDrainer();
    }

    @Override
    public void pauseWriting() {
        writingPaused = true;
    }

    @Override
    public void resumeWriting() {
        writingPaused = false;
        wakeDrainer();
    }

    void drain() {
        if (lost) {
            throw StreamWriter.connectionLost(lostCause);
        }
        if (!writingPaused) {
            return;
        }
        LoopFuture<Void> waiter = loop.createFuture();
        drainWaiter = waiter;
        waiter.await();
        if (lost) {
            throw StreamWriter.connectionLost(lostCause);
        }
    }

    private void wakeDrainer() {
        LoopFuture<Void> waiter = drainWaiter;
        if (waiter != null) {
            drainWaiter = null;
            if (!waiter.isDone()) {
                waiter.setResult(null);
            }
        }
    }
}
