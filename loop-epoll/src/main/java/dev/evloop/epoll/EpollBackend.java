package dev.evloop.epoll;

import dev.evloop.spi.AbstractLoopBackend;
import dev.evloop.spi.Availability;
import dev.evloop.spi.IoWatchFactory;
import io.netty.channel.ChannelOption;
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

/**
 * Linux's epoll through Netty's native epoll transport. Ranked first on Linux for now: it is
 * Netty's most mature native transport and runs wherever Linux does, while io_uring is younger in
 * Netty and often disabled by kernels and container runtimes. The bundled benchmarks settle the
 * order with figures. libuv (and so uvloop) polls with epoll on Linux too.
 *
 * <pre>{@code
 * java -Dloop.backend=epoll -cp ... MyApp
 * }</pre>
 */
public final class EpollBackend extends AbstractLoopBackend {
    private static final Availability AVAILABILITY =
            Availability.probe("epoll", "Linux", Epoll::isAvailable, Epoll::unavailabilityCause);

    /** Creates the backend; {@link java.util.ServiceLoader} calls this. */
    public EpollBackend() {
        super("epoll", 40, AVAILABILITY);
    }

    @Override
    protected IoHandlerFactory newIoHandlerFactory() {
        return EpollIoHandler.newFactory();
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
}
