package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.DefaultEventLoopPolicy;
import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.ForwardingEventLoop;
import dev.evloop.Handle;
import dev.evloop.LoopFuture;
import dev.evloop.LoopGroup;
import dev.evloop.LoopObserver;
import dev.evloop.Runner;
import dev.evloop.Task;
import dev.evloop.TimerHandle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A loop of one's own on top of evloop's ({@link ForwardingEventLoop}): it is the loop everyone
 * sees, and the calls evloop makes on a user's behalf go through it, as asyncio's go through
 * {@code self}.
 */
class ForwardingEventLoopTest extends BackendTest {

    /** Records every scheduling call it sees, by the callback's description. */
    static final class Recording extends ForwardingEventLoop {
        final List<String> calls = new ArrayList<>();

        Recording(EventLoop loop) {
            super(loop);
        }

        @Override
        public Handle callSoon(Runnable callback) {
            calls.add("callSoon " + callback);
            return super.callSoon(callback);
        }

        @Override
        public Handle callSoonThreadsafe(Runnable callback) {
            calls.add("callSoonThreadsafe " + callback);
            return super.callSoonThreadsafe(callback);
        }

        @Override
        public TimerHandle callLater(Duration delay, Runnable callback) {
            calls.add("callLater");
            return super.callLater(delay, callback);
        }

        @Override
        public <T> Task<T> createTask(String name, Callable<T> callable) {
            calls.add("createTask " + name);
            return super.createTask(name, callable);
        }

        @Override
        public <T> Task<T> createTask(Callable<T> callable) {
            return createTask(null, callable);
        }

        long count(String prefix) {
            return calls.stream().filter(c -> c.startsWith(prefix)).count();
        }
    }

    @Test
    void theRunningLoopSeenFromATaskIsTheDecorator() {
        Recording mine = new Recording(loop);
        List<EventLoop> seen = mine.runUntilComplete(() -> List.of(EventLoops.getRunningLoop(), Async.currentLoop(),
                Async.currentTask().loop(), Async.currentLoop().createFuture().loop()));
        for (EventLoop l : seen) {
            assertSame(mine, l);
        }
    }

    @Test
    void theRunningLoopSeenFromACallbackIsTheDecorator() {
        Recording mine = new Recording(loop);
        List<EventLoop> seen = new ArrayList<>();
        mine.callSoon(() -> {
            seen.add(EventLoops.getRunningLoop());
            seen.add(EventLoops.getEventLoop());
        });
        mine.runOnce();
        assertEquals(List.of(mine, mine), seen);
    }

    @Test
    void theExceptionHandlerIsGivenTheDecorator() {
        Recording mine = new Recording(loop);
        List<EventLoop> seen = new ArrayList<>();
        mine.setExceptionHandler((l, context) -> seen.add(l));
        mine.callSoon(() -> {
            throw new IllegalStateException("a faulty callback");
        });
        mine.runOnce();
        assertEquals(List.of(mine), seen);
    }

    @Test
    void theObserverIsGivenTheDecorator() {
        Recording mine = new Recording(loop);
        Set<EventLoop> seen = new HashSet<>();
        mine.setObserver(new LoopObserver() {
            @Override
            public void iterationStarted(EventLoop l) {
                seen.add(l);
            }

            @Override
            public void beforePoll(EventLoop l, long timeoutNanos) {
                seen.add(l);
            }

            @Override
            public void afterPoll(EventLoop l, long waitedNanos, int events) {
                seen.add(l);
            }

            @Override
            public void callbackStarted(EventLoop l, Handle handle) {
                seen.add(l);
            }

            @Override
            public void callbackEnded(EventLoop l, Handle handle, long tookNanos) {
                seen.add(l);
            }

            @Override
            public void iterationEnded(EventLoop l, int callbacksRun) {
                seen.add(l);
            }
        });
        mine.callSoon(() -> { });
        mine.runOnce();
        assertEquals(Set.of(mine), seen);
    }

    @Test
    void everyStepOfATaskGoesThroughTheDecoratorsCallSoon() {
        Recording mine = new Recording(loop);
        Task<Void> t = mine.createTask("stepper", () -> {
            Async.yieldNow();
            Async.yieldNow();
            return null;
        });
        mine.runUntilComplete(t);
        // The first step is scheduled before the loop runs, so from outside it: callSoonThreadsafe.
        assertEquals(List.of("callSoonThreadsafe step of task stepper", "callSoon step of task stepper",
                        "callSoon step of task stepper"),
                mine.calls.stream().filter(c -> c.endsWith("step of task stepper")).toList());
    }

    @Test
    void aTaskWokenByAFutureStepsThroughTheDecorator() {
        Recording mine = new Recording(loop);
        LoopFuture<String> reply = mine.createFuture();
        Task<String> t = mine.createTask("waiter", reply::await);
        mine.runOnce(); // the first step: the task now awaits
        mine.callSoon(() -> {
            mine.calls.clear();
            reply.setResult("hello");
        });
        assertEquals("hello", mine.runUntilComplete(t));
        assertEquals(1, mine.calls.stream().filter(c -> c.equals("callSoon step of task waiter")).count(),
                mine.calls::toString);
    }

    @Test
    void doneCallbacksGoThroughTheDecoratorsCallSoon() {
        Recording mine = new Recording(loop);
        LoopFuture<String> f = mine.createFuture();
        List<String> got = new ArrayList<>();
        f.addDoneCallback(done -> got.add(done.result()));
        mine.callSoon(() -> {
            mine.calls.clear();
            f.setResult("x");
        });
        mine.runOnce();
        assertEquals(1, mine.count("callSoon "), mine.calls::toString);
        mine.runOnce();
        assertEquals(List.of("x"), got);
    }

