package dev.evloop.internal.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.channel.WriteBufferWaterMark;
import org.junit.jupiter.api.Test;

/** asyncio's write buffer limits mapped onto Netty's water marks. */
class WriteLimitsTest {
    @Test
    void nettyResumesStrictlyBelowItsLowMarkSoItGetsLowPlusOne() {
        WriteBufferWaterMark marks = WriteLimits.waterMark(1024, 0);
        assertEquals(1, marks.low(), "a low limit of 0 must still resume once the buffer is empty");
        assertEquals(1024, marks.high());
    }

    @Test
    void equalLimitsStayValidForNetty() {
        WriteBufferWaterMark marks = WriteLimits.waterMark(512, 512);
        assertEquals(513, marks.low());
        assertEquals(513, marks.high());
    }

    @Test
    void theDefaultsAreAsyncios() {
        assertEquals(64 * 1024, WriteLimits.DEFAULTS.high());
        assertEquals(16 * 1024 + 1, WriteLimits.DEFAULTS.low());
    }

    @Test
    void limitsOutOfOrderOrNegativeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> WriteLimits.waterMark(10, 20));
        assertThrows(IllegalArgumentException.class, () -> WriteLimits.waterMark(10, -1));
    }
}
