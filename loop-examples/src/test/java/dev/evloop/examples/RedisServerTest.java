package dev.evloop.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Redis-protocol server, spoken to in raw RESP2 over a plain socket. Replies are shown as
 * Redis writes them on the wire, less the CRLFs: {@code +OK}, {@code :1}, {@code $5 hello},
 * {@code $-1}, {@code *2 [...]}. Where a test compares whole bytes, they are what Redis 7.0.15
 * answered to the same input on loopback.
 */
@Timeout(60)
class RedisServerTest {
    private RunningExample server;
    private Socket socket;
    private InputStream in;

    @BeforeEach
    void start() throws IOException {
        server = RunningExample.start("RedisServer", RedisServer::serve);
        socket = server.connect();
        in = new BufferedInputStream(socket.getInputStream());
    }

    @AfterEach
    void stop() throws Exception {
        socket.close();
        server.close();
    }

    /** A command as a RESP array of bulk strings. */
    private static String resp(String... args) {
        StringBuilder b = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            b.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        return b.toString();
    }

    private void send(String raw) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(raw.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The next {@code n} bytes the server sends, one char per byte. */
    private String raw(int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        assertEquals(n, bytes.length, "the connection ended early");
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** Sends bytes as they are, one char per byte. */
    private void sendRaw(String bytes) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Checks that the server sends exactly {@code expected} and then nothing until the next read. */
    private void assertReplyBytes(String expected) throws IOException {
        assertEquals(expected, raw(expected.length()));
    }

    private void assertClosedByServer() throws IOException {
        assertEquals(-1, in.read(), "the server closed the connection");
    }

    /** Sends one command and reads its reply. */
    private String call(String... args) throws IOException {
        send(resp(args));
        return reply();
    }

    /** Reads one reply, in the notation of the class comment. */
    private String reply() throws IOException {
        String line = line();
        return switch (line.charAt(0)) {
            case '+', '-', ':' -> line;
            case '$' -> {
                int n = Integer.parseInt(line.substring(1));
                if (n < 0) {
                    yield line;
                }
                byte[] data = in.readNBytes(n + 2);
                assertEquals("\r\n", new String(data, n, 2, StandardCharsets.UTF_8));
                yield line + " " + new String(data, 0, n, StandardCharsets.UTF_8);
            }
            case '*' -> {
                List<String> items = new ArrayList<>();
                for (int i = Integer.parseInt(line.substring(1)); i > 0; i--) {
                    items.add(reply());
                }
                yield line + " " + items;
            }
            default -> throw new AssertionError("not a RESP reply: " + line);
        };
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            assertFalse(b < 0, "the connection ended inside a reply");
            line.write(b);
        }
        String s = line.toString(StandardCharsets.UTF_8);
        assertTrue(s.endsWith("\r"), "replies end with CRLF");
        return s.substring(0, s.length() - 1);
    }

    @Test
    void pingAndEcho() throws IOException {
        assertEquals("+PONG", call("PING"));
        assertEquals("$5 hello", call("ping", "hello"));
        assertEquals("$11 hello world", call("ECHO", "hello world"));
    }

    @Test
    void setThenGetThenDelete() throws IOException {
        assertEquals("$-1", call("GET", "k"));
        assertEquals("+OK", call("SET", "k", "v\r\nwith a line break"));
        assertEquals("$20 v\r\nwith a line break", call("GET", "k"), "values are binary-safe");
        assertEquals(":1", call("EXISTS", "k"));
        assertEquals(":1", call("DEL", "k", "missing"));
        assertEquals(":0", call("EXISTS", "k"));
        assertEquals("$-1", call("GET", "k"));
    }

    @Test
    void existsCountsEveryKeyNamedEvenTwice() throws IOException {
        call("SET", "a", "1");
        assertEquals(":2", call("EXISTS", "a", "a", "b"));
    }

    @Test
    void mgetAnswersNilForMissingKeys() throws IOException {
        call("SET", "a", "1");
        call("SET", "c", "3");
        assertEquals("*3 [$1 1, $-1, $1 3]", call("MGET", "a", "b", "c"));
    }

    @Test
    void incrCountsFromZeroAndRefusesWhatIsNotAnInteger() throws IOException {
        assertEquals(":1", call("INCR", "n"));
        assertEquals(":2", call("INCR", "n"));
        assertEquals("$1 2", call("GET", "n"));
        call("SET", "s", "abc");
        assertEquals("-ERR value is not an integer or out of range", call("INCR", "s"));
        call("SET", "max", Long.toString(Long.MAX_VALUE));
        assertEquals("-ERR increment or decrement would overflow", call("INCR", "max"));
    }

    @Test
    void pipelinedCommandsInOneWriteAreAnsweredInOrder() throws IOException {
        send(resp("SET", "k", "1") + resp("INCR", "k") + resp("INCR", "k") + resp("GET", "k") + resp("NOPE")
                + "PING\r\n" + resp("DEL", "k"));
        assertEquals("+OK", reply());
        assertEquals(":2", reply());
        assertEquals(":3", reply());
        assertEquals("$1 3", reply());
        assertTrue(reply().startsWith("-ERR unknown command 'NOPE'"));
        assertEquals("+PONG", reply());
        assertEquals(":1", reply());
    }

    @Test
    void aLongPipelineFromAClientThatReadsLateIsAnsweredInFull() throws Exception {
        int n = 20_000;
        String incr = resp("INCR", "n");
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                send(incr.repeat(n)); // blocks while the server, waiting for its replies to drain, holds it back
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        for (int i = 1; i <= n; i++) {
            assertEquals(":" + i, reply());
        }
        writer.join();
    }

    @Test
    void inlineCommandsWorkAsTheyDoInRedis() throws IOException {
        send("SET greeting hello\r\n");
        assertEquals("+OK", reply());
        send("  GET   greeting \r\n\r\n");
        assertEquals("$5 hello", reply());
        send("EXISTS greeting\n");
        assertEquals(":1", reply(), "a bare LF ends an inline command too");
    }

    @Test
    void unknownCommandsAndWrongArgumentCountsGetRedisErrors() throws IOException {
        assertEquals("-ERR unknown command 'FLY', with args beginning with: 'to' 'moon' ", call("FLY", "to", "moon"));
        assertEquals("-ERR wrong number of arguments for 'get' command", call("GET"));
        assertEquals("-ERR wrong number of arguments for 'get' command", call("get", "a", "b"));
        assertEquals("-ERR wrong number of arguments for 'set' command", call("SET", "k"));
        assertEquals("-ERR wrong number of arguments for 'ping' command", call("PING", "a", "b"));
        assertEquals("+PONG", call("PING"), "the connection goes on after an error");
    }

    @Test
    void setWithExOrPxKeepsTheValueUntilItExpires() throws IOException {
        assertEquals("+OK", call("SET", "long", "lived", "EX", "3600"));
        assertEquals("+OK", call("SET", "short", "lived", "px", "3600000"));
        assertEquals("$5 lived", call("GET", "long"));
        assertEquals("$5 lived", call("GET", "short"));
    }

    @Test
    void aKeySetWithPxIsGoneOnceItsTimeHasPassed() throws Exception {
        assertEquals("+OK", call("SET", "k", "v", "PX", "20"));
        Thread.sleep(100); // the server's clock has moved on by at least as much
        assertEquals("$-1", call("GET", "k"));
        assertEquals(":0", call("EXISTS", "k"));
    }

    @Test
    void setRefusesBadExpiryOptions() throws IOException {
        assertEquals("-ERR invalid expire time in 'set' command", call("SET", "k", "v", "EX", "0"));
        assertEquals("-ERR value is not an integer or out of range", call("SET", "k", "v", "PX", "soon"));
        assertEquals("-ERR syntax error", call("SET", "k", "v", "EX"));
        assertEquals("-ERR syntax error", call("SET", "k", "v", "XX", "1"));
        assertEquals("$-1", call("GET", "k"), "a refused SET sets nothing");
    }

    @Test
    void aMalformedRequestGetsAProtocolErrorAndTheConnectionCloses() throws IOException {
        send("*1\r\n+PING\r\n");
        assertEquals("-ERR Protocol error: expected '$', got '+'", reply());
        assertEquals(-1, in.read(), "the server closed the connection");
    }

    @Test
    void everyClientSeesTheSameStore() throws IOException {
        call("SET", "shared", "0");
        List<LineClient> others = new ArrayList<>();
        try {
            for (int i = 1; i <= 10; i++) {
                LineClient other = new LineClient(server.connect());
                others.add(other);
                other.send("INCR shared");
                assertEquals(":" + i, other.readLine());
            }
        } finally {
            for (LineClient other : others) {
                other.close();
            }
        }
        assertEquals("$2 10", call("GET", "shared"));
    }

    @Test
    void anUnknownCommandNamedWithCrLfGetsOneErrorLineWithSpacesForThem() throws IOException {
        sendRaw("*1\r\n$4\r\nA\r\nB\r\nPING\r\n");
        assertReplyBytes("-ERR unknown command 'A  B', with args beginning with: \r\n+PONG\r\n");
    }

    @Test
    void anArgumentCarryingCrLfCannotForgeTheNextReply() throws IOException {
        sendRaw(resp("NOPE", "x\r\n+OK") + "PING\r\n");
        assertReplyBytes("-ERR unknown command 'NOPE', with args beginning with: 'x  +OK' \r\n+PONG\r\n");
    }

    @Test
    void anInlineCommandWithEscapedCrLfCannotForgeTheNextReplyEither() throws IOException {
        sendRaw("NOPE \"a\\r\\n+OK\\r\\n\"\r\nPING\r\n");
        assertReplyBytes("-ERR unknown command 'NOPE', with args beginning with: 'a  +OK  ' \r\n+PONG\r\n");
    }

    @Test
    void anUnknownCommandErrorQuotesAt128BytesOfNameAndOfArguments() throws IOException {
        sendRaw(resp("X".repeat(200), "a".repeat(100), "b".repeat(100), "c"));
        assertReplyBytes("-ERR unknown command '" + "X".repeat(128) + "', with args beginning with: '"
                + "a".repeat(100) + "' '" + "b".repeat(25) + "' \r\n");
    }

    @Test
    void anUnknownCommandErrorCutsTheNameAndEachArgumentAtANulByte() throws IOException {
        sendRaw(resp("no\0pe", "a\0b", "c"));
        assertReplyBytes("-ERR unknown command 'no', with args beginning with: 'a' 'c' \r\n");
    }

    @Test
    void anEmptyLineWhereABulkHeaderShouldBeIsNamedAsASpace() throws IOException {
        sendRaw("*1\r\n\r\n");
        assertReplyBytes("-ERR Protocol error: expected '$', got ' '\r\n");
        assertClosedByServer();
    }

    @Test
    void anInlineArgumentInDoubleQuotesKeepsItsSpaces() throws IOException {
        sendRaw("SET q \"hello world\"\r\nGET q\r\n");
        assertReplyBytes("+OK\r\n$11\r\nhello world\r\n");
    }

    @Test
    void doubleQuotesDecodeRedisEscapes() throws IOException {
        sendRaw("SET q \"a\\x41\\n\\t\\\"\\\\\\z\"\r\nGET q\r\n");
        assertReplyBytes("+OK\r\n$7\r\naA\n\t\"\\z\r\n");
    }

    @Test
    void singleQuotesDecodeOnlyAnEscapedSingleQuote() throws IOException {
        sendRaw("SET q 'it\\'s \\n'\r\nGET q\r\n");
        assertReplyBytes("+OK\r\n$7\r\nit's \\n\r\n");
    }

    @Test
    void aQuoteMayStartInsideAnArgumentAndEmptyQuotesAreAnEmptyArgument() throws IOException {
        sendRaw("SET q x\"\\r\\n+OK\"\r\nGET q\r\nSET e \"\"\r\nGET e\r\n");
        assertReplyBytes("+OK\r\n$6\r\nx\r\n+OK\r\n+OK\r\n$0\r\n\r\n");
    }

    @Test
    void anUnterminatedQuoteIsAProtocolErrorThatClosesTheConnection() throws IOException {
        sendRaw("SET q \"abc\r\nGET q\r\n");
        assertReplyBytes("-ERR Protocol error: unbalanced quotes in request\r\n");
        assertClosedByServer();
    }

    @Test
    void aClosingQuoteFollowedByMoreOfTheArgumentIsAProtocolError() throws IOException {
        sendRaw("SET q 'abc'def\r\n");
        assertReplyBytes("-ERR Protocol error: unbalanced quotes in request\r\n");
        assertClosedByServer();
    }

    @Test
    void setRefusesAnExpiryThatOverflowsAsAUnixTimeInMilliseconds() throws IOException {
        sendRaw("SET k v EX 9223372036854775807\r\nSET k v EX 9223372036854775\r\n"
                + "SET k v PX 9223372036854775807\r\nSET k v PX 9223372036854775\r\n");
        assertReplyBytes("-ERR invalid expire time in 'set' command\r\n".repeat(3) + "+OK\r\n");
    }

    @Test
    void incrRefusesWhatRedisDoesNotReadAsAnInteger() throws IOException {
        sendRaw("SET k -0\r\nINCR k\r\nSET k 01\r\nINCR k\r\nSET k +1\r\nINCR k\r\nSET k ' 1'\r\nINCR k\r\n");
        assertReplyBytes("+OK\r\n-ERR value is not an integer or out of range\r\n".repeat(4));
    }

    @Test
    void aMultibulkCountOfMinusZeroIsAProtocolError() throws IOException {
        sendRaw("*-0\r\nPING\r\n");
        assertReplyBytes("-ERR Protocol error: invalid multibulk length\r\n");
        assertClosedByServer();
    }

    @Test
    void anInlineCommandOf64KibibytesIsServed() throws IOException {
        String echo = "ECHO " + "a".repeat(64 * 1024 - 6);
        sendRaw(echo + "\r\n"); // 64 KiB up to the LF, as Redis's PROTO_INLINE_MAX_SIZE allows
        assertReplyBytes("$" + (echo.length() - 5) + "\r\n" + echo.substring(5) + "\r\n");
    }

    @Test
    void moreThan64KibibytesWithoutANewlineIsATooBigInlineRequest() throws IOException {
        sendRaw("ECHO " + "a".repeat(64 * 1024));
        assertReplyBytes("-ERR Protocol error: too big inline request\r\n");
        assertClosedByServer();
    }

    @Test
    void aTooLongMultibulkCountIsATooBigMbulkCountString() throws IOException {
        sendRaw("*" + "1".repeat(64 * 1024 + 1));
        assertReplyBytes("-ERR Protocol error: too big mbulk count string\r\n");
        assertClosedByServer();
    }

    @Test
    void aTooLongBulkHeaderIsATooBigBulkCountString() throws IOException {
        sendRaw("*1\r\n$" + "1".repeat(64 * 1024 + 1));
        assertReplyBytes("-ERR Protocol error: too big bulk count string\r\n");
        assertClosedByServer();
    }

    @Test
    void theTwoBytesAfterABulkStringAreSkippedUncheckedAsRedisSkipsThem() throws IOException {
        sendRaw("*1\r\n$4\r\nPING\n\r\nPING\r\n");
        assertReplyBytes("+PONG\r\n+PONG\r\n");
    }

    @Test
    void anArrayOfMoreThanAMebiElementIsACommandAsInRedis7() throws IOException {
        int n = 1024 * 1024 + 1;
        sendRaw("*" + n + "\r\n" + "$4\r\nPING\r\n".repeat(n));
        assertReplyBytes("-ERR wrong number of arguments for 'ping' command\r\n");
    }

    @Test
    void anArrayCountPastTheLargestIntIsAProtocolError() throws IOException {
        sendRaw("*2147483648\r\n");
        assertReplyBytes("-ERR Protocol error: invalid multibulk length\r\n");
        assertClosedByServer();
    }

    @Test
    void aNulByteEndsAnInlineCommandAsItEndsTheCStringRedisSplits() throws IOException {
        sendRaw("SET q a\0b\r\nGET q\r\n");
        assertReplyBytes("+OK\r\n$1\r\na\r\n");
    }
}
