package dev.evloop.examples;

import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.LoopFuture;
import dev.evloop.net.Protocol;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.net.Transport;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A TCP echo server in protocol style, with callbacks only: each connection gets an {@link Echo}
 * protocol that writes back whatever arrives. asyncio's "TCP echo server using protocols", on
 * {@code loop.createServer}.
 *
 * <p>Run it, talk to it with {@link EchoClient} (or {@code nc 127.0.0.1 8888}), stop it with Ctrl-C:
 * <pre>{@code
 * ./evloop example EchoServer [host] [port]        # 127.0.0.1 8888 by default
 * }</pre>
 */
public final class EchoServer {
    private EchoServer() {
    }

    /** Writes back what arrives, and keeps the set of open connections up to date. */
    static final class Echo implements Protocol {
        private final Set<Transport> open;
        private Transport transport;

        Echo(Set<Transport> open) {
            this.open = open;
        }

        @Override
        public void connectionMade(Transport t) {
            transport = t;
            open.add(t);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            transport.write(data); // data is a view valid during this call only: write copies it
        }

        @Override
        public void connectionLost(Throwable cause) {
            open.remove(transport);
        }
    }

    /**
     * Runs the server.
     *
     * @param args {@code [host] [port]}
     */
    public static void main(String[] args) {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 8888;
        serve(host, port, address -> System.out.println(
                "echo server listening on " + address.getHostString() + ":" + address.getPort()));
    }

    /**
     * Serves on a loop of the calling thread until SIGINT or SIGTERM, then stops accepting,
     * closes each connection once what it was sent is echoed, and waits until they are gone.
     *
     * @param host      the address to listen on
     * @param port      the port; 0 picks a free one
     * @param listening told the address once the server listens
     */
    static void serve(String host, int port, Consumer<InetSocketAddress> listening) {
        try (EventLoop loop = EventLoops.newEventLoop()) {
            LoopFuture<String> shutdown = Shutdown.requested(loop);
            Set<Transport> open = new HashSet<>(); // only the loop's thread touches it
            Server server = loop.runUntilComplete(
                    loop.createServer(() -> new Echo(open), host, port, SocketOptions.defaults()));
            listening.accept((InetSocketAddress) server.addresses().get(0));

            System.out.println("SIG" + loop.runUntilComplete(shutdown) + ": shutting down");
            server.close();
            List.copyOf(open).forEach(Transport::close); // close() calls connectionLost, which edits the set
            loop.runUntilComplete(server.waitClosed());
        }
    }
}
