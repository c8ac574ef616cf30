package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.BackendInfo;
import dev.evloop.DefaultEventLoopPolicy;
import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.LoopFuture;
import dev.evloop.LoopGroup;
import dev.evloop.TaskGroup;
import dev.evloop.TaskGroupException;
import dev.evloop.net.Connection;
import dev.evloop.net.Protocol;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.net.Transport;
import dev.evloop.streams.Streams;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Several loops on their own threads serving one port: every connection lives on one loop of the
 * group, spread by the kernel with SO_REUSEPORT or handed out in turn by one listener without.
 * The group's loops run on the backend under test; the clients run on the test's own loop.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LoopGroupTest extends BackendTest {
    private static final SocketOptions SHARED = SocketOptions.defaults().reusePort(true);
    private static final SocketOptions ONE_ACCEPTOR = SocketOptions.defaults();

    /**
     * Echoes, and notes the thread of every call it gets, its construction included, and the loop
     * that made it (a group that closes calls connectionLost while no loop runs).
     */
    static final class WhereEcho implements Protocol {
        final List<Thread> threads = new ArrayList<>();
        final EventLoop loop = EventLoops.getRunningLoop();
        private final Map<WhereEcho, Boolean> all;
        private final CountDownLatch made;
        private final CountDownLatch lost;
        private Transport transport;

        WhereEcho(Map<WhereEcho, Boolean> all, CountDownLatch made, CountDownLatch lost) {
            this.all = all;
            this.made = made;
            this.lost = lost;
            note();
        }

        private synchronized void note() {
            threads.add(Thread.currentThread());
        }

        @Override
        public void connectionMade(Transport t) {
            note();
            transport = t;
            all.put(this, true);
            made.countDown();
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            note();
            transport.write(data);
        }

        @Override
        public boolean eofReceived() {
            note();
            return false;
        }

        @Override
        public void connectionLost(Throwable cause) {
            note();
            lost.countDown();
        }
    }

    /** The server side of a test: what the group's protocols noted. */
    static final class Served {
        final Map<WhereEcho, Boolean> protocols = new ConcurrentHashMap<>();
        final CountDownLatch made;
        final CountDownLatch lost;

        Served(int connections) {
            made = new CountDownLatch(connections);
            lost = new CountDownLatch(connections);
        }

        WhereEcho newProtocol() {
            return new WhereEcho(protocols, made, lost);
        }

        /** How many connections each loop got, once {@code made} counted them all. */
        Map<EventLoop, Integer> perLoop() throws InterruptedException {
            assertTrue(made.await(30, TimeUnit.SECONDS), "every connection was made");
            Map<EventLoop, Integer> counts = new HashMap<>();
            for (WhereEcho p : protocols.keySet()) {
                counts.merge(p.loop, 1, Integer::sum);
            }
            return counts;
        }
    }

    /** Runs the test's loop until {@code future} is done, failing after {@link #GUARD} rather than hanging. */
    private <T> T guarded(LoopFuture<T> future) {
        return loop.runUntilComplete(() -> Async.waitFor(future, GUARD));
    }

    /** The result of work on the group's threads, failing after {@link #GUARD} rather than hanging. */
    private static <T> T within(CompletableFuture<T> future) {
        try {
            return future.get(GUARD.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("the group did not deliver: " + e, e);
        }
    }

    private static int port(Server server) {
        return ((InetSocketAddress) server.addresses().get(0)).getPort();
    }

    private static Server serve(LoopGroup group, Served served, SocketOptions options) {
        return within(group.createServer(served::newProtocol, "127.0.0.1", 0, options));
    }

    private List<Connection<Collector>> connect(int port, int n, int expected) {
        return loop.runUntilComplete(() -> {
            List<LoopFuture<Connection<Collector>>> pending = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                pending.add(loop.createConnection(() -> new Collector(loop, expected), "127.0.0.1", port, ONE_ACCEPTOR));
            }
            return Async.gather(pending).await();
        });
    }

    private void closeAll(List<Connection<Collector>> clients) {
        clients.forEach(c -> c.transport().close());
        for (Connection<Collector> c : clients) {
            guarded(c.protocol().lost);
        }
    }

    /** The platform thread each loop of the group runs on, asked of the loop itself. */
    private static List<Thread> threadsOf(LoopGroup group) {
        List<Thread> threads = new ArrayList<>();
        for (EventLoop l : group.loops()) {
            CompletableFuture<Thread> where = new CompletableFuture<>();
            l.callSoonThreadsafe(() -> where.complete(Thread.currentThread()));
            threads.add(within(where));
        }
        return threads;
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] data = new byte[n];
        new Random(seed).nextBytes(data);
        return data;
    }

    @Test
    void everyLoopRunsTheBackendUnderTestOnAPlatformThreadOfItsOwn() {
        try (LoopGroup group = new LoopGroup(3, "own")) {
            assertEquals(3, group.size());
            assertEquals(3, group.loops().size());
            group.loops().forEach(l -> assertEquals(backend(), l.backend()));
            List<Thread> threads = threadsOf(group);
            assertEquals(List.of("own-0", "own-1", "own-2"), threads.stream().map(Thread::getName).toList());
            assertTrue(threads.stream().noneMatch(Thread::isVirtual));
        }
    }

    @Test
    void theDefaultGroupHasOneLoopPerAvailableProcessor() {
        try (LoopGroup group = new LoopGroup()) {
            assertEquals(Runtime.getRuntime().availableProcessors(), group.size());
        }
    }

    @Test
    void nextAndSubmitTakeTheLoopsInTurn() {
        try (LoopGroup group = new LoopGroup(3)) {
            List<EventLoop> loops = group.loops();
            assertEquals(List.of(loops.get(0), loops.get(1), loops.get(2), loops.get(0)),
                    List.of(group.next(), group.next(), group.next(), group.next()));
            List<CompletableFuture<EventLoop>> ran = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ran.add(group.submit(Async::currentLoop));
            }
            assertEquals(List.of(loops.get(1), loops.get(2), loops.get(0)),
                    ran.stream().map(LoopGroupTest::within).toList());
        }
    }

    @Test
    void withReusePortEveryLoopHasItsOwnListenerOnTheSamePort() {
        try (LoopGroup group = new LoopGroup(3)) {
            Server server = serve(group, new Served(0), SHARED);
            List<SocketAddress> addresses = server.addresses();
            assertEquals(3, addresses.size(), "one listener per loop: " + addresses);
            assertEquals(1, Set.copyOf(addresses).size(), "all on one address: " + addresses);
            assertNotEquals(0, port(server));
            assertTrue(server.isServing());
        }
    }

    @Test
    void withReusePortTheKernelSpreadsConnectionsOverTheLoops() throws InterruptedException {
        int n = 64;
        try (LoopGroup group = new LoopGroup(2)) {
            Served served = new Served(n);
            Server server = serve(group, served, SHARED);
            List<Connection<Collector>> clients = connect(port(server), n, 1);
            Map<EventLoop, Integer> perLoop = served.perLoop();
            assertEquals(2, perLoop.size(), "64 connections hashed over 2 listeners reach both: " + perLoop);
            closeAll(clients);
        }
    }

    @Test
    void withoutReusePortOneListenerHandsConnectionsToTheLoopsInTurn() throws InterruptedException {
        try (LoopGroup group = new LoopGroup(3)) {
            Served served = new Served(12);
            Server server = serve(group, served, ONE_ACCEPTOR);
            assertEquals(1, server.addresses().size(), "one listener");
            List<Connection<Collector>> clients = connect(port(server), 12, 1);
            Map<EventLoop, Integer> expected = new HashMap<>();
            group.loops().forEach(l -> expected.put(l, 4));
            assertEquals(expected, served.perLoop());
            closeAll(clients);
        }
    }

    @ParameterizedTest(name = "reusePort={0}")
    @ValueSource(booleans = {true, false})
    void everyProtocolCallbackRunsOnTheThreadOfItsConnectionsLoop(boolean reusePort) throws InterruptedException {
        int n = 8;
        try (LoopGroup group = new LoopGroup(2)) {
            List<Thread> groupThreads = threadsOf(group);
            Served served = new Served(n);
            Server server = serve(group, served, reusePort ? SHARED : ONE_ACCEPTOR);
            List<Connection<Collector>> clients = connect(port(server), n, 3);
            for (Connection<Collector> c : clients) {
                c.transport().write("abc".getBytes());
                guarded(c.protocol().received);
            }
            closeAll(clients);
            assertTrue(served.lost.await(30, TimeUnit.SECONDS), "every server side saw its loss");
            for (WhereEcho p : served.protocols.keySet()) {
                synchronized (p) {
                    assertEquals(5, p.threads.size(), "factory, made, data, eof, lost: " + p.threads);
                    int index = group.loops().indexOf(p.loop);
                    assertTrue(index >= 0, "the connection's loop is one of the group's");
                    assertEquals(Set.of(groupThreads.get(index)), Set.copyOf(p.threads));
                }
            }
        }
    }

    @ParameterizedTest(name = "reusePort={0}")
    @ValueSource(booleans = {true, false})
    void echoThroughTheGroupIsByteExact(boolean reusePort) {
        int n = 16;
        int size = 100 * 1024;
        try (LoopGroup group = new LoopGroup(2)) {
            Server server = serve(group, new Served(n), reusePort ? SHARED : ONE_ACCEPTOR);
            List<Connection<Collector>> clients = connect(port(server), n, size);
            for (int i = 0; i < n; i++) {
                clients.get(i).transport().write(randomBytes(size, i));
            }
            for (int i = 0; i < n; i++) {
                assertArrayEquals(randomBytes(size, i), guarded(clients.get(i).protocol().received));
            }
            closeAll(clients);
        }
    }

    @ParameterizedTest(name = "reusePort={0}")
    @ValueSource(booleans = {true, false})
    void aNameListensOnEveryAddressItResolvesTo(boolean reusePort) throws InterruptedException {
        assumeTrue(canBind("::1"), "this host has no ::1");
        try (LoopGroup group = new LoopGroup(2)) {
            Served served = new Served(2);
            Server server = within(group.createServer(served::newProtocol, TestNames.TWO_ADDRESSES, 0,
                    reusePort ? SHARED : ONE_ACCEPTOR));
            List<String> hosts = server.addresses().stream()
                    .map(a -> ((InetSocketAddress) a).getAddress().getHostAddress()).toList();
            List<String> expected = reusePort
                    ? List.of("0:0:0:0:0:0:0:1", "0:0:0:0:0:0:0:1", "127.0.0.1", "127.0.0.1")
                    : List.of("0:0:0:0:0:0:0:1", "127.0.0.1");
            assertEquals(expected, hosts, "each address in resolved order, one listener per loop with reusePort");
            List<Connection<Collector>> clients = new ArrayList<>();
            for (SocketAddress address : List.of(server.addresses().get(0), server.addresses().get(hosts.size() - 1))) {
                InetSocketAddress at = (InetSocketAddress) address;
                clients.add(guarded(loop.createConnection(() -> new Collector(loop, 0), at.getHostString(), at.getPort(),
                        ONE_ACCEPTOR)));
            }
            assertTrue(served.made.await(30, TimeUnit.SECONDS), "both addresses accepted a connection");
            closeAll(clients);
        }
    }

    @Test
    void anAddressNoInterfaceHasIsSkipped() {
        try (LoopGroup group = new LoopGroup(2)) {
            Server server = within(group.createServer(new Served(0)::newProtocol, TestNames.UNASSIGNABLE_FIRST, 0, SHARED));
            assertEquals(Set.of("127.0.0.1"), server.addresses().stream()
                    .map(a -> ((InetSocketAddress) a).getAddress().getHostAddress()).collect(Collectors.toSet()));
        }
    }

    @Test
    void aServerFailsWhenNoAddressCanBeBound() {
        try (LoopGroup group = new LoopGroup(2)) {
            ExecutionException failed = assertThrows(ExecutionException.class,
                    () -> group.createServer(new Served(0)::newProtocol, TestNames.UNASSIGNABLE_ONLY, 0, SHARED)
                            .get(GUARD.toSeconds(), TimeUnit.SECONDS));
            assertInstanceOf(BindException.class, failed.getCause());
            assertTrue(failed.getCause().getMessage().contains("could not bind on any address"), failed.getCause().getMessage());
        }
    }

    private static boolean canBind(String host) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(host, 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void startServerRunsEachHandlerAsATaskOnItsConnectionsLoop() {
        try (LoopGroup group = new LoopGroup(2)) {
            Map<EventLoop, Integer> handlers = new ConcurrentHashMap<>();
            Server server = within(group.startServer((reader, writer) -> {
                handlers.merge(Async.currentLoop(), 1, Integer::sum);
                byte[] line = reader.readLine();
                writer.write(("on loop " + group.loops().indexOf(Async.currentLoop()) + ": ").getBytes());
                writer.write(line);
                writer.drain();
                writer.close();
            }, "127.0.0.1", 0, ONE_ACCEPTOR));
            List<String> replies = loop.runUntilComplete(() -> Async.timeout(GUARD, () -> {
                List<String> got = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    Streams s = Async.openConnection("127.0.0.1", port(server), ONE_ACCEPTOR);
                    s.writer().write(("hello " + i + "\n").getBytes());
                    got.add(new String(s.reader().readLine()));
                    s.writer().close();
                }
                return got;
            }));
            assertEquals(List.of("on loop 0: hello 0\n", "on loop 1: hello 1\n", "on loop 0: hello 2\n",
                    "on loop 1: hello 3\n"), replies);
            assertEquals(Map.of(group.loops().get(0), 2, group.loops().get(1), 2), handlers);
        }
    }

    @ParameterizedTest(name = "reusePort={0}")
    @ValueSource(booleans = {true, false})
    void closingTheServerRefusesNewConnectionsButKeepsLiveOnes(boolean reusePort) throws Exception {
        try (LoopGroup group = new LoopGroup(2)) {
            Served served = new Served(4);
            Server server = serve(group, served, reusePort ? SHARED : ONE_ACCEPTOR);
            int port = port(server);
            List<Connection<Collector>> live = connect(port, 4, 5);
            served.perLoop();
            server.close();
            assertFalse(server.isServing());
            assertEquals(List.of(), server.addresses());
            for (Connection<Collector> c : live) {
                c.transport().write("still".getBytes());
                assertEquals("still", new String(guarded(c.protocol().received)));
            }
            LoopFuture<Void> gone = server.waitClosed();
            assertFalse(gone.isDone(), "live connections keep waitClosed pending");
            closeAll(live);
            gone.get(30, TimeUnit.SECONDS);
            LoopFuture<Connection<Collector>> refused = loop.createConnection(() -> new Collector(loop, 1), "127.0.0.1", port, ONE_ACCEPTOR);
            CompletionException e = assertThrows(CompletionException.class, () -> loop.runUntilComplete(refused));
            assertTrue(e.getCause() instanceof ConnectException, String.valueOf(e.getCause()));
        }
    }

    @Test
    void waitClosedCanBeAwaitedByATaskOfAnyLoop() {
        try (LoopGroup group = new LoopGroup(2)) {
            Server server = serve(group, new Served(0), SHARED);
            String outcome = loop.runUntilComplete(() -> {
                LoopFuture<Void> gone = server.waitClosed();
                assertEquals(loop, gone.loop(), "a future of the awaiting task's own loop");
                server.close();
                Async.waitFor(gone, GUARD);
                return "gone";
            });
            assertEquals("gone", outcome);
            String fromGroup = within(group.submit(() -> {
                Async.waitFor(server.waitClosed(), GUARD);
                return "gone too";
            }));
            assertEquals("gone too", fromGroup);
        }
    }

    @Test
    void serveForeverEndsWhenItsTaskIsCancelledAndClosesTheServer() {
        try (LoopGroup group = new LoopGroup(2)) {
            Server server = serve(group, new Served(0), ONE_ACCEPTOR.startServing(false));
            assertFalse(server.isServing());
            var task = loop.createTask(() -> {
                server.serveForever();
                return null;
            });
            loop.callLater(0.01, () -> {
                assertTrue(server.isServing());
                task.cancel();
            });
            assertThrows(CancellationException.class, () -> loop.runUntilComplete(task));
            assertFalse(server.isServing());
        }
    }

    @Test
    void serveForeverOnAClosedGroupServerThrowsNamingIt() {
        try (LoopGroup group = new LoopGroup(2)) {
            Server server = serve(group, new Served(0), ONE_ACCEPTOR);
            server.close();
            within(server.waitClosed().toCompletableFuture());
            TcpTest.assertServeForeverRefusesTheClosedServer(loop, server);
        }
    }

    @Test
    void startServingOnAClosedGroupServerThrowsNamingIt() {
        try (LoopGroup group = new LoopGroup(2)) {
            Server server = serve(group, new Served(0), ONE_ACCEPTOR.startServing(false));
            server.close();
            within(server.waitClosed().toCompletableFuture());
            TcpTest.assertStartServingRefusesTheClosedServer(server);
        }
    }

    @Test
    void aSecondServeForeverOnAGroupServerWhileOneWaitsThrows() {
        try (LoopGroup group = new LoopGroup(2)) {
            Server server = serve(group, new Served(0), ONE_ACCEPTOR);
            TcpTest.assertASecondServeForeverIsRefused(loop, server);
        }
    }

    @Test
    void serveForeverAbortedByAFailingTaskGroupChildClosesTheServer() {
        try (LoopGroup group = new LoopGroup(2)) {
            Server server = serve(group, new Served(0), ONE_ACCEPTOR.startServing(false));
            LoopFuture<Void> entering = loop.createFuture();
            var task = loop.createTask(() -> TaskGroup.run(children -> {
                children.spawn(() -> {
                    entering.await(); // fails once the body waits in serveForever
                    throw new IllegalStateException("a sibling failed");
                });
                entering.setResult(null);
                server.serveForever();
                return null;
            }));
            assertThrows(TaskGroupException.class, () -> loop.runUntilComplete(task));
            assertFalse(server.isServing());
        }
    }

    @Test
    void closingTheGroupJoinsEveryThreadAndReleasesEveryFileDescriptor() throws Exception {
        OpenFileDescriptors.assumeCountable();
        servedAndClosed("warm-up"); // loads what a first group loads once per JVM
        long before = OpenFileDescriptors.count();
        List<Thread> threads = servedAndClosed("counted");
        assertTrue(threads.stream().noneMatch(Thread::isAlive), "every loop thread ended");
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("counted-")));
        assertEquals(before, OpenFileDescriptors.count(), "every descriptor of the group is released");
    }

    /**
     * Runs a group with a server of each kind and live connections on every loop, closes the group
     * with the connections open, then lets the clients see the loss and close their ends.
     */
    private List<Thread> servedAndClosed(String prefix) {
        LoopGroup group = new LoopGroup(3, prefix);
        List<Thread> threads = threadsOf(group);
        Server shared = serve(group, new Served(0), SHARED);
        Server handedOut = serve(group, new Served(0), ONE_ACCEPTOR);
        List<Connection<Collector>> clients = new ArrayList<>(connect(port(shared), 6, 1));
        clients.addAll(connect(port(handedOut), 6, 1));
        group.close();
        for (Connection<Collector> c : clients) {
            guarded(c.protocol().lost);
        }
        group.loops().forEach(l -> assertTrue(l.isClosed()));
        return threads;
    }

    @Test
    void closeCancelsTheTasksLeftOnEveryLoopAndWaitsForThem() throws Exception {
        Set<EventLoop> cleanedUp = ConcurrentHashMap.newKeySet();
        LoopGroup group = new LoopGroup(2);
        CountDownLatch started = new CountDownLatch(2);
        List<CompletableFuture<String>> pending = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            pending.add(group.submit(() -> {
                started.countDown();
                try {
                    Async.sleep(Duration.ofHours(1));
                    return "never";
                } finally {
                    Async.sleep(Duration.ofMillis(5)); // cleanup that needs the loop
                    cleanedUp.add(Async.currentLoop());
                }
            }));
        }
        assertTrue(started.await(30, TimeUnit.SECONDS));
        group.close();
        assertTrue(pending.stream().allMatch(CompletableFuture::isCancelled));
        assertEquals(Set.copyOf(group.loops()), cleanedUp);
    }

    @Test
    void closeTwiceIsFineAndAClosedGroupRefusesWork() {
        LoopGroup group = new LoopGroup(2);
        group.close();
        group.close();
        IllegalStateException submit = assertThrows(IllegalStateException.class, () -> group.submit(() -> 1));
        assertEquals("the loop group is closed", submit.getMessage());
        IllegalStateException server = assertThrows(IllegalStateException.class,
                () -> group.createServer(new Served(0)::newProtocol, "127.0.0.1", 0, SHARED));
        assertEquals("the loop group is closed", server.getMessage());
    }

    @Test
    void closingTheGroupFromOneOfItsLoopsFails() {
        // Not a try-with-resources: the test closes the group from one of its own loops.
        LoopGroup group = new LoopGroup(2);
        try {
            String attempt = within(group.submit(() -> {
                try {
                    group.close();
                    return "closed";
                } catch (IllegalStateException e) {
                    return e.getMessage();
                }
            }));
            assertEquals("a LoopGroup cannot be closed from one of its own loops: it would wait for itself", attempt);
        } finally {
            group.close();
        }
    }

    @Test
    void badArgumentsAreRejectedAtTheCallNamingTheArgument() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> new LoopGroup(0));
        assertEquals("loops must be positive, got 0", zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LoopGroup(-2, "negative"));
        assertEquals("namePrefix", assertThrows(NullPointerException.class, () -> new LoopGroup(1, null)).getMessage());
        try (LoopGroup group = new LoopGroup(1)) {
            assertEquals("callable", assertThrows(NullPointerException.class, () -> group.submit(null)).getMessage());
            assertEquals("protocolFactory", assertThrows(NullPointerException.class,
                    () -> group.createServer(null, "127.0.0.1", 0, SHARED)).getMessage());
            assertEquals("options", assertThrows(NullPointerException.class,
                    () -> group.createServer(() -> new Collector(loop, 1), "127.0.0.1", 0, null)).getMessage());
            assertEquals("handler", assertThrows(NullPointerException.class,
                    () -> group.startServer(null, "127.0.0.1", 0, SHARED)).getMessage());
            IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
                    () -> group.createServer(() -> new Collector(loop, 1), "127.0.0.1", 70000, SHARED));
            assertTrue(port.getMessage().contains("70000"), port.getMessage());
        }
    }

    @Test
    void aPolicyThatMixesBackendsIsRefusedAndLeavesNoThreadBehind() {
        String other = EventLoops.backends().stream().filter(BackendInfo::available).map(BackendInfo::name)
                .filter(name -> !name.equals(backend())).findFirst().orElse(null);
        assumeTrue(other != null, "needs a second backend that runs here");
        int[] made = {0};
        EventLoops.setPolicy(new DefaultEventLoopPolicy(backend()) {
            @Override
            public synchronized EventLoop newEventLoop() {
                return made[0]++ % 2 == 0 ? super.newEventLoop() : EventLoops.newEventLoop(other);
            }
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new LoopGroup(2, "mixed"));
        assertTrue(e.getMessage().startsWith("the policy made loops on different backends"), e.getMessage());
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("mixed-")));
    }

    @Test
    void theConnectionsOfAGroupServerAreCountedAcrossLoopsForWaitClosed() throws Exception {
        try (LoopGroup group = new LoopGroup(2)) {
            Served served = new Served(2);
            Server server = serve(group, served, ONE_ACCEPTOR);
            List<Connection<Collector>> clients = connect(port(server), 2, 1);
            assertEquals(2, served.perLoop().size(), "one connection on each loop");
            server.close();
            LoopFuture<Void> gone = server.waitClosed();
            clients.get(0).transport().close();
            guarded(clients.get(0).protocol().lost);
            assertFalse(gone.isDone(), "the other loop's connection is still open");
            clients.get(1).transport().close();
            guarded(clients.get(1).protocol().lost);
            gone.get(30, TimeUnit.SECONDS);
            assertTrue(gone.isDone());
        }
    }
}
