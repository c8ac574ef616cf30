package dev.evloop.kqueue;

import dev.evloop.spi.AbstractLoopBackend;
import dev.evloop.spi.Availability;
import dev.evloop.spi.IoWatchFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.kqueue.KQueueChannelOption;
import io.netty.channel.kqueue.KQueue;
import io.netty.channel.kqueue.KQueueDatagramChannel;
import io.netty.channel.kqueue.KQueueDomainSocketChannel;
import io.netty.channel.kqueue.KQueueIoHandler;
import io.netty.channel.kqueue.KQueueServerDomainSocketChannel;
import io.netty.channel.kqueue.KQueueServerSocketChannel;
import io.netty.channel.kqueue.KQueueSocketChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * kqueue through Netty's native kqueue transport: macOS and the BSDs. The native library ships
 * for macOS on x86_64 and aarch64; elsewhere Netty's own check says why it cannot load. libuv
 * (and so uvloop) polls with kqueue on these systems too. It ranks with epoll, its counterpart,
 * above the portable selector.
 *
 * <pre>{@code
 * java -Dloop.backend=kqueue -cp ... MyApp
 * }</pre>
 */
public final class KQueueBackend extends AbstractLoopBackend {
    private static final Availability AVAILABILITY =
            Availability.probe("kqueue", "Mac|FreeBSD|OpenBSD|NetBSD|DragonFly",
                    KQueue::isAvailable, KQueue::unavailabilityCause);

    /** Creates the backend; {@link java.util.ServiceLoader} calls this. */
    public KQueueBackend() {
        super("kqueue", 50, AVAILABILITY);
    }

    @Override
    protected IoHandlerFactory newIoHandlerFactory() {
        return KQueueIoHandler.newFactory();
    }

    @Override
    public Class<? extends SocketChannel> socketChannelClass() {
        return KQueueSocketChannel.class;
    }

    @Override
    public Class<? extends ServerSocketChannel> serverSocketChannelClass() {
        return KQueueServerSocketChannel.class;
    }

    @Override
    public Class<? extends DatagramChannel> datagramChannelClass() {
        return KQueueDatagramChannel.class;
    }

    @Override
    public ChannelOption<Boolean> reusePortOption() {
        return KQueueChannelOption.SO_REUSEPORT;
    }

    @Override
    public IoWatchFactory ioWatchFactory() {
        return new KQueueWatches();
    }

    @Override
    public Class<? extends DuplexChannel> domainSocketChannelClass() {
        return KQueueDomainSocketChannel.class;
    }

    @Override
    public Class<? extends ServerChannel> serverDomainSocketChannelClass() {
        return KQueueServerDomainSocketChannel.class;
    }

    @Override
    public SocketAddress domainSocketAddress(Path path) {
        return new DomainSocketAddress(path.toFile());
    }

    /** Netty's kqueue channel sends a {@code DefaultFileRegion} with sendfile(2). */
    @Override
    public boolean sendsFileZeroCopy(long offset, long count) {
        return true;
    }

    /**
     * Nanoseconds: Netty's kqueue handler hands the wait to kevent(2) as a timespec.
     */
    @Override
    public Duration pollResolution() {
        return Duration.ofNanos(1);
    }
}
