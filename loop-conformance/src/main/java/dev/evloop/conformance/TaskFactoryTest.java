package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.Task;
import dev.evloop.TaskFactory;
import dev.evloop.TaskGroup;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

/** asyncio's task factories ({@code set_task_factory}) and eager tasks ({@code eager_task_factory}). */
class TaskFactoryTest extends BackendTest {

    @Test
    void createTaskMakesItsTasksWithTheTaskFactory() {
        loop.setTaskFactory((l, name, body) -> new Task<>(l, "made-" + name, body));
        Task<Integer> t = loop.createTask("t", () -> 1);
        assertEquals("made-t", t.getName());
        assertEquals(1, loop.runUntilComplete(t));
    }

    @Test
    void spawnTaskGroupsAndRunUntilCompleteUseTheTaskFactoryToo() {
        List<String> made = new ArrayList<>();
        loop.setTaskFactory((l, name, body) -> {
            made.add(String.valueOf(name));
            return new Task<>(l, name, body);
        });
        loop.runUntilComplete(() -> {
            Async.spawn("spawned", () -> 1).await();
            TaskGroup.run(group -> group.spawn("grouped", () -> 2));
            return null;
        });
        assertEquals(List.of("null", "spawned", "grouped"), made);
    }

    @Test
    void getTaskFactoryReturnsTheFactorySetAndNullRestoresTheDefault() {
        assertNull(loop.getTaskFactory());
        TaskFactory eager = TaskFactory.eager();
        loop.setTaskFactory(eager);
        assertSame(eager, loop.getTaskFactory());
        loop.setTaskFactory(null);
        assertNull(loop.getTaskFactory());
        assertEquals(2, loop.runUntilComplete(() -> 2));
    }

