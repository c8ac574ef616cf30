package dev.evloop.kqueue;

import dev.evloop.spi.IoWatch;
import dev.evloop.spi.IoWatchFactory;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.kqueue.KQueueIoEvent;
import io.netty.channel.kqueue.KQueueIoHandle;
import io.netty.channel.kqueue.KQueueIoOps;
import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.util.Locale;

/**
 * How the kqueue backend watches file descriptors for {@code addReader}/{@code addWriter}: a
 * {@link KQueueIoHandle} per descriptor with an {@code EVFILT_READ} and an {@code EVFILT_WRITE}
 * filter added and deleted as readers and writers come and go, level-triggered (no
 * {@code EV_CLEAR}) as asyncio's {@code KqueueSelector}.
 *
 * <p>It offers no {@link dev.evloop.spi.ChildPipes}: on macOS and the BSDs {@code /dev/fd/N}
 * duplicates a descriptor, so a child handed our non-blocking pipe end that way would get
 * non-blocking stdio; a child's pipes are the JDK's, pumped by threads.
 *
 * <pre>{@code
 * IoWatch watch = new KQueueWatches().watchFd(ioLoop, fd, listener);
 * watch.interest(true, false);    // EVFILT_READ added
 * }</pre>
 */
final class KQueueWatches implements IoWatchFactory {
    // From <sys/event.h>, the same on macOS, FreeBSD, OpenBSD and DragonFly; NetBSD numbers its
    // filters from 0. Netty's own copies are package-private.
    private static final boolean NETBSD = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("netbsd");
    private static final short EVFILT_READ = NETBSD ? (short) 0 : (short) -1;
    private static final short EVFILT_WRITE = NETBSD ? (short) 1 : (short) -2;
    private static final short EV_ADD = 0x1;
    private static final short EV_DELETE = 0x2;
    private static final short EV_ENABLE = 0x4;

    @Override
    public IoWatch watchFd(IoEventLoop loop, int fd, IoWatch.Listener listener) throws IOException {
        // Netty drops kevent's errors for a bad descriptor: say so at the call instead.
        IoWatchFactory.requireOpen(fd);
        FdWatch watch = new FdWatch(fd, listener);
        watch.registration = IoWatchFactory.registerNow(loop, watch);
        return watch;
    }

    @Override
    public IoWatch watchChannel(IoEventLoop loop, SelectableChannel channel, IoWatch.Listener listener) {
        throw IoWatchFactory.descriptorsOnly("kqueue", channel);
    }

    private static final class FdWatch implements KQueueIoHandle, IoWatch {
        private final int fd;
        private final IoWatch.Listener listener;
        private IoRegistration registration;
        private boolean reading;
        private boolean writing;

        FdWatch(int fd, IoWatch.Listener listener) {
            this.fd = fd;
            this.listener = listener;
        }

        @Override
        public int ident() {
            return fd;
        }

        @Override
        public void handle(IoRegistration registration, IoEvent event) {
            short filter = ((KQueueIoEvent) event).filter();
            // EV_EOF arrives on the filter itself, so the reader or writer sees the end.
            listener.ready(filter == EVFILT_READ, filter == EVFILT_WRITE);
        }

        @Override
        public void interest(boolean readable, boolean writable) {
            if (!registration.isValid()) {
                return;
            }
            if (readable != reading) {
                registration.submit(KQueueIoOps.newOps(EVFILT_READ, readable ? (short) (EV_ADD | EV_ENABLE) : EV_DELETE, 0));
                reading = readable;
            }
            if (writable != writing) {
                registration.submit(KQueueIoOps.newOps(EVFILT_WRITE, writable ? (short) (EV_ADD | EV_ENABLE) : EV_DELETE, 0));
                writing = writable;
            }
        }

        /** Deletes the filters (cancelling a kqueue registration leaves them), then the registration. */
        @Override
        public void close() {
            interest(false, false);
            registration.cancel();
        }

        @Override
        public String toString() {
            return "kqueue watch of fd " + fd;
        }
    }
}
