package dev.evloop.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evloop.EventLoop;
import dev.evloop.LoopFuture;
import dev.evloop.TimerHandle;
import dev.evloop.net.Connection;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
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

    /**
     * Notes, after each read, the size its channel will read into next; the server's echoes what
     * it receives, the client's collects it.
     */
    static final class Sizes extends Collector {
        final List<Integer> nextBuffers = new ArrayList<>();
        private final boolean echo;

        Sizes(EventLoop loop, int expected, boolean echo) {
            super(loop, expected);
            this.echo = echo;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            nextBuffers.add(transport.channel().unsafe().recvBufAllocHandle().guess());
            if (echo) {
                transport.write(data);
            } else {
                super.dataReceived(data);
            }
        }
    }

    @Test
    void aFilledReadGrowsTheNextBufferAsTheBackendsWaitingReadsAfford() {
        byte[] sent = new byte[MESSAGE];
        new Random(13).nextBytes(sent);
        List<Sizes> servers = new ArrayList<>(); // made on the loop's thread, read after its run
        Server server = loop.runUntilComplete(loop.createServer(() -> {
            Sizes s = new Sizes(loop, MESSAGE, true);
            servers.add(s);
            return s;
        }, "127.0.0.1", 0, SocketOptions.defaults()));
        Connection<Sizes> c = loop.runUntilComplete(loop.createConnection(() -> new Sizes(loop, MESSAGE, false),
                "127.0.0.1", ((InetSocketAddress) server.addresses().get(0)).getPort(), SocketOptions.defaults()));
        LoopFuture<byte[]> back = c.protocol().received;
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
        if (backendProvider().readsHoldBufferWhileWaiting()) {
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
