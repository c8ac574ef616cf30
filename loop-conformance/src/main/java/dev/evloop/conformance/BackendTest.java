package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.BackendInfo;
import dev.evloop.DefaultEventLoopPolicy;
import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.ForwardingEventLoop;
import dev.evloop.TaskMode;
import dev.evloop.spi.LoopBackend;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The base of every conformance test. The build runs the whole suite once per backend, each run
 * its own surefire execution named after the backend, with {@value #PROPERTY} naming it; a backend
 * that cannot run here is skipped, test by test, with its reason. Without the property (a single
 * test run from an IDE) the policy's default backend is used. Each test gets a fresh loop on the
 * backend, closed after it, and a policy that makes loops on the same backend. With
 * {@value #DECORATED_PROPERTY} set, both come inside a {@link ForwardingEventLoop} that changes nothing. A class fails if
 * Netty's leak detector reported a buffer nobody released ({@link LeakWatch}).
 */
@ExtendWith(LeakWatch.class)
abstract class BackendTest {
    /** The system property naming the backend under test. */
    static final String PROPERTY = "evloop.conformance.backend";
    /** The system property naming the task mode this run's JVM flags give. */
    static final String MODE_PROPERTY = "evloop.conformance.mode";
    /**
     * The system property that, when {@code true}, hands each test its loop inside a
     * {@link ForwardingEventLoop} that changes nothing, and makes the policy's loops so too: asyncio's
     * guarantees must hold through a loop of one's own.
     */
    static final String DECORATED_PROPERTY = "evloop.conformance.decorated";
    /** No test waits on the loop longer than this: a lost wake-up fails instead of hanging. */
    static final Duration GUARD = Duration.ofSeconds(30);

    EventLoop loop;

    /** The backend this run tests. */
    static String backend() {
        String name = System.getProperty(PROPERTY);
        return name == null || name.isBlank() ? EventLoops.defaultBackend() : name;
    }

    /** The backend under test as its provider declares it, to ask what it supports. */
    static LoopBackend backendProvider() {
        String name = backend();
        return ServiceLoader.load(LoopBackend.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(b -> b.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no backend named " + name + " on the class path"));
    }

    /**
     * How many times a soak repeats: {@code full} in fast mode, a tenth in fallback mode. For soaks
     * of what the task mode does not touch (descriptors of pipes and connections, resets): a leak of
     * one per round shows at any count, so the full soak runs once per backend and CI keeps its time.
     */
    static int soak(int full) {
        return "fallback".equals(System.getProperty(MODE_PROPERTY)) ? full / 10 : full;
    }

    /** Skips the test (or a class's set-up) unless this run's backend is on the class path and can run here. */
    static void assumeBackendRunsHere() {
        String name = backend();
        BackendInfo info = EventLoops.backends().stream().filter(b -> b.name().equals(name)).findFirst().orElse(null);
        assumeTrue(info != null, () -> name + " is not on the class path");
        assumeTrue(info.available(), () -> name + " cannot run here: " + info.unavailabilityReason());
    }

    @BeforeEach
    final void openLoop() {
        assumeBackendRunsHere();
        String name = backend();
        boolean decorated = Boolean.getBoolean(DECORATED_PROPERTY);
        // code that asks the policy gets this backend too, decorated as the test's loop is
        EventLoops.setPolicy(new DefaultEventLoopPolicy(name) {
            @Override
            public EventLoop newEventLoop() {
                EventLoop made = super.newEventLoop();
                return decorated ? new Plain(made) : made;
            }
        });
        loop = decorated ? new Plain(EventLoops.newEventLoop(name)) : EventLoops.newEventLoop(name);
        String mode = System.getProperty(MODE_PROPERTY);
        if (mode != null && !mode.isBlank()) {
            assertEquals(TaskMode.valueOf(mode.toUpperCase(Locale.ROOT)), loop.metrics().taskMode(),
                    "this run's JVM flags should give that task mode");
        }
    }

    /** A loop of one's own that changes nothing: every call goes to the loop underneath. */
    static final class Plain extends ForwardingEventLoop {
        Plain(EventLoop loop) {
            super(loop);
        }
    }

    /** The task mode of this run. */
    final TaskMode mode() {
        return loop.metrics().taskMode();
    }

    @AfterEach
    final void closeLoop() {
        EventLoops.setPolicy(null);
        if (loop != null && !loop.isRunning()) {
            loop.close();
        }
    }

    /** Runs the test's loop until {@code condition} holds, failing after {@link #GUARD}. */
    final void awaitThat(String what, BooleanSupplier condition) {
        awaitThat(what, condition, () -> "");
    }

    /** {@link #awaitThat(String, BooleanSupplier)}, saying {@code state} if it fails. */
    final void awaitThat(String what, BooleanSupplier condition, Supplier<String> state) {
        loop.runUntilComplete(() -> {
            long deadline = System.nanoTime() + GUARD.toNanos();
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    fail("never happened: " + what + "; " + state.get());
                }
                Async.sleep(0.002);
            }
            return null;
        });
    }

    /** Runs the loop until a callback stops it, or until {@link #GUARD} passes. */
    final void runGuarded() {
        loop.callLater(GUARD, loop::stop);
        loop.runForever();
    }
}
