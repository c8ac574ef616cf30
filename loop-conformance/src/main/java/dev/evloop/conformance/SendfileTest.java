package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.LoopFuture;
import dev.evloop.net.Connection;
import dev.evloop.net.Protocol;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.net.Transport;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transport.sendfile, asyncio's loop.sendfile: byte-exact on the zero-copy path the backend offers
 * and on the copying path (taken here by putting another handler in the pipeline, as TLS would).
 */
@Timeout(120)
class SendfileTest extends BackendTest {
    private static final SocketOptions OPTIONS = SocketOptions.defaults();
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    /** Digests what arrives; {@link #done} completes with the digest once the peer has closed. */
    static class Sink implements Protocol {
        final MessageDigest digest = sha256();
        final LoopFuture<byte[]> done;
        long bytes;

        Sink(EventLoop loop) {
            done = loop.createFuture();
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            bytes += data.remaining();
            digest.update(data);
        }

        @Override
        public void connectionLost(Throwable cause) {
            done.setResult(digest.digest());
        }
    }

    /** Sees every message written to the socket; standing in the pipeline, it makes sendfile copy. */
    static final class Watcher extends ChannelOutboundHandlerAdapter {
        final Set<Class<?>> kinds = new HashSet<>();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            kinds.add(msg instanceof FileRegion ? FileRegion.class : msg instanceof ByteBuf ? ByteBuf.class : msg.getClass());
            ctx.write(msg, promise);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] sha256(byte[]... parts) {
        MessageDigest d = sha256();
        for (byte[] p : parts) {
            d.update(p);
        }
        return d.digest();
    }

