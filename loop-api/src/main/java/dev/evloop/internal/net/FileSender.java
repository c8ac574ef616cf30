package dev.evloop.internal.net;

import dev.evloop.LoopFuture;
import dev.evloop.internal.BaseEventLoop;
import dev.evloop.net.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.PendingWriteQueue;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Objects;

/**
 * {@code Transport.sendfile}: asyncio's {@code loop.sendfile}, with its native path
 * ({@code _sendfile_native}) and its fallback ({@code _sendfile_fallback}).
 *
 * <p>Zero copy, when the backend says its channel sends a Netty file region without copying and
 * no other handler sits between the transport and the socket (TLS, for one, must read the bytes):
 * the range goes into the channel's outbound buffer as one region, so whatever is written
 * afterwards follows it there.
 *
 * <p>Otherwise this handler, put just before the transport in the pipeline by the first copying
 * sendfile, reads the file on the loop's thread in {@value #CHUNK}-byte chunks and writes them,
 * the next chunk only while the file's chunks in flight stay under the high-water mark (always
 * one at least). Meanwhile every write reaching it (data, later files, and the empty writes behind
 * which the transport closes or half-closes) waits in a {@link PendingWriteQueue}, which counts it
 * in the channel's write buffer, so a protocol that keeps writing is paused as usual.
 */
final class FileSender extends ChannelDuplexHandler {
    /** As asyncio's fallback: small enough that a few fit under the default high-water mark. */
    static final int CHUNK = 16 * 1024;
    private static final String NAME = "evloop.sendfile";

    private ChannelHandlerContext ctx;
    private PendingWriteQueue waiting;
    /** The file being read, or null. */
    private FileSlice current;
    /** Bytes of files written to the channel and not yet handed to the socket. */
    private long inFlight;

    /** Opens the file, checks the range and sends it; the slice closes the file. */
    static LoopFuture<Long> sendfile(BaseEventLoop loop, StreamTransport transport, Path path, long offset, long count) {
        Objects.requireNonNull(path, "path");
        checkRange(offset, count);
        FileChannel file;
        try {
            file = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException e) {
            LoopFuture<Long> failed = loop.createFuture();
            failed.setException(e);
            return failed;
        }
        return send(loop, transport, file, true, offset, count);
    }

    /** Checks the range and sends it from the caller's file, which stays open. */
    static LoopFuture<Long> sendfile(BaseEventLoop loop, StreamTransport transport, FileChannel file, long offset,
                                     long count) {
        Objects.requireNonNull(file, "file");
        checkRange(offset, count);
        return send(loop, transport, file, false, offset, count);
    }

