package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.Task;
import dev.evloop.TaskGroup;
import dev.evloop.TaskGroupException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

/** TaskGroup: asyncio.TaskGroup's rules. */
class TaskGroupTest extends BackendTest {

    @Test
    void closingTheGroupWaitsForEveryChild() {
        List<String> ran = new ArrayList<>();
        loop.runUntilComplete(() -> {
            try (TaskGroup group = new TaskGroup()) {
                group.spawn(() -> {
                    Async.sleep(Duration.ofMillis(10));
                    ran.add("slow child");
                    return null;
                });
                group.spawn(() -> {
                    ran.add("fast child");
                    return null;
                });
            }
            ran.add("after the group");
            return null;
        });
        assertEquals(List.of("fast child", "slow child", "after the group"), ran);
    }

    @Test
    void runReturnsTheBodysResultOnceTheChildrenAreDone() {
        int sum = loop.runUntilComplete(() -> {
            List<Task<Integer>> tasks = TaskGroup.run(group -> List.of(group.spawn(() -> 1), group.spawn(() -> 2)));
            return tasks.get(0).result() + tasks.get(1).result();
        });
        assertEquals(3, sum);
    }

    @Test
    void theFirstFailureCancelsTheSiblingsAndTheBodyAndComesOutOfTheBlock() {
        IllegalStateException boom = new IllegalStateException("boom");
        List<String> ran = new ArrayList<>();
        Task<?>[] sibling = new Task<?>[1];
        Throwable thrown = loop.runUntilComplete(() -> {
            try (TaskGroup group = new TaskGroup()) {
                sibling[0] = group.spawn(() -> {
                    Async.sleep(Duration.ofHours(1));
                    return null;
                });
                group.spawn(() -> {
                    throw boom;
                });
                Async.sleep(Duration.ofHours(1)); // the body is interrupted here
                ran.add("body finished");
            } catch (TaskGroupException e) {
                return e;
            }
            return null;
        });
        assertTrue(thrown instanceof TaskGroupException, String.valueOf(thrown));
        assertEquals(List.of(boom), ((TaskGroupException) thrown).failures());
        assertTrue(sibling[0].isCancelled());
        assertEquals(List.of(), ran);
    }

    @Test
    void allFailuresComeOutTogether() {
        TaskGroupException e = loop.runUntilComplete(() -> {
            try {
                TaskGroup.run(group -> {
                    group.spawn(() -> {
                        throw new IllegalStateException("one");
                    });
                    group.spawn(() -> {
                        throw new IllegalArgumentException("two");
                    });
                    return null;
                });
                return null;
            } catch (TaskGroupException failure) {
                return failure;
            }
        });
        assertEquals(List.of("one", "two"), e.failures().stream().map(Throwable::getMessage).toList());
        assertEquals(2, e.getSuppressed().length);
    }

    @Test
    void aFailureAfterTheBodyEndedComesOutOfClose() {
        TaskGroupException e = loop.runUntilComplete(() -> {
            try (TaskGroup group = new TaskGroup()) {
                group.spawn(() -> {
                    Async.sleep(Duration.ofMillis(5));
                    throw new IllegalStateException("late");
                });
            } catch (TaskGroupException failure) {
                return failure;
            }
            return null;
        });
        assertEquals("late", e.failures().get(0).getMessage());
        assertEquals(0, loop.runUntilComplete(() -> Async.currentTask().cancelling()), "nothing is left pending");
    }

    @Test
    void aBodyThatRaisesItsOwnExceptionInsteadOfTheGroupsRaisesBothTogether() {
        TaskGroupException e = loop.runUntilComplete(() -> {
            try {
                TaskGroup.run(group -> {
                    group.spawn(() -> {
                        throw new IllegalStateException("child");
                    });
                    try {
                        Async.sleep(Duration.ofDays(1));
                    } catch (TaskGroupException childFailed) {
                        throw new IllegalArgumentException("body");
                    }
                    return null;
                });
            } catch (TaskGroupException failure) {
                return failure;
            }
            return null;
        });
        assertEquals(List.of("child", "body"), e.failures().stream().map(Throwable::getMessage).toList());
    }

