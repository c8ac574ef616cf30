package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.LoopFuture;
import dev.evloop.Task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Where each task waits: Task.getStack and printStack, and a dump of every task of a loop. */
class TaskStacksTest extends BackendTest {

    @Test
    void aSuspendedTasksStackNamesWhereItAwaits() {
        LoopFuture<Void> gate = loop.createFuture();
        Task<Void> waiter = loop.createTask("waiter", () -> waitAtTheGate(gate));
        loop.runOnce(false);
        loop.runOnce(false);
        List<StackTraceElement> stack = waiter.getStack();
        assertTrue(stack.stream().anyMatch(f -> f.getMethodName().equals("waitAtTheGate")), stack::toString);
        gate.setResult(null);
        loop.runUntilComplete(waiter);
    }

    @Test
    void aSuspendedTasksInnermostFrameIsItsWaitNotTheHandOffToTheLoop() {
        LoopFuture<Void> gate = loop.createFuture();
        Task<Void> waiter = loop.createTask(() -> waitAtTheGate(gate));
        loop.runOnce(false);
        List<StackTraceElement> stack = waiter.getStack();
        String innermost = stack.get(0).getClassName();
        assertTrue(innermost.startsWith("dev.evloop.") && !innermost.startsWith("dev.evloop.internal.tasks."),
                stack::toString);
        gate.setResult(null);
        loop.runUntilComplete(waiter);
    }

    @Test
    void aRunningTasksStackIsWhereItRuns() {
        AtomicReference<List<StackTraceElement>> seen = new AtomicReference<>();
        Task<Void> self = loop.createTask("self", () -> {
            seen.set(Async.currentTask().getStack());
            return null;
        });
        loop.runUntilComplete(self);
        assertTrue(seen.get().stream().anyMatch(f -> f.getClassName().startsWith(TaskStacksTest.class.getName())),
                seen.get()::toString);
    }

    @Test
    void aDoneTaskHasNoStack() {
        Task<Integer> done = loop.createTask(() -> 1);
        loop.runUntilComplete(done);
        assertEquals(List.of(), done.getStack());
    }

    @Test
    void theStackLimitKeepsTheInnermostFrames() {
        LoopFuture<Void> gate = loop.createFuture();
        Task<Void> waiter = loop.createTask(() -> waitAtTheGate(gate));
        loop.runOnce(false);
        List<StackTraceElement> all = waiter.getStack();
        assertEquals(all.subList(0, 2), waiter.getStack(2));
        assertThrows(IllegalArgumentException.class, () -> waiter.getStack(-1), "limit");
        gate.setResult(null);
        loop.runUntilComplete(waiter);
    }

    @Test
    void printStackPrintsTheTaskAndItsFrames() {
        LoopFuture<Void> gate = loop.createFuture();
        Task<Void> waiter = loop.createTask("printed", () -> waitAtTheGate(gate));
        loop.runOnce(false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        waiter.printStack(new PrintStream(out, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("Stack for <Task printed"), text);
        assertTrue(text.contains("\tat " + TaskStacksTest.class.getName() + ".waitAtTheGate"), text);
        gate.setResult(null);
        loop.runUntilComplete(waiter);
    }

    @Test
    void theTaskDumpListsEveryPendingTaskWithStateAgeAndWhereItWaits() {
        LoopFuture<Void> gate = loop.createFuture();
        loop.createTask("sleeper", () -> {
            Async.sleep(Duration.ofSeconds(30));
            return null;
        });
        Task<Void> waiter = loop.createTask("waiter", () -> waitAtTheGate(gate));
        loop.createTask("finished", () -> null);
        loop.runOnce(false);
        loop.runOnce(false);
        String dump = loop.dumpTasks();
        assertTrue(dump.startsWith("Tasks of EventLoop[" + backend()), dump);
        assertTrue(dump.contains(": 2\n"), dump);
        assertTrue(dump.matches("(?s).*\nsleeper  suspended  age \\d+\\.\\d{3} s\n.*"), dump);
        assertTrue(dump.matches("(?s).*\nwaiter  suspended  age \\d+\\.\\d{3} s\n.*waitAtTheGate.*"), dump);
        assertTrue(!dump.contains("finished"), dump);
        gate.setResult(null);
        loop.runUntilComplete(waiter);
    }

    @Test
    void theTaskDumpRefusesAnotherThreadWhileTheLoopRuns() {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        loop.callSoon(() -> {
            Thread other = Thread.ofPlatform().start(() -> {
                try {
                    loop.dumpTasks();
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            try {
                other.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        loop.runOnce(false);
        assertTrue(failure.get() instanceof IllegalStateException, String.valueOf(failure.get()));
        assertTrue(failure.get().getMessage().contains("callSoonThreadsafe"), failure.get().getMessage());
    }

    @Test
    void aUserSignalCanLogTheTaskDump() {
        LoopFuture<Void> gate = loop.createFuture();
        Task<Void> waiter = loop.createTask("signalled", () -> waitAtTheGate(gate));
        loop.addSignalHandler("USR1", () -> {
            loop.logTaskDump();
            gate.setResult(null);
        });
        try (LogCapture log = new LogCapture()) {
            loop.callSoon(() -> ProcessSignals.raise("USR1"));
            loop.callLater(GUARD, () -> gate.cancel());
            loop.runUntilComplete(waiter);
            List<String> lines = log.lines();
            assertEquals(1, lines.size(), lines::toString);
            assertTrue(lines.get(0).startsWith("INFO Tasks of EventLoop["), lines.get(0));
            assertTrue(lines.get(0).contains("\nsignalled  suspended  age "), lines.get(0));
        } finally {
            loop.removeSignalHandler("USR1");
        }
    }

    private static Void waitAtTheGate(LoopFuture<Void> gate) {
        return gate.await();
    }
}
