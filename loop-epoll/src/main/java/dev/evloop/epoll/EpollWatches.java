package dev.evloop.epoll;

import dev.evloop.spi.ChildPipes;
import dev.evloop.spi.IoWatch;
import dev.evloop.spi.IoWatchFactory;
import dev.evloop.spi.NativeChildPipes;
import dev.evloop.spi.NativePipeFiles;
import dev.evloop.spi.PipeFiles;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.util.Optional;

/**
 * How the epoll backend watches file descriptors for {@code addReader}/{@code addWriter}: an
 * {@link EpollIoHandle} per descriptor, registered on the loop's epoll set and modified to
 * {@code EPOLLIN}, {@code EPOLLOUT} or both, level-triggered as asyncio's {@code EpollSelector}.
 *
 * <pre>{@code
 * IoWatch watch = new EpollWatches().watchFd(ioLoop, fd, listener);
 * watch.interest(true, false);    // EPOLLIN
 * }</pre>
 */
final class EpollWatches implements IoWatchFactory {

    @Override
    public IoWatch watchFd(IoEventLoop loop, int fd, IoWatch.Listener listener) throws IOException {
        FdWatch watch = new FdWatch(fd, listener);
        watch.registration = IoWatchFactory.registerNow(loop, watch);
        return watch;
    }

    /** Children's pipes watched as descriptors, on Linux: see {@link NativeChildPipes}. */
    @Override
    public Optional<ChildPipes> childPipes() {
        return NativeChildPipes.onThisSystem();
    }

    /** FIFOs and character devices watched as descriptors, on Linux: see {@link NativePipeFiles}. */
    @Override
    public Optional<PipeFiles> pipeFiles() {
        return NativePipeFiles.onThisSystem();
    }

    @Override
    public IoWatch watchChannel(IoEventLoop loop, SelectableChannel channel, IoWatch.Listener listener) {
        throw IoWatchFactory.descriptorsOnly("epoll", channel);
    }

    /**
     * A descriptor the caller owns. Netty closes an IoHandle's descriptor only through the handle,
     * and this one never closes it; the descriptor object refuses to close too, so no path in
     * Netty can close the caller's descriptor.
     */
    private static final class BorrowedFd extends FileDescriptor {
        BorrowedFd(int fd) {
            super(fd);
        }

        @Override
        public void close() {
            // The caller's descriptor: only the caller closes it.
        }
    }

    private static final class FdWatch implements EpollIoHandle, IoWatch {
        private static final int IN = EpollIoOps.EPOLLIN.value();
        private static final int OUT = EpollIoOps.EPOLLOUT.value();

        private final FileDescriptor fd;
        private final IoWatch.Listener listener;
        private IoRegistration registration;
        /** The events the epoll set has for this descriptor now: none but errors at first. */
        private int events;

        FdWatch(int fd, IoWatch.Listener listener) {
            this.fd = new BorrowedFd(fd);
            this.listener = listener;
        }

        @Override
        public FileDescriptor fd() {
            return fd;
        }

        @Override
        public void handle(IoRegistration registration, IoEvent event) {
            int ready = ((EpollIoEvent) event).ops().value();
            // As selectors.EpollSelector: an error or hang-up wakes both the reader and the writer.
            listener.ready((ready & ~OUT) != 0, (ready & ~IN) != 0);
        }

        @Override
        public void interest(boolean readable, boolean writable) {
            int wanted = (readable ? IN : 0) | (writable ? OUT : 0);
            if (wanted != events && registration.isValid()) {
                registration.submit(EpollIoOps.valueOf(wanted));
                events = wanted;
            }
        }

        @Override
        public void close() {
            registration.cancel();
        }

        @Override
        public String toString() {
            return "epoll watch of fd " + fd.intValue();
        }
    }
}
