package dev.evloop.examples;

import dev.evloop.Async;
import dev.evloop.EventLoops;
import dev.evloop.LoopFuture;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.streams.LimitOverrunException;
import dev.evloop.streams.StreamReader;
import dev.evloop.streams.StreamWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A line-based chat server in streams style: each client first sends its name, then every line it
 * sends goes to every other client as {@code name: line}; joins and leaves are announced, and a
 * client that reads too slowly is disconnected rather than let it hold the others up, and one that
 * gives no name within a minute (as IRC servers time out a registration) is sent away.
 *
 * <p>What a client sends reaches the others only as text: each control character in a name or a
 * line (a CR, a backspace, a terminal's escape) becomes U+FFFD, so no one can forge a line that
 * seems to come from someone else or from the server, or drive the others' terminals.
 *
 * <p>All connections are tasks on one loop, so the table of members needs no lock: tasks only
 * switch where they wait. Run it and chat from several terminals:
 * <pre>{@code
 * ./evloop example ChatServer [host] [port] [name-timeout-s]     # 127.0.0.1 8888 60 by default
 * nc 127.0.0.1 8888
 * }</pre>
 */
public final class ChatServer {
    /** A member whose unsent messages pass this is too slow to keep. */
    private static final long MAX_BACKLOG = 1 << 20;
    /** How long a new client has to give its name. */
    static final Duration NAME_TIMEOUT = Duration.ofSeconds(60);

    private final Map<StreamWriter, String> members = new LinkedHashMap<>();
    private final Duration nameTimeout;

    private ChatServer(Duration nameTimeout) {
        this.nameTimeout = nameTimeout;
    }

    /**
     * Runs the server.
     *
     * @param args {@code [host] [port] [name-timeout-s]}
     */
    public static void main(String[] args) {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 8888;
        Duration nameTimeout = args.length > 2 ? Duration.ofSeconds(Long.parseLong(args[2])) : NAME_TIMEOUT;
        serve(host, port, nameTimeout, address -> System.out.println(
                "chat server listening on " + address.getHostString() + ":" + address.getPort()));
    }

    /**
     * Serves with {@link #NAME_TIMEOUT}; see {@link #serve(String, int, Duration, Consumer)}.
     *
     * @param host      the address to listen on
     * @param port      the port; 0 picks a free one
     * @param listening told the address once the server listens
     */
    static void serve(String host, int port, Consumer<InetSocketAddress> listening) {
        serve(host, port, NAME_TIMEOUT, listening);
    }

    /**
     * Serves until SIGINT or SIGTERM, then stops accepting and tells the members; the sessions are
     * then cancelled and close their connections.
     *
     * @param host        the address to listen on
     * @param port        the port; 0 picks a free one
     * @param nameTimeout how long a new client has to give its name
     * @param listening   told the address once the server listens
     * @throws IllegalArgumentException if {@code nameTimeout} is not positive
     */
    static void serve(String host, int port, Duration nameTimeout, Consumer<InetSocketAddress> listening) {
        if (nameTimeout.isZero() || nameTimeout.isNegative()) {
            throw new IllegalArgumentException("nameTimeout must be positive, got " + nameTimeout);
        }
        EventLoops.run(() -> {
            LoopFuture<String> shutdown = Shutdown.requested(Async.currentLoop());
            ChatServer chat = new ChatServer(nameTimeout);
            Server server = Async.startServer(chat::session, host, port, SocketOptions.defaults());
            listening.accept((InetSocketAddress) server.addresses().get(0));

            System.out.println("SIG" + shutdown.await() + ": shutting down");
            server.close();
            chat.broadcast(null, "* the server is shutting down");
            return null;
        });
    }

    /** One client's session, from its name to its leaving. */
    private void session(StreamReader reader, StreamWriter writer) {
        try {
            send(writer, "* welcome! your name?");
            String name;
            try {
                name = Async.timeout(nameTimeout, () -> readLine(reader));
            } catch (TimeoutException e) {
                send(writer, "* no name in time, bye");
                return;
            }
            if (name == null) {
                return;
            }
            if (name.isBlank()) {
                name = String.valueOf(writer.remoteAddress());
            }
            members.put(writer, name);
            broadcast(writer, "* " + name + " joined");
            send(writer, "* hello " + name + ", " + (members.size() - 1) + " other(s) here");
            String line;
            while ((line = readLine(reader)) != null) {
                broadcast(writer, name + ": " + line);
            }
        } catch (LimitOverrunException e) {
            send(writer, "* line too long, bye");
        } catch (UncheckedIOException e) {
            // The client reset the connection: it left, like any other.
        } finally {
            String name = members.remove(writer);
            if (name != null) {
                broadcast(writer, "* " + name + " left");
            }
            writer.close();
        }
    }

    /** Sends a line to every member but {@code from}, never waiting: a slow member is dropped. */
    private void broadcast(StreamWriter from, String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        for (StreamWriter to : List.copyOf(members.keySet())) {
            if (to == from || to.isClosing()) {
                continue;
            }
            if (to.transport().writeBufferSize() > MAX_BACKLOG) {
                to.transport().abort(); // its session sees the end of its stream and leaves
            } else {
                to.write(bytes);
            }
        }
    }

    private static void send(StreamWriter writer, String line) {
        writer.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The next line without its line break or surrounding spaces, each control character but a
     * tab replaced by U+FFFD; or {@code null} at the end of the stream.
     */
    private static String readLine(StreamReader reader) {
        byte[] line = reader.readLine();
        if (line.length == 0) {
            return null;
        }
        char[] text = new String(line, StandardCharsets.UTF_8).strip().toCharArray();
        for (int i = 0; i < text.length; i++) {
            if (text[i] != '\t' && Character.isISOControl(text[i])) {
                text[i] = '\uFFFD';
            }
        }
        return new String(text);
    }
}
