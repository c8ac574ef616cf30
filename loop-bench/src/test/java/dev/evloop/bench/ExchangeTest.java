package dev.evloop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The echo exchange's reader: echoes counted whole however the reads cut them, and checked byte for byte. */
class ExchangeTest {
    private final Exchange echo = Exchange.echo(100);

    private byte[] echoes(int count) {
        ByteBuffer one = echo.request();
        byte[] all = new byte[one.remaining() * count];
        for (int i = 0; i < count; i++) {
            echo.request().get(all, i * 100, 100);
        }
        return all;
    }

    @Test
    void echoesCutAcrossReadsCountWhenWhole() {
        Exchange.ResponseReader reader = echo.reader();
        byte[] two = echoes(2);
        assertEquals(0, reader.read(ByteBuffer.wrap(two, 0, 60)));
        assertFalse(reader.idle());
        assertEquals(1, reader.read(ByteBuffer.wrap(two, 60, 80)));
        assertEquals(1, reader.read(ByteBuffer.wrap(two, 140, 60)));
        assertTrue(reader.idle());
    }

    @Test
    void aWrongByteInAnEchoFails() {
        byte[] one = echoes(1);
        one[57] ^= 1;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> echo.reader().read(ByteBuffer.wrap(one)));
        assertEquals("the echo differs from what was sent", e.getMessage());
    }

    @Test
    void anEmptyMessageFailsNamingTheSize() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Exchange.echo(0));
        assertTrue(e.getMessage().startsWith("size: 0 "), e.getMessage());
    }
}
