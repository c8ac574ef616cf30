package dev.evloop.internal.net;

import io.netty.channel.ChannelConfig;
import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;

/**
 * How large each stream read's buffer is: it doubles after a read that fills it and halves after
 * two read loops in a row that used at most half of it, between a floor and a ceiling.
 *
 * <p>Netty's {@code AdaptiveRecvByteBufAllocator} grows sixteenfold after a filled read (four
 * steps of its table) and shrinks one halving per two read loops. A connection of 16 KiB
 * messages therefore cycles through buffers of 256, 128, 64 and 32 KiB, about 100 KiB on average.
 * On epoll a protocol's buffer lives only for the read; on io_uring it is held by the read
 * waiting in the kernel, so 500 such connections pin some 50 MB, and the benchmark at 500
 * connections of 16 KiB ran at 0.53-0.97 x raw Netty in ten runs (median 0.68; Netty's ceiling is
 * 64 KiB). Doubling keeps a
 * 16 KiB connection between 16 and 32 KiB, and ran there at 0.92-1.08 x in sixteen runs, while a
 * connection of 100 KiB messages still reaches 128 KiB after three filled reads (see
 * {@code loop-bench/results/2026-12-02-vm-sizing.md}). So it sizes the stream channels of a
 * backend whose waiting reads hold their buffer ({@code LoopBackend.readsHoldBufferWhileWaiting});
 * the others keep Netty's sizing.
 */
final class ReceiveBufferSizes extends DefaultMaxMessagesRecvByteBufAllocator {
    private final int minimum;
    private final int initial;
    private final int maximum;

    /**
     * @param minimum the smallest buffer, in bytes
     * @param initial the first buffer, in bytes
     * @param maximum the largest buffer, in bytes
     * @throws IllegalArgumentException unless {@code 0 < minimum <= initial <= maximum}
     */
    ReceiveBufferSizes(int minimum, int initial, int maximum) {
        if (minimum <= 0 || initial < minimum || maximum < initial) {
            throw new IllegalArgumentException(
                    "need 0 < minimum <= initial <= maximum, got " + minimum + ", " + initial + ", " + maximum);
        }
        this.minimum = minimum;
        this.initial = initial;
        this.maximum = maximum;
    }

    @Override
    public Sizing newHandle() {
        return new Sizing();
    }

    /** One channel's sizing state; Netty calls it on the channel's event loop only. */
    final class Sizing extends MaxMessageHandle {
        private int size = initial;
        /** Whether a read of the current loop filled its buffer: such a loop never counts as small. */
        private boolean filled;
        /** Read loops in a row that used at most half of the buffer. */
        private int smallLoops;

        @Override
        public int guess() {
            return size;
        }

        @Override
        public void reset(ChannelConfig config) {
            filled = false;
            super.reset(config);
        }

        @Override
        public void lastBytesRead(int bytes) {
            if (bytes > 0 && bytes == attemptedBytesRead()) {
                filled = true;
                smallLoops = 0;
                size = Math.min(size << 1, maximum);
            }
            super.lastBytesRead(bytes);
        }

        @Override
        public void readComplete() {
            if (filled || totalBytesRead() > size >> 1) {
                smallLoops = 0;
            } else if (++smallLoops == 2) {
                smallLoops = 0;
                size = Math.max(size >> 1, minimum);
            }
        }
    }
}
