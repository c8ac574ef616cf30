package dev.evloop.iouring;

import dev.evloop.spi.AbstractLoopBackend;
import dev.evloop.spi.Availability;
import dev.evloop.spi.IoWatchFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerDomainSocketChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Linux's io_uring through Netty's io_uring transport: completion-based I/O with batched system
 * calls. Needs a kernel that has io_uring enabled (Netty checks by creating a ring); where it has
 * not, the default is epoll anyway. Ranked after epoll: the bundled benchmarks, measured from outside
 * the server's process, find it ahead with many small messages (1.25 x epoll's round trips at 500
 * connections of 64 B) and behind with many connections of 16 KiB (about 0.7 x; 0.27 x on a heap
 * of 512 MiB or less, where Netty's allocator stops pooling large buffers; see the README). Name
 * it, or calibrate, for a small-message workload. Netty 4.2.18 closes its Unix-domain connections at the peer's half-close, so a
 * Unix-socket server that replies after its client's {@code writeEof} needs epoll.
 * Loading this class sets {@code io.netty.iouring.pollAddMultishotEnabled=false} unless it is set
 * already, before Netty's io_uring classes read it: with multishot polls, connections reset just
 * after sending data were never closed (see the README).
 *
 * <pre>{@code
 * java -Dloop.backend=io_uring -cp ... MyApp
 * }</pre>
 */
public final class IoUringBackend extends AbstractLoopBackend {
    /** Netty's switch for multishot {@code POLL_ADD}; read once, when its {@code IoUring} class initialises. */
    private static final String POLL_ADD_MULTISHOT = "io.netty.iouring.pollAddMultishotEnabled";

    static {
        // Before anything below touches Netty's io_uring classes. With multishot POLL_ADD, Netty
        // 4.2.18 leaves a connection open for good when its peer resets it just after sending data:
        // the reset's completions come while the read of that data is in flight, the read loop ends
        // on the now empty socket, and the channel waits on its multishot POLLIN poll, which has
        // already fired for the reset and never fires again. A one-shot poll is armed anew after
        // each completion and fires at once on a reset socket; it costs one more SQE per read
        // loop. A user's own setting stands.
        if (System.getProperty(POLL_ADD_MULTISHOT) == null) {
            System.setProperty(POLL_ADD_MULTISHOT, "false");
        }
    }

    private static final Availability AVAILABILITY =
            Availability.probe("io_uring", "Linux", IoUring::isAvailable, IoUring::unavailabilityCause);

    /** Creates the backend; {@link java.util.ServiceLoader} calls this. */
    public IoUringBackend() {
        super("io_uring", 40, AVAILABILITY);
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

    /** Netty's io_uring stream channels submit each {@code recv} with the buffer it fills. */
    @Override
    public boolean readsHoldBufferWhileWaiting() {
        return true;
    }

    @Override
    public ChannelOption<Boolean> reusePortOption() {
        return IoUringChannelOption.SO_REUSEPORT;
    }

    @Override
    public IoWatchFactory ioWatchFactory() {
        return new IoUringWatches();
    }

    @Override
    public Class<? extends DuplexChannel> domainSocketChannelClass() {
        return IoUringDomainSocketChannel.class;
    }

    @Override
    public Class<? extends ServerChannel> serverDomainSocketChannelClass() {
        return IoUringServerDomainSocketChannel.class;
    }

    @Override
    public SocketAddress domainSocketAddress(Path path) {
        return new DomainSocketAddress(path.toFile());
    }

    /**
     * No: Netty 4.2.18's {@code AbstractIoUringChannel} honours {@code ALLOW_HALF_CLOSURE} only for
     * a {@code SocketChannelConfig} (TCP), so when the peer of an {@code IoUringDomainSocketChannel}
     * half-closes, Netty closes the whole channel itself, without a {@code ChannelInputShutdownEvent},
     * and fails the writes still queued. It also holds that close until a write blocked on a
     * peer that does not read completes, so the end is reported only then.
     */
    @Override
    public boolean domainSocketsKeepWritingAfterPeerEof() {
        return false;
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

    /**
     * Nanoseconds: Netty's io_uring handler waits for a timer with an io_uring timeout, whose
     * timespec counts nanoseconds.
     */
    @Override
    public Duration pollResolution() {
        return Duration.ofNanos(1);
    }
}
