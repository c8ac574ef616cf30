package dev.evloop.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.evloop.net.Protocol;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.net.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * How many ready connections one poll of the epoll backend hands over before the loop runs its
 * callbacks: at most {@value #EPOLL_EVENTS_PER_POLL}, so that the tasks the first reads woke run
 * (and send) while those reads' buffers are still in the CPU's cache, rather than after every
 * ready connection was read. The rest are read by the next polls, none lost. The clients are plain
 * JDK sockets written from the test's thread while the loop is not running, so that all of them
 * are ready at its next poll.
 */
class PollBatchTest extends BackendTest {
    /** The epoll backend's bound: {@code EpollBackend.EVENTS_PER_POLL}, which names this test. */
    private static final int EPOLL_EVENTS_PER_POLL = 32;
    private static final int CONNECTIONS = 100;

    private final List<Transport> accepted = new ArrayList<>();
    private final Set<Transport> read = new HashSet<>();
    private int reads;
    /** How many connections had been read when the callback the first read scheduled ran. */
    private int readBeforeFirstCallback;

    /** A server-side connection: counts its reads; the first read of all schedules a callback. */
    private final class Side implements Protocol {
        private Transport transport;

        @Override
        public void connectionMade(Transport t) {
            transport = t;
            accepted.add(t);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            read.add(transport);
            if (reads++ == 0) {
                loop.callSoon(() -> readBeforeFirstCallback = reads);
            }
        }
    }

    @Test
    void anEpollPollHandsOverAtMostItsBoundOfReadyConnectionsBeforeCallbacksRun() throws IOException {
        assumeTrue(backend().equals("epoll"), "the bound is the epoll backend's");
        Server server = loop.runUntilComplete(loop.createServer(Side::new, "127.0.0.1", 0,
                SocketOptions.defaults().backlog(2 * CONNECTIONS))); // every client queued while the loop does not run
        int port = ((InetSocketAddress) server.addresses().get(0)).getPort();
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < CONNECTIONS; i++) {
                clients.add(new Socket("127.0.0.1", port));
            }
            awaitThat("every client accepted", () -> accepted.size() == CONNECTIONS);
            for (Socket client : clients) {
                client.getOutputStream().write(new byte[] {1, 2, 3});
            }
            awaitThat("a read per client", () -> reads >= CONNECTIONS);
            assertEquals(CONNECTIONS, reads, "one read per connection");
            assertEquals(CONNECTIONS, read.size(), "every connection was read");
            assertTrue(readBeforeFirstCallback >= 1 && readBeforeFirstCallback <= EPOLL_EVENTS_PER_POLL,
                    () -> readBeforeFirstCallback + " connections were read before the first read's callback ran");
        } finally {
            for (Socket client : clients) {
                client.close();
            }
            server.close();
            loop.runUntilComplete(server.waitClosed());
        }
    }
}