    @Test
    void aFactoryThatReturnsNullFailsCreateTask() {
        loop.setTaskFactory((l, name, body) -> null);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.createTask(() -> 1));
        assertTrue(e.getMessage().endsWith("returned null"), e.getMessage());
    }

    @Test
    void aFactoryThatMakesATaskOfAnotherLoopFailsCreateTask() {
        try (EventLoop other = EventLoops.newEventLoop(backend())) {
            Task<?>[] stray = new Task<?>[1];
            loop.setTaskFactory((l, name, body) -> stray[0] = new Task<>(other, name, body));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.createTask(() -> 1));
            assertTrue(e.getMessage().endsWith("made a task of another loop"), e.getMessage());
            other.runUntilComplete(stray[0]);
        }
    }

    @Test
    void aClosedLoopRefusesATaskFactory() {
        loop.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.setTaskFactory(null));
        assertEquals("event loop is closed", e.getMessage());
    }

    @Test
    void anEagerTaskCreatedByATaskRunsUntilItsFirstSuspensionBeforeCreateTaskReturns() {
        List<String> events = new ArrayList<>();
        loop.setTaskFactory(TaskFactory.eager());
        loop.runUntilComplete(() -> {
            Task<Void> child = Async.spawn(() -> {
                events.add("child starts");
                Async.yieldNow();
                events.add("child resumes");
                return null;
            });
            events.add("spawn returned");
            child.await();
            return null;
        });
        assertEquals(List.of("child starts", "spawn returned", "child resumes"), events);
    }

    @Test
    void anEagerTaskCreatedByACallbackRunsUntilItsFirstSuspensionBeforeCreateTaskReturns() {
        List<String> events = new ArrayList<>();
        loop.setTaskFactory(TaskFactory.eager());
        loop.callSoon(() -> {
            loop.createTask(() -> {
                events.add("task starts");
                Async.yieldNow();
                events.add("task resumes");
                loop.stop();
                return null;
            });
            events.add("createTask returned");
        });
        runGuarded();
        assertEquals(List.of("task starts", "createTask returned", "task resumes"), events);
    }

    @Test
    void anEagerTaskThatNeverSuspendsIsDoneWhenCreateTaskReturns() {
        loop.setTaskFactory(TaskFactory.eager());
        boolean[] doneAtOnce = new boolean[1];
        loop.runUntilComplete(() -> {
            Task<String> t = Async.spawn(() -> "quick");
            doneAtOnce[0] = t.isDone() && t.result().equals("quick");
            return null;
        });
        assertTrue(doneAtOnce[0]);
    }

    @Test
    void anExceptionRaisedEagerlyFailsTheTaskNotItsCreator() {
        loop.setTaskFactory(TaskFactory.eager());
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        Task<?> failed = loop.runUntilComplete(() -> {
            Task<Void> t = Async.spawn(() -> {
                throw boom;
            });
            assertTrue(t.isDone());
            return t;
        });
        assertSame(boom, failed.exception());
    }

    @Test
    void callbacksTheEagerStepSchedulesRunBeforeThoseItsCreatorSchedulesAfter() {
        List<String> ran = new ArrayList<>();
        loop.setTaskFactory(TaskFactory.eager());
        loop.runUntilComplete(() -> {
            EventLoop l = Async.currentLoop();
            l.callSoon(() -> ran.add("before createTask"));
            Task<Void> t = Async.spawn(() -> {
                l.callSoon(() -> ran.add("by the eager step"));
                Async.yieldNow();
                ran.add("second step");
                return null;
            });
            l.callSoon(() -> ran.add("after createTask"));
            t.await();
            return null;
        });
        // As asyncio: the eager step's own callSoon and its next step (its yield's) come before what
        // the creator schedules once createTask has returned.
        assertEquals(List.of("before createTask", "by the eager step", "second step", "after createTask"), ran);
    }

    @Test
    void currentTaskDuringTheEagerStepIsTheNewTaskAndAfterItTheCreator() {
        loop.setTaskFactory(TaskFactory.eager());
        List<Task<?>> seen = new ArrayList<>();
        loop.runUntilComplete(() -> {
            Task<?> me = Async.currentTask();
            Task<Task<?>> child = Async.spawn(Async::currentTask);
            seen.add(child.result());
            seen.add(child);
            seen.add(Async.currentTask());
            seen.add(me);
            return null;
        });
        assertSame(seen.get(0), seen.get(1));
        assertSame(seen.get(2), seen.get(3));
    }

    @Test
    void eagerTasksStartedByEagerTasksRunDepthFirstBeforeTheirCreatorsGoOn() {
        List<String> events = new ArrayList<>();
        loop.setTaskFactory(TaskFactory.eager());
        loop.runUntilComplete(() -> {
            Task<Void> a = Async.spawn(() -> {
                events.add("a starts");
                Task<Void> b = Async.spawn(() -> {
                    events.add("b starts");
                    Async.yieldNow();
                    events.add("b resumes");
                    return null;
                });
                events.add("a goes on");
                Async.yieldNow();
                b.await();
                return null;
            });
            events.add("main goes on");
            a.await();
            return null;
        });
        assertEquals(List.of("a starts", "b starts", "a goes on", "main goes on", "b resumes"), events);
    }

    @Test
    void manyEagerTasksStartedOneAfterAnotherAllRun() {
        loop.setTaskFactory(TaskFactory.eager());
        int count = 20_000;
        int sum = loop.runUntilComplete(() -> {
            List<Task<Integer>> tasks = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int n = i;
                tasks.add(Async.spawn(() -> {
                    Async.yieldNow();
                    return n % 3;
                }));
            }
            int total = 0;
            for (Task<Integer> t : tasks) {
                total += t.await();
            }
            return total;
        });
        int expected = 0;
        for (int i = 0; i < count; i++) {
            expected += i % 3;
        }
        assertEquals(expected, sum);
    }

    @Test
    void anEagerTaskCreatedWhileTheLoopIsNotRunningStartsOnTheNextIteration() {
        loop.setTaskFactory(TaskFactory.eager());
        List<String> events = new ArrayList<>();
        Task<Void> t = loop.createTask(() -> {
            events.add("ran");
            return null;
        });
        assertFalse(t.isDone());
        assertEquals(List.of(), events);
        loop.runUntilComplete(t);
        assertEquals(List.of("ran"), events);
    }

    @Test
    void aCancellationOfTheCreatorDuringTheEagerStepIsRaisedAtItsNextSuspension() {
        loop.setTaskFactory(TaskFactory.eager());
        List<String> events = new ArrayList<>();
        Task<Void> creator = loop.createTask(() -> {
            Task<?> me = Async.currentTask();
            Async.spawn(() -> me.cancel());
            events.add("createTask returned");
            try {
                Async.yieldNow();
                events.add("not cancelled");
            } catch (CancellationException e) {
                events.add("cancelled at the next suspension");
                throw e;
            }
            return null;
        });
        assertThrows(CancellationException.class, () -> loop.runUntilComplete(creator));
        assertEquals(List.of("createTask returned", "cancelled at the next suspension"), events);
    }

    @Test
    void anEagerTaskThatSuspendsIsCancellableAsAnyOther() {
        loop.setTaskFactory(TaskFactory.eager());
        boolean cancelled = loop.runUntilComplete(() -> {
            Task<Void> t = Async.spawn(() -> {
                Async.sleep(60);
                return null;
            });
            t.cancel();
            Async.gatherSettled(List.of(t)).await();
            return t.isCancelled();
        });
        assertTrue(cancelled);
    }
}