    private static void checkRange(long offset, long count) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, got " + offset);
        }
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0 (0: to the end of the file), got " + count);
        }
    }

    private static LoopFuture<Long> send(BaseEventLoop loop, StreamTransport transport, FileChannel file, boolean owned,
                                         long offset, long count) {
        long size;
        try {
            size = file.size();
        } catch (IOException e) {
            FileSlice unreadable = new FileSlice(loop, file, owned, offset, 0);
            unreadable.fail(e);
            return unreadable.result();
        }
        if (offset > size) {
            FileSlice.closeIfOwned(file, owned);
            throw new IllegalArgumentException("offset " + offset + " is past the end of the file (" + size + " bytes)");
        }
        FileSlice slice = new FileSlice(loop, file, owned, offset, count == 0 ? size - offset : Math.min(count, size - offset));
        if (slice.length() == 0) {
            slice.succeed();
            return slice.result();
        }
        try {
            loop.runOnLoopThread(() -> start(loop, transport, slice));
        } catch (IllegalStateException e) { // not on the loop's thread nor in one of its tasks
            FileSlice.closeIfOwned(file, owned);
            throw e;
        }
        return slice.result();
    }

    /** On the loop's thread: the zero-copy path, or this handler's. */
    private static void start(BaseEventLoop loop, StreamTransport transport, FileSlice slice) {
        transport.movePending(); // what tasks wrote before the call goes first
        Channel channel = transport.channel();
        if (loop.sendsFileZeroCopy(slice.offset(), slice.length()) && straightToSocket(channel.pipeline(), transport)) {
            ChannelPromise sent = channel.newPromise();
            sent.addListener(f -> settle(channel, slice, f));
            channel.writeAndFlush(slice.region(), sent);
            return;
        }
        FileSender sender = channel.pipeline().get(FileSender.class);
        if (sender == null) {
            sender = new FileSender();
            channel.pipeline().addBefore(channel.pipeline().context(transport).name(), NAME, sender);
        }
        sender.submit(slice);
    }

    /** Whether the pipeline holds nothing but the transport (and this handler, which lets regions pass in order). */
    private static boolean straightToSocket(ChannelPipeline pipeline, StreamTransport transport) {
        for (Map.Entry<String, ChannelHandler> e : pipeline) {
            if (e.getValue() != transport && !(e.getValue() instanceof FileSender)) {
                return false;
            }
        }
        return true;
    }

    private static void settle(Channel channel, FileSlice slice, Future<?> written) {
        if (written.isSuccess()) {
            slice.succeed();
        } else {
            failed(channel, slice, written.cause());
        }
    }

    /**
     * Fails the slice and, if the connection is still open, aborts it with the same error: the
     * peer would otherwise read a truncated file followed by whatever comes next.
     */
    private static void failed(Channel channel, FileSlice slice, Throwable cause) {
        slice.fail(cause);
        if (channel.isActive()) {
            channel.pipeline().fireExceptionCaught(cause);
        }
    }

    // ---- the copying path ------------------------------------------------------------------

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.waiting = new PendingWriteQueue(ctx);
    }

    /** A file is on its way, or writes wait behind one. */
    boolean busy() {
        return current != null || !waiting.isEmpty();
    }

    private void submit(FileSlice slice) {
        if (busy()) {
            waiting.add(slice, ctx.voidPromise());
        } else {
            current = slice;
            pump();
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (busy()) {
            waiting.add(msg, promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    /** Writes chunks while the window allows; past the end of a file, lets what waits behind it go. */
    private void pump() {
        // One chunk of room under the mark: Netty still counts the chunk whose completion called
        // us, and adds a little overhead per buffered message.
        int high = ctx.channel().config().getWriteBufferHighWaterMark();
        while (current != null && (inFlight == 0 || inFlight + 2L * CHUNK < high)) {
            FileSlice slice = current;
            ByteBuf chunk;
            try {
                chunk = slice.readChunk(ctx.alloc(), CHUNK);
            } catch (IOException | RuntimeException e) {
                current = null;
                failed(ctx.channel(), slice, e);
                return;
            }
            int size = chunk.readableBytes();
            boolean last = slice.exhausted();
            inFlight += size;
            ctx.write(chunk).addListener(f -> chunkDone(slice, size, last, f));
            if (last) {
                current = null;
                releaseWaiting();
            }
        }
        ctx.flush();
    }

    /** Writes what waited behind the file that just ended, up to the next file, which becomes current. */
    private void releaseWaiting() {
        Object next;
        while (current == null && (next = waiting.current()) != null) {
            if (next instanceof FileSlice slice) {
                waiting.remove();
                current = slice;
            } else {
                waiting.removeAndWrite();
            }
        }
    }

    private void chunkDone(FileSlice slice, int size, boolean last, Future<?> written) {
        inFlight -= size;
        if (!written.isSuccess()) {
            if (current == slice) {
                current = null;
            }
            failed(ctx.channel(), slice, written.cause());
            return;
        }
        if (last) {
            slice.succeed();
        }
        if (current != null) {
            pump();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ClosedChannelException closed = new ClosedChannelException();
        if (current != null) {
            current.fail(closed);
            current = null;
        }
        Object next;
        while ((next = waiting.current()) != null) {
            if (next instanceof FileSlice slice) {
                waiting.remove();
                slice.fail(closed);
            } else {
                waiting.removeAndFail(closed);
            }
        }
        ctx.fireChannelInactive();
    }
}
