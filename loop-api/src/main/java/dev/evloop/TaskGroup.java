package dev.evloop;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.function.Function;

/**
 * Structured concurrency for tasks: the children spawned into a group finish before the group
 * does. Mirrors {@code asyncio.TaskGroup}.
 *
 * <pre>{@code
 * List<String> pages = TaskGroup.run(group -> {
 *     Task<String> a = group.spawn(() -> fetch("a"));
 *     Task<String> b = group.spawn(() -> fetch("b"));
 *     return List.of(a, b);
 * }).stream().map(Task::result).toList();
 *
 * try (TaskGroup group = new TaskGroup()) {     // the same, as a try-with-resources block
 *     group.spawn(() -> fetch("a"));
 * }
 * }</pre>
 *
 * <h2>asyncio's rules</h2>
 * The first child to fail (with anything but a cancellation) cancels its siblings and the body;
 * closing the group waits for every child; then all the failures come out together in one
 * {@link TaskGroupException}. The body, interrupted at its current or next await, sees that
 * exception rather than a bare cancellation, so it propagates from the block as it should.
 * A cancellation is never one of the failures: if the task is cancelled from outside and a child
 * fails too, the {@code TaskGroupException} comes out, and the cancellation stays requested and
 * raises at the task's next await, as asyncio keeps it with {@code uncancel(); cancel()}.
 * Spawning into a group that is closing or closed fails. Where a cancellation cleans up as it
 * goes (a condition taking its lock back, {@code serveForever} closing its server, a connection,
 * server or child process being opened), that exception cleans up alike.
 *
 * <p>{@link #run(Function)} also cancels the children when the body itself throws, and adds the
 * body's exception to the group's. A try-with-resources block cannot: Java's {@code close()}
 * does not see the body's exception, so there the children run to completion first.
 *
 * <p>A group belongs to the task that created it, and is used inside that task.
 */
public final class TaskGroup implements AutoCloseable {
    private final Task<?> parent;
    private final Set<Task<?>> children = new LinkedHashSet<>();
    private TaskGroupException failure;
    /** The body was told of the failure through an abort of its task. */
    private boolean aborted;
    private boolean closing;
    private boolean closed;

    /**
     * Opens a group owned by the current task. Mirrors {@code async with asyncio.TaskGroup()}.
     *
     * @throws IllegalStateException if not called inside a task
     */
    public TaskGroup() {
        Task<?> task = Task.current();
        if (task == null) {
            throw new IllegalStateException("a TaskGroup is opened inside a task");
        }
        this.parent = task;
    }

    /**
     * Runs a body with a fresh group and closes it, with the full rules: a failing child or body
     * cancels everything else, and all the failures come out together.
     *
     * <p><b>Cancel safety.</b> If the task is cancelled while the body or the closing waits, the
     * children are cancelled, and the cancellation is raised once they are all done: no child
     * outlives the call.
     *
     * @param body what to do with the group; its result is returned
     * @param <T>  the result type
     * @return the body's result
     * @throws TaskGroupException if a child, or the body, failed, also when the body caught the
     *         group's exception and returned
     * @throws NullPointerException if {@code body} is null
     * @throws IllegalStateException if not called inside a task
     */
    public static <T> T run(Function<TaskGroup, T> body) {
        Objects.requireNonNull(body, "body");
        TaskGroup group = new TaskGroup();
        T result;
        try {
            result = body.apply(group);
        } catch (RuntimeException | Error e) {
            if (e == group.failure || e instanceof CancellationException) {
                // A cancellation is not a failure: asyncio's __aexit__ leaves CancelledError out of
                // the group's errors, and raises those, if any, in its place.
                if (e != group.failure) {
                    group.cancelChildren(); // cancelled from outside: the children go too
                }
                group.close();
                if (group.failure != null) {
                    throw group.failure;
                }
                throw e;
            }
            group.bodyFailed(e);
            group.close();
            // The body's exception is among the group's failures, also when the body raised it in
            // place of the group's exception it had been told of (close() does not throw that one).
            throw group.failure;
        }
        group.close();
        if (group.failure != null) {
            throw group.failure; // the body caught the group's exception it was told of, and returned
        }
        return result;
    }

