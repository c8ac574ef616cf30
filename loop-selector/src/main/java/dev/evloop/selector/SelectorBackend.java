package dev.evloop.selector;

import dev.evloop.LoopGroup;
import dev.evloop.spi.AbstractLoopBackend;
import dev.evloop.spi.Availability;
import dev.evloop.spi.IoWatchFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

/**
 * The portable backend: Netty's NIO {@code IoHandler} over the JDK's {@link java.nio.channels.Selector}.
 * Runs on every OS and needs no native library, so it is always available; it ranks lowest because
 * the native backends do the same work with fewer copies and system calls. asyncio's
 * {@code SelectorEventLoop} is its counterpart.
 *
 * <pre>{@code
 * java -Dloop.backend=selector -cp ... MyApp
 * }</pre>
 */
public final class SelectorBackend extends AbstractLoopBackend {
    /** Creates the backend; {@link java.util.ServiceLoader} calls this. */
    public SelectorBackend() {
        super("selector", 10, Availability.always());
    }

    @Override
    protected IoHandlerFactory newIoHandlerFactory() {
        return NioIoHandler.newFactory();
    }

    @Override
    public Class<? extends SocketChannel> socketChannelClass() {
        return NioSocketChannel.class;
    }

    @Override
    public Class<? extends ServerSocketChannel> serverSocketChannelClass() {
        return NioServerSocketChannel.class;
    }

    @Override
    public Class<? extends DatagramChannel> datagramChannelClass() {
        return NioDatagramChannel.class;
    }

    /**
     * {@code true}: Netty's {@code NioIoHandler} clears its wake-up flag only in a waiting select.
     * Once the flag is set (by a wake-up from another thread), every non-waiting poll after it
     * wakes its own selector again (an eventfd write) and the next select drains that, two
     * system calls per poll for as long as the loop stays busy. A wait whose deadline has passed
     * is a waiting select that selects at once: it clears the flag and costs nothing more.
     */
    @Override
    public boolean pollsNowAsPassedDeadline() {
        return true;
    }

    /**
     * SO_REUSEPORT through the JDK, where its sockets can set it (Linux, macOS and the BSDs; not
     * Windows): there a {@code LoopGroup} gives each loop a listener of its own on a shared port.
     * Elsewhere {@code null}, so the group hands connections out from one listener instead of
     * binding the port twice and failing.
     */
    @Override
    public ChannelOption<Boolean> reusePortOption() {
        return ReusePort.SUPPORTED ? NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT) : null;
    }

    /** Whether the JDK's server sockets support SO_REUSEPORT here; asked once, when first needed. */
    private static final class ReusePort {
        static final boolean SUPPORTED = probe();

        private static boolean probe() {
            try (java.nio.channels.ServerSocketChannel channel = java.nio.channels.ServerSocketChannel.open()) {
                return channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
            } catch (IOException e) {
                return false;
            }
        }
    }

    @Override
    public IoWatchFactory ioWatchFactory() {
        return new SelectorWatches();
    }

    @Override
    public Class<? extends DuplexChannel> domainSocketChannelClass() {
        return NioDomainSocketChannel.class;
    }

    @Override
    public Class<? extends ServerChannel> serverDomainSocketChannelClass() {
        return NioServerDomainSocketChannel.class;
    }

    /** The JDK's own address (Java 16+), which is what the NIO domain socket channels take. */
    @Override
    public SocketAddress domainSocketAddress(Path path) {
        return UnixDomainSocketAddress.of(path);
    }

    /**
     * No: Netty 4.2.18's {@code AbstractNioByteChannel} honours {@code ALLOW_HALF_CLOSURE} only for
     * a {@code SocketChannelConfig} (TCP), so when the peer of a {@code NioDomainSocketChannel}
     * half-closes, Netty closes the whole channel itself, without a {@code ChannelInputShutdownEvent},
     * and fails the writes still queued.
     */
    @Override
    public boolean domainSocketsKeepWritingAfterPeerEof() {
        return false;
    }

    /** NIO hands the region to {@code FileChannel.transferTo}, which the JDK maps to sendfile(2) where it can. */
    @Override
    public boolean sendsFileZeroCopy(long offset, long count) {
        return true;
    }
}
