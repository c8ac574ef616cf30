package dev.evloop.internal;

import dev.evloop.ExceptionContext;
import dev.evloop.spi.ChildPipes;
import dev.evloop.spi.IoWatch;
import dev.evloop.spi.IoWatchFactory;
import dev.evloop.spi.LoopBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectableChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A loop's readers and writers: the bookkeeping of asyncio's {@code add_reader},
 * {@code remove_reader}, {@code add_writer} and {@code remove_writer} ({@code selector_events.py}),
 * over the backend's {@link IoWatch}. One entry per watched file descriptor or channel holds its
 * reader and its writer; the entry's watch is armed for what it holds and closed once it holds
 * nothing. Touched only on the loop's thread.
 *
 * <p>As in asyncio, a ready watcher's handle joins the ready queue while the loop polls and runs
 * with the iteration's other callbacks, so a throwing one goes to the exception handler; the
 * handle is made once per add and reused for every readiness.
 */
final class FdWatchers {
    private final BaseEventLoop loop;
    private final String backend;
    private final IoWatchFactory factory;
    /** Keyed by the fd (an Integer) or by the channel itself (identity). */
    private final Map<Object, Watched> watched = new HashMap<>();

    FdWatchers(BaseEventLoop loop, LoopBackend backend) {
        this.loop = loop;
        this.backend = backend.name();
        this.factory = backend.ioWatchFactory();
    }

    /** The key of a file descriptor, checked. */
    static Object fd(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("fd must not be negative, got " + fd);
        }
        return fd;
    }

    /** The key of a channel, checked. */
    static Object channel(SelectableChannel channel) {
        return Objects.requireNonNull(channel, "channel");
    }

    /** Adds or replaces the reader (or writer) of a target. */
    void add(Object target, boolean reading, Runnable callback) {
        Watched entry = watched.get(target);
        boolean fresh = entry == null;
        if (fresh) {
            entry = new Watched(target);
            entry.watch = open(target, entry);
            watched.put(target, entry);
        }
        CallbackHandle handle = new CallbackHandle(new Watcher(callback, entry, reading),
                loop.isDebug() ? CreationSite.capture() : null);
        CallbackHandle replaced = entry.set(reading, handle);
        try {
            entry.arm();
        } catch (RuntimeException e) {
            entry.set(reading, replaced);
            if (fresh) {
                watched.remove(target);
                entry.watch.close();
            }
            // Some pollers (epoll) first see the descriptor when it is armed.
            throw e instanceof UncheckedIOException io ? refused(target, io.getCause()) : e;
        }
        if (replaced != null) {
            replaced.cancel();
        }
    }

    /** Removes the reader (or writer) of a target; false if it had none. */
    boolean remove(Object target, boolean reading) {
        Watched entry = watched.get(target);
        if (entry == null) {
            return false;
        }
        CallbackHandle removed = entry.set(reading, null);
        if (removed == null) {
            return false;
        }
        removed.cancel();
        if (entry.reader == null && entry.writer == null) {
            watched.remove(target);
            entry.watch.close();
        } else {
            entry.arm();
        }
        return true;
    }

    boolean watchesChannels() {
        return factory.watchesChannels();
    }

    Optional<ChildPipes> childPipes() {
        return factory.childPipes();
    }

    Optional<dev.evloop.spi.PipeFiles> pipeFiles() {
        return factory.pipeFiles();
    }

    /** Drops every watcher and releases the backend's registrations; the loop is closing. */
    void closeAll() {
        for (Watched entry : new ArrayList<>(watched.values())) {
            entry.drop();
        }
    }

    private IoWatch open(Object target, Watched entry) {
        try {
            return target instanceof Integer
                    ? factory.watchFd(loop.ioEventLoop(), (Integer) target, entry)
                    : factory.watchChannel(loop.ioEventLoop(), (SelectableChannel) target, entry);
        } catch (IOException e) {
            throw refused(target, e);
        }
    }

    private IllegalArgumentException refused(Object target, IOException cause) {
        return new IllegalArgumentException((target instanceof Integer ? "fd: " : "channel: ") + target
                + " cannot be watched on the " + backend + " backend: " + cause.getMessage(), cause);
    }

    private static String describe(Object target) {
        return target instanceof Integer fd ? "fd " + fd : String.valueOf(target);
    }

    /** One watched target: its reader, its writer and the backend's watch. */
    private final class Watched implements IoWatch.Listener {
        final Object target;
        IoWatch watch;
        CallbackHandle reader;
        CallbackHandle writer;

        Watched(Object target) {
            this.target = target;
        }

        /** Sets the reader or writer; returns the one it replaces. */
        CallbackHandle set(boolean reading, CallbackHandle handle) {
            CallbackHandle old;
            if (reading) {
                old = reader;
                reader = handle;
            } else {
                old = writer;
                writer = handle;
            }
            return old;
        }

        void arm() {
            watch.interest(reader != null, writer != null);
        }

        /** After a watcher ran: the watch wants the next readiness, unless it was removed meanwhile. */
        void rearm() {
            if (watched.get(target) == this) {
                arm();
            }
        }

        void drop() {
            watched.remove(target);
            if (reader != null) {
                reader.cancel();
            }
            if (writer != null) {
                writer.cancel();
            }
            watch.close();
        }

        @Override
        public void ready(boolean readable, boolean writable) {
            if (readable && reader != null) {
                loop.enqueueReady(reader);
            }
            if (writable && writer != null) {
                loop.enqueueReady(writer);
            }
        }

        @Override
        public void failed(Throwable cause) {
            if (watched.get(target) != this) {
                return;
            }
            drop();
            loop.callExceptionHandler(ExceptionContext.of("Cannot watch " + describe(target) + " any longer on the "
                    + backend + " backend; its reader and writer were removed", cause));
        }

        @Override
        public String toString() {
            return describe(target);
        }
    }

    /** A watcher's callback, then the watch re-armed for the next readiness, whatever the callback did. */
    private static final class Watcher implements Runnable {
        private final Runnable callback;
        private final Watched entry;
        private final boolean reading;

        Watcher(Runnable callback, Watched entry, boolean reading) {
            this.callback = callback;
            this.entry = entry;
            this.reading = reading;
        }

        @Override
        public void run() {
            try {
                callback.run();
            } finally {
                entry.rearm();
            }
        }

        @Override
        public String toString() {
            return CallbackHandle.describe(callback) + (reading ? " reading " : " writing ") + entry;
        }
    }
}
