package dev.evloop.conformance;

import dev.evloop.LoopMetrics;
import dev.evloop.net.Protocol;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.net.Transport;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A loop kept busy by callbacks: it may defer polling I/O after a poll that found nothing, but
 * never starves I/O or work from other threads.
 */
class BusyLoopTest extends BackendTest {
    /** Far more steps than a busy loop runs before its next poll is due. */
    private static final int STEP_LIMIT = 50_000_000;

    private int steps;

    /** Keeps one callback ready at all times until {@code done} or the step limit. */
    private void keepBusyUntil(AtomicBoolean done) {
        Runnable[] step = new Runnable[1];
        step[0] = () -> {
            if (done.get() || ++steps >= STEP_LIMIT) {
                loop.stop();
            } else {
                loop.callSoon(step[0]);
            }
        };
        loop.callSoon(step[0]);
    }

    @Test
    void aChainOfCallbacksRunsWithFewerPollsThanIterations() {
        int[] left = {1000};
        Runnable[] step = new Runnable[1];
        step[0] = () -> {
            if (--left[0] > 0) {
                loop.callSoon(step[0]);
            } else {
                loop.stop();
            }
        };
        loop.callSoon(step[0]);
        loop.runForever();
        LoopMetrics m = loop.metrics();
        assertEquals(1000, m.iterations(), m::toString);
        assertTrue(m.polls() < m.iterations(), m::toString);
    }

    @Test
    void runOncePollsEveryTime() {
        for (int i = 0; i < 10; i++) {
            loop.callSoon(() -> { });
            loop.runOnce(false);
        }
        LoopMetrics m = loop.metrics();
        assertEquals(m.iterations(), m.polls(), m::toString);
    }

    @Test
    void runsBackToBackShareARecentPollInsteadOfEachPolling() {
        int runs = 1000;
        for (int i = 0; i < runs; i++) {
            loop.callSoon(loop::stop);
            loop.runForever();
        }
        LoopMetrics m = loop.metrics();
        assertEquals(runs, m.iterations(), m::toString);
        assertTrue(m.polls() < runs, m::toString);
    }

    @Test
    void aRunThatBeginsLongAfterTheLastPollPollsFirst() throws InterruptedException {
        loop.runOnce(false);
        long polls = loop.metrics().polls();
        Thread.sleep(5); // far beyond the 20 us a busy loop may defer its poll
        loop.callSoon(loop::stop);
        loop.runForever();
        assertEquals(polls + 1, loop.metrics().polls(), loop.metrics()::toString);
    }

    @Test
    void aThreadsafeCallbackMadeBeforeARunRunsInItsFirstIteration() {
        AtomicBoolean ran = new AtomicBoolean();
        for (int i = 0; i < 1000; i++) { // once warm, the run begins well within the deferral of the poll before
            loop.runOnce(false); // a poll that found nothing, just now: a run may skip the next
            ran.set(false);
            loop.callSoonThreadsafe(() -> ran.set(true));
            loop.callSoon(loop::stop);
            loop.runForever();
            assertTrue(ran.get(), "run " + i + " stopped before the threadsafe callback made before it ran");
        }
    }

    @Test
    void aCallbackFromAnotherThreadRunsWhileTheLoopStaysBusy() throws InterruptedException {
        AtomicBoolean arrived = new AtomicBoolean();
        keepBusyUntil(arrived);
        Thread other = Thread.ofPlatform().start(() -> loop.callSoonThreadsafe(() -> arrived.set(true)));
        loop.runForever();
        other.join();
        assertTrue(arrived.get(), "the callback from another thread never ran in " + steps + " steps");
    }

    @Test
    @SuppressWarnings("try") // the client only has to connect and stay open for its block
    void aConnectionIsAcceptedWhileTheLoopStaysBusy() throws IOException {
        AtomicBoolean accepted = new AtomicBoolean();
        Server server = loop.runUntilComplete(loop.createServer(() -> new Protocol() {
            @Override
            public void connectionMade(Transport transport) {
                accepted.set(true);
            }
        }, "127.0.0.1", 0, SocketOptions.defaults()));
        int port = ((InetSocketAddress) server.addresses().get(0)).getPort();
        try (Socket client = new Socket("127.0.0.1", port)) {
            keepBusyUntil(accepted);
            loop.runForever();
            assertTrue(accepted.get(), "the connection was never accepted in " + steps + " steps");
        } finally {
            server.close();
            loop.runUntilComplete(server.waitClosed());
        }
    }

    @Test
    void stopFromAnotherThreadEndsABusyRun() throws InterruptedException {
        AtomicBoolean never = new AtomicBoolean();
        keepBusyUntil(never);
        Thread other = Thread.ofPlatform().start(loop::stop);
        loop.runForever();
        other.join();
        assertTrue(steps < STEP_LIMIT, "stop() from another thread was not seen in " + steps + " steps");
    }
}
