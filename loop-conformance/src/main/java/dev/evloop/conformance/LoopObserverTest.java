package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.ExceptionContext;
import dev.evloop.Handle;
import dev.evloop.LoopObserver;
import dev.evloop.Task;
import dev.evloop.TaskFactory;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The loop's observer hears each iteration, poll, callback and task step, on the loop thread. */
class LoopObserverTest extends BackendTest {

    /** Writes down what it hears, one word (and a name) per call. */
    private static final class Recorder implements LoopObserver {
        final List<String> heard = new ArrayList<>();
        final List<Integer> pollEvents = new ArrayList<>();

        @Override
        public void iterationStarted(EventLoop loop) {
            heard.add("iteration");
        }

        @Override
        public void iterationEnded(EventLoop loop, int callbacksRun) {
            heard.add("ran " + callbacksRun);
        }

        @Override
        public void beforePoll(EventLoop loop, long timeoutNanos) {
            heard.add("poll");
        }

        @Override
        public void afterPoll(EventLoop loop, long waitedNanos, int events) {
            pollEvents.add(events);
            heard.add("polled");
        }

        @Override
        public void callbackStarted(EventLoop loop, Handle handle) {
            heard.add("start " + handle);
        }

        @Override
        public void callbackEnded(EventLoop loop, Handle handle, long tookNanos) {
            heard.add("end " + handle);
        }

        @Override
        public void slowCallback(EventLoop loop, Handle handle, long tookNanos) {
            heard.add("slow " + handle);
        }

        @Override
        public void taskCreated(Task<?> task) {
            heard.add("created " + task.getName());
        }

        @Override
        public void taskStepStarted(Task<?> task) {
            heard.add("step " + task.getName());
        }

        @Override
        public void taskStepEnded(Task<?> task, long tookNanos) {
            heard.add("stepped " + task.getName());
        }

        @Override
        public void taskDone(Task<?> task) {
            heard.add("done " + task.getName());
        }
    }

    @Test
    void anIterationIsHeardAsStartPollCallbacksAndEnd() {
        Recorder recorder = new Recorder();
        loop.setObserver(recorder);
        loop.callSoon(new Named("first", () -> { }));
        loop.runOnce();
        assertEquals(List.of("iteration", "poll", "polled", "start <Handle first>", "end <Handle first>", "ran 1"),
                recorder.heard);
    }

    @Test
    void aTaskIsHeardFromCreationThroughEachStepToDone() {
        Recorder recorder = new Recorder();
        loop.setObserver(recorder);
        Task<String> task = loop.createTask("worker", () -> {
            Async.yieldNow();
            return "ok";
        });
        loop.runUntilComplete(task);
        List<String> tasks = recorder.heard.stream().filter(h -> h.endsWith(" worker")).toList();
        assertEquals(List.of("created worker", "step worker", "stepped worker", "step worker", "done worker",
                "stepped worker"), tasks);
    }

    @Test
    void anEagerTasksFirstStepIsHeardAsPartOfItsCreatorsStep() {
        Recorder recorder = new Recorder();
        loop.setObserver(recorder);
        Task<String> creator = loop.createTask("creator", () -> {
            Async.currentLoop().setTaskFactory(TaskFactory.eager());
            Task<String> eager = Async.currentLoop().createTask("eager", () -> "ok");
            return eager.result();
        });
        loop.runUntilComplete(creator);
        List<String> tasks = recorder.heard.stream().filter(h -> h.endsWith(" creator") || h.endsWith(" eager")).toList();
        assertEquals(List.of("created creator", "step creator", "created eager", "done eager", "done creator",
                "stepped creator"), tasks);
    }

    @Test
    void thePollSaysHowManyEventsItHandled() {
        Recorder recorder = new Recorder();
        loop.setObserver(recorder);
        loop.runOnce(false);
        Thread.ofPlatform().start(() -> loop.callSoonThreadsafe(loop::stop));
        loop.runForever();
        assertTrue(recorder.pollEvents.stream().anyMatch(n -> n > 0), recorder.pollEvents::toString);
    }

    @Test
    void aSlowCallbackIsHeardInAnyMode() {
        Recorder recorder = new Recorder();
        loop.setObserver(recorder);
        loop.setSlowCallbackDuration(Duration.ofMillis(20));
        loop.callSoon(new Named("sleepy", () -> ThreadsafeTest.sleepQuietly(40)));
        loop.callSoon(new Named("quick", () -> { }));
        loop.runOnce();
        assertEquals(List.of("slow <Handle sleepy>"), recorder.heard.stream().filter(h -> h.startsWith("slow")).toList());
    }

    @Test
    void aSlowProtocolCallbackIsHeardAsTheIoCallbacksOfThePoll() {
        try (DebugModeTest.SlowServer slow = new DebugModeTest.SlowServer(loop, 40)) {
            Recorder recorder = new Recorder();
            loop.setObserver(recorder);
            loop.setSlowCallbackDuration(Duration.ofMillis(20));
            slow.sendOneByte();
            List<String> heard = recorder.heard.stream().filter(h -> h.startsWith("slow <Handle I/O callbacks")).toList();
            assertEquals(1, heard.size(), recorder.heard::toString);
        }
    }

    @Test
    void anObserverThatThrowsIsReportedAndTheLoopGoesOn() {
        List<ExceptionContext> reported = new ArrayList<>();
        loop.setExceptionHandler((l, context) -> reported.add(context));
        loop.setObserver(new LoopObserver() {
            @Override
            public void callbackStarted(EventLoop loop, Handle handle) {
                throw new IllegalStateException("observer broke");
            }
        });
        List<String> ran = new ArrayList<>();
        loop.callSoon(() -> ran.add("callback"));
        loop.runOnce();
        assertEquals(List.of("callback"), ran);
        assertEquals(1, reported.size());
        assertEquals("Exception in LoopObserver.callbackStarted", reported.get(0).message());
    }

    @Test
    void aSlowCallbackIsHeardEvenWhenTheObserversCallbackEndedThrows() {
        List<String> heard = new ArrayList<>();
        List<ExceptionContext> reported = new ArrayList<>();
        loop.setExceptionHandler((l, context) -> reported.add(context));
        loop.setSlowCallbackDuration(Duration.ofMillis(20));
        loop.setObserver(new LoopObserver() {
            @Override
            public void callbackEnded(EventLoop loop, Handle handle, long tookNanos) {
                throw new IllegalStateException("observer broke");
            }

            @Override
            public void slowCallback(EventLoop loop, Handle handle, long tookNanos) {
                heard.add("slow " + handle);
            }
        });
        loop.callSoon(new Named("sleepy", () -> ThreadsafeTest.sleepQuietly(40)));
        loop.runOnce();
        assertEquals(List.of("slow <Handle sleepy>"), heard);
        assertEquals(List.of("Exception in LoopObserver.callbackEnded"),
                reported.stream().map(ExceptionContext::message).toList());
    }

    @Test
    void aRemovedObserverHearsNothingMore() {
        Recorder recorder = new Recorder();
        loop.setObserver(recorder);
        assertSame(recorder, loop.observer());
        loop.setObserver(null);
        assertNull(loop.observer());
        loop.callSoon(() -> { });
        loop.runOnce();
        assertEquals(List.of(), recorder.heard);
    }
}
