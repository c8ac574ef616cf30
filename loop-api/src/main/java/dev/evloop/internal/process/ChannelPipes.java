package dev.evloop.internal.process;

import dev.evloop.EventLoop;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.ArrayDeque;

/**
 * The ends of a {@link java.nio.channels.Pipe} that the loop watches itself: the selector
 * backend's form of asyncio's pipe transports, through {@link EventLoop#addReader(java.nio.channels.SelectableChannel, Runnable)}
 * and {@code addWriter}. Each end is put in non-blocking mode, read and written only when ready.
 */
final class ChannelPipes {
    /** What one read takes, as asyncio's {@code max_size} of a pipe read. */
    static final int READ_SIZE = 256 * 1024;

    private ChannelPipes() {
    }

    /** A watched {@link Pipe.SourceChannel}. */
    static final class Source implements PipeSource {
        private final EventLoop loop;
        private final Pipe.SourceChannel channel;
        private ReadPipeTransport transport;
        private ByteBuffer buffer;
        private boolean watching;
        private boolean closed;

        Source(EventLoop loop, Pipe.SourceChannel channel) throws IOException {
            this.loop = loop;
            this.channel = channel;
            channel.configureBlocking(false);
        }

        @Override
        public void start(ReadPipeTransport transport) {
            this.transport = transport;
            resume();
        }

        private void readable() {
            try {
                if (buffer == null) {
                    buffer = ByteBuffer.allocate(READ_SIZE);
                }
                int n = channel.read(buffer.clear());
                if (n > 0) {
                    transport.received(buffer.flip());
                } else if (n < 0) {
                    transport.eof();
                }
            } catch (IOException e) {
                transport.failed(e);
            }
        }

        @Override
        public void pause() {
            if (watching) {
                watching = false;
                loop.removeReader(channel);
            }
        }

        @Override
        public void resume() {
            if (!watching && !closed) {
                watching = true;
                loop.addReader(channel, this::readable);
            }
        }

        @Override
        public void close() {
            if (!closed) {
                pause();
                closed = true;
                Pumps.closeQuietly(channel);
            }
        }
    }

    /** A watched {@link Pipe.SinkChannel}: what cannot be written at once waits for writability. */
    static final class Sink implements PipeSink {
        private final EventLoop loop;
        private final Pipe.SinkChannel channel;
        private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
        private WritePipeTransport transport;
        private boolean watching;
        private boolean finishing;
        private boolean closed;

        Sink(EventLoop loop, Pipe.SinkChannel channel) throws IOException {
            this.loop = loop;
            this.channel = channel;
            channel.configureBlocking(false);
        }

        @Override
        public void start(WritePipeTransport transport) {
            this.transport = transport;
        }

        @Override
        public void write(ByteBuffer data) {
            if (closed) {
                return;
            }
            queue.add(data);
            if (!watching) {
                flush();
            }
        }

        private void flush() {
            try {
                ByteBuffer head;
                while ((head = queue.peek()) != null) {
                    int n = channel.write(head);
                    if (n > 0) {
                        transport.written(n);
                    }
                    if (head.hasRemaining()) {
                        break;
                    }
                    queue.poll();
                }
            } catch (IOException e) {
                transport.failed(e);
                return;
            }
            if (queue.isEmpty()) {
                if (watching) {
                    watching = false;
                    loop.removeWriter(channel);
                }
                if (finishing) {
                    abort();
                    transport.finished();
                }
            } else if (!watching) {
                watching = true;
                loop.addWriter(channel, this::flush);
            }
        }

        @Override
        public void finish() {
            finishing = true;
            if (!watching) {
                flush();
            }
        }

        @Override
        public void abort() {
            if (!closed) {
                closed = true;
                queue.clear();
                if (watching) {
                    watching = false;
                    loop.removeWriter(channel);
                }
                Pumps.closeQuietly(channel);
            }
        }
    }
}
