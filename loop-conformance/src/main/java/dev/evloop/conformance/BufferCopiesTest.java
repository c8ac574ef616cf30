package dev.evloop.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.evloop.LoopFuture;
import dev.evloop.net.BufferedProtocol;
import dev.evloop.net.Connection;
import dev.evloop.net.Protocol;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.net.Transport;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The copies a transport makes between the user's {@link ByteBuffer}s and its own buffers: into a
 * {@link BufferedProtocol}'s buffer, and out of a heap buffer the protocol writes. Both take
 * exactly the bytes between position and limit, wherever the buffer's array starts, and leave the
 * user's position and limit as they were.
 */
class BufferCopiesTest extends BackendTest {
    private static final SocketOptions PLAIN = SocketOptions.defaults();
    private static final byte[] SENT = {10, 20, 30, 40, 50};

    /**
     * Receives into the middle of a slice of a larger array, each read after the bytes before it,
     * and reports where its buffer's position and limit stood at each update, and what landed.
     */
    static final class Receives implements BufferedProtocol {
        /** A heap buffer whose array starts 7 bytes into the backing array. */
        final ByteBuffer buffer = ByteBuffer.allocate(64).position(7).slice();
        final LoopFuture<String> seen;
        final StringBuilder moved = new StringBuilder();
        int got;

        Receives(LoopFuture<String> seen) {
            this.seen = seen;
        }

        @Override
        public ByteBuffer getBuffer(int sizeHint) {
            return buffer.limit(3 + SENT.length).position(3 + got);
        }

        @Override
        public void bufferUpdated(int bytes) {
            if (buffer.position() != 3 + got || buffer.limit() != 3 + SENT.length) {
                moved.append(" moved to ").append(buffer.position()).append('/').append(buffer.limit());
            }
            got += bytes;
            if (got == SENT.length) {
                byte[] landed = Arrays.copyOfRange(buffer.array(), buffer.arrayOffset() + 3, buffer.arrayOffset() + 3 + got);
                seen.setResult(Arrays.toString(landed) + moved);
            }
        }
    }

    /** Writes the bytes between position 2 and limit 2 + SENT.length of a slice of a larger heap array. */
    static final class WritesASlice implements Protocol {
        final LoopFuture<String> after;

        WritesASlice(LoopFuture<String> after) {
            this.after = after;
        }

        @Override
        public void connectionMade(Transport t) {
            byte[] backing = new byte[32];
            System.arraycopy(SENT, 0, backing, 9, SENT.length);
            ByteBuffer slice = ByteBuffer.wrap(backing).position(7).slice(); // array offset 7
            slice.limit(2 + SENT.length).position(2);
            t.write(slice);
            after.setResult("position " + slice.position() + " limit " + slice.limit());
        }
    }

    private static int port(Server server) {
        return ((InetSocketAddress) server.addresses().get(0)).getPort();
    }

    @Test
    void aBufferedProtocolGetsTheBytesAtItsBuffersPositionWithPositionAndLimitLeftAsTheyWere() {
        LoopFuture<String> seen = loop.createFuture();
        Server server = loop.runUntilComplete(loop.createServer(() -> new Receives(seen), "127.0.0.1", 0, PLAIN));
        Connection<Collector> c = loop.runUntilComplete(loop.createConnection(
                () -> new Collector(loop, 0), "127.0.0.1", port(server), PLAIN));
        try {
            c.transport().write(SENT);
            loop.callLater(GUARD, () -> seen.cancel());
            assertEquals(Arrays.toString(SENT), loop.runUntilComplete(seen));
        } finally {
            c.transport().close();
            server.close();
            loop.runUntilComplete(server.waitClosed());
        }
    }

    @Test
    void writingASliceOfAHeapBufferSendsTheBytesBetweenItsPositionAndLimitAndMovesNeither() {
        LoopFuture<String> after = loop.createFuture();
        Server server = loop.runUntilComplete(loop.createServer(() -> new WritesASlice(after), "127.0.0.1", 0, PLAIN));
        Connection<Collector> c = loop.runUntilComplete(loop.createConnection(
                () -> new Collector(loop, SENT.length), "127.0.0.1", port(server), PLAIN));
        try {
            loop.callLater(GUARD, () -> c.protocol().received.cancel());
            assertArrayEquals(SENT, loop.runUntilComplete(c.protocol().received));
            assertEquals("position 2 limit " + (2 + SENT.length), loop.runUntilComplete(after));
        } finally {
            c.transport().close();
            server.close();
            loop.runUntilComplete(server.waitClosed());
        }
    }
}
