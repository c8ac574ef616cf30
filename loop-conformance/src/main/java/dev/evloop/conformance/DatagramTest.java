package dev.evloop.conformance;

import dev.evloop.EventLoop;
import dev.evloop.LoopFuture;
import dev.evloop.net.DatagramEndpoint;
import dev.evloop.net.DatagramProtocol;
import dev.evloop.net.DatagramTransport;
import dev.evloop.net.SocketOptions;
import dev.evloop.sync.AsyncQueue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** UDP endpoints, datagram transports and protocols: asyncio's rules on every backend. */
@Timeout(60)
class DatagramTest extends BackendTest {
    private static final SocketOptions OPTIONS = SocketOptions.defaults();
    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress("127.0.0.1", 0);

    /** A datagram as it arrived: a copy of its bytes, and who sent it. */
    record Received(byte[] data, SocketAddress from) {
        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    /** Queues what arrives and what fails; {@link #lost} completes on connectionLost. */
    static class Recorder implements DatagramProtocol {
        final AsyncQueue<Received> datagrams = AsyncQueue.fifo(0);
        final AsyncQueue<Exception> errors = AsyncQueue.fifo(0);
        final LoopFuture<Throwable> lost;
        DatagramTransport transport;
        int lostCalls;

        Recorder(EventLoop loop) {
            this.lost = loop.createFuture();
        }

        @Override
        public void connectionMade(DatagramTransport t) {
            transport = t;
        }

        @Override
        public void datagramReceived(ByteBuffer data, SocketAddress address) {
            byte[] copy = new byte[data.remaining()];
            data.get(copy);
            datagrams.putNowait(new Received(copy, address));
        }

        @Override
        public void errorReceived(Exception error) {
            errors.putNowait(error);
        }

        @Override
        public void connectionLost(Throwable cause) {
            lostCalls++;
            lost.setResult(cause);
        }
    }

    /** Sends every datagram back where it came from, and records it. */
    static final class Echo extends Recorder {
        Echo(EventLoop loop) {
            super(loop);
        }

        @Override
        public void datagramReceived(ByteBuffer data, SocketAddress address) {
            transport.sendTo(data, address);
            super.datagramReceived(data, address);
        }
    }

    private <P extends DatagramProtocol> DatagramEndpoint<P> open(Supplier<P> factory, InetSocketAddress local,
                                                                 InetSocketAddress remote, SocketOptions options) {
        return loop.runUntilComplete(loop.createDatagramEndpoint(factory, local, remote, options));
    }

    private DatagramEndpoint<Recorder> bound() {
        return open(() -> new Recorder(loop), ANY_LOOPBACK_PORT, null, OPTIONS);
    }

    private DatagramEndpoint<Echo> echoServer(InetSocketAddress at) {
        return open(() -> new Echo(loop), at, null, OPTIONS);
    }

    private DatagramEndpoint<Recorder> connectedTo(SocketAddress server) {
        return open(() -> new Recorder(loop), null, (InetSocketAddress) server, OPTIONS);
    }

    private Received next(Recorder recorder) {
        return loop.runUntilComplete(() -> recorder.datagrams.get());
    }

    private void close(DatagramEndpoint<? extends Recorder> endpoint) {
        endpoint.transport().close();
        loop.runUntilComplete(endpoint.protocol().lost);
    }

    /** A loopback port nobody listens on: bound by an endpoint that is then closed. */
    private InetSocketAddress unboundPort() {
        DatagramEndpoint<Recorder> probe = bound();
        SocketAddress address = probe.transport().localAddress();
        close(probe);
        return (InetSocketAddress) address;
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] data = new byte[n];
        new Random(seed).nextBytes(data);
        return data;
    }

