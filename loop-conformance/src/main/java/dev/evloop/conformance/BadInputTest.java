package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.ExceptionContext;
import dev.evloop.LoopFuture;
import dev.evloop.ReturnWhen;
import dev.evloop.TaskGroup;
import dev.evloop.net.BaseProtocol;
import dev.evloop.net.Connection;
import dev.evloop.net.DatagramEndpoint;
import dev.evloop.net.DatagramProtocol;
import dev.evloop.net.Protocol;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.sync.AsyncCondition;
import dev.evloop.sync.AsyncQueue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad input is rejected at the call, with a message naming the argument. */
class BadInputTest extends BackendTest {

    @Test
    void nullCallbacksAreRejectedNamingTheArgument() {
        assertNamed("callback", NullPointerException.class, () -> loop.callSoon(null));
        assertNamed("callback", NullPointerException.class, () -> loop.callSoonThreadsafe(null));
        assertNamed("callback", NullPointerException.class, () -> loop.callLater(Duration.ZERO, null));
        assertNamed("callback", NullPointerException.class, () -> loop.callLater(1.0, null));
        assertNamed("callback", NullPointerException.class, () -> loop.callAt(loop.time(), null));
    }

    @Test
    void nanAndInfiniteTimesAreRejectedNamingTheArgument() {
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            assertNamed("delaySeconds", IllegalArgumentException.class, () -> loop.callLater(bad, () -> { }));
            assertNamed("when", IllegalArgumentException.class, () -> loop.callAt(bad, () -> { }));
        }
        assertEquals(0, loop.metrics().scheduledTimers());
    }

    @Test
    void aNullDelayIsRejectedNamingTheArgument() {
        assertNamed("delay", NullPointerException.class, () -> loop.callLater((Duration) null, () -> { }));
    }

    @Test
    void aDelayTooLongForNanosecondsMeansNever() {
        var t = loop.callLater(Duration.ofSeconds(Long.MAX_VALUE), () -> { });
        assertTrue(t.when() > loop.time() + 86_400.0 * 365 * 50);
        assertEquals(0, loop.runOnce(false));
    }

    @Test
    void aNullFutureIsRejectedNamingTheArgument() {
        assertNamed("future", NullPointerException.class, () -> loop.runUntilComplete((LoopFuture<?>) null));
    }

    @Test
    void aNullOrNegativeSlowCallbackDurationIsRejectedNamingTheArgument() {
        assertNamed("duration", NullPointerException.class, () -> loop.setSlowCallbackDuration(null));
        assertNamed("duration", IllegalArgumentException.class, () -> loop.setSlowCallbackDuration(Duration.ofMillis(-1)));
    }

    @Test
    void aNullExceptionContextIsRejectedNamingTheArgument() {
        assertNamed("context", NullPointerException.class, () -> loop.callExceptionHandler(null));
        assertNamed("context", NullPointerException.class, () -> loop.defaultExceptionHandler(null));
        assertNamed("message", NullPointerException.class, () -> ExceptionContext.of(null));
    }

    @Test
    void futureMethodsRejectNullsNamingTheArgument() {
        LoopFuture<String> f = loop.createFuture();
        assertNamed("exception", NullPointerException.class, () -> f.setException(null));
        assertNamed("callback", NullPointerException.class, () -> f.addDoneCallback(null));
        assertNamed("callback", NullPointerException.class, () -> f.removeDoneCallback(null));
        assertNamed("stage", NullPointerException.class, () -> LoopFuture.wrap(null, loop));
        assertNamed("loop", NullPointerException.class, () -> new LoopFuture<String>(null));
    }

    /** A buffer that was released before it was handed over. */
    private static ByteBuf released() {
        ByteBuf buf = Unpooled.buffer(1).writeByte(1);
        buf.release();
        return buf;
    }

    @Test
    void theTaskHelpersRejectNullsNamingTheArgument() {
        loop.runUntilComplete(() -> {
            LoopFuture<String> f = loop.createFuture();
            List<LoopFuture<String>> withANull = Arrays.asList(f, null);
            assertNamed("future", NullPointerException.class, () -> Async.waitFor(null, Duration.ZERO));
            assertNamed("timeout", NullPointerException.class, () -> Async.waitFor(f, null));
            assertNamed("delay", NullPointerException.class, () -> Async.timeout(null, () -> null));
            assertNamed("body", NullPointerException.class, () -> Async.timeout(Duration.ZERO, null));
            assertNamed("delay", NullPointerException.class, () -> Async.sleep(null));
            assertNamed("callable", NullPointerException.class, () -> Async.spawn(null));
            assertNamed("future", NullPointerException.class, () -> Async.shield(null));
            assertNamed("futures", NullPointerException.class, () -> Async.gather((List<LoopFuture<String>>) null));
            assertNamed("futures", NullPointerException.class, () -> Async.gather(withANull));
            assertNamed("futures", NullPointerException.class, () -> Async.gatherSettled(withANull));
            assertNamed("futures", NullPointerException.class, () -> Async.wait(null, null, ReturnWhen.ALL_COMPLETED));
            assertNamed("futures", NullPointerException.class, () -> Async.wait(withANull, null, ReturnWhen.ALL_COMPLETED));
            assertNamed("returnWhen", NullPointerException.class, () -> Async.wait(List.of(f), null, null));
            assertNamed("futures", NullPointerException.class, () -> Async.asCompleted(null, null));
            assertNamed("futures", NullPointerException.class, () -> Async.asCompleted(withANull, null));
            assertNamed("body", NullPointerException.class, () -> TaskGroup.run(null));
            assertNamed("lock", NullPointerException.class, () -> new AsyncCondition(null));
            assertNamed("item", NullPointerException.class, () -> AsyncQueue.fifo(0).putNowait(null));
            return null;
        });
    }

    @Test
    void aReleasedByteBufIsRefusedAtTheCallOfATcpWriteNamingData() {
        Server server = loop.runUntilComplete(loop.createServer(() -> new Protocol() { }, "127.0.0.1", 0,
                SocketOptions.defaults()));
        Connection<Collector> c = loop.runUntilComplete(loop.createConnection(() -> new Collector(loop, 1),
                "127.0.0.1", ((InetSocketAddress) server.addresses().get(0)).getPort(), SocketOptions.defaults()));
        assertNamed("data", IllegalArgumentException.class, () -> c.transport().write(released()));
        c.transport().close();
        assertEquals(null, loop.runUntilComplete(c.protocol().lost), "the connection went on");
        server.close();
        loop.runUntilComplete(server.waitClosed());
    }

    @Test
    void aReleasedByteBufIsRefusedAtTheCallOfADatagramSendNamingData() {
        DatagramEndpoint<DatagramProtocol> e = loop.runUntilComplete(loop.createDatagramEndpoint(
                () -> new DatagramProtocol() { }, new InetSocketAddress("127.0.0.1", 0),
                new InetSocketAddress("127.0.0.1", 9), SocketOptions.defaults()));
        assertNamed("data", IllegalArgumentException.class, () -> e.transport().sendTo(released(), null));
        e.transport().close();
    }

    @Test
    void aReleasedByteBufIsRefusedAtTheCallOfAPipeWriteNamingData() throws Exception {
        Pipe pipe = Pipe.open();
        Connection<BaseProtocol> c = loop.runUntilComplete(loop.connectWritePipe(() -> new BaseProtocol() { },
                pipe.sink()));
        assertNamed("data", IllegalArgumentException.class, () -> c.transport().write(released()));
        c.transport().close();
        pipe.source().close();
    }

    @Test
    void aReadPipeRefusingAByteBufWriteReleasesIt() throws Exception {
        Pipe pipe = Pipe.open();
        Connection<Protocol> c = loop.runUntilComplete(loop.connectReadPipe(() -> new Protocol() { }, pipe.source()));
        ByteBuf buf = Unpooled.buffer(1).writeByte(1);
        assertThrows(UnsupportedOperationException.class, () -> c.transport().write(buf));
        assertEquals(0, buf.refCnt(), "the transport owned the buffer from the call on");
        c.transport().close();
        pipe.sink().close();
    }

    private static void assertNamed(String argument, Class<? extends RuntimeException> type,
                                    org.junit.jupiter.api.function.Executable call) {
        RuntimeException e = assertThrows(type, call);
        assertTrue(e.getMessage() != null && e.getMessage().startsWith(argument),
                () -> "expected a message naming '" + argument + "', got: " + e.getMessage());
    }
}
