package dev.evloop.spi;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandle;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * How a backend watches file descriptors or channels for readiness: the part of asyncio's
 * {@code add_reader}/{@code add_writer} that depends on the poller. Native backends watch
 * {@code int} file descriptors, the selector backend watches {@link SelectableChannel}s; each
 * refuses the other kind with an {@link UnsupportedOperationException} naming itself.
 *
 * <pre>{@code
 * public IoWatch watchFd(IoEventLoop loop, int fd, IoWatch.Listener listener) throws IOException {
 *     MyFdWatch watch = new MyFdWatch(fd, listener);          // a Netty IoHandle
 *     watch.registration = IoWatchFactory.registerNow(loop, watch);
 *     return watch;
 * }
 * }</pre>
 *
 * <p>Both methods are called on the loop's thread, and the watch they return wants nothing until
 * its {@link IoWatch#interest} is set.
 */
public interface IoWatchFactory {

    /**
     * Watches a file descriptor; it stays the caller's, open after the watch is closed.
     *
     * @param loop     the loop's Netty event loop, whose thread this is
     * @param fd       the file descriptor, not negative
     * @param listener where readiness goes
     * @return the watch, wanting nothing yet
     * @throws IOException if the file descriptor cannot be watched: not open, or of a kind the
     *                     poller refuses (a poller that first sees it when armed, as Netty's
     *                     epoll does, refuses it from {@link IoWatch#interest} instead)
     * @throws UnsupportedOperationException if this backend does not watch file descriptors
     */
    IoWatch watchFd(IoEventLoop loop, int fd, IoWatch.Listener listener) throws IOException;

    /**
     * Watches a channel; it stays the caller's, open after the watch is closed.
     *
     * @param loop     the loop's Netty event loop, whose thread this is
     * @param channel  the channel, in non-blocking mode
     * @param listener where readiness goes
     * @return the watch, wanting nothing yet
     * @throws IOException if the channel cannot be watched, such as when it is closed
     * @throws UnsupportedOperationException if this backend does not watch channels
     */
    IoWatch watchChannel(IoEventLoop loop, SelectableChannel channel, IoWatch.Listener listener) throws IOException;

    /**
     * Whether {@link #watchChannel} works: the core then watches a {@link java.nio.channels.Pipe}'s
     * channels for {@code connectReadPipe}/{@code connectWritePipe} itself, rather than pumping them
     * from a thread. A backend that overrides {@code watchChannel} overrides this too.
     *
     * @return {@code false} here
     */
    default boolean watchesChannels() {
        return false;
    }

    /**
     * Pipes for a child process's stdin, stdout and stderr whose loop end {@link #watchFd} can
     * watch: with them the core starts children on pipes the loop watches, with no thread. Without
     * them (empty, the default) each pipe a child gets is the JDK's, read or written by a thread of
     * its own, which hands the bytes to the loop ({@code dev.evloop.internal.process.Pumps}).
     * Native backends on Linux return {@link NativeChildPipes#onThisSystem()}.
     *
     * @return empty here
     */
    default Optional<ChildPipes> childPipes() {
        return Optional.empty();
    }

    /**
     * FIFOs and character devices opened non-blocking, whose descriptor {@link #watchFd} can
     * watch: with them {@code connectReadPipe(factory, Path)} and {@code connectWritePipe(factory,
     * Path)} need no thread. Without them (empty, the default) each such end is opened, read or
     * written by a thread of its own, in blocking mode. Native backends on Linux return
     * {@link NativePipeFiles#onThisSystem()}.
     *
     * @return empty here
     */
    default Optional<PipeFiles> pipeFiles() {
        return Optional.empty();
    }

    /**
     * Registers a handle on the loop's thread, where Netty registers at once, and returns the
     * registration or throws what the registration failed with.
     *
     * @param loop   the loop's Netty event loop, whose thread this must be
     * @param handle the handle
     * @return its registration
     * @throws IOException if the poller refused it
     */
    static IoRegistration registerNow(IoEventLoop loop, IoHandle handle) throws IOException {
        if (!loop.inEventLoop()) {
            throw new IllegalStateException("watches are registered on their loop's thread, not on '"
                    + Thread.currentThread().getName() + "'");
        }
        Future<IoRegistration> registered = loop.register(handle);
        Throwable cause = registered.cause();
        if (cause == null) {
            return registered.getNow();
        }
        if (cause instanceof IOException io) {
            throw io;
        }
        if (cause instanceof RuntimeException unchecked) {
            throw unchecked;
        }
        throw new IOException(cause);
    }

    /**
     * Fails unless the file descriptor is open, for pollers that only find out later (an io_uring
     * poll completes with {@code EBADF}; kqueue drops the error). Asks {@code /proc/self/fd} on
     * Linux and {@code /dev/fd} on macOS; elsewhere there is no portable way without native code,
     * and it passes.
     *
     * @param fd the file descriptor
     * @throws IOException if it is not open
     */
    static void requireOpen(int fd) throws IOException {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        Path table = os.startsWith("linux") ? Path.of("/proc/self/fd") : os.startsWith("mac") ? Path.of("/dev/fd") : null;
        if (table != null && Files.isDirectory(table)
                && !Files.exists(table.resolve(Integer.toString(fd)), LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("file descriptor " + fd + " is not open");
        }
    }

    /**
     * The refusal of a backend that watches file descriptors only, for its
     * {@link #watchChannel}: Java exposes a channel's descriptor only through JDK internals.
     *
     * @param backend the backend's name
     * @param channel the channel it was asked to watch
     * @return the exception to throw
     */
    static UnsupportedOperationException descriptorsOnly(String backend, SelectableChannel channel) {
        return new UnsupportedOperationException("the " + backend + " backend watches int file descriptors, not "
                + "SelectableChannels: pass the descriptor, or use the selector backend for " + channel);
    }
}
