package dev.evloop.examples;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.LoopFuture;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.streams.IncompleteReadException;
import dev.evloop.streams.LimitOverrunException;
import dev.evloop.streams.StreamReader;
import dev.evloop.streams.StreamWriter;
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
 * into telnet, split and unquoted as Redis does), pipelined, with Redis's error replies.
 *
 * <p>Whatever a client sends reaches another reply only inside a bulk string: an error that
 * quotes the client, as the one for an unknown command does, has its CR and LF turned into spaces,
 * as Redis does, so no client can end a reply early and forge the next one.
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
    /**
     * Redis 7's own limits on a request: elements in an array, bytes in a bulk string (its
     * {@code proto-max-bulk-len}). The arguments are kept as they arrive, never made room for
     * ahead, so a large count costs nothing until the data is there.
     */
    private static final int MAX_ARRAY = Integer.MAX_VALUE;
    private static final int MAX_BULK = 512 * 1024 * 1024;
    /** Redis's {@code string2ll}: no sign but a minus, no spaces, no leading zeros, no "-0". */
    private static final Pattern INTEGER = Pattern.compile("0|-?[1-9][0-9]{0,18}");
    /** How much of a client's command name and arguments an unknown-command error quotes. */
    private static final int QUOTED = 128;
    private static final double SWEEP_SECONDS = 1;

    /** A value, and when it expires on the loop's clock ({@code +Infinity}: never). */
    private record Entry(byte[] value, double expiresAt) {
    }

    /** A reply of {@code -ERR message}: the command failed, the connection goes on. */
    private static final class CommandError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CommandError(String message) {
            super(message, null, false, false);
        }
    }

    /** A request that is not RESP: Redis replies with the error and closes the connection. */
    private static final class ProtocolError extends RuntimeException {
        private static final long serialVersionUID = 1L;

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
        } catch (IncompleteReadException | UncheckedIOException e) {
            // The client left in the middle of a command, or reset the connection.
        } finally {
            writer.close();
        }
    }

    /**
     * The next command as its arguments, empty for a blank inline line, or {@code null} at the
     * end of the stream. A RESP array is {@code *N\r\n} then N bulk strings {@code $LEN\r\nBYTES\r\n};
     * any other line is an inline command, split as {@link #splitArgs} says.
     */
    private static List<byte[]> readCommand(StreamReader reader) {
        byte[] first;
        try {
            first = reader.readLine();
        } catch (LimitOverrunException e) {
            // A line of more than the reader's limit, 64 KiB, as Redis's PROTO_INLINE_MAX_SIZE. Redis
            // checks it only while no newline has come, so a longer line that reaches it whole may
            // pass there; this refuses it whichever way it arrives, as Redis does one that trickles.
            // The line stays buffered: its first byte says which error Redis would give.
            boolean multibulk = reader.readExactly(1)[0] == '*';
            throw new ProtocolError(multibulk ? "too big mbulk count string" : "too big inline request");
        }
        String line = lineText(first);
        if (line == null) {
            return null;
        }
        if (!line.startsWith("*")) {
            return splitArgs(line);
        }
        int count = parseLength(line.substring(1), MAX_ARRAY, "invalid multibulk length");
        List<byte[]> args = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String header = readLine(reader, "too big bulk count string");
            if (header == null) {
                return null;
            }
            if (!header.startsWith("$")) {
                // Redis names the byte where '$' should be: the CR of an empty line, shown as a space.
                throw new ProtocolError("expected '$', got '" + (header.isEmpty() ? '\r' : header.charAt(0)) + "'");
            }
            int length = parseLength(header.substring(1), MAX_BULK, "invalid bulk length");
            if (length < 0) {
                throw new ProtocolError("invalid bulk length");
            }
            // The two bytes after the data are the CRLF; Redis skips them unchecked, and so does this.
            byte[] bulk = reader.readExactly(length + 2);
            args.add(Arrays.copyOf(bulk, length));
        }
        return args;
    }

    /**
     * A line without its line break, or {@code null} at the end of the stream; a line longer than
     * the reader's limit is the protocol error {@code tooBig}.
     */
    private static String readLine(StreamReader reader, String tooBig) {
        byte[] line;
        try {
            line = reader.readLine();
        } catch (LimitOverrunException e) {
            throw new ProtocolError(tooBig);
        }
        return lineText(line);
    }

    /** A line as read, without its line break, or {@code null} if the stream ended inside it. */
    private static String lineText(byte[] line) {
        if (line.length == 0 || line[line.length - 1] != '\n') {
            return null; // the stream ended, perhaps inside a line nobody will finish
        }
        int end = line.length > 1 && line[line.length - 2] == '\r' ? line.length - 2 : line.length - 1;
        return new String(line, 0, end, StandardCharsets.ISO_8859_1);
    }

    /**
     * An inline command's arguments, split as Redis's {@code sdssplitargs} splits them: on spaces,
     * tabs, CRs and LFs; {@code "double quotes"} with the escapes {@code \n \r \t \b \a \xHH}
     * and a backslash before any other character; {@code 'single quotes'} with {@code \'} only. A
     * closing quote must end its argument. A NUL byte ends the line, as it ends the C string that
     * {@code sdssplitargs} reads (Redis itself never gets that far: its search for the newline
     * stops at the NUL, and it waits for more).
     *
     * @throws ProtocolError for an unbalanced quote, which Redis answers by closing the connection
     */
    private static List<byte[]> splitArgs(String line) {
        List<byte[]> args = new ArrayList<>();
        ByteArrayOutputStream arg = new ByteArrayOutputStream();
        int n = line.indexOf('\0') < 0 ? line.length() : line.indexOf('\0');
        int i = 0;
        while (true) {
            while (i < n && isSpace(line.charAt(i))) {
                i++;
            }
            if (i == n) {
                return args;
            }
            boolean inDouble = false;
            boolean inSingle = false;
            while (true) {
                char c = i < n ? line.charAt(i) : '\0';
                if (inDouble) {
                    if (c == '\\' && i + 3 < n && line.charAt(i + 1) == 'x'
                            && isHex(line.charAt(i + 2)) && isHex(line.charAt(i + 3))) {
                        arg.write(Integer.parseInt(line, i + 2, i + 4, 16));
                        i += 3;
                    } else if (c == '\\' && i + 1 < n) {
                        i++;
                        arg.write(switch (line.charAt(i)) {
                            case 'n' -> '\n';
                            case 'r' -> '\r';
                            case 't' -> '\t';
                            case 'b' -> '\b';
                            case 'a' -> 7;
                            default -> line.charAt(i);
                        });
                    } else if (c == '"') {
                        if (i + 1 < n && !isSpace(line.charAt(i + 1))) {
                            throw new ProtocolError("unbalanced quotes in request");
                        }
                        i++;
                        break;
                    } else if (i == n) {
                        throw new ProtocolError("unbalanced quotes in request");
                    } else {
                        arg.write(c);
                    }
                } else if (inSingle) {
                    if (c == '\\' && i + 1 < n && line.charAt(i + 1) == '\'') {
                        i++;
                        arg.write('\'');
                    } else if (c == '\'') {
                        if (i + 1 < n && !isSpace(line.charAt(i + 1))) {
                            throw new ProtocolError("unbalanced quotes in request");
                        }
                        i++;
                        break;
                    } else if (i == n) {
                        throw new ProtocolError("unbalanced quotes in request");
                    } else {
                        arg.write(c);
                    }
                } else if (i == n || c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                    break;
                } else if (c == '"') {
                    inDouble = true;
                } else if (c == '\'') {
                    inSingle = true;
                } else {
                    arg.write(c);
                }
                i++;
            }
            args.add(arg.toByteArray());
            arg.reset();
        }
    }

    /** C's {@code isspace}, which {@code sdssplitargs} skips between arguments. */
    private static boolean isSpace(char c) {
        return c == ' ' || c >= '\t' && c <= '\r';
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
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
                default -> throw new CommandError(unknownCommand(args));
            };
        } catch (CommandError e) {
            return error("ERR " + e.getMessage());
        }
    }

    /**
     * Redis's error for an unknown command, which quotes the client as C's {@code printf} would:
     * the name up to 128 bytes, then the arguments while the list is under 128 bytes, each up to
     * what is left of those 128, and each cut at a NUL byte. {@link #error} removes CR and LF.
     */
    private static String unknownCommand(List<byte[]> args) {
        StringBuilder rest = new StringBuilder();
        for (int i = 1; i < args.size() && rest.length() < QUOTED; i++) {
            String arg = cString(args.get(i), QUOTED - rest.length());
            rest.append('\'').append(arg).append("' ");
        }
        return "unknown command '" + cString(args.get(0), QUOTED) + "', with args beginning with: " + rest;
    }

    /** The bytes up to the first NUL, at most {@code max} of them, one char per byte. */
    private static String cString(byte[] bytes, int max) {
        int n = 0;
        while (n < bytes.length && n < max && bytes[n] != 0) {
            n++;
        }
        return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
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
        boolean seconds = unit.equals("EX");
        // As Redis: the time in milliseconds, and as a Unix time in milliseconds, must fit in 64 bits.
        if (amount <= 0 || seconds && amount > Long.MAX_VALUE / 1000
                || Long.MAX_VALUE - (seconds ? amount * 1000 : amount) < System.currentTimeMillis()) {
            throw new CommandError("invalid expire time in 'set' command");
        }
        return loop.time() + (seconds ? amount : amount / 1000.0);
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

    /** A 64-bit integer as Redis's {@code string2ll} reads one (see {@link #INTEGER}); else null. */
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

    /**
     * An error reply. Every one is made here, and a CR or LF in it, which could only come from
     * the client, becomes a space, as Redis's {@code addReplyErrorFormat} does: otherwise a client
     * could end the error early and forge the next reply.
     */
    private static byte[] error(String message) {
        return ("-" + message.replace('\r', ' ').replace('\n', ' ') + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }
}
