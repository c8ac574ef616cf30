package dev.evloop.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What a backend that says nothing about optional features answers. */
class LoopBackendDefaultsTest {

    /** A backend that names only what every backend must. */
    private static final class Minimal extends AbstractLoopBackend {
        Minimal() {
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

        @Override
        public IoWatchFactory ioWatchFactory() {
            throw new UnsupportedOperationException("the minimal backend watches no file descriptors");
        }
    }

    private static final String NO_UNIX = "the minimal backend does not support Unix domain sockets";

    @Test
    void withoutUnixSocketsEveryDomainSocketMethodThrowsNamingTheBackend() {
        LoopBackend backend = new Minimal();
        assertEquals(NO_UNIX, assertThrows(UnsupportedOperationException.class,
                backend::domainSocketChannelClass).getMessage());
        assertEquals(NO_UNIX, assertThrows(UnsupportedOperationException.class,
                backend::serverDomainSocketChannelClass).getMessage());
        assertEquals(NO_UNIX, assertThrows(UnsupportedOperationException.class,
                () -> backend.domainSocketAddress(Path.of("s.sock"))).getMessage());
    }
}