    /**
     * Starts a child task in the group. Mirrors {@code TaskGroup.create_task}.
     *
     * @param callable the child's function
     * @param <T>      its result type
     * @return the child task
     * @throws NullPointerException if {@code callable} is null
     * @throws IllegalStateException if the group is closing or closed, or a child has failed
     */
    public <T> Task<T> spawn(Callable<T> callable) {
        return spawn(null, callable);
    }

    /**
     * Starts a named child task in the group.
     *
     * @param name     the child's name, or {@code null}
     * @param callable the child's function
     * @param <T>      its result type
     * @return the child task
     * @throws NullPointerException if {@code callable} is null
     * @throws IllegalStateException if the group is closing or closed, or a child has failed
     */
    public <T> Task<T> spawn(String name, Callable<T> callable) {
        Objects.requireNonNull(callable, "callable");
        if (closed || closing) {
            throw new IllegalStateException("this TaskGroup is " + (closed ? "finished" : "closing") + ": it takes no more tasks");
        }
        if (failure != null) {
            throw new IllegalStateException("this TaskGroup is shutting down: a child failed", failure);
        }
        Task<T> child = parent.taskLoop().createTask(name, callable);
        children.add(child);
        child.addDoneCallback(this::childDone);
        return child;
    }

    /**
     * Waits for every child, then throws the group's failures, if any, together.
     *
     * <p><b>Cancel safety.</b> If the task is cancelled while it waits, the children are cancelled too, and
     * the cancellation is raised once they are all done: no child outlives the block.
     *
     * @throws TaskGroupException if a child failed, unless the body already raised it
     * @throws CancellationException if the task was cancelled while waiting and no child failed
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closing = true;
        int cancelledBefore = parent.cancelling();
        boolean cancelledWhileClosing = false;
        try {
            for (Task<?> child : children) {
                while (!child.isDone()) {
                    try {
                        child.await();
                    } catch (CancellationException e) {
                        if (parent.cancelling() > cancelledBefore) {
                            cancelledWhileClosing = true;
                            cancelChildren();
                        }
                    } catch (RuntimeException | Error e) {
                        // recorded by childDone
                    }
                }
            }
        } finally {
            closed = true;
        }
        if (failure != null) {
            boolean raisedInBody = aborted && !parent.withdrawAbort();
            keepCancellationFromOutside();
            if (!raisedInBody) {
                throw failure;
            }
            return; // the failures take priority over a cancellation while closing, as in asyncio
        }
        if (cancelledWhileClosing) {
            throw new CancellationException("cancelled while closing a TaskGroup");
        }
    }

    private void childDone(LoopFuture<?> child) {
        if (child.isCancelled()) {
            return;
        }
        Throwable error = child.exception();
        if (error == null) {
            return;
        }
        if (failure == null) {
            failure = new TaskGroupException(error);
            cancelChildren();
            if (!closing) {
                aborted = true;
                parent.abort(failure); // close() will throw it otherwise
            }
        } else {
            failure.add(error);
        }
    }

    /**
     * The group's exception goes out in place of a cancellation of the task from outside, which
     * must not be lost: as asyncio's {@code uncancel(); cancel()} when its errors win, the request
     * stays counted and raises at the task's next await.
     */
    private void keepCancellationFromOutside() {
        if (parent.cancelling() > 0) {
            parent.uncancel();
            parent.cancel();
        }
    }

    private void bodyFailed(Throwable e) {
        if (failure == null) {
            failure = new TaskGroupException(e);
        } else {
            failure.add(e);
        }
        cancelChildren();
    }

    private void cancelChildren() {
        for (Task<?> child : children) {
            child.cancel();
        }
    }
}
