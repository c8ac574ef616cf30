package dev.evloop.iouring;

import dev.evloop.spi.AbstractLoopBackend;
import dev.evloop.spi.Availability;
import dev.evloop.spi.IoWatchFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;

/**
 * Linux's io_uring through Netty's io_uring transport: completion-based I/O with batched system
 * calls. Needs a kernel that has io_uring enabled (Netty checks by creating a ring); ranked below
 * epoll until the bundled benchmarks show it ahead on the host.
 *
 * <pre>{@code
 * java -Dloop.backend=io_uring -cp ... MyApp
 * }</pre>
 */
public final class IoUringBackend extends AbstractLoopBackend {
    private static final Availability AVAILABILITY =
            Availability.probe("io_uring", "Linux", IoUring::isAvailable, IoUring::unavailabilityCause);

    /** Creates the backend; {@link java.util.ServiceLoader} calls this. */
    public IoUringBackend() {
        super("io_uring", 30, AVAILABILITY);
    }

    @Override
    protected IoHandlerFactory newIoHandlerFactory() {
        return IoUringIoHandler.newFactory();
    }

    @Override
    public Class<? extends SocketChannel> socketChannelClass() {
        return IoUringSocketChannel.class;
    }

    @Override
    public Class<? extends ServerSocketChannel> serverSocketChannelClass() {
        return IoUringServerSocketChannel.class;
    }

    @Override
    public Class<? extends DatagramChannel> datagramChannelClass() {
        return IoUringDatagramChannel.class;
    }

    @Override
    public ChannelOption<Boolean> reusePortOption() {
        return IoUringChannelOption.SO_REUSEPORT;
    }

    @Override
    public IoWatchFactory ioWatchFactory() {
        return new IoUringWatches();
    }

    /**
     * Unix domain sockets are refused here: Netty 4.2.18's {@code IoUringDomainSocketChannel}
     * honours {@code ALLOW_HALF_CLOSURE} only for TCP, so a peer's half-close closes the whole
     * connection and a reply written after {@code eofReceived} is lost (tried on this transport:
     * streams echo and half-close lose data). A loop on epoll serves them as asyncio does.
     */
    @Override
    public UnsupportedOperationException domainSocketsUnsupported() {
        return new UnsupportedOperationException("the io_uring backend does not support Unix domain sockets:"
                + " Netty's IoUringDomainSocketChannel closes the connection when the peer half-closes it,"
                + " which loses replies sent after eofReceived; use the epoll backend");
    }

    /**
     * Netty's io_uring channel splices a {@code DefaultFileRegion} through a pipe when the kernel
     * supports splice in io_uring, and copies it through a buffer otherwise. Netty 4.2 passes the
     * file offset to splice as an {@code int}, so ranges that reach past 2 GiB take evloop's
     * copying path instead.
     */
    @Override
    public boolean sendsFileZeroCopy(long offset, long count) {
        return IoUring.isSpliceSupported() && offset + count <= Integer.MAX_VALUE;
    }
}
