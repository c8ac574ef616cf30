package dev.evloop.bench;

import dev.evloop.examples.HttpServer;
import java.util.List;
import java.util.Locale;

/**
 * What {@link EchoProcesses} runs: which program each server is and which exchange its load
 * client ({@link EchoLoadMain}) speaks.
 * <ul>
 *   <li>{@code ECHO}: {@link EchoServerMain} in each style, messages of the shape's size echoed.</li>
 *   <li>{@code HTTP}: the HttpServer example ({@code protocol}, the style it is written in, on the
 *       backend {@code -Dloop.backend} names, its timeouts at an hour) or raw Netty's HTTP/1.1 server on the same backend
 *       ({@code netty}, {@link NettyHttpServerMain}), both answering {@code GET /}
 *       ({@link HttpExchange}).</li>
 * </ul>
 */
enum Workload {
    ECHO, HTTP;

    /** The HttpServer example's timeouts in the comparison, in seconds: no connection idles that long. */
    private static final String IDLE_SECONDS = "3600";

    /**
     * How to start one server: its JVM's flags beyond the usual, its main class, its arguments.
     *
     * @param flags extra JVM flags
     * @param main  the main class
     * @param args  the program's arguments; it listens on 127.0.0.1, on a port of the kernel's choice
     */
    record Launch(List<String> flags, Class<?> main, List<String> args) {
    }

    /** {@code echo} or {@code http}, as {@link EchoLoadMain} takes it. */
    static Workload of(String label) {
        for (Workload w : values()) {
            if (w.label().equals(label)) {
                return w;
            }
        }
        throw new IllegalArgumentException("workload: '" + label + "' is not echo or http");
    }

    /** {@code echo} or {@code http}: the load client's argument and the progress lines' prefix. */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * How to start {@code server}.
     *
     * @throws IllegalArgumentException if this workload has no server in that style
     */
    Launch launch(EchoProcesses.Server server) {
        return switch (this) {
            case ECHO -> new Launch(List.of(), EchoServerMain.class,
                    List.of(server.backend(), server.style().label(), "127.0.0.1", "0"));
            case HTTP -> switch (server.style()) {
                // Its head, keep-alive and request timeouts at an hour: a connection waits while the
                // other servers take their turns, longer than the 5 s a kept-alive connection may idle.
                case PROTOCOL -> new Launch(List.of("-Dloop.backend=" + server.backend()), HttpServer.class,
                        List.of("127.0.0.1", "0", IDLE_SECONDS, IDLE_SECONDS, IDLE_SECONDS));
                case NETTY -> new Launch(List.of(), NettyHttpServerMain.class,
                        List.of(server.backend(), "127.0.0.1", "0"));
                default -> throw new IllegalArgumentException("style: the HTTP comparison has no "
                        + server.style().label() + " server, only protocol (the HttpServer example) and netty");
            };
        };
    }

    /** What the load client sends and checks in {@code shape}. */
    Exchange exchange(Shape shape) {
        return switch (this) {
            case ECHO -> Exchange.echo(shape.size());
            case HTTP -> new HttpExchange();
        };
    }
}
