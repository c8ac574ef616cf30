package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.LoopFuture;
import dev.evloop.net.Connection;
import dev.evloop.net.Protocol;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.net.Transport;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** loop.resolve, asyncio's loop.getaddrinfo, and createConnection trying each address in turn. */
@Timeout(60)
class ResolveTest extends BackendTest {
    private static final SocketOptions OPTIONS = SocketOptions.defaults();
    private static final InetAddress IPV4_LOOPBACK = loopback(new byte[] {127, 0, 0, 1});
    private static final InetAddress IPV6_LOOPBACK = loopback(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});

    private static InetAddress loopback(byte[] address) {
        try {
            return InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private final AtomicInteger executorCalls = new AtomicInteger();

    /** Runs the loop until the future is done, for {@link #GUARD} at most. */
    private <T> T await(LoopFuture<T> future) {
        return loop.runUntilComplete(() -> Async.waitFor(future, GUARD));
    }

    /** A default executor that counts its work and runs each on a virtual thread. */
    private Executor countingExecutor() {
        return work -> {
            executorCalls.incrementAndGet();
            Thread.ofVirtual().start(work);
        };
    }

    @Test
    void ipLiteralsResolveAtOnceWithoutTheExecutor() throws UnknownHostException {
        loop.setDefaultExecutor(work -> {
            executorCalls.incrementAndGet();
            throw new RejectedExecutionException("a literal needs no lookup");
        });
        LoopFuture<List<InetSocketAddress>> v4 = loop.resolve("127.0.0.1", 80);
        LoopFuture<List<InetSocketAddress>> v6 = loop.resolve("::1", 443);
        LoopFuture<List<InetSocketAddress>> bracketed = loop.resolve("[::1]", 8443);
        assertTrue(v4.isDone() && v6.isDone() && bracketed.isDone(), "done before the loop runs");
        assertEquals(List.of(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 80)), v4.result());
        assertEquals(443, v6.result().get(0).getPort());
        assertTrue(v6.result().get(0).getAddress().isLoopbackAddress());
        assertEquals(16, v6.result().get(0).getAddress().getAddress().length, "an IPv6 address");
        assertEquals(v6.result().get(0).getAddress(), bracketed.result().get(0).getAddress());
        assertEquals(0, executorCalls.get());
    }

    @Test
    void localhostResolvesToLoopbackAddressesOnTheDefaultExecutor() {
        loop.setDefaultExecutor(countingExecutor());
        List<InetSocketAddress> addresses = await(loop.resolve("localhost", 8080));
        assertFalse(addresses.isEmpty());
        for (InetSocketAddress a : addresses) {
            assertTrue(a.getAddress().isLoopbackAddress(), String.valueOf(a));
            assertEquals(8080, a.getPort());
        }
        assertEquals(1, executorCalls.get());
    }

    @Test
    void everyAddressOfANameComesBackInTheResolversOrder() {
        List<InetSocketAddress> addresses = await(loop.resolve(TestNames.TWO_ADDRESSES, 7));
        assertEquals(2, addresses.size());
        assertEquals(16, addresses.get(0).getAddress().getAddress().length, "::1 first");
        assertEquals(new InetSocketAddress("127.0.0.1", 7).getAddress(), addresses.get(1).getAddress());
    }

    @Test
    void anUnknownNameFailsWithUnknownHostException() {
        LoopFuture<List<InetSocketAddress>> f = loop.resolve("no-such-host.invalid", 80);
        CompletionException e = assertThrows(CompletionException.class, () -> await(f));
        assertInstanceOf(UnknownHostException.class, e.getCause());
    }

    @Test
    void theLoopKeepsRunningCallbacksWhileAResolutionIsInFlight() {
        CountDownLatch release = new CountDownLatch(1);
        loop.setDefaultExecutor(work -> Thread.ofVirtual().start(() -> {
            ThreadsafeTest.awaitQuietly(release);
            work.run();
        }));
        LoopFuture<List<InetSocketAddress>> f = loop.resolve("localhost", 80);
        boolean[] doneWhenCalled = {true};
        loop.callSoon(() -> {
            doneWhenCalled[0] = f.isDone();
            release.countDown(); // only a loop that goes on running can get here
        });
        assertFalse(await(f).isEmpty());
        assertFalse(doneWhenCalled[0], "the callback ran while the lookup was blocked");
    }

    @Test
    void badInputIsRejectedAtTheCall() {
        assertEquals("host", assertThrows(NullPointerException.class, () -> loop.resolve(null, 80)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> loop.resolve("localhost", -1)).getMessage().contains("-1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> loop.resolve("localhost", 65536)).getMessage().contains("65536"));
    }

    @Test
    void createConnectionTriesTheNextAddressWhenOneFails() {
        Server server = await(loop.createServer(TcpTest.Echo::new, "127.0.0.1", 0, OPTIONS));
        int port = ((InetSocketAddress) server.addresses().get(0)).getPort();
        AtomicInteger made = new AtomicInteger();
        Connection<Protocol> c = await(loop.createConnection(() -> {
            made.incrementAndGet();
            return new Protocol() { };
        }, TestNames.TWO_ADDRESSES, port, OPTIONS));
        assertEquals(new InetSocketAddress("127.0.0.1", port), c.transport().remoteAddress(), "::1 has no listener");
        assertEquals(2, made.get(), "one protocol per attempt");
        c.transport().close();
        server.close();
    }

    @Test
    void whenEveryAddressFailsTheLastErrorCarriesTheEarlierOnes() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        LoopFuture<Connection<Protocol>> f = loop.createConnection(() -> new Protocol() { }, TestNames.TWO_ADDRESSES, port, OPTIONS);
        Throwable last = assertThrows(CompletionException.class, () -> await(f)).getCause();
        assertInstanceOf(ConnectException.class, last, "127.0.0.1, the last address, refuses");
        assertEquals(1, last.getSuppressed().length, "the error of ::1");
    }

    @Test
    void createServerListensOnEveryAddressItsHostResolvesTo() {
        assumeTrue(canBind(IPV6_LOOPBACK), "this host has no ::1");
        LoopFuture<Void> bothAccepted = loop.createFuture();
        AtomicInteger made = new AtomicInteger();
        Server server = await(loop.createServer(() -> new Protocol() {
            @Override
            public void connectionMade(Transport transport) {
                if (made.incrementAndGet() == 2) {
                    bothAccepted.setResult(null);
                }
            }
        }, TestNames.TWO_ADDRESSES, 0, OPTIONS));
        List<InetAddress> hosts = server.addresses().stream().map(a -> ((InetSocketAddress) a).getAddress()).toList();
        assertEquals(List.of(IPV6_LOOPBACK, IPV4_LOOPBACK), hosts, "one listener per address, in order");
        for (SocketAddress address : server.addresses()) {
            await(loop.createConnection(() -> new Protocol() { }, ((InetSocketAddress) address).getHostString(),
                    ((InetSocketAddress) address).getPort(), OPTIONS)).transport().close();
        }
        await(bothAccepted);
        server.close();
        await(server.waitClosed());
        assertEquals(List.of(), server.addresses());
    }

    @Test
    void createServerSkipsAnAddressNoInterfaceHas() {
        Server server = await(loop.createServer(TcpTest.Echo::new, TestNames.UNASSIGNABLE_FIRST, 0, OPTIONS));
        assertEquals(1, server.addresses().size(), String.valueOf(server.addresses()));
        assertEquals(IPV4_LOOPBACK, ((InetSocketAddress) server.addresses().get(0)).getAddress());
        server.close();
    }

    @Test
    void createServerFailsWhenNoAddressCanBeBound() {
        LoopFuture<Server> f = loop.createServer(TcpTest.Echo::new, TestNames.UNASSIGNABLE_ONLY, 0, OPTIONS);
        Throwable error = assertThrows(CompletionException.class, () -> await(f)).getCause();
        assertInstanceOf(BindException.class, error);
        assertTrue(error.getMessage().contains("could not bind on any address"), error.getMessage());
        assertEquals(1, error.getSuppressed().length, "the error of 192.0.2.1");
    }

    @Test
    void aBindThatFailsClosesTheListenersBoundBeforeIt() throws IOException {
        assumeTrue(canBind(IPV6_LOOPBACK), "this host has no ::1");
        try (ServerSocket taken = new ServerSocket(0, 50, IPV4_LOOPBACK)) {
            int port = taken.getLocalPort();
            LoopFuture<Server> f = loop.createServer(TcpTest.Echo::new, TestNames.TWO_ADDRESSES, port, OPTIONS);
            Throwable error = assertThrows(CompletionException.class, () -> await(f)).getCause();
            assertInstanceOf(IOException.class, error, "127.0.0.1 is taken: " + error);
            assertTrue(error.getMessage().contains("in use"), error.getMessage());
            for (int i = 0; i < 1000 && !canBind(new InetSocketAddress(IPV6_LOOPBACK, port)); i++) {
                loop.runOnce(false); // a listener may close asynchronously on the loop
            }
            assertTrue(canBind(new InetSocketAddress(IPV6_LOOPBACK, port)), "the ::1 listener was closed");
        }
    }

    private static boolean canBind(InetAddress host) {
        return canBind(new InetSocketAddress(host, 0));
    }

    private static boolean canBind(InetSocketAddress address) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(address);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
