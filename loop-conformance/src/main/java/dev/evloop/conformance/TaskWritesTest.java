package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.LoopFuture;
import dev.evloop.Task;
import dev.evloop.net.Connection;
import dev.evloop.net.Protocol;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.net.Transport;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Transport writes made from a task: the task does not wait for the loop's thread, and every rule
 * of a write made on that thread still holds (order, buffer size, flow control, close, abort).
 */
@Timeout(60)
class TaskWritesTest extends BackendTest {
    private static final SocketOptions OPTIONS = SocketOptions.defaults();

    /** Records pauseWriting and resumeWriting; {@link #resumed} completes with the buffer size at the first resume. */
    static final class FlowRecorder implements Protocol {
        final List<String> events = new ArrayList<>();
        final LoopFuture<Long> resumed;
        final LoopFuture<Throwable> lost;
        Transport transport;
        private boolean inWrite;
        boolean resumedInsideWrite;

        FlowRecorder(EventLoop loop) {
            resumed = loop.createFuture();
            lost = loop.createFuture();
        }

        /** Writes as a protocol does, knowing when it is inside its own write. */
        void write(byte[] data) {
            inWrite = true;
            try {
                transport.write(data);
            } finally {
                inWrite = false;
            }
        }

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public void pauseWriting() {
            events.add("pause");
        }

        @Override
        public void resumeWriting() {
            events.add("resume");
            resumedInsideWrite |= inWrite;
            if (!resumed.isDone()) {
                resumed.setResult(transport.writeBufferSize());
            }
        }

        @Override
        public void connectionLost(Throwable cause) {
            lost.setResult(cause);
        }
    }

    /** A client connection and the server-side collector of what it sends. */
    private record Link(Server server, LoopFuture<Collector> peer, Connection<FlowRecorder> client) {
        Transport transport() {
            return client.transport();
        }

        FlowRecorder protocol() {
            return client.protocol();
        }
    }

    /** A connection whose peer collects what arrives: {@code expected} bytes, or all of it until the close. */
    private Link link(int expected) {
        LoopFuture<Collector> peer = loop.createFuture();
        Server server = loop.runUntilComplete(loop.createServer(() -> {
            Collector collector = new Collector(loop, expected);
            peer.setResult(collector);
            return collector;
        }, "127.0.0.1", 0, OPTIONS));
        int port = ((InetSocketAddress) server.addresses().get(0)).getPort();
        Connection<FlowRecorder> client = loop.runUntilComplete(
                loop.createConnection(() -> new FlowRecorder(loop), "127.0.0.1", port, OPTIONS));
        return new Link(server, peer, client);
    }

    /** What the peer received: its expected bytes, or everything until the connection ended. */
    private byte[] received(Link l) {
        return loop.runUntilComplete(() -> Async.waitFor(Async.waitFor(l.peer(), GUARD).received, GUARD));
    }

    private void close(Link l) {
        l.transport().close();
        loop.runUntilComplete(() -> Async.waitFor(l.protocol().lost, GUARD));
        l.server().close();
        loop.runUntilComplete(l.server().waitClosed());
    }

    /** Writes numbered chunks of varied sizes, some past the flush threshold, keeping every byte in call order. */
    private static final class Writes {
        private static final int[] SIZES = {1, 100, 70_000, 3_000, 200_000, 7};
        private final Transport transport;
        private final ByteArrayOutputStream made = new ByteArrayOutputStream();
        private int n;

        Writes(Transport transport) {
            this.transport = transport;
        }

        void next() {
            byte[] data = new byte[SIZES[n % SIZES.length]];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (n * 31 + i);
            }
            n++;
            made.write(data, 0, data.length);
            transport.write(data);
        }

