package dev.evloop.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evloop.LoopFuture;
import dev.evloop.TimerHandle;
import dev.evloop.net.Connection;
import dev.evloop.net.Protocol;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.net.Transport;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * How large a stream connection's next receive buffer is after a read that filled the first one
 * (16 KiB). Where the backend's waiting read holds its buffer (io_uring), every idle connection
 * holds one, so the next is at most twice the last; elsewhere it is Netty's adaptive jump (16 KiB
 * to 256 KiB), which a buffer that lives only for its read affords. Both the accepted and the
 * connecting side are sized so.
 */
class ReceiveBufferSizingTest extends BackendTest {
    private static final int KIB = 1024;
    private static final int MESSAGE = 64 * KIB;

    /** Echoes what it receives and notes, after each read, the size its channel will read into next. */
    static final class Sizes implements Protocol {
        final List<Integer> nextBuffers = new ArrayList<>();
        private final boolean echo;
        private final LoopFuture<byte[]> received;
        private final ByteBuffer collected;
        private Transport transport;

        Sizes(boolean echo, LoopFuture<byte[]> received, int expected) {
            this.echo = echo;
            this.received = received;
            this.collected = ByteBuffer.allocate(expected);
        }

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            nextBuffers.add(transport.channel().unsafe().recvBufAllocHandle().guess());
            if (echo) {
                transport.write(data);
            } else {
                collected.put(data);
                if (!collected.hasRemaining()) {
                    received.setResult(collected.array());
                }
            }
        }
    }

    private static boolean readsHoldBuffers() {
        return backendProvider().readsHoldBufferWhileWaiting();
    }

    @Test
    void aFilledReadGrowsTheNextBufferAsTheBackendsWaitingReadsAfford() {
        byte[] sent = new byte[MESSAGE];
        new Random(13).nextBytes(sent);
        List<Sizes> servers = new ArrayList<>(); // made on the loop's thread, read after its run
        Server server = loop.runUntilComplete(loop.createServer(() -> {
            Sizes s = new Sizes(true, null, 0);
            servers.add(s);
            return s;
        }, "127.0.0.1", 0, SocketOptions.defaults()));
        LoopFuture<byte[]> back = loop.createFuture();
        Connection<Sizes> c = loop.runUntilComplete(loop.createConnection(() -> new Sizes(false, back, MESSAGE),
                "127.0.0.1", ((InetSocketAddress) server.addresses().get(0)).getPort(), SocketOptions.defaults()));
        TimerHandle guard = loop.callLater(GUARD, back::cancel);
        try {
            c.transport().write(sent);
            assertArrayEquals(sent, loop.runUntilComplete(back));
        } finally {
            guard.cancel();
            c.transport().close();
            server.close();
            loop.runUntilComplete(server.waitClosed());
        }
        assertEquals(1, servers.size());
        int serverLargest = Collections.max(servers.get(0).nextBuffers);
        int clientLargest = Collections.max(c.protocol().nextBuffers);
        if (readsHoldBuffers()) {
            // 64 KiB in reads that start at 16 KiB and at most double: 16 + 32 leaves 16 to read into 64
            assertTrue(serverLargest <= 64 * KIB, () -> "accepted side read into up to " + serverLargest);
            assertTrue(clientLargest <= 64 * KIB, () -> "connecting side read into up to " + clientLargest);
        } else {
            // Netty's jump is fourfold steps of its table: 16 KiB to 256 KiB, or from 8 KiB to
            // 128 KiB after reads split small enough to shrink it first; either is past doubling
            assertTrue(serverLargest > 64 * KIB, () -> "accepted side read into up to " + serverLargest);
            assertTrue(clientLargest > 64 * KIB, () -> "connecting side read into up to " + clientLargest);
        }
    }
}
