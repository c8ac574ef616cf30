package dev.evloop.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPromise;
import java.util.function.BooleanSupplier;

/**
 * The write side every transport shares: writes are batched and flushed once before the loop's
 * next poll (or at once past {@link #FLUSH_THRESHOLD} bytes), and the channel's writability is
 * turned into the protocol's {@code pauseWriting}/{@code resumeWriting}, never resuming from inside
 * the protocol's own write, as asyncio does. It starts the channel at asyncio's default limits.
 * Runs on the loop thread only.
 */
final class WriteFlow implements FlushOnPoll {
    /** Past this many unflushed bytes, a write flushes at once. */
    static final int FLUSH_THRESHOLD = 64 * 1024;

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

    /** Writes a message of {@code bytes} bytes and sees that it is flushed soon. */
    void write(Object message, int bytes, ChannelPromise promise) {
        unflushed += bytes;
        inWrite = true;
        try {
            channel.write(message, promise);
            if (unflushed >= FLUSH_THRESHOLD) {
                flushNow();
            } else if (!flushScheduled) {
                flushScheduled = true;
                loop.flushBeforeNextPoll(this);
            }
        } finally {
            inWrite = false;
        }
    }

    /** Sends what was written; the loop calls it before each poll for a transport that wrote. */
    @Override
    public void flushNow() {
        flushScheduled = false;
        if (unflushed > 0) {
            unflushed = 0;
            channel.flush();
        }
    }

    /** The channel's writability changed: pause or resume the protocol. */
    void writabilityChanged() {
        if (!channel.isWritable() && !paused) {
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
            resume.run();
        }
    }

    private void resumeIfWritable() {
        resumeScheduled = false;
        if (open.getAsBoolean() && paused && channel.isWritable()) {
            paused = false;
            resume.run();
        }
    }
}
