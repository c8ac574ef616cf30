package dev.evloop.selector;

import dev.evloop.spi.AbstractLoopBackend;
import dev.evloop.spi.Availability;
import dev.evloop.spi.IoWatchFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.StandardSocketOptions;

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

    /**
     * Unix domain sockets are refused here: Netty 4.2.18's {@code NioDomainSocketChannel} (which
     * the JDK supports since 16) ignores {@code ALLOW_HALF_CLOSURE}, so a peer's half-close closes
     * the whole connection and a reply written after {@code eofReceived} is lost (tried on JDK 25:
     * streams echo and half-close lose data). asyncio's Windows loop has none either.
     */
    @Override
    public UnsupportedOperationException domainSocketsUnsupported() {
        return new UnsupportedOperationException("the selector backend does not support Unix domain sockets:"
                + " Netty's NioDomainSocketChannel closes the connection when the peer half-closes it,"
                + " which loses replies sent after eofReceived; use the epoll or kqueue backend");
    }

    /** NIO hands the region to {@code FileChannel.transferTo}, which the JDK maps to sendfile(2) where it can. */
    @Override
    public boolean sendsFileZeroCopy(long offset, long count) {
        return true;
    }
}
