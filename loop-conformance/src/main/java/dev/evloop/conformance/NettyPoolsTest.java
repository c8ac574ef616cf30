package dev.evloop.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.LoopFuture;
import dev.evloop.net.Protocol;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The thread that runs a loop that does I/O lets Netty pool its per-write and per-buffer objects
 * while the loop runs ({@code runForever}, {@code runUntilComplete}), as raw Netty's own threads
 * do, and is left as it was when the run ends: what the run pooled is released, what the thread
 * held before is kept. A loop that has registered no I/O (only callbacks, timers and tasks) runs
 * without the pools, which would only cost it their set-up and release at every run.
 */
class NettyPoolsTest extends BackendTest {

    /** A fast thread-local that records each value Netty removes from it. */
    static final class Recorded extends FastThreadLocal<String> {
        final List<String> removed = new ArrayList<>();

        @Override
        protected void onRemoval(String value) {
            removed.add(value);
        }
    }

    /** Runs {@code loop} until one of its callbacks has answered whether Netty pools objects on its thread. */
    private static boolean poolsDuringARun(EventLoop loop) {
        LoopFuture<Boolean> pools = loop.createFuture();
        loop.callSoon(() -> pools.setResult(FastThreadLocalThread.currentThreadWillCleanupFastThreadLocals()));
        loop.callLater(GUARD, () -> pools.cancel());
        return loop.runUntilComplete(pools);
    }

    /** Makes {@code loop} one that does I/O: a server listening on loopback, registered with its backend. */
    private static Server listen(EventLoop loop) {
        return loop.runUntilComplete(loop.createServer(() -> new Protocol() { }, "127.0.0.1", 0, SocketOptions.defaults()));
    }

    @Test
    void nettyPoolsObjectsOnTheThreadWhileItRunsALoopThatDoesIo() {
        listen(loop);
        assertTrue(poolsDuringARun(loop));
    }

    @Test
    void aLoopThatHasRegisteredNoIoRunsWithoutNettysPools() {
        assertFalse(poolsDuringARun(loop));
    }

    @Test
    void aRunTakesUpNettysPoolsOnceItsLoopRegistersIo() {
        LoopFuture<Boolean> pools = loop.createFuture();
        loop.callSoon(() -> loop.createServer(() -> new Protocol() { }, "127.0.0.1", 0, SocketOptions.defaults())
                .addDoneCallback(listening -> loop.callSoon(
                        () -> pools.setResult(FastThreadLocalThread.currentThreadWillCleanupFastThreadLocals()))));
        loop.callLater(GUARD, () -> pools.cancel());
        assertTrue(loop.runUntilComplete(pools));
    }

    @Test
    void theThreadNoLongerPoolsObjectsOnceTheRunReturns() {
        listen(loop);
        poolsDuringARun(loop);
        assertFalse(FastThreadLocalThread.currentThreadHasFastThreadLocal());
    }

    @Test
    void whatARunPooledOnItsThreadIsReleasedWhenTheRunReturns() {
        listen(loop);
        Recorded local = new Recorded();
        LoopFuture<Void> set = loop.createFuture();
        loop.callSoon(() -> {
            local.set("made by the run");
            set.setResult(null);
        });
        try {
            loop.runUntilComplete(set);
            assertFalse(local.isSet());
            assertEquals(List.of("made by the run"), local.removed);
        } finally {
            local.remove();
        }
    }

    @Test
    void aFastThreadLocalTheThreadHeldBeforeTheRunStillHoldsItsValueAfterIt() {
        listen(loop);
        Recorded local = new Recorded();
        local.set("held before");
        try {
            assertTrue(poolsDuringARun(loop));
            assertTrue(local.isSet());
            assertEquals("held before", local.get());
            assertEquals(List.of(), local.removed);
        } finally {
            local.remove();
        }
    }

    @Test
    void aFastThreadLocalTheThreadHeldBeforeTheRunKeepsWhatACallbackSetItTo() {
        listen(loop);
        Recorded local = new Recorded();
        local.set("held before");
        LoopFuture<Void> changed = loop.createFuture();
        loop.callSoon(() -> {
            local.set("set by a callback");
            changed.setResult(null);
        });
        try {
            loop.runUntilComplete(changed);
            assertEquals("set by a callback", local.get());
        } finally {
            local.remove();
        }
    }

    @Test
    void aSecondLoopRunOnTheSameThreadPoolsAgainAndIsReleasedAgain() {
        listen(loop);
        assertTrue(poolsDuringARun(loop));
        loop.close();
        try (EventLoop second = EventLoops.newEventLoop(backend())) {
            listen(second);
            assertTrue(poolsDuringARun(second));
        }
        assertFalse(FastThreadLocalThread.currentThreadHasFastThreadLocal());
    }

    @Test
    void aLoopRunsOnNettysOwnFastThreadLocalThread() throws Exception {
        CompletableFuture<Boolean> pooled = new CompletableFuture<>();
        Thread nettyThread = new FastThreadLocalThread(() -> {
            try (EventLoop own = EventLoops.newEventLoop(backend())) {
                pooled.complete(poolsDuringARun(own));
            } catch (Throwable t) {
                pooled.completeExceptionally(t);
            }
        }, "netty-thread");
        nettyThread.start();
        assertTrue(pooled.get(GUARD.toSeconds(), TimeUnit.SECONDS));
        nettyThread.join(GUARD.toMillis());
    }
}