        byte[] made() {
            return made.toByteArray();
        }
    }

    @Test
    void aTaskCancelledWhileItsCloseWaitsForTheLoopThreadStillClosesAndNothingIsReported() {
        Link l = link(Integer.MAX_VALUE);
        List<Throwable> reported = new ArrayList<>();
        loop.setExceptionHandler((lp, context) -> reported.add(context.exception()));
        Task<Void> closer = loop.runUntilComplete(() -> {
            Task<Void> t = Async.spawn(() -> {
                l.transport().close();
                return null;
            });
            Async.yieldNow(); // the closer has asked the loop's thread to close and waits for it
            t.cancel();
            return t;
        });
        loop.runUntilComplete(() -> Async.waitFor(l.protocol().lost, GUARD));
        assertTrue(closer.isCancelled(), "the task was cancelled where it waited");
        assertEquals(List.of(), reported, "the close ran once and nothing was reported");
        l.server().close();
        loop.runUntilComplete(l.server().waitClosed());
    }

    @Test
    void aWriteFromATaskReturnsWithinTheSameLoopIteration() {
        Link l = link(5);
        long[] iterations = new long[2];
        loop.runUntilComplete(() -> {
            iterations[0] = loop.metrics().iterations();
            l.transport().write("hello".getBytes());
            iterations[1] = loop.metrics().iterations();
            return null;
        });
        assertEquals(iterations[0], iterations[1], "the task went on without waiting for the loop");
        assertArrayEquals("hello".getBytes(), received(l));
        close(l);
    }

    @Test
    void writesFromATaskAndFromACallbackRightAfterItArriveInTheOrderTheyWereMade() {
        Link l = link(Integer.MAX_VALUE);
        Writes writes = new Writes(l.transport());
        for (int round = 0; round < 6; round++) {
            SameIteration.taskThenCallback(loop, () -> {
                for (int i = 0; i < 10; i++) {
                    writes.next();
                }
            }, writes::next);
        }
        SameIteration.taskThenCallback(loop, writes::next, l.transport()::close);
        assertArrayEquals(writes.made(), received(l));
        l.server().close();
    }

    @Test
    void theWriteBufferSizeCountsWhatATaskWroteAndTheLoopHasNotSent() {
        Link l = link(1000);
        long size = loop.runUntilComplete(() -> {
            l.transport().write(new byte[1000]);
            return l.transport().writeBufferSize();
        });
        assertTrue(size >= 1000, "counted: " + size);
        received(l);
        assertEquals(0, l.transport().writeBufferSize());
        close(l);
    }

    @Test
    void aTaskWritePastTheHighWaterMarkPausesTheProtocolBeforeItReturns() {
        Link l = link(100_000);
        List<String> atReturn = loop.runUntilComplete(() -> {
            l.transport().write(new byte[100_000]);
            return List.copyOf(l.protocol().events);
        });
        assertEquals(List.of("pause"), atReturn);
        received(l);
        close(l);
    }

    @Test
    void smallTaskWritesPauseTheProtocolWhenTogetherTheyPassTheHighWaterMark() {
        Link l = link(10 * 1000);
        int pausedAt = loop.runUntilComplete(() -> {
            l.transport().setWriteBufferLimits(4096, 1024);
            int firstPaused = -1;
            for (int i = 1; i <= 10; i++) {
                l.transport().write(new byte[1000]);
                if (firstPaused < 0 && !l.protocol().events.isEmpty()) {
                    firstPaused = i;
                }
            }
            return firstPaused;
        });
        assertTrue(pausedAt >= 1 && pausedAt <= 5, "paused by write " + pausedAt + " of 1000 bytes over a 4096-byte mark");
        received(l);
        close(l);
    }

    @Test
    void aProtocolPausedByATasksWritesIsResumedOnceTheBufferIsBelowTheLowMark() {
        Link l = link(100_000);
        loop.runUntilComplete(() -> {
            l.transport().write(new byte[100_000]);
            return null;
        });
        long atResume = loop.runUntilComplete(() -> Async.waitFor(l.protocol().resumed, GUARD));
        assertEquals(List.of("pause", "resume"), l.protocol().events);
        assertTrue(atResume <= 16 * 1024, "buffered at the resume: " + atResume);
        received(l);
        close(l);
    }

    @Test
    void resumeNeverComesFromInsideTheProtocolsOwnWriteAfterATaskWrote() {
        Link l = link(170_000);
        SameIteration.taskThenCallback(loop, () -> l.transport().write(new byte[100_000]),
                () -> l.protocol().write(new byte[70_000]));
        loop.runUntilComplete(() -> Async.waitFor(l.protocol().resumed, GUARD));
        assertFalse(l.protocol().resumedInsideWrite);
        received(l);
        close(l);
    }

    @Test
    void closeFromACallbackSendsWhatATaskWroteJustBeforeThenCloses() {
        Link l = link(Integer.MAX_VALUE);
        SameIteration.taskThenCallback(loop, () -> l.transport().write("last words".getBytes()),
                l.transport()::close);
        assertEquals("last words", new String(received(l)));
        assertNull(loop.runUntilComplete(l.protocol().lost));
        l.server().close();
    }

    @Test
    void abortFromACallbackDropsWhatATaskWroteJustBefore() {
        Link l = link(Integer.MAX_VALUE);
        SameIteration.taskThenCallback(loop, () -> l.transport().write(new byte[100_000]), l.transport()::abort);
        assertEquals(0, received(l).length);
        assertNull(loop.runUntilComplete(l.protocol().lost));
        l.server().close();
    }

    @Test
    void aTaskWriteStillWaitingForTheLoopWhenTheLoopClosesIsReleased() {
        Link l = link(Integer.MAX_VALUE);
        ByteBuf buffer = Unpooled.buffer(10).writeZero(10);
        loop.createTask(() -> {
            l.transport().write(buffer);
            loop.stop(); // this iteration is the last: no flush before a next poll
            return null;
        });
        loop.runForever();
        assertEquals(1, buffer.refCnt(), "the write was still waiting");
        loop.close();
        assertEquals(0, buffer.refCnt());
    }

    @Test
    void aTaskWriteAfterWriteEofFails() {
        Link l = link(Integer.MAX_VALUE);
        IllegalStateException e = loop.runUntilComplete(() -> {
            l.transport().writeEof();
            return assertThrows(IllegalStateException.class, () -> l.transport().write(new byte[1]));
        });
        assertEquals("cannot write after writeEof()", e.getMessage());
        close(l);
    }

    @Test
    void taskWritesAfterCloseAreDroppedWithOneWarning() {
        Link l = link(Integer.MAX_VALUE);
        List<String> logged = loop.runUntilComplete(() -> {
            try (LogCapture log = new LogCapture()) {
                l.transport().close();
                l.transport().write(new byte[10]);
                l.transport().write(new byte[10]);
                return log.lines();
            }
        });
        assertEquals(1, logged.size(), String.valueOf(logged));
        assertTrue(logged.get(0).startsWith("WARNING dropping writes to"), logged.get(0));
        assertEquals(0, received(l).length);
        l.server().close();
    }

    @Test
    void aWriteFromAThreadOutsideTheLoopIsRefusedAndItsBufferReleased() throws InterruptedException {
        Link l = link(Integer.MAX_VALUE);
        ByteBuf buffer = Unpooled.buffer(10).writeZero(10);
        AtomicReference<Throwable> arrayRefused = new AtomicReference<>();
        AtomicReference<Throwable> bufferRefused = new AtomicReference<>();
        Thread other = new Thread(() -> {
            arrayRefused.set(assertThrows(IllegalStateException.class, () -> l.transport().write(new byte[10])));
            bufferRefused.set(assertThrows(IllegalStateException.class, () -> l.transport().write(buffer)));
        });
        other.start();
        other.join();
        assertInstanceOf(IllegalStateException.class, arrayRefused.get());
        assertInstanceOf(IllegalStateException.class, bufferRefused.get());
        assertEquals(0, buffer.refCnt(), "the transport released the buffer it was given");
        close(l);
        assertEquals(0, received(l).length);
    }
}
