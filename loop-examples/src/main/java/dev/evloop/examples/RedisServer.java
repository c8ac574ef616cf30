package dev.evloop.examples;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.IncompleteReadException;
import dev.evloop.LimitOverrunException;
import dev.evloop.LoopFuture;
import dev.evloop.Server;
import dev.evloop.SocketOptions;
import dev.evloop.StreamReader;
import dev.evloop.StreamWriter;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A key-value server that speaks the Redis protocol (RESP2), in streams style: {@code PING},
 * {@code ECHO}, {@code GET}, {@code SET} with {@code EX}/{@code PX} expiry, {@code DEL},
 * {@code EXISTS}, {@code INCR} and {@code MGET}, as RESP arrays or inline commands (what you type
 * into telnet), pipelined, with Redis's error replies.
 *
 * <p>Each connection is a task reading one command after another; the store is a plain map,
 * because every task runs on the one loop thread. Expiry uses the loop's clock: an expired key is
 * dropped when next touched, and a sweep on {@code callLater} drops the ones nobody touches.
 *
 * <pre>{@code
 * ./evloop example RedisServer [host] [port]        # 127.0.0.1 6379 by default
 * redis-cli -p 6379 set greeting hello ex 10
 * }</pre>
 */
public final class RedisServer {
    private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NIL = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Redis's own limits on a request: elements in an array, bytes in a bulk string. */
    private static final int MAX_ARRAY = 1024 * 1024;
    private static final int MAX_BULK = 512 * 1024 * 1024;
    private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]{0,18})");
    private static final double SWEEP_SECONDS = 1;

    /** A value, and when it expires on the loop's clock ({@code +Infinity}: never). */
    private record Entry(byte[] value, double expiresAt) {
    }

    /** A reply of {@code -ERR message}: the command failed, the connection goes on. */
    private static final class CommandError extends RuntimeException {
        CommandError(String message) {
            super(message, null, false, false);
        }
    }

    /** A request that is not RESP: Redis replies with the error and closes the connection. */
    private static final class ProtocolError extends RuntimeException {
        ProtocolError(String message) {
            super("Protocol error: " + message, null, false, false);
        }
    }

    private final EventLoop loop;
    private final Map<String, Entry> data = new HashMap<>();

    private RedisServer(EventLoop loop) {
        this.loop = loop;
    }

    /**
     * Runs the server.
     *
     * @param args {@code [host] [port]}
     */
    public static void main(String[] args) {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 6379;
        serve(host, port, address -> System.out.println(
                "Redis-protocol server listening on " + address.getHostString() + ":" + address.getPort()));
    }

    /**
     * Serves until SIGINT or SIGTERM, then stops accepting; the sessions are then cancelled and
     * close their connections.
     *
     * @param host      the address to listen on
     * @param port      the port; 0 picks a free one
     * @param listening told the address once the server listens
     */
    static void serve(String host, int port, Consumer<InetSocketAddress> listening) {
        EventLoops.run(() -> {
            EventLoop loop = Async.currentLoop();
            LoopFuture<String> shutdown = Shutdown.requested(loop);
            RedisServer redis = new RedisServer(loop);
            redis.sweepExpired();
            Server server = Async.startServer(redis::session, host, port, SocketOptions.defaults());
            listening.accept((InetSocketAddress) server.addresses().get(0));

            System.out.println("SIG" + shutdown.await() + ": shutting down");
            server.close();
            return null;
        });
    }

    /** One client: reads commands and writes their replies, in order, until it leaves. */
    private void session(StreamReader reader, StreamWriter writer) {
        try {
            List<byte[]> command;
            while ((command = readCommand(reader)) != null) {
                if (!command.isEmpty()) {
                    writer.write(execute(command));
                    writer.drain();
                }
            }
        } catch (ProtocolError e) {
            writer.write(error("ERR " + e.getMessage())); // and close: the rest of the stream makes no sense
        } catch (LimitOverrunException e) {
            writer.write(error("ERR Protocol error: too big inline request"));
        } catch (IncompleteReadException | UncheckedIOException e) {
            // The client left in the middle of a command, or reset the connection.
        } finally {
            writer.close();
        }
    }

    /**
     * The next command as its arguments, empty for a blank inline line, or {@code null} at the
     * end of the stream. A RESP array is {@code *N\r\n} then N bulk strings {@code $LEN\r\nBYTES\r\n};
     * any other line is an inline command, split on spaces.
     */
    private static List<byte[]> readCommand(StreamReader reader) {
        String line = readLine(reader);
        if (line == null) {
            return null;
        }
        if (!line.startsWith("*")) {
            return Arrays.stream(line.strip().split("\\s+")).filter(s -> !s.isEmpty())
                    .map(s -> s.getBytes(StandardCharsets.ISO_8859_1)).toList();
        }
        int count = parseLength(line.substring(1), MAX_ARRAY, "invalid multibulk length");
        List<byte[]> args = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String header = readLine(reader);
            if (header == null) {
                return null;
            }
            if (!header.startsWith("$")) {
                throw new ProtocolError("expected '$', got '" + (header.isEmpty() ? "" : header.charAt(0)) + "'");
            }
            int length = parseLength(header.substring(1), MAX_BULK, "invalid bulk length");
            if (length < 0) {
                throw new ProtocolError("invalid bulk length");
            }
            byte[] bulk = reader.readExactly(length + 2);
            if (bulk[length] != '\r' || bulk[length + 1] != '\n') {
                throw new ProtocolError("bulk string of " + length + " bytes not followed by CRLF");
            }
            args.add(Arrays.copyOf(bulk, length));
        }
        return args;
    }

    /** A line without its line break, or {@code null} at the end of the stream. */
    private static String readLine(StreamReader reader) {
        byte[] line = reader.readLine();
        if (line.length == 0 || line[line.length - 1] != '\n') {
            return null; // the stream ended, perhaps inside a line nobody will finish
        }
        int end = line.length > 1 && line[line.length - 2] == '\r' ? line.length - 2 : line.length - 1;
        return new String(line, 0, end, StandardCharsets.ISO_8859_1);
    }

    /** A length in a RESP header: up to {@code max}; anything negative counts as -1. */
    private static int parseLength(String text, int max, String problem) {
        Long n = parseLong(text);
        if (n == null || n > max) {
            throw new ProtocolError(problem);
        }
        return (int) Math.max(n, -1);
    }

    /** Runs a command and returns its reply. */
    private byte[] execute(List<byte[]> args) {
        String name = new String(args.get(0), StandardCharsets.ISO_8859_1);
        try {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "ping" -> {
                    arity(args, args.size() <= 2);
                    yield args.size() == 1 ? "+PONG\r\n".getBytes(StandardCharsets.US_ASCII) : bulk(args.get(1));
                }
                case "echo" -> {
                    arity(args, args.size() == 2);
                    yield bulk(args.get(1));
                }
                case "get" -> {
                    arity(args, args.size() == 2);
                    Entry e = lookup(key(args.get(1)));
                    yield e == null ? NIL : bulk(e.value());
                }
                case "set" -> {
                    arity(args, args.size() >= 3);
                    data.put(key(args.get(1)), new Entry(args.get(2), expiry(args.subList(3, args.size()))));
                    yield OK;
                }
                case "del" -> {
                    arity(args, args.size() >= 2);
                    long deleted = 0;
                    for (byte[] k : args.subList(1, args.size())) {
                        if (lookup(key(k)) != null) {
                            data.remove(key(k));
                            deleted++;
                        }
                    }
                    yield integer(deleted);
                }
                case "exists" -> {
                    arity(args, args.size() >= 2);
                    yield integer(args.stream().skip(1).filter(k -> lookup(key(k)) != null).count());
                }
                case "incr" -> {
                    arity(args, args.size() == 2);
                    yield integer(increment(key(args.get(1))));
                }
                case "mget" -> {
                    arity(args, args.size() >= 2);
                    ByteArrayOutputStream reply = new ByteArrayOutputStream();
                    reply.writeBytes(("*" + (args.size() - 1) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    for (byte[] k : args.subList(1, args.size())) {
                        Entry e = lookup(key(k));
                        reply.writeBytes(e == null ? NIL : bulk(e.value()));
                    }
                    yield reply.toByteArray();
                }
                default -> {
                    StringBuilder rest = new StringBuilder();
                    args.stream().skip(1).limit(20).forEach(a ->
                            rest.append('\'').append(new String(a, StandardCharsets.ISO_8859_1)).append("' "));
                    throw new CommandError("unknown command '" + name + "', with args beginning with: " + rest);
                }
            };
        } catch (CommandError e) {
            return error("ERR " + e.getMessage());
        }
    }

    /** The entry under a key, dropping it if it has expired. */
    private Entry lookup(String key) {
        Entry e = data.get(key);
        if (e != null && e.expiresAt() <= loop.time()) {
            data.remove(key);
            return null;
        }
        return e;
    }

    /** SET's options: {@code EX seconds} or {@code PX milliseconds}; when the value expires. */
    private double expiry(List<byte[]> options) {
        if (options.isEmpty()) {
            return Double.POSITIVE_INFINITY;
        }
        String unit = new String(options.get(0), StandardCharsets.ISO_8859_1).toUpperCase(Locale.ROOT);
        if (options.size() != 2 || !unit.equals("EX") && !unit.equals("PX")) {
            throw new CommandError("syntax error");
        }
        long amount = parseInteger(options.get(1));
        if (amount <= 0) {
            throw new CommandError("invalid expire time in 'set' command");
        }
        return loop.time() + (unit.equals("EX") ? amount : amount / 1000.0);
    }

    /** INCR: the value, parsed as a 64-bit integer, plus one; a missing key counts as 0. */
    private long increment(String key) {
        Entry e = lookup(key);
        long value = e == null ? 0 : parseInteger(e.value());
        if (value == Long.MAX_VALUE) {
            throw new CommandError("increment or decrement would overflow");
        }
        value++;
        byte[] digits = Long.toString(value).getBytes(StandardCharsets.US_ASCII);
        // INCR keeps the time to live, as Redis does.
        data.put(key, new Entry(digits, e == null ? Double.POSITIVE_INFINITY : e.expiresAt()));
        return value;
    }

    /** Drops expired keys now and then, as Redis's active expiry does, so untouched ones go too. */
    private void sweepExpired() {
        double now = loop.time();
        data.values().removeIf(e -> e.expiresAt() <= now);
        loop.callLater(SWEEP_SECONDS, this::sweepExpired);
    }

    private static void arity(List<byte[]> args, boolean right) {
        if (!right) {
            String name = new String(args.get(0), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            throw new CommandError("wrong number of arguments for '" + name + "' command");
        }
    }

    /** A value as a 64-bit integer, or Redis's error for one that is not. */
    private static long parseInteger(byte[] bytes) {
        Long n = parseLong(new String(bytes, StandardCharsets.ISO_8859_1));
        if (n == null) {
            throw new CommandError("value is not an integer or out of range");
        }
        return n;
    }

    /** Decimal digits with an optional minus, no spaces, no leading zeros, in range; else null. */
    private static Long parseLong(String text) {
        if (!INTEGER.matcher(text).matches()) {
            return null;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException outOfRange) {
            return null;
        }
    }

    /** Keys are binary strings: ISO-8859-1 maps each byte to one char and back. */
    private static String key(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static byte[] bulk(byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 16);
        out.writeBytes(("$" + value.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(value);
        out.writeBytes(new byte[] {'\r', '\n'});
        return out.toByteArray();
    }

    private static byte[] integer(long n) {
        return (":" + n + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] error(String message) {
        return ("-" + message + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }
}