    @Test
    void aConnectedClientAndAnEchoServerExchangeDatagramsByteExactWithTheRightAddresses() {
        DatagramEndpoint<Echo> server = echoServer(ANY_LOOPBACK_PORT);
        SocketAddress serverAddress = server.transport().localAddress();
        DatagramEndpoint<Recorder> client = connectedTo(serverAddress);
        assertEquals(serverAddress, client.transport().remoteAddress());
        SocketAddress clientAddress = client.transport().localAddress();
        for (int size : new int[] {1, 100, 1400, 8000, 60_000}) {
            byte[] data = randomBytes(size, size);
            Received back = loop.runUntilComplete(() -> {
                client.transport().sendTo(data, null); // from a task: the loop's thread sends it before its next poll
                return client.protocol().datagrams.get();
            });
            assertArrayEquals(data, back.data(), "echo of " + size + " bytes");
            assertEquals(serverAddress, back.from());
            Received atServer = next(server.protocol());
            assertEquals(clientAddress, atServer.from(), "the server saw the client's address");
        }
        close(client);
        close(server);
    }

    @Test
    void anUnconnectedEndpointSendsToTheAddressGivenAndHearsFromAnyone() {
        DatagramEndpoint<Recorder> a = bound();
        DatagramEndpoint<Recorder> b = bound();
        assertNull(a.transport().remoteAddress());
        a.transport().sendTo("to b".getBytes(StandardCharsets.UTF_8), b.transport().localAddress());
        Received atB = next(b.protocol());
        assertEquals("to b", atB.text());
        assertEquals(a.transport().localAddress(), atB.from());
        b.transport().sendTo(ByteBuffer.wrap("to a".getBytes(StandardCharsets.UTF_8)), atB.from());
        assertEquals("to a", next(a.protocol()).text());
        close(a);
        close(b);
    }

