package dev.evloop.internal.net;

import io.netty.channel.WriteBufferWaterMark;

/**
 * asyncio's write buffer limits as Netty water marks: {@code pause_writing} above {@code high},
 * {@code resume_writing} at {@code low} or below (64 KiB and a quarter of it by default).
 */
final class WriteLimits {
    /** asyncio's default high-water mark. */
    static final int DEFAULT_HIGH = 64 * 1024;
    /** asyncio's default low-water mark: a quarter of the high one. */
    static final WriteBufferWaterMark DEFAULTS = waterMark(DEFAULT_HIGH, DEFAULT_HIGH / 4);

    private WriteLimits() {
    }

    /**
     * The water mark for asyncio's limits. Netty turns a channel writable again only strictly
     * below its low mark, so it gets {@code low + 1}: a low limit of 0 then still resumes.
     *
     * @throws IllegalArgumentException unless {@code high >= low >= 0}
     */
    static WriteBufferWaterMark waterMark(int high, int low) {
        if (low < 0 || high < low) {
            throw new IllegalArgumentException("high (" + high + ") must be >= low (" + low + ") must be >= 0");
        }
        int nettyLow = (int) Math.min(low + 1L, Integer.MAX_VALUE);
        return new WriteBufferWaterMark(nettyLow, Math.max(high, nettyLow));
    }
}
