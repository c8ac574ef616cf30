package dev.evloop.iouring;

import dev.evloop.spi.Availability;
import dev.evloop.spi.LoopBackend;
import io.netty.channel.IoHandlerFactory;
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
public final class IoUringBackend implements LoopBackend {
    private static final Availability AVAILABILITY =
            Availability.probe("io_uring", "Linux", IoUring::isAvailable, IoUring::unavailabilityCause);

    /** Creates the backend; {@link java.util.ServiceLoader} calls this. */
    public IoUringBackend() {
    }

    @Override
    public String name() {
        return "io_uring";
    }

    @Override
    public int rank() {
        return 30;
    }

    @Override
    public boolean isAvailable() {
        return AVAILABILITY.isAvailable();
    }

    @Override
    public Throwable unavailabilityCause() {
        return AVAILABILITY.cause();
    }

    @Override
    public IoHandlerFactory ioHandlerFactory() {
        AVAILABILITY.require("io_uring");
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
}
