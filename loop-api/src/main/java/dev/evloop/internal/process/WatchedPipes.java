package dev.evloop.internal.process;

import dev.evloop.EventLoop;
import dev.evloop.spi.ChildPipes;
import dev.evloop.spi.PipeFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.util.ArrayDeque;

/**
 * Pipe ends that the loop watches itself, read and written only when ready, as asyncio's
 * {@code _UnixReadPipeTransport} and {@code _UnixWritePipeTransport} do: a
 * {@link java.nio.channels.Pipe}'s channel on a backend that watches channels (the selector), or
 * the loop's end of a child's pipe on one that watches descriptors ({@link ChildPipes}), or a FIFO
 * opened non-blocking on one that watches descriptors ({@link PipeFiles}). Each end
 * is non-blocking; the {@link End} says how it is watched, read and written.
 */
final class WatchedPipes {
    /** What one read takes, as asyncio's {@code max_size} of a pipe read. */
    static final int READ_SIZE = 256 * 1024;
    /**
     * Every source of a loop reads into its thread's one buffer: what a read delivers is a view
     * valid only during {@code dataReceived}, and the loop runs one callback at a time. Direct, so
     * that neither the JDK nor Netty copies through a buffer of its own.
     */
    private static final ThreadLocal<ByteBuffer> READ_BUFFER =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(READ_SIZE));

    private WatchedPipes() {
    }

    /** How one non-blocking end is watched, read, written and closed; on the loop's thread. */
    interface End {
        /** {@code addReader} (or {@code addWriter}) of this end. */
        void watch(EventLoop loop, boolean reading, Runnable callback);

        /** {@code removeReader} (or {@code removeWriter}) of this end. */
        void unwatch(EventLoop loop, boolean reading);

        /** Bytes read, 0 if none now, -1 at the end of file. */
        int read(ByteBuffer dst) throws IOException;

        /** Bytes written, 0 if the pipe is full. */
        int write(ByteBuffer src) throws IOException;

        /** Closes the end; calling it again does nothing. */
        void close();
    }

    /** A {@link Pipe}'s channel, put in non-blocking mode, for a backend that watches channels. */
    static End of(Pipe.SourceChannel channel) throws IOException {
        channel.configureBlocking(false);
        return new ChannelEnd(channel) {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                return channel.read(dst);
            }
        };
    }

    /** A {@link Pipe}'s channel, put in non-blocking mode, for a backend that watches channels. */
    static End of(Pipe.SinkChannel channel) throws IOException {
        channel.configureBlocking(false);
        return new ChannelEnd(channel) {
            @Override
            public int write(ByteBuffer src) throws IOException {
                return channel.write(src);
            }
        };
    }

    /** The loop's end of a child's pipe, for a backend that watches descriptors. */
    static End of(ChildPipes.Pipe pipe) {
        return new End() {
            @Override
            public void watch(EventLoop loop, boolean reading, Runnable callback) {
                if (reading) {
                    loop.addReader(pipe.fd(), callback);
                } else {
                    loop.addWriter(pipe.fd(), callback);
                }
            }

            @Override
            public void unwatch(EventLoop loop, boolean reading) {
                if (reading) {
                    loop.removeReader(pipe.fd());
                } else {
                    loop.removeWriter(pipe.fd());
                }
            }

            @Override
            public int read(ByteBuffer dst) throws IOException {
                return pipe.read(dst);
            }

            @Override
            public int write(ByteBuffer src) throws IOException {
                return pipe.write(src);
            }

            @Override
            public void close() {
                pipe.close();
            }

            @Override
            public String toString() {
                return pipe.toString();
            }
        };
    }

    /** A FIFO or character device opened non-blocking, for a backend that watches descriptors. */
    static End of(PipeFiles.End file) {
        return new End() {
            @Override
            public void watch(EventLoop loop, boolean reading, Runnable callback) {
                if (reading) {
                    loop.addReader(file.fd(), callback);
                } else {
                    loop.addWriter(file.fd(), callback);
                }
            }

            @Override
            public void unwatch(EventLoop loop, boolean reading) {
                if (reading) {
                    loop.removeReader(file.fd());
                } else {
                    loop.removeWriter(file.fd());
                }
            }

            @Override
            public int read(ByteBuffer dst) throws IOException {
                return file.read(dst);
            }

            @Override
            public int write(ByteBuffer src) throws IOException {
                return file.write(src);
            }

            @Override
            public void close() {
                file.close();
            }

            @Override
            public String toString() {
                return file.toString();
            }
        };
    }

    /** A channel end; the subclass reads or writes it, as its kind allows. */
    private abstract static class ChannelEnd implements End {
        private final SelectableChannel channel;

        ChannelEnd(SelectableChannel channel) {
            this.channel = channel;
        }

        @Override
        public void watch(EventLoop loop, boolean reading, Runnable callback) {
            if (reading) {
                loop.addReader(channel, callback);
            } else {
                loop.addWriter(channel, callback);
            }
        }

        @Override
        public void unwatch(EventLoop loop, boolean reading) {
            if (reading) {
                loop.removeReader(channel);
            } else {
                loop.removeWriter(channel);
            }
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            throw new UnsupportedOperationException("a write end cannot be read: " + channel);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            throw new UnsupportedOperationException("a read end cannot be written: " + channel);
        }

        @Override
        public void close() {
            Pumps.closeQuietly(channel);
        }

        @Override
        public String toString() {
            return channel.toString();
        }
    }

    /** A watched read end: each readiness reads once, as asyncio's {@code _read_ready}. */
    static final class Source implements PipeSource {
        private final EventLoop loop;
        private final End end;
        private ReadPipeTransport transport;
        private boolean watching;
        private boolean closed;

        Source(EventLoop loop, End end) {
            this.loop = loop;
            this.end = end;
        }

        @Override
        public void start(ReadPipeTransport transport) {
            this.transport = transport;
            resume();
        }

        private void readable() {
            try {
                ByteBuffer buffer = READ_BUFFER.get().clear();
                int n = end.read(buffer);
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
                end.unwatch(loop, true);
            }
        }

        @Override
        public void resume() {
            if (!watching && !closed) {
                watching = true;
                end.watch(loop, true, this::readable);
            }
        }

        @Override
        public void close() {
            if (!closed) {
                pause();
                closed = true;
                end.close();
            }
        }
    }

    /** A watched write end: what cannot be written at once waits for writability. */
    static final class Sink implements PipeSink {
        private final EventLoop loop;
        private final End end;
        private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
        private WritePipeTransport transport;
        private boolean watching;
        private boolean finishing;
        private boolean closed;

        Sink(EventLoop loop, End end) {
            this.loop = loop;
            this.end = end;
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
                    int n = end.write(head);
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
                    end.unwatch(loop, false);
                }
                if (finishing) {
                    abort();
                    transport.finished();
                }
            } else if (!watching) {
                watching = true;
                end.watch(loop, false, this::flush);
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
                    end.unwatch(loop, false);
                }
                end.close();
            }
        }
    }
}
