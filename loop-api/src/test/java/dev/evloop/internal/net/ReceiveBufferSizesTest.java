package dev.evloop.internal.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.channel.ChannelConfig;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** The receive buffer's size as a stream's reads fill it or leave it mostly empty. */
class ReceiveBufferSizesTest {
    private static final int KIB = 1024;

    private final ChannelConfig config = new EmbeddedChannel().config();
    private final ReceiveBufferSizes.Sizing sizing = new ReceiveBufferSizes(512, 16 * KIB, 256 * KIB).newHandle();

    /** One read loop as Netty's transports run it: a read of each length, then the loop's end. */
    private void readLoop(int... lengths) {
        sizing.reset(config);
        for (int length : lengths) {
            int offered = sizing.guess();
            sizing.attemptedBytesRead(offered);
            sizing.lastBytesRead(Math.min(length, offered));
            sizing.incMessagesRead(1);
        }
        sizing.readComplete();
    }

    @Test
    void startsAtTheInitialSize() {
        assertEquals(16 * KIB, sizing.guess());
    }

    @Test
    void aFilledReadDoublesTheNextBufferAtOnce() {
        sizing.reset(config);
        sizing.attemptedBytesRead(16 * KIB);
        sizing.lastBytesRead(16 * KIB);
        assertEquals(32 * KIB, sizing.guess());
    }

    @Test
    void aLargeMessageDoublesTheBufferPerFilledReadUntilOneReadHoldsIt() {
        readLoop(16 * KIB, 32 * KIB, 52 * KIB);
        assertEquals(64 * KIB, sizing.guess());
        readLoop(64 * KIB, 36 * KIB);
        assertEquals(128 * KIB, sizing.guess());
        readLoop(100 * KIB);
        assertEquals(128 * KIB, sizing.guess());
    }

    @Test
    void neverGrowsPastTheMaximum() {
        for (int i = 0; i < 10; i++) {
            readLoop(1024 * KIB);
        }
        assertEquals(256 * KIB, sizing.guess());
    }

    @Test
    void oneSmallReadLoopKeepsTheSize() {
        readLoop(16 * KIB);
        readLoop(100);
        assertEquals(32 * KIB, sizing.guess());
    }

    @Test
    void twoSmallReadLoopsInARowHalveIt() {
        readLoop(16 * KIB);
        readLoop(100);
        readLoop(100);
        assertEquals(16 * KIB, sizing.guess());
    }

    @Test
    void aLoopUsingMoreThanHalfBreaksTheRunOfSmallOnes() {
        readLoop(16 * KIB);
        readLoop(100);
        readLoop(20 * KIB);
        readLoop(100);
        assertEquals(32 * KIB, sizing.guess());
    }

    @Test
    void aLoopThatFilledABufferIsNeverSmall() {
        readLoop(16 * KIB, 32 * KIB);
        readLoop(100);
        readLoop(64 * KIB, 10);
        readLoop(100);
        assertEquals(128 * KIB, sizing.guess(), "the filled read doubled 64 KiB and no two small loops followed");
    }

    @Test
    void aConnectionOfSixteenKibMessagesStaysBetweenSixteenAndThirtyTwo() {
        for (int i = 0; i < 20; i++) {
            readLoop(16 * KIB);
            int size = sizing.guess();
            assertEquals(true, size == 16 * KIB || size == 32 * KIB, "size " + size + " after loop " + i);
        }
    }

    @Test
    void neverShrinksBelowTheMinimum() {
        for (int i = 0; i < 40; i++) {
            readLoop(1);
        }
        assertEquals(512, sizing.guess());
    }

    @Test
    void anEndOfStreamReadDoesNotCountAsFilled() {
        sizing.reset(config);
        sizing.attemptedBytesRead(16 * KIB);
        sizing.lastBytesRead(-1);
        sizing.readComplete();
        assertEquals(16 * KIB, sizing.guess());
    }

    @Test
    void sizesOutOfOrderAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ReceiveBufferSizes(0, 16, 32));
        assertThrows(IllegalArgumentException.class, () -> new ReceiveBufferSizes(32, 16, 64));
        assertThrows(IllegalArgumentException.class, () -> new ReceiveBufferSizes(16, 64, 32));
    }
}
