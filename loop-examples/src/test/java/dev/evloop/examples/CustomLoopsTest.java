package dev.evloop.examples;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.Handle;
import dev.evloop.Task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The seeds' custom loops, built on ForwardingEventLoop: metrics, tracing, priorities, a policy. */
@Timeout(60)
class CustomLoopsTest {

    @Test
    void theMetricsLoopCountsTasksCallbacksAndTimeWaitingOnIo() {
        try (MetricsLoop loop = new MetricsLoop(EventLoops.newEventLoop())) {
            loop.runUntilComplete(() -> {
                Async.spawn(() -> {
                    Async.sleep(Duration.ofMillis(20));
                    return null;
                }).await();
                return null;
            });
            assertEquals(2, loop.tasksCreated());
            // the sleep's timer, the child's two steps, the parent's step after the child, and
            // the done callbacks of both tasks at least
            assertTrue(loop.callbacksScheduled() >= 5, loop::toString);
            assertFalse(loop.ioWaitTime().isZero(), loop::toString);
        }
    }

    @Test
    void theTracingLoopPrintsEverySchedulingCallOnceRunUntilCompleteReturns() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TracingLoop loop = new TracingLoop(EventLoops.newEventLoop(), new PrintStream(bytes, true, StandardCharsets.UTF_8))) {
            int printedBefore = loop.runUntilComplete(() -> {
                Async.spawn("child", () -> {
                    Async.sleep(Duration.ofMillis(1));
                    return null;
                }).await();
                return bytes.size();
            });
            String trace = bytes.toString(StandardCharsets.UTF_8);
            assertEquals(0, printedBefore);
            assertTrue(trace.contains("createTask         child"), trace);
            assertTrue(trace.contains("callLater 1ms"), trace);
            assertTrue(trace.contains("step of task child"), trace);
            assertTrue(trace.contains("done callback"), trace);
        }
    }

    @Test
    void prioritisedCallbacksRunFirstLowestFirstAndInOrderAmongEquals() {
        List<String> ran = new ArrayList<>();
        try (PriorityLoop loop = new PriorityLoop(EventLoops.newEventLoop())) {
            loop.callSoon(() -> ran.add("ordinary 1"));
            loop.callSoonWithPriority(5, () -> ran.add("5"));
            loop.callSoonWithPriority(1, () -> ran.add("1a"));
            loop.callSoon(() -> ran.add("ordinary 2"));
            loop.callSoonWithPriority(1, () -> ran.add("1b"));
            loop.runOnce();
        }
        assertEquals(List.of("1a", "1b", "5", "ordinary 1", "ordinary 2"), ran);
    }

    @Test
    void aPrioritisedCallbackScheduledDuringAnIterationRunsFirstInTheNext() {
        List<String> ran = new ArrayList<>();
        try (PriorityLoop loop = new PriorityLoop(EventLoops.newEventLoop())) {
            loop.callSoon(() -> {
                loop.callSoon(() -> ran.add("ordinary"));
                loop.callSoonWithPriority(0, () -> ran.add("prioritised"));
            });
            loop.runOnce();
            assertEquals(List.of(), ran);
            loop.runOnce();
        }
        assertEquals(List.of("prioritised", "ordinary"), ran);
    }

    @Test
    void aFailingPrioritisedCallbackGoesToTheExceptionHandlerAndTheOthersRun() {
        List<String> ran = new ArrayList<>();
        List<Throwable> reported = new ArrayList<>();
        try (PriorityLoop loop = new PriorityLoop(EventLoops.newEventLoop())) {
            loop.setExceptionHandler((l, context) -> reported.add(context.exception()));
            loop.callSoonWithPriority(0, () -> {
                throw new IllegalStateException("boom");
            });
            loop.callSoonWithPriority(1, () -> ran.add("next"));
            Handle cancelled = loop.callSoonWithPriority(2, () -> ran.add("cancelled"));
            cancelled.cancel();
            loop.runOnce();
        }
        assertEquals(List.of("next"), ran);
        assertEquals("boom", reported.get(0).getMessage());
    }

    @Test
    void tasksRunOnThePriorityLoopAndSeeIt() {
        try (PriorityLoop loop = new PriorityLoop(EventLoops.newEventLoop())) {
            Task<EventLoop> t = loop.createTask(() -> {
                Async.yieldNow();
                return Async.currentLoop();
            });
            assertSame(loop, loop.runUntilComplete(t));
        }
    }

    @Test
    void theCustomPolicyMakesEveryNewLoopAMetricsLoopAroundATracingLoop() {
        EventLoops.setPolicy(new CustomPolicy());
        try {
            EventLoop running = EventLoops.run(Async::currentLoop);
            assertTrue(running instanceof MetricsLoop, running.getClass().getName());
            assertTrue(((MetricsLoop) running).delegate() instanceof TracingLoop);
            assertEquals(1, ((MetricsLoop) running).tasksCreated());
        } finally {
            EventLoops.setPolicy(null);
        }
    }
}
