package dev.evloop.bench;

import java.io.IOException;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.stream.Stream;

/** What the load clients ({@link EchoClient}, {@link OpenLoopClient}) share: releasing their sockets. */
final class LoadSockets {
    private LoadSockets() {
    }

    /**
     * Closes every socket opened so far (nulls are the ones never opened) and then the selector,
     * ignoring failures: a socket the server already closed has nothing left to release.
     */
    static void closeAll(Selector selector, Stream<SocketChannel> sockets) {
        sockets.filter(Objects::nonNull).forEach(socket -> {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a socket the server may have closed already
            }
        });
        try {
            if (selector != null) {
                selector.close();
            }
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
