package dev.evloop.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.evloop.LoopFuture;
import dev.evloop.net.Connection;
import dev.evloop.net.DatagramEndpoint;
import dev.evloop.net.DatagramProtocol;
import dev.evloop.net.DatagramTransport;
import dev.evloop.net.Protocol;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.net.Transport;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * What a protocol writes while received data is handed to it is sent when the channel's read
 * batch ends, not at the loop's next poll, as asyncio sends at once: on a readiness backend
 * (selector, epoll, kqueue) the write buffer is empty again when the callbacks the receive
 * callback scheduled run. io_uring hands the send to its ring there, and the ring completes it at
 * its next submission, so the buffer may still count it then.
 */
class WritesAfterReadsTest extends BackendTest {
    private static final SocketOptions PLAIN = SocketOptions.defaults();
    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress("127.0.0.1", 0);
    private static final byte[] SENT = {1, 2, 3, 4, 5, 6, 7, 8};

    private static void assumeReadinessBackend() {
        assumeFalse(backend().equals("io_uring"), "io_uring completes a send at its ring's next submission");
    }

    /** Echoes, then asks from a callback how much of the echo is still unsent. */
    static final class EchoThenLook implements Protocol {
        final dev.evloop.EventLoop loop;
        final LoopFuture<Long> unsent;
        Transport transport;

        EchoThenLook(dev.evloop.EventLoop loop, LoopFuture<Long> unsent) {
            this.loop = loop;
            this.unsent = unsent;
        }

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            transport.write(data);
            loop.callSoon(() -> {
                if (!unsent.isDone()) {
                    unsent.setResult(transport.writeBufferSize());
                }
            });
        }
    }

    /** Sends each datagram back, then asks from a callback how much is still unsent. */
    static final class DatagramEchoThenLook implements DatagramProtocol {
        final dev.evloop.EventLoop loop;
        final LoopFuture<Long> unsent;
        DatagramTransport transport;

        DatagramEchoThenLook(dev.evloop.EventLoop loop, LoopFuture<Long> unsent) {
            this.loop = loop;
            this.unsent = unsent;
        }

        @Override
        public void connectionMade(DatagramTransport t) {
            transport = t;
        }

        @Override
        public void datagramReceived(ByteBuffer data, SocketAddress from) {
            transport.sendTo(data, from);
            loop.callSoon(() -> {
                if (!unsent.isDone()) {
                    unsent.setResult(transport.writeBufferSize());
                }
            });
        }
    }

    @Test
    void anEchoWrittenInDataReceivedIsSentBeforeTheCallbacksItScheduledRun() {
        assumeReadinessBackend();
        LoopFuture<Long> unsent = loop.createFuture();
        Server server = loop.runUntilComplete(loop.createServer(() -> new EchoThenLook(loop, unsent), "127.0.0.1", 0, PLAIN));
        Connection<Collector> c = loop.runUntilComplete(loop.createConnection(() -> new Collector(loop, SENT.length),
                "127.0.0.1", ((InetSocketAddress) server.addresses().get(0)).getPort(), PLAIN));
        try {
            c.transport().write(SENT);
            loop.callLater(GUARD, () -> unsent.cancel());
            assertEquals(0L, loop.runUntilComplete(unsent));
        } finally {
            c.transport().close();
            server.close();
            loop.runUntilComplete(server.waitClosed());
        }
    }

    @Test
    void aDatagramSentInDatagramReceivedIsSentBeforeTheCallbacksItScheduledRun() {
        assumeReadinessBackend();
        LoopFuture<Long> unsent = loop.createFuture();
        DatagramEndpoint<DatagramEchoThenLook> server = loop.runUntilComplete(loop.createDatagramEndpoint(
                () -> new DatagramEchoThenLook(loop, unsent), ANY_LOOPBACK_PORT, null, PLAIN));
        DatagramEndpoint<ReceivedViewTest.OneDatagram> client = loop.runUntilComplete(loop.createDatagramEndpoint(
                () -> new ReceivedViewTest.OneDatagram(loop), null, (InetSocketAddress) server.transport().localAddress(), PLAIN));
        try {
            client.transport().sendTo(SENT, null);
            loop.callLater(GUARD, () -> unsent.cancel());
            assertEquals(0L, loop.runUntilComplete(unsent));
        } finally {
            client.transport().close();
            server.transport().close();
        }
    }
}
