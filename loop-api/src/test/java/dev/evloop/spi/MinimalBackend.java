package dev.evloop.spi;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.nio.channels.SelectableChannel;

/**
 * A backend for tests that names only what every backend must, on Netty's NIO classes, and keeps
 * every optional feature at the SPI's default: what a third-party backend that says nothing more
 * gets.
 *
 * <pre>{@code
 * EventLoop loop = new BaseEventLoop(new MinimalBackend());
 * }</pre>
 */
public final class MinimalBackend extends AbstractLoopBackend {
    /** Creates it, always available, named {@code "minimal"}. */
    public MinimalBackend() {
        super("minimal", 1, Availability.always());
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

    /** Watches nothing: a loop can be built on it, and addReader fails saying so. */
    @Override
    public IoWatchFactory ioWatchFactory() {
        return new IoWatchFactory() {
            @Override
            public IoWatch watchFd(IoEventLoop loop, int fd, IoWatch.Listener listener) throws IOException {
                throw new IOException("the minimal backend watches no file descriptors");
            }

            @Override
            public IoWatch watchChannel(IoEventLoop loop, SelectableChannel channel, IoWatch.Listener listener)
                    throws IOException {
                throw new IOException("the minimal backend watches no channels");
            }
        };
    }
}