    /** Writes {@code size} seeded random bytes a mebibyte at a time and returns their digest. */
    private static byte[] writeRandomFile(Path file, long size, long seed) throws IOException {
        Random random = new Random(seed);
        MessageDigest d = sha256();
        byte[] block = new byte[MIB];
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long left = size; left > 0; left -= block.length) {
                random.nextBytes(block);
                int n = (int) Math.min(block.length, left);
                d.update(block, 0, n);
                out.write(ByteBuffer.wrap(block, 0, n));
            }
        }
        return d.digest();
    }

    private Path smallFile(byte[] content) throws IOException {
        return Files.write(dir.resolve("small.bin"), content);
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] data = new byte[n];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** A server whose one connection digests what arrives, and a client transport to it. */
    private record Pair(Sink sink, Transport client, Server server) {
    }

    private Pair connect() {
        Sink sink = new Sink(loop);
        Server server = await(loop.createServer(() -> sink, "127.0.0.1", 0, OPTIONS));
        int port = ((InetSocketAddress) server.addresses().get(0)).getPort();
        Connection<Protocol> c = await(
                loop.createConnection(() -> new Protocol() { }, "127.0.0.1", port, OPTIONS));
        return new Pair(sink, c.transport(), server);
    }

    /** Closes the client and returns the digest of everything the server got. */
    private byte[] finish(Pair p) {
        p.client().close();
        byte[] got = await(p.sink().done);
        p.server().close();
        return got;
    }

    /** Runs the loop until the future is done, for {@link #GUARD} at most: a lost completion fails instead of hanging. */
    private <T> T await(LoopFuture<T> future) {
        return loop.runUntilComplete(() -> Async.waitFor(future, GUARD));
    }

    private Watcher copyingPath(Transport t) {
        Watcher watcher = new Watcher();
        t.channel().pipeline().addFirst(watcher);
        return watcher;
    }

    @Test
    void aFiftyMebibyteFileArrivesByteExact() throws IOException {
        long size = 50L * MIB;
        Path file = dir.resolve("big.bin");
        byte[] expected = writeRandomFile(file, size, 50);
        Pair p = connect();
        assertEquals(size, await(p.client().sendfile(file, 0, 0)));
        assertArrayEquals(expected, finish(p));
        assertEquals(size, p.sink().bytes);
    }

    @Test
    void aFiftyMebibyteFileArrivesByteExactOnTheCopyingPath() throws IOException {
        long size = 50L * MIB;
        Path file = dir.resolve("big.bin");
        byte[] expected = writeRandomFile(file, size, 51);
        Pair p = connect();
        Watcher watcher = copyingPath(p.client());
        assertEquals(size, await(p.client().sendfile(file, 0, 0)));
        assertArrayEquals(expected, finish(p));
        assertEquals(Set.of(ByteBuf.class), watcher.kinds, "the copying path writes buffers only");
    }

    @Test
    void anOffsetAndCountSendOnlyThatSlice() throws IOException {
        byte[] content = randomBytes(MIB, 1);
        Path file = smallFile(content);
        Pair p = connect();
        assertEquals(5000L, await(p.client().sendfile(file, 1000, 5000)));
        assertArrayEquals(sha256(Arrays.copyOfRange(content, 1000, 6000)), finish(p));
        assertEquals(5000, p.sink().bytes);
    }

    @Test
    void aCountPastTheEndSendsUpToTheEndAndSaysHowMany() throws IOException {
        byte[] content = randomBytes(10_000, 2);
        Path file = smallFile(content);
        Pair p = connect();
        assertEquals(4000L, await(p.client().sendfile(file, 6000, 1_000_000)));
        assertArrayEquals(sha256(Arrays.copyOfRange(content, 6000, 10_000)), finish(p));
    }

    @Test
    void anOffsetAtTheEndSendsNothing() throws IOException {
        Path file = smallFile(randomBytes(100, 3));
        Pair p = connect();
        assertEquals(0L, await(p.client().sendfile(file, 100, 0)));
        finish(p);
        assertEquals(0, p.sink().bytes);
    }

    private void writesBeforeAndAfterArriveInOrder(boolean copying) throws IOException {
        byte[] content = randomBytes(4 * MIB, 4);
        Path file = smallFile(content);
        byte[] head = "head".getBytes();
        byte[] tail = "tail".getBytes();
        Pair p = connect();
        if (copying) {
            copyingPath(p.client());
        }
        p.client().write(head);
        LoopFuture<Long> sent = p.client().sendfile(file, 0, 0);
        p.client().write(tail); // the file is still on its way
        byte[] got = finish(p); // close waits for the file and the tail too
        assertEquals(content.length, sent.result());
        assertArrayEquals(sha256(head, content, tail), got);
    }

    @Test
    void dataWrittenBeforeAndAfterArrivesInOrder() throws IOException {
        writesBeforeAndAfterArriveInOrder(false);
    }

    @Test
    void dataWrittenBeforeAndAfterArrivesInOrderOnTheCopyingPath() throws IOException {
        writesBeforeAndAfterArriveInOrder(true);
    }

    private void aFileSentRightAfterATaskWroteFollowsItsData(boolean copying) throws IOException {
        byte[] content = randomBytes(MIB, 8);
        Path file = smallFile(content);
        byte[] head = "head".getBytes();
        Pair p = connect();
        if (copying) {
            copyingPath(p.client());
        }
        List<LoopFuture<Long>> sent = new ArrayList<>();
        SameIteration.taskThenCallback(loop, () -> p.client().write(head),
                () -> sent.add(p.client().sendfile(file, 0, 0)));
        assertEquals(content.length, await(sent.get(0)));
        assertArrayEquals(sha256(head, content), finish(p));
    }

    @Test
    void aFileSentFromACallbackFollowsWhatATaskWroteJustBefore() throws IOException {
        aFileSentRightAfterATaskWroteFollowsItsData(false);
    }

    @Test
    void aFileSentFromACallbackFollowsWhatATaskWroteJustBeforeOnTheCopyingPath() throws IOException {
        aFileSentRightAfterATaskWroteFollowsItsData(true);
    }

    @Test
    void twoFilesSentBackToBackArriveInOrderOnTheCopyingPath() throws IOException {
        byte[] first = randomBytes(3 * MIB, 5);
        byte[] second = randomBytes(MIB + 17, 6);
        Path a = Files.write(dir.resolve("a.bin"), first);
        Path b = Files.write(dir.resolve("b.bin"), second);
        Pair p = connect();
        copyingPath(p.client());
        LoopFuture<Long> sentA = p.client().sendfile(a, 0, 0);
        LoopFuture<Long> sentB = p.client().sendfile(b, 0, 0);
        assertEquals(second.length, await(sentB));
        assertEquals(first.length, sentA.result());
        assertArrayEquals(sha256(first, second), finish(p));
    }

    @Test
    void writesQueuedBehindACopiedFileCountInTheBufferAndPauseTheProtocol() throws IOException {
        // More than the kernel's buffers hold while the server does not read: the file stays on its way.
        long size = 32L * MIB;
        Path file = smallFile(randomBytes((int) size, 7));
        LoopFuture<Void> paused = loop.createFuture();
        LoopFuture<Void> resumed = loop.createFuture();
        Transport[] serverSide = new Transport[1];
        Sink sink = new Sink(loop) {
            @Override
            public void connectionMade(Transport transport) {
                serverSide[0] = transport;
                transport.pauseReading();
            }
        };
        Server server = await(loop.createServer(() -> sink, "127.0.0.1", 0, OPTIONS));
        int port = ((InetSocketAddress) server.addresses().get(0)).getPort();
        Transport t = await(loop.createConnection(() -> new Protocol() {
            @Override
            public void pauseWriting() {
                paused.setResult(null);
            }

            @Override
            public void resumeWriting() {
                resumed.setResult(null);
            }
        }, "127.0.0.1", port, OPTIONS)).transport();
        copyingPath(t);
        LoopFuture<Long> sent = t.sendfile(file, 0, 0);
        await(loop.createTask(() -> {
            Async.sleep(0.01);
            return null;
        }));
        assertFalse(paused.isDone(), "the file alone does not pause the protocol");
        t.write(new byte[256 * 1024]);
        assertTrue(t.writeBufferSize() >= 256 * 1024, "queued bytes count: " + t.writeBufferSize());
        await(paused);
        serverSide[0].resumeReading();
        await(resumed);
        assertEquals(size, sent.result(), "the file went first");
        t.close();
        await(sink.done);
        assertEquals(size + 256 * 1024, sink.bytes);
        server.close();
    }

    @Test
    void sendfileOnAClosedTransportFails() throws IOException {
        Path file = smallFile(randomBytes(100, 8));
        Pair p = connect();
        p.client().close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.client().sendfile(file, 0, 0));
        assertTrue(e.getMessage().contains("closing"), e.getMessage());
        await(p.sink().done);
        p.server().close();
    }

    @Test
    void sendfileAfterWriteEofFails() throws IOException {
        Path file = smallFile(randomBytes(100, 9));
        Pair p = connect();
        p.client().writeEof();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.client().sendfile(file, 0, 0));
        assertTrue(e.getMessage().contains("writeEof"), e.getMessage());
        finish(p);
    }

    @Test
    void badArgumentsAreRejectedAtTheCallNamingTheArgument() throws IOException {
        Path file = smallFile(randomBytes(100, 10));
        Pair p = connect();
        Transport t = p.client();
        assertEquals("path", assertThrows(NullPointerException.class, () -> t.sendfile((Path) null, 0, 0)).getMessage());
        assertEquals("file", assertThrows(NullPointerException.class, () -> t.sendfile((FileChannel) null, 0, 0)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> t.sendfile(file, -1, 0)).getMessage().startsWith("offset"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> t.sendfile(file, 0, -1)).getMessage().startsWith("count"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> t.sendfile(file, 101, 0)).getMessage().startsWith("offset 101"));
        try (FileChannel ch = FileChannel.open(file)) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> t.sendfile(ch, 101, 0)).getMessage().startsWith("offset 101"));
        }
        finish(p);
        assertEquals(0, p.sink().bytes, "nothing was sent");
    }

    @Test
    void aMissingFileFailsTheFuture() {
        Pair p = connect();
        LoopFuture<Long> sent = p.client().sendfile(dir.resolve("missing"), 0, 0);
        CompletionException e = assertThrows(CompletionException.class, () -> await(sent));
        assertInstanceOf(NoSuchFileException.class, e.getCause());
        finish(p);
    }

    @Test
    void theFileChannelOverloadLeavesTheChannelOpenAndItsPositionAlone() throws IOException {
        byte[] content = randomBytes(3 * MIB, 11);
        Path file = smallFile(content);
        Pair p = connect();
        try (FileChannel ch = FileChannel.open(file)) {
            ch.position(123);
            assertEquals(content.length - 10L, await(p.client().sendfile(ch, 10, 0)));
            assertTrue(ch.isOpen());
            assertEquals(123, ch.position());
            assertArrayEquals(sha256(Arrays.copyOfRange(content, 10, content.length)), finish(p));
        }
    }

    @Test
    void theFileChannelOverloadLeavesTheChannelOpenOnTheCopyingPath() throws IOException {
        Path file = smallFile(randomBytes(MIB, 12));
        Pair p = connect();
        copyingPath(p.client());
        try (FileChannel ch = FileChannel.open(file)) {
            assertEquals((long) MIB, await(p.client().sendfile(ch, 0, 0)));
            assertTrue(ch.isOpen());
        }
        finish(p);
    }

    private void thePathOverloadReleasesItsFile(boolean copying) throws IOException {
        OpenFileDescriptors.assumeCountable();
        Path file = smallFile(randomBytes(MIB, 13));
        Pair p = connect();
        if (copying) {
            copyingPath(p.client());
        }
        long before = OpenFileDescriptors.count();
        for (int i = 0; i < 20; i++) {
            await(p.client().sendfile(file, 0, 0));
        }
        assertEquals(before, OpenFileDescriptors.count());
        finish(p);
        assertEquals(20L * MIB, p.sink().bytes);
    }

    @Test
    void thePathOverloadReleasesItsFile() throws IOException {
        thePathOverloadReleasesItsFile(false);
    }

    @Test
    void thePathOverloadReleasesItsFileOnTheCopyingPath() throws IOException {
        thePathOverloadReleasesItsFile(true);
    }

    @Test
    void abortingWhileAFileIsBeingSentFailsItsFuture() throws IOException {
        Path file = dir.resolve("big.bin");
        writeRandomFile(file, 64L * MIB, 14);
        LoopFuture<Void> serverLost = loop.createFuture();
        Transport[] accepted = new Transport[1];
        Server server = await(loop.createServer(() -> new Protocol() {
            @Override
            public void connectionMade(Transport t) {
                accepted[0] = t;
                t.pauseReading(); // the file cannot all leave: the sendfile is still running at abort
            }

            @Override
            public void connectionLost(Throwable cause) {
                serverLost.setResult(null);
            }
        }, "127.0.0.1", 0, OPTIONS));
        int port = ((InetSocketAddress) server.addresses().get(0)).getPort();
        Transport t = await(loop.createConnection(() -> new Protocol() { }, "127.0.0.1", port, OPTIONS))
                .transport();
        LoopFuture<Long> sent = t.sendfile(file, 0, 0);
        loop.runUntilComplete(() -> {
            Async.sleep(0.05);
            return null;
        });
        t.abort();
        assertThrows(CompletionException.class, () -> await(sent));
        accepted[0].abort(); // reading is paused there: it would not see the end
        await(serverLost);
        server.close();
    }
}
