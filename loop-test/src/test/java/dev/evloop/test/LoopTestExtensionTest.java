package dev.evloop.test;

import dev.evloop.BackendInfo;
import dev.evloop.EventLoops;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** {@link LoopTest} as a user meets it: which sample tests pass, which fail, and with what. */
class LoopTestExtensionTest {

    private static Events run(Class<?> samples) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(samples)).execute().testEvents();
    }

    /** The one failure of a sample run. */
    private static Throwable onlyFailure(Class<?> samples) {
        Events events = run(samples);
        events.assertStatistics(s -> s.started(1).failed(1));
        return events.failed().stream().findFirst().orElseThrow()
                .getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow();
    }

    @Test
    void theBodyRunsAsATaskOfTheLoopItIsGiven() {
        run(LoopTestSamples.RunsAsATask.class).assertStatistics(s -> s.started(1).succeeded(1));
    }

    @Test
    void aVirtualTimeTestSleepsAnHourOfVirtualTime() {
        run(LoopTestSamples.SleepsAnHourOfVirtualTime.class).assertStatistics(s -> s.started(1).succeeded(1));
    }

    @Test
    void theBodysOwnFailureIsReportedAsItIs() {
        Throwable failure = onlyFailure(LoopTestSamples.FailsItself.class);
        assertInstanceOf(AssertionError.class, failure);
        assertEquals("the body's own failure", failure.getMessage());
    }

    @Test
    void anExceptionThatReachedTheLoopsHandlerFailsTheTest() {
        Throwable failure = onlyFailure(LoopTestSamples.ReportsToTheExceptionHandler.class);
        assertTrue(failure.getMessage().contains("exception handler was called"), failure.getMessage());
        assertEquals("a callback failed", failure.getSuppressed()[0].getMessage());
    }

    @Test
    void aTaskExceptionNeverRetrievedFailsTheTest() {
        Throwable failure = onlyFailure(LoopTestSamples.NeverRetrievesATaskException.class);
        assertTrue(failure.getMessage().contains("Task exception was never retrieved"), failure.getMessage());
    }

    @Test
    void aTaskLeftPendingFailsTheTestAndIsCancelled() {
        Throwable failure = onlyFailure(LoopTestSamples.LeavesATaskPending.class);
        assertTrue(failure.getMessage().contains("tasks still pending"), failure.getMessage());
        assertTrue(failure.getMessage().contains("left behind"), failure.getMessage());
        assertTrue(LoopTestSamples.LeavesATaskPending.leftover.isCancelled());
    }

    @Test
    void aConnectionLeftOpenFailsTheTestAndIsAborted() {
        Throwable failure = onlyFailure(LoopTestSamples.LeavesAConnectionOpen.class);
        assertTrue(failure.getMessage().contains("connections still open"), failure.getMessage());
        assertTrue(LoopTestSamples.LeavesAConnectionOpen.leftover.transport().isClosing());
    }

    @Test
    void everyBackendRunsTheTestOncePerBackendAndSkipsThoseThatCannotRunWithTheirReason() {
        List<BackendInfo> backends = EventLoops.backends();
        long unavailable = backends.stream().filter(b -> !b.available()).count();
        Events events = run(LoopTestSamples.RunsOnEveryBackend.class);
        events.assertStatistics(s -> s.started(backends.size()).succeeded(backends.size() - unavailable)
                .aborted(unavailable).failed(0));
        events.aborted().stream().forEach(e -> {
            Throwable why = e.getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow();
            assertTrue(why.getMessage().contains("cannot run here"), why.getMessage());
        });
    }

    @Test
    void aTimeLimitOnASeparateThreadAsTheJavadocRecommendsPasses() {
        Events events = run(LoopTestSamples.HasATimeLimitOnASeparateThread.class);
        events.failed().stream().findFirst().ifPresent(failed -> {
            throw new AssertionError("the sample failed", failed.getRequiredPayload(TestExecutionResult.class)
                    .getThrowable().orElseThrow());
        });
        events.assertStatistics(s -> s.started(1).succeeded(1));
    }

    @Test
    void aVirtualClockParameterWithoutVirtualTimeIsRefused() {
        Throwable failure = onlyFailure(LoopTestSamples.AsksForAClockWithoutVirtualTime.class);
        assertInstanceOf(ParameterResolutionException.class, failure);
        assertTrue(failure.getMessage().contains("virtualTime = true"), failure.getMessage());
    }
}
