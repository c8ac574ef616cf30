package dev.evloop.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a JUnit 5 test method as the main task of a fresh event loop, as pytest-asyncio's
 * {@code @pytest.mark.asyncio}, Trio's {@code pytest-trio} and Tokio's {@code #[tokio::test]} do:
 * the body may call {@code Async.sleep}, await futures, open connections, and parameters of type
 * {@link dev.evloop.EventLoop} and, with {@link #virtualTime()}, {@link dev.evloop.VirtualClock}
 * are filled in.
 *
 * <p>The test fails, besides on what its body throws, when at its end (reported together, the
 * body's own failure first):
 * <ul>
 *   <li>an exception reached the loop's exception handler (a failing callback, a protocol
 *       fault, "Task exception was never retrieved" for a failed task that is garbage by then:
 *       the extension runs a garbage collection so that such reports arrive);</li>
 *   <li>a task is still pending (it is cancelled and awaited first);</li>
 *   <li>a TCP, TLS or Unix connection of the loop is still open (it is aborted first).</li>
 * </ul>
 * The loop is then closed; the default executor is shut down first.
 *
 * <pre>{@code
 * class RetryTest {
 *     @LoopTest(virtualTime = true)
 *     void retriesForAnHour(VirtualClock clock) {
 *         assertThrows(TimeoutException.class, () -> Async.timeout(Duration.ofHours(1), Client::retryForever));
 *         assertEquals(Duration.ofHours(1), clock.elapsed());   // in milliseconds of real time
 *     }
 *
 *     @LoopTest(everyBackend = true)                            // [selector], [epoll], [io_uring], [kqueue]
 *     void echoes(EventLoop loop) { ... }
 * }
 * }</pre>
 *
 * <p>The body runs on the loop's task, not on JUnit's thread: JUnit's {@code @Timeout} in its
 * default same-thread mode cannot interrupt a body blocked in the loop, so put a time limit on the
 * class with {@code threadMode = SEPARATE_THREAD}, or bound waits with {@code Async.timeout}.
 * Runs on the class path and the module path: in a test module ({@code requires dev.evloop.test}),
 * or as Maven's surefire runs the tests of a project with a {@code module-info.java} (the test
 * classes patched into its module, this kit on the class path).
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@TestTemplate
@ExtendWith(LoopTestExtension.class)
public @interface LoopTest {
    /**
     * Whether the loop runs on a fresh {@link dev.evloop.VirtualClock} (Trio's {@code MockClock}
     * with its autojump, Tokio's {@code start_paused = true}); the clock can be a parameter.
     *
     * @return {@code true} for virtual time; {@code false}, the default, for the real clock
     */
    boolean virtualTime() default false;

    /**
     * Whether the test runs once per backend on the class path, each run named after its backend,
     * as evloop's conformance suite runs; a backend that cannot run here is reported as skipped,
     * with its reason. Otherwise it runs once, on the backend the default policy picks
     * ({@code -Dloop.backend}, the host's calibration, else the best ranked).
     *
     * @return {@code true} for every backend; {@code false}, the default, for the policy's
     */
    boolean everyBackend() default false;
}
