package dev.evloop.examples;

import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.LoopFuture;
import dev.evloop.net.Connection;
import dev.evloop.net.Protocol;
import dev.evloop.net.SocketOptions;
import dev.evloop.net.Transport;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A TCP echo client in protocol style: sends its lines, half-closes, and collects the echo until
 * the server closes. asyncio's "TCP echo client using protocols", on {@code loop.createConnection}.
 *
 * <p>With {@link EchoServer} or {@link StreamEchoServer} running:
 * <pre>{@code
 * ./evloop example EchoClient [host] [port] [line...]    # 127.0.0.1 8888 "hello, evloop" by default
 * }</pre>
 */
public final class EchoClient {
    private EchoClient() {
    }

    /** Sends a message when connected and completes {@link #echoed} with what came back. */
    static final class Client implements Protocol {
        private final byte[] message;
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final LoopFuture<byte[]> echoed;

        Client(EventLoop loop, byte[] message) {
            this.message = message;
            this.echoed = loop.createFuture();
        }

        @Override
        public void connectionMade(Transport transport) {
            transport.write(message);
            transport.writeEof(); // nothing more to say: the server echoes, then closes too
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            received.writeBytes(chunk);
        }

        @Override
        public void connectionLost(Throwable cause) {
            if (cause == null) {
                echoed.setResult(received.toByteArray());
            } else {
                echoed.setException(cause);
            }
        }
    }

    /**
     * Sends the lines and prints the echo.
     *
     * @param args {@code [host] [port] [line...]}
     */
    public static void main(String[] args) {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 8888;
        List<String> lines = args.length > 2 ? Arrays.asList(args).subList(2, args.length) : List.of("hello, evloop");
        System.out.print(echo(host, port, lines));
    }

    /**
     * Sends each line, newline-terminated, on one connection, and returns what the server sent
     * back before it closed.
     *
     * @param host  the server
     * @param port  its port
     * @param lines the lines
     * @return the echo
     */
    static String echo(String host, int port, List<String> lines) {
        byte[] message = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        try (EventLoop loop = EventLoops.newEventLoop()) {
            Connection<Client> c = loop.runUntilComplete(
                    loop.createConnection(() -> new Client(loop, message), host, port, SocketOptions.defaults()));
            return new String(loop.runUntilComplete(c.protocol().echoed), StandardCharsets.UTF_8);
        }
    }
}
