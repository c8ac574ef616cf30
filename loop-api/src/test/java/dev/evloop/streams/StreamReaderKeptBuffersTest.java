package dev.evloop.streams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.evloop.internal.BaseEventLoop;
import dev.evloop.spi.MinimalBackend;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The transport's receive buffers a stream reader keeps instead of copying: each arrival is handed
 * on by {@code readRetained} as it came, in order, however many arrive before the read, and every
 * kept buffer is released exactly once, whichever read takes its bytes.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class StreamReaderKeptBuffersTest {
    private final BaseEventLoop loop = new BaseEventLoop(new MinimalBackend());

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    private void onLoop(Consumer<StreamReader> body) {
        loop.runUntilComplete(() -> {
            body.accept(new StreamReader(loop, StreamReader.DEFAULT_LIMIT));
            return null;
        });
    }

    /** A receive buffer as a transport hands it over: direct, one reference (the transport's). */
    private static ByteBuf received(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
        return Unpooled.directBuffer(bytes.length).writeBytes(bytes);
    }

    private static String ascii(ByteBuf b) {
        return b.toString(StandardCharsets.US_ASCII);
    }

    /** Feeds a buffer and drops the transport's own reference, as the transport does after the call. */
    private static ByteBuf feed(StreamReader reader, String s) {
        ByteBuf b = received(s);
        reader.feedBuffer(b);
        b.release();
        return b;
    }

    @Test
    void twoArrivalsBeforeAReadAreHandedOnAsTheyCameWithoutACopy() {
        onLoop(reader -> {
            ByteBuf first = feed(reader, "abc");
            ByteBuf second = feed(reader, "defg");
            ByteBuf a = reader.readRetained(100);
            assertSame(first, a, "the first arrival's own buffer");
            assertEquals("abc", ascii(a));
            ByteBuf b = reader.readRetained(100);
            assertSame(second, b, "then the second's");
            assertEquals("defg", ascii(b));
            a.release();
            b.release();
            assertEquals(0, first.refCnt());
            assertEquals(0, second.refCnt());
        });
    }

    @Test
    void aShorterReadTakesASliceAndLeavesTheRestInOrder() {
        onLoop(reader -> {
            ByteBuf first = feed(reader, "abcdef");
            feed(reader, "gh");
            ByteBuf slice = reader.readRetained(2);
            assertEquals("ab", ascii(slice));
            slice.release();
            ByteBuf rest = reader.readRetained(100);
            assertEquals("cdef", ascii(rest));
            rest.release();
            assertEquals(0, first.refCnt());
            ByteBuf last = reader.readRetained(100);
            assertEquals("gh", ascii(last));
            last.release();
        });
    }

    @Test
    void aByteArrayReadTakesAcrossKeptBuffersAndReleasesThoseItEmpties() {
        onLoop(reader -> {
            ByteBuf first = feed(reader, "abc");
            ByteBuf second = feed(reader, "defg");
            assertArrayEquals("abcde".getBytes(StandardCharsets.US_ASCII), reader.readExactly(5));
            assertEquals(0, first.refCnt(), "emptied, so released");
            assertEquals(1, second.refCnt(), "still holding fg");
            ByteBuf rest = reader.readRetained(100);
            assertEquals("fg", ascii(rest));
            rest.release();
            assertEquals(0, second.refCnt());
        });
    }

    @Test
    void aLineReadJoinsKeptBuffersAndLaterArrivalsQueueBehindThem() {
        onLoop(reader -> {
            ByteBuf first = feed(reader, "ab");
            ByteBuf second = feed(reader, "c\nde");
            assertArrayEquals("abc\n".getBytes(StandardCharsets.US_ASCII), reader.readLine());
            assertEquals(0, first.refCnt(), "copied into the reader's array, so released");
            assertEquals(0, second.refCnt());
            ByteBuf third = feed(reader, "f");
            assertEquals(0, third.refCnt(), "copied behind the buffered de, not kept");
            ByteBuf rest = reader.readRetained(100);
            assertEquals("def", ascii(rest));
            rest.release();
        });
    }

    @Test
    void bytesFedAsAByteBufferGoBehindTheKeptBuffers() {
        onLoop(reader -> {
            feed(reader, "ab");
            feed(reader, "cd");
            reader.feedData(ByteBuffer.wrap("ef".getBytes(StandardCharsets.US_ASCII)));
            assertArrayEquals("abcdef".getBytes(StandardCharsets.US_ASCII), reader.read(100));
        });
    }

    @Test
    void theConnectionsEndReleasesEveryKeptBufferAndKeepsTheirBytesReadable() {
        onLoop(reader -> {
            ByteBuf first = feed(reader, "ab");
            ByteBuf second = feed(reader, "cd");
            reader.copyKeptBuffer();
            reader.feedEof();
            assertEquals(0, first.refCnt());
            assertEquals(0, second.refCnt());
            assertArrayEquals("abcd".getBytes(StandardCharsets.US_ASCII), reader.read(-1));
        });
    }

    @Test
    void sparselyFilledArrivalsPastTheMemoryBoundAreCopiedNotKept() {
        onLoop(reader -> {
            // 512 B buffers holding 10 bytes each: past 256 KiB of them their memory, not their bytes, bounds what is kept
            int keptAtMost = 256 * 1024 / 512;
            ByteBuf[] fed = new ByteBuf[keptAtMost + 1];
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < fed.length; i++) {
                String s = String.format("%010d", i);
                ByteBuf b = Unpooled.directBuffer(512).writeBytes(s.getBytes(StandardCharsets.US_ASCII));
                reader.feedBuffer(b);
                b.release();
                fed[i] = b;
                all.append(s);
            }
            for (ByteBuf b : fed) {
                assertEquals(0, b.refCnt(), "the arrival past the capacity copied every kept buffer and released it");
            }
            assertArrayEquals(all.toString().getBytes(StandardCharsets.US_ASCII), reader.read(all.length()));
        });
    }

    @Test
    void aConnectionLostWithAnErrorReleasesEveryKeptBufferAndReadsRaiseIt() {
        onLoop(reader -> {
            ByteBuf first = feed(reader, "ab");
            ByteBuf second = feed(reader, "cd");
            reader.copyKeptBuffer(); // what the protocol does when the connection is lost
            reader.setException(new java.io.IOException("reset"));
            assertEquals(0, first.refCnt());
            assertEquals(0, second.refCnt());
            assertThrows(java.io.UncheckedIOException.class, () -> reader.readRetained(4));
        });
    }

    @Test
    void wellFilledArrivalsStayKeptPastTheFlatBound() {
        onLoop(reader -> {
            // a 100 KiB message in three 128 KiB buffers: 384 KiB of memory for 300 KiB of bytes
            ByteBuf[] fed = new ByteBuf[3];
            for (int i = 0; i < fed.length; i++) {
                ByteBuf b = Unpooled.directBuffer(128 * 1024).writeZero(100 * 1024);
                reader.feedBuffer(b);
                b.release();
                fed[i] = b;
            }
            for (ByteBuf b : fed) {
                ByteBuf out = reader.readRetained(256 * 1024);
                assertSame(b, out, "each arrival handed on as it came");
                out.release();
            }
        });
    }
}
