package dev.evloop.examples;

import dev.evloop.Async;
import dev.evloop.EventLoops;
import dev.evloop.net.SocketOptions;
import dev.evloop.streams.Streams;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A TCP echo client in streams style: one task writes a line and reads the echo, line after
 * line. asyncio's "TCP echo client using streams", on {@code Async.openConnection}.
 *
 * <p>With {@link StreamEchoServer} or {@link EchoServer} running:
 * <pre>{@code
 * ./evloop example StreamEchoClient [host] [port] [line...]    # 127.0.0.1 8888 "hello, evloop" by default
 * }</pre>
 */
public final class StreamEchoClient {
    private StreamEchoClient() {
    }

    /**
     * Sends the lines and prints each echo.
     *
     * @param args {@code [host] [port] [line...]}
     */
    public static void main(String[] args) {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 8888;
        List<String> lines = args.length > 2 ? Arrays.asList(args).subList(2, args.length) : List.of("hello, evloop");
        echo(host, port, lines).forEach(System.out::println);
    }

    /**
     * Sends each line on one connection and reads its echo before sending the next.
     *
     * @param host  the server
     * @param port  its port
     * @param lines the lines, without newlines
     * @return the echoed lines, without newlines
     */
    static List<String> echo(String host, int port, List<String> lines) {
        return EventLoops.run(() -> {
            Streams s = Async.openConnection(host, port, SocketOptions.defaults());
            try {
                List<String> echoed = new ArrayList<>();
                for (String line : lines) {
                    s.writer().write((line + "\n").getBytes(StandardCharsets.UTF_8));
                    String back = new String(s.reader().readLine(), StandardCharsets.UTF_8);
                    echoed.add(back.endsWith("\n") ? back.substring(0, back.length() - 1) : back);
                }
                return echoed;
            } finally {
                s.writer().close();
                s.writer().waitClosed();
            }
        });
    }
}
