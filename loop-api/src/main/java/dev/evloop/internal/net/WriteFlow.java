package dev.evloop.internal.net;

import dev.evloop.internal.BaseEventLoop;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DatagramChannel;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.ReferenceCounted;
import io.netty.util.internal.SystemPropertyUtil;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * The write side every transport shares: writes are batched and flushed once before the loop's
 * next poll (or at once past {@link #FLUSH_THRESHOLD} bytes), and the channel's writability is
 * turned into the protocol's {@code pauseWriting}/{@code resumeWriting}, never resuming from inside
 * the protocol's own write, as asyncio does. It starts the channel at asyncio's default limits.
 *
 * <p>Netty takes channel operations only on the loop's own thread: from a task (whose virtual
 * thread Netty sees as a stranger) it would queue them, out of order with the rest. A task holds
 * its loop while it runs, though, so a write from a task goes to a pending list here instead and
 * returns at once; the loop thread hands the list to the channel before its next poll and before
 * any other operation it makes on the channel, so bytes leave in the order they were written.
 *
 * <p>Runs on the loop thread; {@link #checkCaller}, {@link #write} and {@link #bufferSize} also in
 * the loop's tasks.
 */
final class WriteFlow implements FlushOnPoll {
    /** Past this many unflushed bytes, a write flushes at once. */
    static final int FLUSH_THRESHOLD = 64 * 1024;
    /**
     * What Netty counts for each message in a channel's buffer on top of its bytes, read as
     * Netty's {@code ChannelOutboundBuffer} reads it.
     */
    private static final int MESSAGE_OVERHEAD =
            SystemPropertyUtil.getInt("io.netty.transport.outboundBufferEntrySizeOverhead", 96);

    private final BaseEventLoop loop;
    private final Channel channel;
    private final Runnable pause;
    private final Runnable resume;
    private final BooleanSupplier open;
    private long unflushed;
    private boolean flushScheduled;
    private boolean paused;
    /** Inside write(): writability changes then are the protocol's own doing. */
    private boolean inWrite;
    private boolean resumeScheduled;
    /**
     * The protocol can write no more (see {@link #writeEnd}): what passes the high mark from then
     * on is the transport's own messages, which pause nobody.
     */
    private boolean writesEnded;
    /** Inside {@link #setLimits}' empty message: the limits it weighs are the caller's. */
    private boolean inLimits;
    /** What the empty messages {@link #setLimits} queued and Netty still counts: no bytes of the protocol's. */
    private long limitMarkerBytes;
    /**
     * Paused by limits lowered under what a datagram channel holds, which Netty does not see as
     * unwritable: each send's outcome looks whether the buffer fell to the low mark.
     */
    private boolean pausedByLimits;
    private boolean limitCheckScheduled;

    /** Writes from tasks not yet handed to the channel, oldest first, from {@code pendingHead}. */
    private Object[] pendingMessages = new Object[8];
    private ChannelPromise[] pendingPromises = new ChannelPromise[8];
    private int[] pendingSizes = new int[8];
    private int pendingHead;
    private int pendingCount;
    private long pendingBytes;

    /**
     * @param pause  tells the protocol to pause writing (guarded by the transport)
     * @param resume tells it to resume
     * @param open   whether the connection is still there to resume
     */
    WriteFlow(BaseEventLoop loop, Channel channel, Runnable pause, Runnable resume, BooleanSupplier open) {
        this.loop = loop;
        this.channel = channel;
        this.pause = pause;
        this.resume = resume;
        this.open = open;
        channel.config().setWriteBufferWaterMark(WriteLimits.DEFAULTS);
    }

    /**
     * Refuses a caller that is neither the loop's thread nor one of its tasks, before a transport
     * copies anything for it.
     */
    void checkCaller() {
        if (!onLoopThread() && !loop.inLoopThread()) {
            throw new IllegalStateException("channel operations run on the event loop's thread or in its tasks, not on thread '"
                    + Thread.currentThread().getName() + "'");
        }
    }

    /** Whether the caller is the thread Netty runs this channel on (else it is one of the loop's tasks). */
    boolean onLoopThread() {
        return channel.eventLoop().inEventLoop();
    }

    /**
     * Writes a message of {@code bytes} bytes and sees that it is flushed soon: from the loop
     * thread into the channel, from one of the loop's tasks into the pending list. The caller
     * passed {@link #checkCaller}.
     */
    void write(Object message, int bytes, ChannelPromise promise) {
        if (onLoopThread()) {
            writeNow(message, bytes, promise);
        } else {
            writeFromTask(message, bytes, promise);
        }
    }

    private void writeNow(Object message, int bytes, ChannelPromise promise) {
        inWrite = true;
        try {
            movePending();
            unflushed += bytes;
            channel.write(message, promise);
            if (unflushed >= FLUSH_THRESHOLD) {
                flushNow();
            } else {
                scheduleFlush();
            }
        } finally {
            inWrite = false;
        }
    }

    /**
     * A write from one of the loop's tasks waits in the pending list for the loop thread. Past the
     * high-water mark, counting what waits here, the protocol is paused at once, as a write on the
     * loop thread would pause it.
     */
    private void writeFromTask(Object message, int bytes, ChannelPromise promise) {
        if (pendingCount == pendingMessages.length) {
            int larger = pendingCount * 2;
            pendingMessages = Arrays.copyOf(pendingMessages, larger);
            pendingPromises = Arrays.copyOf(pendingPromises, larger);
            pendingSizes = Arrays.copyOf(pendingSizes, larger);
        }
        pendingMessages[pendingCount] = message;
        pendingPromises[pendingCount] = promise;
        pendingSizes[pendingCount] = bytes;
        pendingCount++;
        pendingBytes += bytes;
        scheduleFlush();
        // Resuming needs no counterpart here: the pending bytes enter the channel together, before
        // any of the channel's own bytes can leave (that happens only in a flush or a poll, and
        // both come after the move), so the channel then holds more than it did now, passes the
        // mark itself and reports its way back under the low one as usual.
        if (!paused && overHighMark()) {
            paused = true;
            pause.run();
        }
    }

    private boolean overHighMark() {
        return bufferSize() > channel.config().getWriteBufferHighWaterMark();
    }

    private void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            loop.flushBeforeNextPoll(this);
        }
    }

    /**
     * Hands the writes of tasks to the channel, in order, without flushing them. Every operation
     * the transport makes on its channel (a write, a flush, a half-close, a close, TLS, a file)
     * calls it first, so nothing overtakes them.
     */
    void movePending() {
        // A protocol callback fired by one of these writes (pauseWriting) may write and so come
        // back here: it carries on from the next message, keeping the order.
        while (pendingHead < pendingCount) {
            int i = pendingHead++;
            Object message = pendingMessages[i];
            ChannelPromise promise = pendingPromises[i];
            int bytes = pendingSizes[i];
            pendingMessages[i] = null;
            pendingPromises[i] = null;
            pendingBytes -= bytes;
            if (message instanceof ReferenceCounted counted && counted.refCnt() == 0) {
                // Released by its writer after the call: handed to Netty it would leak the copy a
                // native channel makes and throw out of the loop; failing the write ends the
                // connection with the error instead, as a failed write does.
                promise.tryFailure(new IllegalReferenceCountException("a buffer a task wrote was released before"
                        + " it was sent: write(ByteBuf) takes the buffer over, so the caller must not release it"));
                continue;
            }
            unflushed += bytes;
            channel.write(message, promise);
        }
        pendingHead = 0;
        pendingCount = 0;
    }

    /**
     * Sends what was written, the tasks' writes included; the loop calls it before each poll for
     * a transport that wrote.
     */
    @Override
    public void flushNow() {
        flushScheduled = false;
        movePending();
        if (unflushed > 0) {
            unflushed = 0;
            channel.flush();
        }
    }

    /**
     * Sends what was written so far at the end of a read batch of the channel, while the bytes a
     * protocol echoed are still in the CPU's cache: held to the next poll, the writes of every
     * connection the poll served go out after all of their reads, by when the first ones' bytes
     * may have left the cache (at 50 connections of 16 KiB, 800 KiB are read before the first
     * write). Raw Netty flushes there too, and asyncio sends at once. The flush asked of the loop
     * stays asked, and finds nothing left.
     */
    void flushAfterReads() {
        movePending();
        if (unflushed > 0) {
            unflushed = 0;
            channel.flush();
        }
    }

    /** Bytes written and not sent yet: those waiting here and those in the channel. */
    long bufferSize() {
        return Math.max(0, channelBytes() - limitMarkerBytes) + pendingBytes;
    }

    private long channelBytes() {
        ChannelOutboundBuffer outbound = channel.unsafe().outboundBuffer();
        return outbound == null ? 0 : outbound.totalPendingWriteBytes();
    }

    /**
     * Sets the limits, after the tasks' writes went in under the old ones (see {@link #writeFromTask}),
     * and pauses the protocol at once if the buffer already holds more than the new high mark, as
     * asyncio's {@code set_write_buffer_limits} does; it resumes once the buffer falls to the low one.
     */
    void setLimits(WriteBufferWaterMark marks) {
        movePending();
        channel.config().setWriteBufferWaterMark(marks);
        if (!overHighMark() || !channel.isActive()) {
            return;
        }
        if (channel instanceof DatagramChannel) {
            if (!paused) {
                paused = true;
                pausedByLimits = true;
                pause.run();
            }
        } else if (channel.isWritable()) {
            // Netty weighs a channel's buffer against its marks only when the buffer grows or
            // shrinks, never when the marks change. An empty message grows it by Netty's overhead
            // per message, so Netty weighs it now, turns unwritable (which pauses the protocol) and
            // reports the drain as usual. Flushed at once, the message cannot stay in the buffer
            // and hold it above a low mark under that overhead. A datagram channel would send it,
            // so there the sends' outcomes look instead (see datagramSent).
            // As a write, the flush never resumes the protocol from inside its own call.
            // The message is no byte of the protocol's: the buffer's size leaves its overhead out
            // until Netty takes it off (it completes the promise just before).
            ChannelPromise gone = channel.newPromise();
            limitMarkerBytes += MESSAGE_OVERHEAD;
            gone.addListener(f -> limitMarkerBytes -= MESSAGE_OVERHEAD);
            inWrite = true;
            inLimits = true;
            try {
                channel.unsafe().write(Unpooled.EMPTY_BUFFER, gone);
                channel.unsafe().flush();
            } finally {
                inWrite = false;
                inLimits = false;
            }
        }
    }

    /**
     * A datagram's send completed (or failed). Netty completes its promise before it takes the
     * datagram's bytes off the buffer, so whether the buffer fell to the low mark is looked at
     * from the loop, once for any number of sends.
     */
    void datagramSent() {
        if (pausedByLimits && !limitCheckScheduled) {
            limitCheckScheduled = true;
            loop.callSoon(this::resumeUnderLowMark);
        }
    }

    private void resumeUnderLowMark() {
        limitCheckScheduled = false;
        if (pausedByLimits && open.getAsBoolean() && channel.isWritable()
                && bufferSize() < channel.config().getWriteBufferLowWaterMark()) {
            pausedByLimits = false;
            paused = false;
            resume.run();
        }
    }

    /**
     * The protocol's writes ended (a close or a half-close): writes and flushes an empty message
     * behind everything written and calls {@code then} once all of that left. Netty counts that
     * message's overhead (and TLS's close_notify) against the high mark, now or from a later task,
     * but the protocol wrote none of it: asyncio pauses a protocol only from its own writes and
     * the limits, so these pause nobody. A drain the flush completes at once resumes a paused
     * protocol from the loop, not from inside the caller's close.
     */
    void writeEnd(ChannelFutureListener then) {
        movePending();
        writesEnded = true;
        inWrite = true;
        try {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(then);
        } finally {
            inWrite = false;
        }
    }

    /** The channel's writability changed: pause or resume the protocol. */
    void writabilityChanged() {
        if (!channel.isWritable() && !paused && (!writesEnded || inLimits)) {
            paused = true;
            pause.run();
        } else if (channel.isWritable() && paused) {
            if (inWrite) {
                // A flush inside write() drained the buffer: tell the protocol from the loop.
                if (!resumeScheduled) {
                    resumeScheduled = true;
                    loop.callSoon(this::resumeIfWritable);
                }
                return;
            }
            paused = false;
            pausedByLimits = false;
            resume.run();
        }
    }

    private void resumeIfWritable() {
        resumeScheduled = false;
        // A task may have written past the mark meanwhile: its move into the channel will pause
        // the channel and bring the resume then.
        if (open.getAsBoolean() && paused && channel.isWritable() && !overHighMark()) {
            paused = false;
            pausedByLimits = false;
            resume.run();
        }
    }
}
