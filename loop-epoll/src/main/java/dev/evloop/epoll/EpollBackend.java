package dev.evloop.epoll;

import dev.evloop.spi.AbstractLoopBackend;
import dev.evloop.spi.Availability;
import dev.evloop.spi.IoWatchFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Linux's epoll through Netty's native epoll transport: Netty's most mature native transport, and
 * what libuv (and so uvloop) polls with on Linux. It runs wherever Linux does, so it is the choice
 * where io_uring is disabled (many kernels and container runtimes disable it), and the one to name
 * for Unix-socket servers that reply after the client's half-close. Ranked first on Linux: the
 * bundled benchmarks, measured from outside the server's process, find it within noise of or ahead
 * of io_uring at every shape but many small messages, where io_uring leads (see the README).
 *
 * <pre>{@code
 * java -Dloop.backend=epoll -cp ... MyApp
 * }</pre>
 */
public final class EpollBackend extends AbstractLoopBackend {
    private static final Availability AVAILABILITY =
            Availability.probe("epoll", "Linux", Epoll::isAvailable, Epoll::unavailabilityCause);

    /**
     * At most this many ready descriptors per poll; the rest stay ready for the next poll, which
     * comes right after the callbacks and tasks the first woke (epoll's edge-triggered list hands
     * each on once, oldest first). Netty's default takes every ready one, so a poll over 500 ready
     * connections read them all before any woken task ran: a stream task then echoed from a
     * buffer read 8 MB earlier, long out of the cache, and the reads page-faulted on memory new
     * to the buffers held meanwhile. Streams echo at
     * 500 x 16 KiB ran at 0.45-0.78 x protocol echo so in six interleaved runs, and at 0.81-1.05 x
     * with 32 per poll in six (0.81-0.85 x with 16 in four), with no cost measured to protocol
     * echo at 500 x 64 B; 64 and 128 were no better than all, the held buffers again outgrowing
     * what stays cached (see {@code loop-bench/results/2026-12-02-vm-sizing-2.md}). The
     * conformance suite's {@code PollBatchTest} checks this bound, and names it.
     */
    static final int EVENTS_PER_POLL = 32;

    /** Creates the backend; {@link java.util.ServiceLoader} calls this. */
    public EpollBackend() {
        super("epoll", 50, AVAILABILITY);
    }

    @Override
    protected IoHandlerFactory newIoHandlerFactory() {
        return EpollIoHandler.newFactory(EVENTS_PER_POLL, DefaultSelectStrategyFactory.INSTANCE);
    }

    @Override
    public Class<? extends SocketChannel> socketChannelClass() {
        return EpollSocketChannel.class;
    }

    @Override
    public Class<? extends ServerSocketChannel> serverSocketChannelClass() {
        return EpollServerSocketChannel.class;
    }

    @Override
    public Class<? extends DatagramChannel> datagramChannelClass() {
        return EpollDatagramChannel.class;
    }

    @Override
    public ChannelOption<Boolean> reusePortOption() {
        return EpollChannelOption.SO_REUSEPORT;
    }

    @Override
    public IoWatchFactory ioWatchFactory() {
        return new EpollWatches();
    }

    @Override
    public Class<? extends DuplexChannel> domainSocketChannelClass() {
        return EpollDomainSocketChannel.class;
    }

    @Override
    public Class<? extends ServerChannel> serverDomainSocketChannelClass() {
        return EpollServerDomainSocketChannel.class;
    }

    @Override
    public SocketAddress domainSocketAddress(Path path) {
        return new DomainSocketAddress(path.toFile());
    }

    /** Netty's epoll channel sends a {@code DefaultFileRegion} with sendfile(2). */
    @Override
    public boolean sendsFileZeroCopy(long offset, long count) {
        return true;
    }

    /**
     * Nanoseconds: Netty's epoll handler waits for a timer on a timerfd, to the nanosecond (above ten
     * milliseconds it may wake a millisecond early, and the next poll waits the rest on the timerfd).
     */
    @Override
    public Duration pollResolution() {
        return Duration.ofNanos(1);
    }
}
