package dev.evloop.iouring;

import dev.evloop.spi.ChildPipes;
import dev.evloop.spi.IoWatch;
import dev.evloop.spi.IoWatchFactory;
import dev.evloop.spi.NativeChildPipes;
import dev.evloop.spi.NativePipeFiles;
import dev.evloop.spi.PipeFiles;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.unix.Errors;
import io.netty.channel.uring.IoUringIoEvent;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.channel.uring.IoUringIoOps;
import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.util.Optional;

/**
 * How the io_uring backend watches file descriptors for {@code addReader}/{@code addWriter}: an
 * {@link IoUringIoHandle} per descriptor that submits one-shot {@code IORING_OP_POLL_ADD}s, one for
 * {@code POLLIN} and one for {@code POLLOUT}, each re-armed after its watcher has run (so a reader
 * that leaves data unread runs again, level-triggered as on epoll) and cancelled with
 * {@code IORING_OP_ASYNC_CANCEL} when no longer wanted.
 *
 * <pre>{@code
 * IoWatch watch = new IoUringWatches().watchFd(ioLoop, fd, listener);
 * watch.interest(true, false);    // a POLLIN poll is pending
 * }</pre>
 */
final class IoUringWatches implements IoWatchFactory {
    // Opcodes from the kernel's io_uring.h and masks from poll.h: a stable ABI, the same values
    // Netty's package-private Native uses.
    private static final byte IORING_OP_POLL_ADD = 6;
    private static final byte IORING_OP_ASYNC_CANCEL = 14;
    private static final int POLLIN = 0x1;
    private static final int POLLOUT = 0x4;

    @Override
    public IoWatch watchFd(IoEventLoop loop, int fd, IoWatch.Listener listener) throws IOException {
        // A poll on a bad descriptor fails only once submitted: say so at the call instead.
        IoWatchFactory.requireOpen(fd);
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
        throw IoWatchFactory.descriptorsOnly("io_uring", channel);
    }

    private static final class FdWatch implements IoUringIoHandle, IoWatch {
        private final int fd;
        private final IoWatch.Listener listener;
        private IoRegistration registration;
        /** Tags the polls, so that the completion of a cancelled one is told from the live one's. */
        private short lastTag;
        /** The tag of the pending POLLIN poll, 0 if none. */
        private short readTag;
        private long readId;
        private short writeTag;
        private long writeId;
        private boolean closed;

        FdWatch(int fd, IoWatch.Listener listener) {
            this.fd = fd;
            this.listener = listener;
        }

        @Override
        public void handle(IoRegistration registration, IoEvent ioEvent) {
            IoUringIoEvent event = (IoUringIoEvent) ioEvent;
            if (closed || event.opcode() != IORING_OP_POLL_ADD) {
                return; // a cancellation's own completion, or a poll finishing after close
            }
            long tag = event.userData();
            int res = event.res();
            boolean readable = tag == readTag && readTag != 0;
            boolean writable = tag == writeTag && writeTag != 0;
            if (!readable && !writable) {
                return; // a poll cancelled when its watcher went away
            }
            if (readable) {
                readTag = 0;
            } else {
                writeTag = 0;
            }
            if (res < 0) {
                listener.failed(Errors.newIOException("poll", res));
            } else {
                // The returned mask may hold POLLERR or POLLHUP: ready all the same, as on epoll.
                listener.ready(readable, writable);
            }
        }

        @Override
        public void interest(boolean readable, boolean writable) {
            if (readable && readTag == 0) {
                readTag = nextTag();
                readId = registration.submit(poll(POLLIN, readTag));
            } else if (!readable && readTag != 0) {
                registration.submit(cancel(readId));
                readTag = 0;
            }
            if (writable && writeTag == 0) {
                writeTag = nextTag();
                writeId = registration.submit(poll(POLLOUT, writeTag));
            } else if (!writable && writeTag != 0) {
                registration.submit(cancel(writeId));
                writeTag = 0;
            }
        }

        private short nextTag() {
            // Small tags keep Netty on its fast path (the tag fits the CQE's user data). Wrapping
            // is safe: a cancelled poll completes long before 32767 more are submitted.
            lastTag = lastTag == Short.MAX_VALUE ? 1 : (short) (lastTag + 1);
            return lastTag;
        }

        private IoUringIoOps poll(int mask, short tag) {
            return new IoUringIoOps(IORING_OP_POLL_ADD, (byte) 0, (short) 0, fd, 0L, 0L, 0, mask, (long) tag,
                    (short) 0, (short) 0, 0, 0L);
        }

        private static IoUringIoOps cancel(long id) {
            return new IoUringIoOps(IORING_OP_ASYNC_CANCEL, (byte) 0, (short) 0, -1, 0L, id, 0, 0, 0L,
                    (short) 0, (short) 0, 0, 0L);
        }

        /**
         * Cancels the pending polls, then the registration, which Netty drops once their
         * completions are in; also what Netty calls when the loop shuts down. Never closes the fd.
         */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            if (registration.isValid()) {
                interest(false, false);
            }
            closed = true;
            registration.cancel();
        }

        @Override
        public String toString() {
            return "io_uring watch of fd " + fd;
        }
    }
}