    @Test
    void sendsMadeInOneCallbackWaitForTheNextPollAndAllArrive() {
        DatagramEndpoint<Recorder> receiver = bound();
        DatagramEndpoint<Recorder> sender = connectedTo(receiver.transport().localAddress());
        long[] buffered = new long[1];
        loop.callSoon(() -> {
            for (int i = 0; i < 16; i++) {
                sender.transport().sendTo(new byte[100], null);
            }
            buffered[0] = sender.transport().writeBufferSize();
        });
        List<Received> got = loop.runUntilComplete(() -> {
            List<Received> all = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                all.add(receiver.protocol().datagrams.get());
            }
            return all;
        });
        assertTrue(buffered[0] >= 16 * 100, "nothing was sent before the loop polled again: " + buffered[0]);
        assertEquals(16, got.size());
        assertEquals(0, sender.transport().writeBufferSize());
        close(sender);
        close(receiver);
    }

    @Test
    void aBurstOverTheHighWaterMarkPausesWritingUntilItIsSent() {
        DatagramEndpoint<Recorder> receiver = bound();
        List<String> flow = new ArrayList<>();
        DatagramEndpoint<Recorder> sender = open(() -> new Recorder(loop) {
            @Override
            public void pauseWriting() {
                flow.add("pause");
            }

            @Override
            public void resumeWriting() {
                flow.add("resume");
            }
        }, null, (InetSocketAddress) receiver.transport().localAddress(), OPTIONS);
        sender.transport().setWriteBufferLimits(500, 0);
        loop.callSoon(() -> {
            for (int i = 0; i < 10; i++) {
                sender.transport().sendTo(new byte[100], null);
            }
            flow.add("sent");
        });
        loop.runUntilComplete(() -> {
            for (int i = 0; i < 10; i++) {
                receiver.protocol().datagrams.get();
            }
            return null;
        });
        assertEquals(List.of("pause", "sent", "resume"), flow);
        close(sender);
        close(receiver);
    }

    @Test
    void aConnectedEndpointHearsOfAnUnboundPeerThroughErrorReceivedAndStaysUsable() {
        InetSocketAddress nobody = unboundPort();
        DatagramEndpoint<Recorder> client = connectedTo(nobody);
        client.transport().sendTo("anyone?".getBytes(StandardCharsets.UTF_8), null);
        Exception error = loop.runUntilComplete(() -> client.protocol().errors.get());
        assertTrue(error instanceof PortUnreachableException, String.valueOf(error));
        assertFalse(client.transport().isClosing(), "an ICMP error leaves the endpoint open, as in asyncio");
        DatagramEndpoint<Echo> server = echoServer(nobody); // now somebody listens there
        client.transport().sendTo("again".getBytes(StandardCharsets.UTF_8), null);
        assertEquals("again", next(client.protocol()).text());
        assertEquals(0, client.protocol().lostCalls);
        close(client);
        close(server);
    }

    /** As asyncio, whose {@code sendto} hands the EMSGSIZE of an oversized datagram to {@code error_received}. */
    @Test
    void aDatagramOverTheLargestUdpPayloadIsReportedThroughErrorReceivedAndTheEndpointGoesOn() {
        DatagramEndpoint<Recorder> receiver = bound();
        DatagramEndpoint<Recorder> connected = connectedTo(receiver.transport().localAddress());
        DatagramEndpoint<Recorder> unconnected = bound();
        connected.transport().sendTo(new byte[65_508], null);
        unconnected.transport().sendTo(new byte[65_508], receiver.transport().localAddress());
        for (DatagramEndpoint<Recorder> sender : List.of(connected, unconnected)) {
            Exception error = loop.runUntilComplete(() -> sender.protocol().errors.get());
            assertTrue(error instanceof IOException, String.valueOf(error));
            assertFalse(sender.transport().isClosing(), "an oversized datagram leaves the endpoint open");
            sender.transport().sendTo(randomBytes(65_507, 7), receiver.transport().localAddress());
            assertArrayEquals(randomBytes(65_507, 7), next(receiver.protocol()).data());
            close(sender);
        }
        close(receiver);
    }

    @Test
    void closeSendsTheDatagramsAlreadyGiven() {
        DatagramEndpoint<Recorder> receiver = bound();
        DatagramEndpoint<Recorder> sender = connectedTo(receiver.transport().localAddress());
        loop.callSoon(() -> {
            sender.transport().sendTo("one".getBytes(StandardCharsets.UTF_8), null);
            sender.transport().sendTo("two".getBytes(StandardCharsets.UTF_8), null);
            sender.transport().close();
        });
        assertEquals("one", next(receiver.protocol()).text());
        assertEquals("two", next(receiver.protocol()).text());
        assertNull(loop.runUntilComplete(sender.protocol().lost));
        close(receiver);
    }

    @Test
    void aSendFromATaskReturnsWithinTheSameLoopIterationAndCountsInTheWriteBuffer() {
        DatagramEndpoint<Recorder> receiver = bound();
        DatagramEndpoint<Recorder> sender = connectedTo(receiver.transport().localAddress());
        long[] iterations = new long[2];
        long buffered = loop.runUntilComplete(() -> {
            iterations[0] = loop.metrics().iterations();
            sender.transport().sendTo(new byte[100], null);
            iterations[1] = loop.metrics().iterations();
            return sender.transport().writeBufferSize();
        });
        assertEquals(iterations[0], iterations[1], "the task went on without waiting for the loop");
        assertTrue(buffered >= 100, "counted: " + buffered);
        assertEquals(100, next(receiver.protocol()).data().length);
        close(sender);
        close(receiver);
    }

    @Test
    void closeFromACallbackSendsTheDatagramsATaskSentJustBefore() {
        DatagramEndpoint<Recorder> receiver = bound();
        DatagramEndpoint<Recorder> sender = connectedTo(receiver.transport().localAddress());
        SameIteration.taskThenCallback(loop, () -> {
            sender.transport().sendTo("one".getBytes(StandardCharsets.UTF_8), null);
            sender.transport().sendTo("two".getBytes(StandardCharsets.UTF_8), null);
        }, sender.transport()::close);
        assertEquals("one", next(receiver.protocol()).text());
        assertEquals("two", next(receiver.protocol()).text());
        assertNull(loop.runUntilComplete(sender.protocol().lost));
        close(receiver);
    }

    @Test
    void abortFromACallbackDropsTheDatagramsATaskSentJustBeforeAndReportsNoError() {
        DatagramEndpoint<Recorder> receiver = bound();
        DatagramEndpoint<Recorder> sender = connectedTo(receiver.transport().localAddress());
        SameIteration.taskThenCallback(loop, () -> sender.transport().sendTo(new byte[100], null),
                sender.transport()::abort);
        assertNull(loop.runUntilComplete(sender.protocol().lost));
        assertEquals(1, sender.protocol().lostCalls);
        assertEquals(0, sender.protocol().errors.size());
        close(receiver);
    }

    @Test
    void aSendFromATaskStillWaitingForTheLoopWhenTheLoopClosesIsReleased() {
        DatagramEndpoint<Recorder> receiver = bound();
        DatagramEndpoint<Recorder> sender = connectedTo(receiver.transport().localAddress());
        ByteBuf datagram = Unpooled.buffer(10).writeZero(10);
        loop.createTask(() -> {
            sender.transport().sendTo(datagram, null);
            loop.stop(); // this iteration is the last: no flush before a next poll
            return null;
        });
        loop.runForever();
        assertEquals(1, datagram.refCnt(), "the send was still waiting");
        loop.close();
        assertEquals(0, datagram.refCnt());
    }

    @Test
    void closeCallsConnectionLostOnceWithNullAndLaterSendsAreDropped() {
        DatagramEndpoint<Recorder> a = bound();
        DatagramEndpoint<Recorder> b = bound();
        a.transport().close();
        a.transport().close();
        assertTrue(a.transport().isClosing());
        a.transport().sendTo(new byte[1], b.transport().localAddress());
        assertNull(loop.runUntilComplete(a.protocol().lost));
        loop.runUntilComplete(() -> 0); // one more turn: a second connectionLost would have run
        assertEquals(1, a.protocol().lostCalls);
        assertEquals(0, b.protocol().datagrams.size());
        close(b);
    }

    @Test
    void abortCallsConnectionLostWithNull() {
        DatagramEndpoint<Recorder> a = bound();
        a.transport().abort();
        assertTrue(a.transport().isClosing());
        assertNull(loop.runUntilComplete(a.protocol().lost));
        assertEquals(1, a.protocol().lostCalls);
    }

    @Test
    void connectionMadeHasRunWhenTheEndpointFutureCompletes() {
        DatagramEndpoint<Recorder> a = bound();
        assertSame(a.transport(), a.protocol().transport);
        close(a);
    }

    @Test
    void neitherAddressBindsAnyFreePortThatCanSend() {
        DatagramEndpoint<Recorder> receiver = bound();
        DatagramEndpoint<Recorder> anywhere = open(() -> new Recorder(loop), null, null, OPTIONS);
        int port = ((InetSocketAddress) anywhere.transport().localAddress()).getPort();
        assertTrue(port > 0, "bound to a port: " + anywhere.transport().localAddress());
        anywhere.transport().sendTo("hi".getBytes(StandardCharsets.UTF_8), receiver.transport().localAddress());
        Received got = next(receiver.protocol());
        assertEquals("hi", got.text());
        assertEquals(port, ((InetSocketAddress) got.from()).getPort());
        close(anywhere);
        close(receiver);
    }

    @Test
    void anUnresolvedRemoteAddressIsResolvedBeforeConnecting() {
        DatagramEndpoint<Recorder> receiver = bound();
        int port = ((InetSocketAddress) receiver.transport().localAddress()).getPort();
        DatagramEndpoint<Recorder> client = connectedTo(InetSocketAddress.createUnresolved("localhost", port));
        InetSocketAddress remote = (InetSocketAddress) client.transport().remoteAddress();
        assertFalse(remote.isUnresolved());
        assertEquals(port, remote.getPort());
        close(client);
        close(receiver);
    }

    @Test
    void theBroadcastOptionIsSetOnTheSocket() {
        DatagramEndpoint<Recorder> plain = bound();
        DatagramEndpoint<Recorder> broadcasting = open(() -> new Recorder(loop), ANY_LOOPBACK_PORT, null,
                OPTIONS.broadcast(true));
        assertFalse(plain.transport().channel().config().isBroadcast());
        assertTrue(broadcasting.transport().channel().config().isBroadcast());
        close(plain);
        close(broadcasting);
    }

    @Test
    void reusePortLetsTwoEndpointsBindOnePort() {
        SocketOptions reuse = OPTIONS.reusePort(true);
        DatagramEndpoint<Recorder> first = open(() -> new Recorder(loop), ANY_LOOPBACK_PORT, null, reuse);
        InetSocketAddress address = (InetSocketAddress) first.transport().localAddress();
        DatagramEndpoint<Recorder> second = open(() -> new Recorder(loop), address, null, reuse);
        assertEquals(address, second.transport().localAddress());
        close(first);
        close(second);
    }

    @Test
    void withoutReusePortASecondBindOfOnePortFails() {
        DatagramEndpoint<Recorder> first = bound();
        InetSocketAddress address = (InetSocketAddress) first.transport().localAddress();
        LoopFuture<DatagramEndpoint<Recorder>> second = loop.createDatagramEndpoint(() -> new Recorder(loop), address,
                null, OPTIONS);
        CompletionException e = assertThrows(CompletionException.class, () -> loop.runUntilComplete(second));
        assertTrue(e.getCause() instanceof IOException, String.valueOf(e.getCause()));
        close(first);
    }

    @Test
    void extraNettyOptionsAndBufferSizesReachTheSocket() {
        DatagramEndpoint<Recorder> a = open(() -> new Recorder(loop), ANY_LOOPBACK_PORT, null,
                OPTIONS.receiveBufferSize(64 * 1024).option(ChannelOption.IP_MULTICAST_TTL, 7));
        assertTrue(a.transport().channel().config().getReceiveBufferSize() >= 64 * 1024);
        assertEquals(7, a.transport().channel().config().getTimeToLive());
        close(a);
    }

    @Test
    void aProtocolFactoryThatThrowsFailsTheEndpointWithWhatItThrew() {
        IllegalStateException thrown = new IllegalStateException("no protocol today");
        Supplier<DatagramProtocol> failing = () -> {
            throw thrown;
        };
        LoopFuture<DatagramEndpoint<DatagramProtocol>> f = loop.createDatagramEndpoint(failing, ANY_LOOPBACK_PORT, null,
                OPTIONS);
        assertSame(thrown, assertThrows(IllegalStateException.class, () -> loop.runUntilComplete(f)));
    }

    @Test
    void aNullFactoryOrOptionsFailsAtTheCallNamingIt() {
        NullPointerException noFactory = assertThrows(NullPointerException.class,
                () -> loop.createDatagramEndpoint(null, ANY_LOOPBACK_PORT, null, OPTIONS));
        assertEquals("protocolFactory", noFactory.getMessage());
        NullPointerException noOptions = assertThrows(NullPointerException.class,
                () -> loop.createDatagramEndpoint(() -> new Recorder(loop), ANY_LOOPBACK_PORT, null, null));
        assertEquals("options", noOptions.getMessage());
    }

    @Test
    void aConnectedEndpointRefusesToSendToAnotherAddress() {
        DatagramEndpoint<Recorder> server = bound();
        DatagramEndpoint<Recorder> client = connectedTo(server.transport().localAddress());
        InetSocketAddress elsewhere = new InetSocketAddress("127.0.0.1", 9);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> client.transport().sendTo(new byte[1], elsewhere));
        assertTrue(e.getMessage().startsWith("addr: "), e.getMessage());
        client.transport().sendTo("same".getBytes(StandardCharsets.UTF_8), server.transport().localAddress());
        assertEquals("same", next(server.protocol()).text(), "its own remote address is fine");
        close(client);
        close(server);
    }

    @Test
    void anUnconnectedEndpointNeedsAnAddressForEachDatagram() {
        DatagramEndpoint<Recorder> a = bound();
        NullPointerException e = assertThrows(NullPointerException.class, () -> a.transport().sendTo(new byte[1], null));
        assertTrue(e.getMessage().startsWith("addr: "), e.getMessage());
        assertThrows(NullPointerException.class, () -> a.transport().sendTo((byte[]) null, ANY_LOOPBACK_PORT));
        close(a);
    }

    @Test
    void aThrowingDatagramReceivedIsReportedAndAbortsOnlyItsEndpoint() {
        List<String> reported = new ArrayList<>();
        loop.setExceptionHandler((l, ctx) -> reported.add(ctx.message()));
        IllegalStateException bug = new IllegalStateException("protocol bug");
        DatagramEndpoint<Recorder> faulty = open(() -> new Recorder(loop) {
            @Override
            public void datagramReceived(ByteBuffer data, SocketAddress address) {
                throw bug;
            }
        }, ANY_LOOPBACK_PORT, null, OPTIONS);
        DatagramEndpoint<Recorder> sender = bound();
        sender.transport().sendTo(new byte[10], faulty.transport().localAddress());
        assertSame(bug, loop.runUntilComplete(faulty.protocol().lost), "connectionLost hears of the fault");
        assertEquals(List.of("Fatal error: protocol.datagramReceived() call failed."), reported);
        assertFalse(sender.transport().isClosing(), "other endpoints go on");
        assertEquals(42, loop.runUntilComplete(() -> 42), "the loop goes on");
        close(sender);
    }

    @Test
    void aThousandOpenCloseCyclesLeaveNoFileDescriptorBehind() throws IOException {
        OpenFileDescriptors.assumeCountable();
        DatagramEndpoint<Recorder> server = bound();
        InetSocketAddress serverAddress = (InetSocketAddress) server.transport().localAddress();
        long before = OpenFileDescriptors.count();
        loop.runUntilComplete(() -> {
            for (int i = 0; i < 1000; i++) {
                // Half bind, half connect: both ways of opening release their socket.
                InetSocketAddress local = i % 2 == 0 ? ANY_LOOPBACK_PORT : null;
                InetSocketAddress remote = i % 2 == 0 ? null : serverAddress;
                DatagramEndpoint<Recorder> e = loop.createDatagramEndpoint(() -> new Recorder(loop), local, remote, OPTIONS).await();
                e.transport().close();
                e.protocol().lost.await();
            }
            return null;
        });
        assertEquals(before, OpenFileDescriptors.count());
        close(server);
    }

    /**
     * Replies to its first datagram and closes or aborts its endpoint at once; counts the datagrams
     * it hears after that.
     */
    static final class EndsInFirstDatagram extends Recorder {
        private final boolean abort;
        private boolean ended;
        int afterEnd;

        EndsInFirstDatagram(EventLoop loop, boolean abort) {
            super(loop);
            this.abort = abort;
        }

        @Override
        public void datagramReceived(ByteBuffer data, SocketAddress address) {
            if (ended) {
                afterEnd++;
                return;
            }
            ended = true;
            transport.sendTo(data, address); // a close waits for it to leave: on io_uring, a later poll
            if (abort) {
                transport.abort();
            } else {
                transport.close();
            }
        }
    }

    /**
     * Of datagrams waiting in the socket together, a protocol that ends its endpoint at the first
     * hears none of the others, also while its close waits for its reply to leave: asyncio stops
     * reading at the close.
     */
    private void endingInDatagramReceivedLeavesTheWaitingDatagramsUnheard(boolean abort) throws IOException {
        DatagramEndpoint<EndsInFirstDatagram> receiver = open(() -> new EndsInFirstDatagram(loop, abort),
                ANY_LOOPBACK_PORT, null, OPTIONS);
        // From the test's thread while the loop is not running: all ten wait in the socket for its next read.
        try (java.net.DatagramSocket sender = new java.net.DatagramSocket()) {
            for (int i = 0; i < 10; i++) {
                sender.send(new java.net.DatagramPacket(new byte[] {(byte) i}, 1, receiver.transport().localAddress()));
            }
        }
        assertNull(loop.runUntilComplete(receiver.protocol().lost));
        loop.runUntilComplete(() -> 0); // one more turn: a datagram or a second connectionLost would have come
        assertEquals(0, receiver.protocol().afterEnd, "datagrams heard after " + (abort ? "abort()" : "close()"));
        assertEquals(1, receiver.protocol().lostCalls);
    }

    @Test
    void aProtocolThatClosesInDatagramReceivedHearsNoMoreDatagrams() throws IOException {
        endingInDatagramReceivedLeavesTheWaitingDatagramsUnheard(false);
    }

    @Test
    void aProtocolThatAbortsInDatagramReceivedHearsNoMoreDatagrams() throws IOException {
        endingInDatagramReceivedLeavesTheWaitingDatagramsUnheard(true);
    }
}
