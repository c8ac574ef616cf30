package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.LoopFuture;
import dev.evloop.Task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Tasks: functions that await futures, one step at a time on their loop. */
class TaskTest extends BackendTest {

    @Test
    void aTasksFirstStepRunsOnTheNextIterationNotInsideCreateTask() {
        List<String> ran = new ArrayList<>();
        loop.callSoon(() -> ran.add("callback scheduled first"));
        Task<String> t = loop.createTask(() -> {
            ran.add("task");
            return "x";
        });
        assertEquals(List.of(), ran);
        assertEquals("x", loop.runUntilComplete(t));
        assertEquals(List.of("callback scheduled first", "task"), ran);
    }

    @Test
    void runUntilCompleteOfAFunctionReturnsItsResult() {
        assertEquals(42, loop.runUntilComplete(() -> 42));
    }

    @Test
    void aTaskRunsOnAVirtualThreadAndSeesItsLoopAsRunning() {
        Object[] seen = loop.runUntilComplete(() -> new Object[] {
            Thread.currentThread().isVirtual(), EventLoops.getRunningLoop(), Async.currentLoop(), Async.currentTask()});
        assertEquals(true, seen[0]);
        assertSame(loop, seen[1]);
        assertSame(loop, seen[2]);
        assertTrue(seen[3] instanceof Task<?>);
    }

    @Test
    void aTaskMaySchedulePlainCallbacksOnItsLoop() {
        List<String> ran = new ArrayList<>();
        loop.runUntilComplete(() -> {
            loop.callSoon(() -> ran.add("callback"));
            loop.callLater(0.001, () -> ran.add("timer"));
            Async.sleep(Duration.ofMillis(5));
            return null;
        });
        assertEquals(List.of("callback", "timer"), ran);
    }

    @Test
    void awaitingADoneFutureDoesNotSuspend() {
        List<String> ran = new ArrayList<>();
        loop.runUntilComplete(() -> {
            LoopFuture<String> done = loop.createFuture();
            done.setResult("ready");
            loop.callSoon(() -> ran.add("callback"));
            ran.add(done.await());
            ran.add("after await");
            return null;
        });
        assertEquals(List.of("ready", "after await", "callback"), ran);
    }

    @Test
    void awaitSuspendsTheTaskWhileTheLoopRunsOtherWork() {
        List<String> ran = new ArrayList<>();
        LoopFuture<String> f = loop.createFuture();
        loop.callLater(0.01, () -> {
            ran.add("timer completes the future");
            f.setResult("value");
        });
        String got = loop.runUntilComplete(() -> {
            ran.add("before await");
            String v = f.await();
            ran.add("after await");
            return v;
        });
        assertEquals("value", got);
        assertEquals(List.of("before await", "timer completes the future", "after await"), ran);
    }

    @Test
    void tasksThatYieldTakeTurnsInFifoOrder() {
        List<String> ran = new ArrayList<>();
        Task<?> a = loop.createTask(() -> {
            for (int i = 0; i < 3; i++) {
                ran.add("a" + i);
                Async.yieldNow();
            }
            return null;
        });
        Task<?> b = loop.createTask(() -> {
            for (int i = 0; i < 3; i++) {
                ran.add("b" + i);
                Async.yieldNow();
            }
            return null;
        });
        loop.runUntilComplete(b);
        assertTrue(a.isDone());
        assertEquals(List.of("a0", "b0", "a1", "b1", "a2", "b2"), ran);
    }

    @Test
    void aSleepingTaskLetsAnotherTaskRun() {
        List<String> ran = new ArrayList<>();
        Task<?> sleeper = loop.createTask(() -> {
            Async.sleep(Duration.ofMillis(30));
            ran.add("sleeper woke");
            return null;
        });
        loop.createTask(() -> {
            ran.add("other ran");
            return null;
        });
        loop.runUntilComplete(sleeper);
        assertEquals(List.of("other ran", "sleeper woke"), ran);
    }

