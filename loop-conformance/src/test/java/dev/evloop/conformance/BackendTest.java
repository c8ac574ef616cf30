package dev.evloop.conformance;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.evloop.BackendInfo;
import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The base of every conformance test. The build runs the whole suite once per backend, each run
 * its own surefire execution named after the backend, with {@value #PROPERTY} naming it; a backend
 * that cannot run here is skipped, test by test, with its reason. Without the property (a single
 * test run from an IDE) the policy's default backend is used. Each test gets a fresh loop on the
 * backend, closed after it.
 */
abstract class BackendTest {
    /** The system property naming the backend under test. */
    static final String PROPERTY = "evloop.conformance.backend";
    /** No test waits on the loop longer than this: a lost wake-up fails instead of hanging. */
    static final Duration GUARD = Duration.ofSeconds(30);

    EventLoop loop;

    /** The backend this run tests. */
    static String backend() {
        String name = System.getProperty(PROPERTY);
        return name == null || name.isBlank() ? EventLoops.defaultBackend() : name;
    }

    @BeforeEach
    final void openLoop() {
        String name = backend();
        BackendInfo info = EventLoops.backends().stream().filter(b -> b.name().equals(name)).findFirst().orElse(null);
        assumeTrue(info != null, () -> name + " is not on the class path");
        assumeTrue(info.available(), () -> name + " cannot run here: " + info.unavailabilityReason());
        loop = EventLoops.newEventLoop(name);
    }

    @AfterEach
    final void closeLoop() {
        if (loop != null && !loop.isRunning()) {
            loop.close();
        }
    }

    /** Runs the loop until a callback stops it, or until {@link #GUARD} passes. */
    final void runGuarded() {
        loop.callLater(GUARD, loop::stop);
        loop.runForever();
    }
}