    @Test
    void aBodyFailureInRunCancelsTheChildren() {
        Task<?>[] child = new Task<?>[1];
        TaskGroupException e = loop.runUntilComplete(() -> {
            try {
                TaskGroup.run(group -> {
                    child[0] = group.spawn(() -> {
                        Async.sleep(Duration.ofHours(1));
                        return null;
                    });
                    throw new IllegalStateException("body");
                });
                return null;
            } catch (TaskGroupException failure) {
                return failure;
            }
        });
        assertEquals("body", e.failures().get(0).getMessage());
        assertTrue(child[0].isCancelled());
    }

    @Test
    void cancellingTheOwnerWhileClosingCancelsTheChildren() {
        Task<?>[] child = new Task<?>[1];
        Task<?> owner = loop.createTask(() -> {
            try (TaskGroup group = new TaskGroup()) {
                child[0] = group.spawn(() -> {
                    Async.sleep(Duration.ofHours(1));
                    return null;
                });
            }
            return null;
        });
        loop.callLater(0.01, owner::cancel);
        assertThrows(CancellationException.class, () -> loop.runUntilComplete(owner));
        assertTrue(child[0].isCancelled());
    }

    /**
     * Runs a group whose body, told of its child's failure, is cancelled from outside (its task is
     * {@code owner[0]}) while it cleans up.
     */
    private Object runGroupCancelledWhileCleaningUpAfter(RuntimeException failure, Task<?>[] owner) {
        return TaskGroup.run(group -> {
            group.spawn(() -> {
                throw failure;
            });
            try {
                Async.sleep(Duration.ofHours(1)); // the group's exception ends this
            } finally {
                loop.callSoon(owner[0]::cancel);
                Async.sleep(Duration.ofHours(1)); // the clean-up, which the cancellation ends
            }
            return null;
        });
    }

    @Test
    void aCancellationFromOutsideAfterAChildFailedIsNotAmongTheFailures() {
        IllegalStateException boom = new IllegalStateException("boom");
        Task<?>[] owner = new Task<?>[1];
        owner[0] = loop.createTask(() -> runGroupCancelledWhileCleaningUpAfter(boom, owner));
        TaskGroupException e = assertThrows(TaskGroupException.class, () -> loop.runUntilComplete(owner[0]));
        assertEquals(List.of(boom), e.failures());
    }

    @Test
    void aCancellationFromOutsideThatTheGroupsFailuresReplacedRaisesAtTheTasksNextAwait() {
        IllegalStateException boom = new IllegalStateException("boom");
        Task<?>[] owner = new Task<?>[1];
        owner[0] = loop.createTask(() -> {
            try {
                runGroupCancelledWhileCleaningUpAfter(boom, owner);
            } catch (TaskGroupException expected) {
                // the group's failures came out; the cancellation is still to come
            }
            Async.yieldNow();
            return "the cancellation was lost";
        });
        assertThrows(CancellationException.class, () -> loop.runUntilComplete(owner[0]));
    }

    @Test
    void runRaisesTheGroupsFailuresEvenWhenTheBodyCaughtThemAndReturned() {
        IllegalStateException boom = new IllegalStateException("boom");
        TaskGroupException e = assertThrows(TaskGroupException.class, () -> loop.runUntilComplete(
                () -> TaskGroup.run(group -> {
                    group.spawn(() -> {
                        throw boom;
                    });
                    try {
                        Async.sleep(Duration.ofHours(1));
                    } catch (TaskGroupException told) {
                        return "the body went on";
                    }
                    return "not reached";
                })));
        assertEquals(List.of(boom), e.failures());
    }

    @Test
    void spawningIntoAFinishedGroupFails() {
        IllegalStateException e = loop.runUntilComplete(() -> {
            TaskGroup group = new TaskGroup();
            group.close();
            try {
                group.spawn(() -> 1);
                return null;
            } catch (IllegalStateException failure) {
                return failure;
            }
        });
        assertTrue(e.getMessage().contains("finished"), e.getMessage());
    }

    @Test
    void aGroupIsOpenedInsideATask() {
        assertThrows(IllegalStateException.class, TaskGroup::new);
    }
}