    @Test
    void aTasksExceptionIsItsResult() {
        IllegalStateException boom = new IllegalStateException("boom");
        Task<String> t = loop.createTask(() -> {
            throw boom;
        });
        assertSame(boom, assertThrows(IllegalStateException.class, () -> loop.runUntilComplete(t)));
        assertSame(boom, t.exception());
    }

    @Test
    void aCheckedExceptionOfATaskComesOutInACompletionException() {
        IOException io = new IOException("disk");
        Task<String> t = loop.createTask(() -> {
            throw io;
        });
        assertSame(io, assertThrows(CompletionException.class, () -> loop.runUntilComplete(t)).getCause());
    }

    @Test
    void awaitingAFailedTaskRaisesItsException() {
        Task<String> failing = loop.createTask(() -> {
            throw new IllegalArgumentException("inner");
        });
        String caught = loop.runUntilComplete(() -> {
            try {
                failing.await();
                return "no exception";
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        });
        assertEquals("inner", caught);
    }

    @Test
    void cancelRaisesCancellationAtTheAwaitAndFinallyBlocksRun() {
        List<String> ran = new ArrayList<>();
        LoopFuture<String> never = loop.createFuture();
        Task<String> t = loop.createTask(() -> {
            try {
                return never.await();
            } finally {
                ran.add("finally");
            }
        });
        loop.callLater(0.005, t::cancel);
        assertThrows(CancellationException.class, () -> loop.runUntilComplete(t));
        assertTrue(t.isCancelled());
        assertTrue(never.isCancelled(), "cancelling a task cancels the future it awaits");
        assertEquals(List.of("finally"), ran);
    }

    @Test
    void cancelInterruptsASleep() {
        Task<String> t = loop.createTask(() -> {
            Async.sleep(Duration.ofHours(1));
            return "slept";
        });
        loop.callLater(0.005, () -> t.cancel("enough"));
        CancellationException e = assertThrows(CancellationException.class, () -> loop.runUntilComplete(t));
        assertEquals("enough", e.getMessage());
        assertEquals(1, loop.metrics().timersCancelled(), "the sleep's timer was cancelled");
    }

    @Test
    void aTaskMayCatchTheCancellationAndGoOn() {
        Task<String> t = loop.createTask(() -> {
            try {
                Async.sleep(Duration.ofHours(1));
                return "slept";
            } catch (CancellationException e) {
                Async.currentTask().uncancel();
                Async.sleep(Duration.ofMillis(1));
                return "recovered";
            }
        });
        loop.callLater(0.005, t::cancel);
        assertEquals("recovered", loop.runUntilComplete(t));
        assertFalse(t.isCancelled());
    }

    @Test
    void aTaskCancelledBeforeItsFirstStepNeverRunsItsFunction() {
        boolean[] ran = new boolean[1];
        Task<String> t = loop.createTask(() -> {
            ran[0] = true;
            return "ran";
        });
        assertTrue(t.cancel());
        assertThrows(CancellationException.class, () -> loop.runUntilComplete(t));
        assertFalse(ran[0]);
        assertTrue(t.isCancelled());
    }

    @Test
    void aTaskThatCancelsItselfIsCancelledAtItsNextAwait() {
        List<String> ran = new ArrayList<>();
        Task<?> t = loop.createTask(() -> {
            Async.currentTask().cancel();
            ran.add("still running after cancel()");
            Async.yieldNow();
            ran.add("never");
            return null;
        });
        assertThrows(CancellationException.class, () -> loop.runUntilComplete(t));
        assertEquals(List.of("still running after cancel()"), ran);
    }

    @Test
    void cancellingADoneTaskReturnsFalse() {
        Task<Integer> t = loop.createTask(() -> 1);
        loop.runUntilComplete(t);
        assertFalse(t.cancel());
        assertEquals(1, t.result());
    }

    @Test
    void cancelFromAnotherThreadIsDeliveredOnTheLoop() throws Exception {
        LoopFuture<String> never = loop.createFuture();
        Task<String> t = loop.createTask(never::await);
        loop.callSoon(() -> Thread.ofPlatform().start(t::cancel));
        assertThrows(CancellationException.class, () -> loop.runUntilComplete(t));
        assertTrue(t.isCancelled());
    }

    @Test
    void aNegativeSleepIsAYield() {
        List<String> ran = new ArrayList<>();
        loop.runUntilComplete(() -> {
            loop.callSoon(() -> ran.add("callback"));
            Async.sleep(-1.0);
            ran.add("after sleep");
            return null;
        });
        assertEquals(List.of("callback", "after sleep"), ran);
    }

    @Test
    void currentTaskIsNullOutsideATask() {
        assertNull(Async.currentTask());
        AtomicReference<Object> inCallback = new AtomicReference<>("unset");
        loop.callSoon(() -> {
            inCallback.set(Async.currentTask());
            loop.stop();
        });
        runGuarded();
        assertNull(inCallback.get());
    }

    @Test
    void allTasksListsTheUnfinishedTasks() {
        LoopFuture<String> gate = loop.createFuture();
        Task<String> waiting = loop.createTask("waiting", gate::await);
        Object[] seen = new Object[1];
        loop.runUntilComplete(() -> {
            seen[0] = Async.allTasks();
            gate.setResult("open");
            return null;
        });
        assertTrue(((java.util.Set<?>) seen[0]).contains(waiting));
        loop.runUntilComplete(waiting);
        assertEquals(0, Async.allTasks(loop).size());
    }

    @Test
    void allTasksOfALoopListsItsPendingTasksWhileItIsNotRunning() {
        LoopFuture<String> gate = loop.createFuture();
        Task<String> waiting = loop.createTask("waiting", gate::await);
        assertEquals(java.util.Set.of(waiting), Async.allTasks(loop));
        gate.setResult("open");
        loop.runUntilComplete(waiting);
        assertEquals(java.util.Set.of(), Async.allTasks(loop));
    }

    @Test
    void allTasksOfALoopRunningOnAnotherThreadIsRefused() throws Exception {
        LoopFuture<Void> release = loop.createFuture();
        java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
        loop.callSoon(running::countDown);
        Thread runner = new Thread(() -> {
            loop.runUntilComplete(release);
            loop.close(); // on the thread it is bound to
        });
        runner.start();
        running.await();
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Async.allTasks(loop));
            assertTrue(e.getMessage().contains("another thread"), e.getMessage());
        } finally {
            loop.callSoonThreadsafe(() -> release.setResult(null));
            runner.join();
        }
    }

    @Test
    void allTasksOfALoopEvloopDidNotMakeIsRefused() {
        EventLoop foreign = (EventLoop) java.lang.reflect.Proxy.newProxyInstance(EventLoop.class.getClassLoader(),
                new Class<?>[] {EventLoop.class}, (proxy, method, args) -> {
                    throw new UnsupportedOperationException(method.getName());
                });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Async.allTasks(foreign));
        assertTrue(e.getMessage().startsWith("loop: not an evloop event loop"), e.getMessage());
    }

    @Test
    void aTaskHasANameThatShowsInItsDescription() {
        Task<Integer> t = loop.createTask("worker-1", () -> 1);
        assertEquals("worker-1", t.getName());
        assertTrue(t.toString().contains("worker-1"), t.toString());
        loop.runUntilComplete(t);
        assertTrue(loop.createTask(() -> 2).getName().startsWith("Task-"));
    }

    @Test
    void inDebugModeATaskRecordsWhereItWasCreated() {
        loop.setDebug(true);
        Task<Integer> t = loop.createTask(() -> 1);
        assertTrue(t.toString().contains("TaskTest.inDebugModeATaskRecordsWhereItWasCreated"), t.toString());
        loop.runUntilComplete(t);
    }

    @Test
    void spawnStartsAnotherTaskOnTheSameLoop() {
        int sum = loop.runUntilComplete(() -> {
            Task<Integer> a = Async.spawn(() -> 1);
            Task<Integer> b = Async.spawn("b", () -> 2);
            return a.await() + b.await();
        });
        assertEquals(3, sum);
    }

    @Test
    void aMillionYieldRoundTripsComplete() {
        int rounds = 1_000_000;
        int done = loop.runUntilComplete(() -> {
            int i = 0;
            for (; i < rounds; i++) {
                Async.yieldNow();
            }
            return i;
        });
        assertEquals(rounds, done);
    }

    @Test
    void aHundredThousandTasksSleepingAndYieldingAllComplete() {
        int count = 100_000;
        java.util.Random random = new java.util.Random(3);
        int[] finished = new int[1];
        List<Task<?>> all = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long millis = 1 + random.nextInt(5);
            all.add(loop.createTask(() -> {
                Async.sleep(Duration.ofMillis(millis));
                Async.yieldNow();
                finished[0]++;
                return null;
            }));
        }
        loop.runUntilComplete(() -> {
            for (Task<?> t : all) {
                t.await();
            }
            return null;
        });
        assertEquals(count, finished[0]);
        assertEquals(0, Async.allTasks(loop).size(), "finished tasks are forgotten");
        assertEquals(0, loop.metrics().scheduledTimers(), "no sleep leaves a timer behind");
        all.clear();
        System.gc();
        Runtime rt = Runtime.getRuntime();
        long usedMb = (rt.totalMemory() - rt.freeMemory()) >> 20;
        assertTrue(usedMb < 256, () -> usedMb + " MiB still used after the tasks finished");
    }

    @Test
    void awaitOnTheLoopThreadOutsideATaskFailsInsteadOfDeadlocking() {
        LoopFuture<String> f = loop.createFuture();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        loop.callSoon(() -> {
            try {
                f.await();
            } catch (Throwable e) {
                failure.set(e);
            }
            loop.stop();
        });
        runGuarded();
        assertTrue(failure.get() instanceof IllegalStateException, String.valueOf(failure.get()));
        assertTrue(failure.get().getMessage().contains("deadlock"), failure.get().getMessage());
    }

    @Test
    void awaitOutsideATaskOnAnotherThreadFailsPointingToGet() {
        LoopFuture<String> f = loop.createFuture();
        IllegalStateException e = assertThrows(IllegalStateException.class, f::await);
        assertTrue(e.getMessage().contains("get()"), e.getMessage());
    }

    @Test
    void awaitingAFutureOfAnotherLoopFails() {
        try (EventLoop other = EventLoops.newEventLoop(backend())) {
            LoopFuture<String> foreign = other.createFuture();
            Task<String> t = loop.createTask(foreign::await);
            assertThrows(IllegalArgumentException.class, () -> loop.runUntilComplete(t));
        }
    }

    @Test
    void asyncSleepOutsideATaskFails() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Async.sleep(Duration.ofMillis(1)));
        assertTrue(e.getMessage().contains("inside a task"), e.getMessage());
        assertThrows(IllegalStateException.class, Async::yieldNow);
    }

    @Test
    void aNullCallableIsRejectedNamingTheArgument() {
        assertEquals("callable", assertThrows(NullPointerException.class, () -> loop.createTask(null)).getMessage());
        assertEquals("callable", assertThrows(NullPointerException.class,
                () -> loop.runUntilComplete((java.util.concurrent.Callable<Object>) null)).getMessage());
    }

    @Test
    void runningTheLoopInsideOneOfItsTasksFails() {
        Task<?> t = loop.createTask(() -> loop.runUntilComplete(() -> 1));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.runUntilComplete(t));
        assertTrue(e.getMessage().contains("already running"), e.getMessage());
    }

    @Test
    void closingALoopWithPendingTasksReportsThem() {
        List<String> reported = new ArrayList<>();
        loop.setExceptionHandler((l, c) -> reported.add(c.message() + " " + c.get("task")));
        LoopFuture<String> never = loop.createFuture();
        loop.createTask("stuck", never::await);
        loop.runOnce(false);
        loop.close();
        assertEquals(1, reported.size(), reported::toString);
        assertTrue(reported.get(0).startsWith("Task was destroyed but it is pending!"), reported.get(0));
        assertTrue(reported.get(0).contains("stuck"), reported.get(0));
    }
}
