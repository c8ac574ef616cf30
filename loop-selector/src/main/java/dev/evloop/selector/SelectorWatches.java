package dev.evloop.selector;

import dev.evloop.spi.IoWatch;
import dev.evloop.spi.IoWatchFactory;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.nio.NioIoOps;
import io.netty.channel.nio.NioSelectableChannelIoHandle;
import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;

/**
 * How the selector backend watches channels for {@code addReader}/{@code addWriter}: a Netty
 * {@link NioSelectableChannelIoHandle} per channel, registered on the loop's
 * {@link java.nio.channels.Selector} with the interest ops the watchers need, as asyncio's
 * {@code SelectorEventLoop} does. Reading means {@code OP_READ}, or {@code OP_ACCEPT} for a
 * listening socket; writing means {@code OP_WRITE}, and {@code OP_CONNECT} for a socket still
 * connecting.
 *
 * <pre>{@code
 * IoWatch watch = new SelectorWatches().watchChannel(ioLoop, pipe.source(), listener);
 * watch.interest(true, false);    // OP_READ
 * }</pre>
 */
final class SelectorWatches implements IoWatchFactory {
    private static final int READING = SelectionKey.OP_READ | SelectionKey.OP_ACCEPT;
    private static final int WRITING = SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT;

    @Override
    public IoWatch watchFd(IoEventLoop loop, int fd, IoWatch.Listener listener) {
        throw new UnsupportedOperationException("the selector backend watches java.nio.channels.SelectableChannels, "
                + "not int file descriptors (fd " + fd + "): pass the channel, or use a native backend "
                + "(epoll, io_uring, kqueue)");
    }

    @Override
    public boolean watchesChannels() {
        return true;
    }

    @Override
    public IoWatch watchChannel(IoEventLoop loop, SelectableChannel channel, IoWatch.Listener listener)
            throws IOException {
        if (!channel.isOpen()) {
            throw new IOException("it is closed");
        }
        if (channel.isBlocking()) {
            throw new IOException("it is in blocking mode; call configureBlocking(false) first");
        }
        ChannelWatch watch = new ChannelWatch(channel, listener);
        watch.registration = IoWatchFactory.registerNow(loop, watch);
        return watch;
    }

    private static final class ChannelWatch extends NioSelectableChannelIoHandle<SelectableChannel> implements IoWatch {
        private final IoWatch.Listener listener;
        private final int valid;
        private IoRegistration registration;
        private int ops;

        ChannelWatch(SelectableChannel channel, IoWatch.Listener listener) {
            super(channel);
            this.listener = listener;
            this.valid = channel.validOps();
        }

        @Override
        protected void handle(SelectableChannel channel, SelectionKey key) {
            int ready = key.readyOps();
            listener.ready((ready & READING) != 0, (ready & WRITING) != 0);
        }

        @Override
        public void interest(boolean readable, boolean writable) {
            int wanted = valid & ((readable ? READING : 0) | (writable ? WRITING : 0));
            if (wanted != ops && registration.isValid()) {
                registration.submit(NioIoOps.valueOf(wanted));
                ops = wanted;
            }
        }

        /**
         * Cancels the selection key. Netty's handle would close the channel here, also when the
         * loop shuts down; the channel is the caller's, so it stays open.
         */
        @Override
        public void close() {
            registration.cancel();
        }

        @Override
        public String toString() {
            return "selector watch of " + selectableChannel();
        }
    }
}
