package dev.evloop.internal.process;

import dev.evloop.EventLoop;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Pipe ends that only blocking streams reach, where the loop cannot watch them: the JDK's pipes to
 * a {@link Process} on a backend without {@link dev.evloop.spi.ChildPipes} (the selector, kqueue),
 * and a {@link java.nio.channels.Pipe}'s channels on a backend that watches descriptors, not
 * channels ({@link PipeConnections}). A
 * platform daemon thread per end does the blocking reads or writes, off the loop, and hands each
 * result to the loop with {@link EventLoop#callSoonThreadsafe}. A platform thread, not a virtual
 * one, because a virtual thread blocked in a pipe read holds its carrier, and in fast task mode
 * the carrier is the loop's thread.
 *
 * <p>Flow control is exact: a reading pump hands over one chunk at a time and reads the next only
 * after the loop delivered it and while the transport is not paused, so a paused reader leaves the
 * data in the pipe and the writer on the other side blocks, as with a watched pipe.
 */
final class Pumps {
    private static final System.Logger LOG = System.getLogger(Pumps.class.getName());
    /** Pump threads only block in read and write: a small stack is enough. */
    private static final long STACK_SIZE = 256 * 1024;

    private Pumps() {
    }

    static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing a pipe failed", e);
        }
    }

    private static void startThread(String name, Runnable body) {
        Thread thread = new Thread(null, body, name, STACK_SIZE);
        thread.setDaemon(true);
        thread.start();
    }

    /** Hands a callback to the loop; false once the loop is closed and nothing more can reach it. */
    private static boolean post(EventLoop loop, Runnable callback) {
        try {
            loop.callSoonThreadsafe(callback);
            return true;
        } catch (RuntimeException closed) {
            return false;
        }
    }

    /** A read end pumped by a thread. */
    static final class Source implements PipeSource {
        private final EventLoop loop;
        private final InputStream in;
        private final String name;
        private final boolean interruptible;
        private ReadPipeTransport transport;
        /** Guarded by this: the loop's wishes, and whether the last chunk was delivered. */
        private boolean paused;
        private boolean closed;
        private boolean delivered = true;
        private ByteBuffer held;

        /**
         * @param interruptible whether closing the stream wakes a blocked read, as with an NIO
         *                      channel's; else the pump closes it when the read returns
         */
        Source(EventLoop loop, InputStream in, String name, boolean interruptible) {
            this.loop = loop;
            this.in = in;
            this.name = name;
            this.interruptible = interruptible;
        }

        @Override
        public void start(ReadPipeTransport transport) {
            this.transport = transport;
            startThread("evloop-pipe-reader " + name, this::pump);
        }

        private void pump() {
            byte[] buffer = new byte[WatchedPipes.READ_SIZE];
            try (in) {
                if (in instanceof PipeFileStreams.Input file) {
                    file.open();
                }
                while (awaitTurn()) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        post(loop, transport::eof);
                        return;
                    }
                    if (n == 0) {
                        continue;
                    }
                    ByteBuffer chunk = ByteBuffer.wrap(Arrays.copyOf(buffer, n));
                    synchronized (this) {
                        delivered = false;
                    }
                    if (!post(loop, () -> deliver(chunk))) {
                        return;
                    }
                }
            } catch (IOException e) {
                synchronized (this) {
                    if (closed) {
                        return;
                    }
                }
                post(loop, () -> transport.failed(e));
            }
        }

        /** Waits until the loop took the last chunk and wants more; false once closed. */
        private synchronized boolean awaitTurn() {
            boolean interrupted = false;
            while (!closed && (paused || !delivered)) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return !closed;
        }

        /**
         * On the loop's thread. A chunk the pump read before a pause reached it waits here, not in
         * the protocol, until {@link #resume()}.
         */
        private void deliver(ByteBuffer chunk) {
            synchronized (this) {
                if (paused) {
                    held = chunk;
                    return;
                }
                delivered = true;
                notifyAll();
            }
            transport.received(chunk);
        }

        @Override
        public synchronized void pause() {
            paused = true;
        }

        @Override
        public void resume() {
            ByteBuffer waiting;
            synchronized (this) {
                paused = false;
                waiting = held;
                held = null;
                notifyAll();
            }
            if (waiting != null) {
                // Not from inside the caller, which may be the protocol's own dataReceived.
                loop.callSoon(() -> deliver(waiting));
            }
        }

        /**
         * An interruptible stream is closed at once. Otherwise the pump closes it when it wakes:
         * at once if it waits for its turn, or when a blocking read returns (the child writes or
         * exits), because closing the JDK's process stream under a blocked read does not wake it.
         */
        @Override
        public void close() {
            synchronized (this) {
                closed = true;
                notifyAll();
                if (transport == null || interruptible) {
                    closeQuietly(in);
                }
            }
        }
    }

    /** A write end pumped by a thread: the loop queues, the thread writes and reports. */
    static final class Sink implements PipeSink {
        private final EventLoop loop;
        private final OutputStream out;
        private final String name;
        private final boolean interruptible;
        private WritePipeTransport transport;
        /** Guarded by this. */
        private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
        private boolean finishing;
        private boolean closed;
        private boolean started;

        /**
         * @param interruptible whether closing the stream wakes a blocked write, as with an NIO
         *                      channel's; else the pump closes it when the write returns
         */
        Sink(EventLoop loop, OutputStream out, String name, boolean interruptible) {
            this.loop = loop;
            this.out = out;
            this.name = name;
            this.interruptible = interruptible;
        }

        @Override
        public void start(WritePipeTransport transport) {
            this.transport = transport;
        }

        @Override
        public void write(ByteBuffer data) {
            synchronized (this) {
                if (closed) {
                    return;
                }
                queue.add(data);
                notifyAll();
            }
            ensureThread();
        }

        @Override
        public void finish() {
            synchronized (this) {
                finishing = true;
                notifyAll();
            }
            ensureThread();
        }

        /** The thread starts with the first write, so a child whose stdin is never used costs none. */
        private void ensureThread() {
            if (!started) {
                started = true;
                startThread("evloop-pipe-writer " + name, this::pump);
            }
        }

        private void pump() {
            try (out) {
                while (true) {
                    ByteBuffer chunk;
                    synchronized (this) {
                        while (!closed && queue.isEmpty() && !finishing) {
                            wait();
                        }
                        if (closed) {
                            return;
                        }
                        chunk = queue.poll();
                    }
                    if (chunk == null) {
                        out.close();
                        post(loop, transport::finished);
                        return;
                    }
                    int n = chunk.remaining();
                    out.write(chunk.array(), chunk.arrayOffset() + chunk.position(), n);
                    out.flush();
                    post(loop, () -> transport.written(n));
                }
            } catch (IOException e) {
                synchronized (this) {
                    if (closed) {
                        return;
                    }
                }
                post(loop, () -> transport.failed(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void abort() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                queue.clear();
                notifyAll();
            }
            // A started pump closes the stream itself: it may be blocked in a write that holds the stream's lock.
            if (!started || interruptible) {
                closeQuietly(out);
            }
        }
    }
}
