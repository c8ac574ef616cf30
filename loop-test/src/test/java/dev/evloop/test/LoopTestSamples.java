package dev.evloop.test;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.LoopFuture;
import dev.evloop.Task;
import dev.evloop.VirtualClock;
import dev.evloop.net.Connection;
import dev.evloop.net.Protocol;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Timeout;

/**
 * Test classes that {@link LoopTestExtensionTest} runs through JUnit's EngineTestKit, to see
 * which pass and which fail and why. Nested, so surefire does not run them by themselves.
 */
final class LoopTestSamples {
    private LoopTestSamples() {
    }

    static final class RunsAsATask {
        @LoopTest
        void body(EventLoop loop) {
            assertSame(loop, Async.currentLoop());
            assertNotNull(Async.currentTask());
            Async.sleep(Duration.ofMillis(1));
        }
    }

    static final class SleepsAnHourOfVirtualTime {
        @LoopTest(virtualTime = true)
        void body(VirtualClock clock, EventLoop loop) {
            Async.sleep(Duration.ofHours(1));
            assertEquals(Duration.ofHours(1), clock.elapsed());
            assertEquals(3600.0, loop.time());
        }
    }

    static final class FailsItself {
        @LoopTest
        void body() {
            fail("the body's own failure");
        }
    }

    static final class ReportsToTheExceptionHandler {
        @LoopTest
        void body(EventLoop loop) {
            loop.callSoon(() -> {
                throw new IllegalStateException("a callback failed");
            });
            Async.yieldNow();
        }
    }

    static final class NeverRetrievesATaskException {
        @LoopTest
        void body() {
            spawnAndForget();
            for (int i = 0; i < 3; i++) {
                Async.yieldNow();
            }
        }

        private static void spawnAndForget() {
            Async.spawn(() -> {
                throw new IllegalStateException("nobody looked at this");
            });
        }
    }

    static final class LeavesATaskPending {
        static Task<?> leftover;

        @LoopTest
        void body(EventLoop loop) {
            LoopFuture<Void> never = loop.createFuture();
            leftover = Async.spawn("left behind", never::await);
            Async.yieldNow();
        }
    }

    static final class LeavesAConnectionOpen {
        static Connection<Protocol> leftover;

        @LoopTest
        void body(EventLoop loop) {
            Server server = loop.createServer(() -> new Protocol() { }, "127.0.0.1", 0, SocketOptions.defaults()).await();
            int port = ((InetSocketAddress) server.addresses().get(0)).getPort();
            leftover = loop.<Protocol>createConnection(() -> new Protocol() { }, "127.0.0.1", port, SocketOptions.defaults()).await();
            server.close();
        }
    }

    static final class RunsOnEveryBackend {
        @LoopTest(everyBackend = true)
        void body(EventLoop loop) {
            Async.sleep(Duration.ofMillis(1));
            assertNotNull(loop.backend());
        }
    }

    /** The time limit LoopTest's Javadoc recommends: JUnit's timeout on a thread of its own. */
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    static final class HasATimeLimitOnASeparateThread {
        @LoopTest
        void body(EventLoop loop) {
            assertSame(loop, Async.currentLoop());
            Async.sleep(Duration.ofMillis(1));
        }
    }

    static final class AsksForAClockWithoutVirtualTime {
        @LoopTest
        void body(VirtualClock clock) {
            fail("never runs");
        }
    }
}