    @Test
    void doneCallbacksCompletedFromAnotherThreadGoThroughCallSoonThreadsafe() throws Exception {
        Recording mine = new Recording(loop);
        LoopFuture<String> f = mine.createFuture();
        f.addDoneCallback(done -> { });
        Thread other = Thread.ofPlatform().start(() -> f.setResult("x"));
        other.join(GUARD.toMillis());
        assertEquals(1, mine.count("callSoonThreadsafe "), mine.calls::toString);
        mine.runUntilComplete(f);
    }

    @Test
    void spawnAndRunUntilCompleteGoThroughTheDecoratorsCreateTask() {
        Recording mine = new Recording(loop);
        mine.runUntilComplete(() -> Async.spawn("child", () -> 1).await());
        assertEquals(List.of("createTask null", "createTask child"),
                mine.calls.stream().filter(c -> c.startsWith("createTask")).toList());
    }

    @Test
    void sleepGoesThroughTheDecoratorsCallLater() {
        Recording mine = new Recording(loop);
        mine.runUntilComplete(() -> {
            Async.sleep(Duration.ofMillis(1));
            return null;
        });
        assertEquals(1, mine.count("callLater"), mine.calls::toString);
    }

    @Test
    void decoratorsStackAndEachSeesEveryCallOnce() {
        Recording inner = new Recording(loop);
        Recording outer = new Recording(inner);
        assertSame(outer, outer.runUntilComplete(Async::currentLoop));
        assertEquals(outer.calls, inner.calls);
        assertTrue(outer.calls.stream().anyMatch(c -> c.contains(" step of task ")), outer.calls::toString);
    }

    @Test
    void aLoopAlreadyDecoratedCannotBeDecoratedAgainUnderneath() {
        new Recording(loop);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Recording(loop));
        assertTrue(e.getMessage().startsWith("delegate: this loop is already decorated"), e.getMessage());
    }

    @Test
    void aRunningLoopCannotBeDecorated() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> loop.runUntilComplete(() -> new Recording(Async.currentLoop())));
        assertEquals("cannot decorate a running event loop", e.getMessage());
    }

    @Test
    void aClosedLoopCannotBeDecorated() {
        loop.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Recording(loop));
        assertEquals("event loop is closed", e.getMessage());
    }

    @Test
    void aLoopWithUnfinishedTasksCannotBeDecorated() {
        Task<Integer> pending = loop.createTask(() -> 1);
        assertThrows(IllegalStateException.class, () -> new Recording(loop));
        loop.runUntilComplete(pending);
    }

    @Test
    void closingTheDecoratorClosesTheLoopAndItRefusesNewWork() {
        Recording mine = new Recording(loop);
        mine.close();
        assertTrue(loop.isClosed());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> mine.callSoon(() -> { }));
        assertEquals("event loop is closed", e.getMessage());
    }

    @Test
    void runAndRunnerAcceptADecoratorFromTheLoopFactory() {
        loop.close();
        String backend = backend();
        assertEquals(Recording.class, EventLoops.run(() -> Async.currentLoop().getClass(),
                () -> new Recording(EventLoops.newEventLoop(backend))));
        try (Runner runner = new Runner(() -> new Recording(EventLoops.newEventLoop(backend)))) {
            assertSame(runner.loop(), runner.run(Async::currentLoop));
            assertSame(runner.loop(), runner.run(() -> Async.currentTask().loop()));
        }
    }

    @Test
    void aPolicyMayMakeDecoratorsAndHoldOneAsTheCurrentLoop() {
        loop.close();
        String backend = backend();
        EventLoops.setPolicy(new DefaultEventLoopPolicy(backend) {
            @Override
            public EventLoop newEventLoop() {
                return new Recording(super.newEventLoop());
            }
        });
        try (Runner runner = new Runner()) {
            EventLoop made = runner.loop();
            assertTrue(made instanceof Recording);
            assertSame(made, EventLoops.getEventLoop());
            assertSame(made, runner.run(Async::currentLoop));
        }
    }

    @Test
    void aLoopGroupRunsTheDecoratorsItsPolicyMakes() throws Exception {
        String backend = backend();
        EventLoops.setPolicy(new DefaultEventLoopPolicy(backend) {
            @Override
            public EventLoop newEventLoop() {
                return new Recording(super.newEventLoop());
            }
        });
        try (LoopGroup group = new LoopGroup(2)) {
            assertEquals(Recording.class,
                    group.submit(() -> Async.currentLoop().getClass()).get(GUARD.toSeconds(), TimeUnit.SECONDS));
        }
    }

    @Test
    void aLoopEvloopDidNotMakeIsStillRefused() {
        EventLoop foreign = (EventLoop) java.lang.reflect.Proxy.newProxyInstance(EventLoop.class.getClassLoader(),
                new Class<?>[] {EventLoop.class}, (proxy, method, args) -> {
                    throw new UnsupportedOperationException(method.getName());
                });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Recording(foreign));
        assertTrue(e.getMessage().startsWith("loop: not an evloop event loop"), e.getMessage());
    }

    @Test
    void theDecoratorForwardsEveryMethodOfEventLoop() {
        List<String> missing = new ArrayList<>();
        for (Method m : EventLoop.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            try {
                Method declared = ForwardingEventLoop.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
                if (Modifier.isAbstract(declared.getModifiers())) {
                    missing.add(m.toString());
                }
            } catch (NoSuchMethodException e) {
                missing.add(m.toString());
            }
        }
        assertEquals(List.of(), missing);
    }
}
