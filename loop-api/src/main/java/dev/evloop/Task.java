package dev.evloop;

import dev.evloop.internal.CreationSite;
import dev.evloop.internal.LoopContext;
import dev.evloop.internal.LoopCore;
import dev.evloop.internal.tasks.Suspension;
import dev.evloop.internal.tasks.TaskRun;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A function running on an event loop that can pause to wait for a future without blocking the
 * loop: asyncio's {@code Task}. It is also the future of the function's result.
 *
 * <pre>{@code
 * Task<String> page = loop.createTask("fetch", () -> {
 *     Async.sleep(Duration.ofMillis(10));        // suspends this task only
 *     return "done";
 * });
 * System.out.println(loop.runUntilComplete(page));
 * }</pre>
 *
 * <p>A task is plain Java code: a {@link Callable} that calls {@link LoopFuture#await()},
 * {@link Async#sleep} and friends where asyncio code would say {@code await}. Each task is a
 * virtual thread that only ever runs on its loop's thread, between callbacks, one step at a time,
 * so tasks and callbacks never race (see {@link TaskMode}). The first step runs on the loop's next
 * iteration, never inside {@code createTask}.
 *
 * <h2>Cancellation</h2>
 * {@link #cancel()} raises a {@link CancellationException} in the task at the point where it
 * waits: inside {@code await()} or {@code sleep}, by cancelling the future it awaits (so a
 * {@linkplain Async#shield shielded} future keeps running), or at its next wait if it is running
 * or ready to run. In fast mode a task blocked in a JDK call is interrupted instead, and a task
 * that ends with the {@link InterruptedException} counts as cancelled. {@code finally} blocks run;
 * a task may catch the exception and go on, as in asyncio. A task whose function lets a
 * {@code CancellationException} out is cancelled. A task cancelled while it awaits another task
 * cancels that task too, and resumes once it has finished: see {@link LoopFuture#await()}.
 *
 * @param <T> the result type
 */
public class Task<T> extends LoopFuture<T> {
    private static final AtomicLong COUNTER = new AtomicLong();

    static {
        Suspension.install(Task::awaitSuspension);
    }

    private final Callable<T> body;
    private final TaskRun run;
    private final CreationSite createdAt;
    private final Runnable wake;
    private volatile String name;

    // Touched only by whoever holds the loop: the loop thread or the task itself.
    private LoopFuture<?> waitingOn;
    /** The suspension this task waits on, as {@link #waitingOn} for a future. */
    private Suspension suspendedOn;
    private boolean mustCancel;
    private String cancelMessage;
    /** What the next await raises instead of a CancellationException, when a group aborted us. */
    private RuntimeException abortWith;
    private int cancelRequests;

    /**
     * Creates a task and schedules its first step; {@link EventLoop#createTask} is the usual way.
     * Mirrors {@code asyncio.Task(coro, loop=loop, name=name)}.
     *
     * @param loop the loop to run on: one of evloop's, or a {@link ForwardingEventLoop} around one
     * @param name the task's name, or {@code null} for {@code "Task-N"}
     * @param body the function
     * @throws NullPointerException if {@code loop} or {@code body} is null
     * @throws IllegalArgumentException if evloop did not make the loop
     * @throws IllegalStateException if the loop is closed, or runs on another thread
     */
    public Task(EventLoop loop, String name, Callable<T> body) {
        this(loop, name, body, false);
    }

    /**
     * Creates a task that, with {@code eagerStart} on a running loop, runs its function at once, in
     * this constructor, up to its first suspension; otherwise as
     * {@link #Task(EventLoop, String, Callable)}. Mirrors
     * {@code asyncio.Task(coro, loop=loop, name=name, eager_start=True)} (3.12);
     * {@link TaskFactory#eager()} makes every task of a loop so, and says how eager tasks behave.
     *
     * <pre>{@code
     * Task<String> t = new Task<>(Async.currentLoop(), "quick", () -> "done", true);
     * assert t.isDone();   // it never suspended
     * }</pre>
     *
     * <p>A subclass's fields are not set yet while an eager first step runs, as in asyncio.
     *
     * @param loop       the loop to run on
     * @param name       the task's name, or {@code null} for {@code "Task-N"}
     * @param body       the function
     * @param eagerStart whether the first step runs now when the loop runs
     * @throws NullPointerException if {@code loop} or {@code body} is null
     * @throws IllegalArgumentException if evloop did not make the loop
     * @throws IllegalStateException if the loop is closed, or runs on another thread
     */
    // The loop gets this task before a subclass's constructor has run. A lazy task's first step
    // runs on a later iteration of the loop, on this same thread (taskCreated checks it), so after
    // every constructor has returned; an eager one runs now, as asyncio's does (documented above).
    @SuppressWarnings("this-escape")
    public Task(EventLoop loop, String name, Callable<T> body, boolean eagerStart) {
        super(loop);
        this.body = Objects.requireNonNull(body, "callable");
        this.name = name != null ? name : "Task-" + COUNTER.incrementAndGet();
        this.createdAt = core().isDebug() ? CreationSite.capture() : null;
        this.run = core().newTaskRun(this, this::runBody);
        run.thread().setName(this.name); // thread dumps and debug logs name the task
        this.wake = run::wake;
        core().taskCreated(this, run);
        if (eagerStart && core().isRunning()) {
            TaskRun outer = core().eagerStepStarts(run);
            try {
                run.startEagerly(); // taskCreated made sure that the caller holds the running loop
            } finally {
                core().eagerStepEnded(outer);
            }
        } else {
            run.start();
        }
    }

    /**
     * The task's name. Mirrors asyncio's {@code Task.get_name()}.
     *
     * @return the name
     */
    public final String getName() {
        return name;
    }

    /**
     * Renames the task (and its thread). Mirrors asyncio's {@code Task.set_name()}.
     *
     * @param name the new name
     * @throws NullPointerException if {@code name} is null
     */
    public final void setName(String name) {
        this.name = Objects.requireNonNull(name, "name");
        run.thread().setName(name);
    }

    /**
     * Asks the task to stop: see the class description. Safe from any thread; from outside the
     * loop the request is delivered through {@link EventLoop#callSoonThreadsafe}. Mirrors asyncio's
     * {@code Task.cancel(msg)}.
     *
     * @param message the message the {@link CancellationException} carries, or {@code null}
     * @return {@code false} if the task is already done, else {@code true}
     */
    @Override
    public boolean cancel(String message) {
        return requestCancel(message, null);
    }

    /**
     * Cancels the task so that its current or next await raises {@code failure} instead of a
     * {@link CancellationException}: how a {@link TaskGroup} tells its body that a child failed.
     */
    final boolean abort(RuntimeException failure) {
        return requestCancel(failure.getMessage(), failure);
    }

    /** Takes back an {@link #abort} that was not delivered yet; true if one was pending. */
    final boolean withdrawAbort() {
        if (abortWith == null) {
            return false;
        }
        abortWith = null;
        uncancel();
        return true;
    }

    private boolean requestCancel(String message, RuntimeException failure) {
        if (isDone()) {
            return false;
        }
        if (!core().holdsLoop()) {
            core().callSoonThreadsafe(() -> requestCancel(message, failure));
            return true;
        }
        cancelRequests++;
        if (failure != null) {
            abortWith = failure;
        }
        LoopFuture<?> awaited = waitingOn;
        if (awaited != null && awaited.cancel(message)) {
            return true; // the task wakes with the awaited future's CancellationException
        }
        mustCancel = true;
        cancelMessage = message;
        Suspension suspension = suspendedOn;
        if (suspension != null) {
            // Woken now, or already woken and not yet resumed: either way the wait raises on resume.
            suspension.wake(run);
            return true;
        }
        if (core().taskMode() == TaskMode.FAST && LoopContext.currentTask() != this && awaited == null) {
            run.thread().interrupt(); // it may be blocked in a JDK call
        }
        return true;
    }

    /**
     * How many cancellation requests are pending: asyncio's {@code Task.cancelling()}.
     *
     * @return the count
     */
    public final int cancelling() {
        return cancelRequests;
    }

    /**
     * Takes back one cancellation request, for code that caught the cancellation on purpose and
     * goes on. Mirrors asyncio's {@code Task.uncancel()}.
     *
     * @return the number of requests still pending
     */
    public final int uncancel() {
        if (cancelRequests > 0) {
            cancelRequests--;
            if (cancelRequests == 0) {
                mustCancel = false;
            }
        }
        return cancelRequests;
    }

    /**
     * Where the task is now: its thread's stack, innermost frame first. For a suspended task that is
     * where it waits (inside {@code await}, {@code Async.sleep}, a blocking JDK call); for the task
     * that calls this, where it is running; empty for a task not started yet or done (a failed
     * task's frames are in its {@link #exception()}). The frames of the task's hand-off to its loop
     * are left out, as asyncio shows coroutine frames only: the innermost frame of a suspended task
     * is its wait. Mirrors asyncio's {@code Task.get_stack()}.
     * Safe from any thread; a snapshot, since the task may move on.
     *
     * <pre>{@code
     * for (StackTraceElement frame : task.getStack()) System.out.println(frame);
     * }</pre>
     *
     * @return the frames, innermost first
     */
    public final List<StackTraceElement> getStack() {
        return getStack(Integer.MAX_VALUE);
    }

    /**
     * The innermost {@code limit} frames of {@link #getStack()}. Mirrors asyncio's
     * {@code Task.get_stack(limit=...)}.
     *
     * @param limit how many frames at most
     * @return the frames, innermost first
     * @throws IllegalArgumentException naming {@code limit} if it is negative
     */
    public final List<StackTraceElement> getStack(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit: must be zero or more, not " + limit);
        }
        if (isDone()) {
            return List.of();
        }
        StackTraceElement[] frames = run.stack();
        return List.of(Arrays.copyOf(frames, Math.min(limit, frames.length)));
    }

    /**
     * Prints the task and its {@link #getStack()} to {@code System.err}. Mirrors asyncio's
     * {@code Task.print_stack()}.
     */
    public final void printStack() {
        printStack(System.err);
    }

    /**
     * Prints the task and its {@link #getStack()}, one frame a line. Mirrors asyncio's
     * {@code Task.print_stack(file=...)}.
     *
     * @param out where to print
     * @throws NullPointerException if {@code out} is null
     */
    public final void printStack(PrintStream out) {
        Objects.requireNonNull(out, "out");
        StringBuilder sb = new StringBuilder("Stack for ").append(this).append(':');
        for (StackTraceElement frame : getStack()) {
            sb.append(System.lineSeparator()).append("\tat ").append(frame);
        }
        out.println(sb);
    }

    @Override
    public String toString() {
        return "<Task " + name + " " + describeOutcome()
                + (createdAt != null ? " created at " + createdAt.caller() : "") + ">";
    }

    /** The task running on this thread, or {@code null}. */
    static Task<?> current() {
        return LoopContext.currentTask();
    }

    /** In the task: waits until {@code future} is done, raising a pending cancellation. */
    final void suspendUntil(LoopFuture<?> future) {
        raisePendingCancel();
        if (future.isDone()) {
            return;
        }
        waitingOn = future;
        try {
            future.addWakeListener(wake);
            run.suspendUntilDone(future);
            if (Thread.interrupted()) {
                interruptedWhileWaiting(future);
            }
        } finally {
            waitingOn = null;
        }
        raisePendingCancel();
    }

    /**
     * In the current task: waits on {@code suspension} until it is woken, as {@link #suspendUntil}
     * waits for a future, without a future: a cancellation (or an interrupt) ends the wait and is
     * raised when the task resumes. {@code armed} runs once the task counts as waiting.
     */
    private static void awaitSuspension(Suspension suspension, EventLoop loop, Runnable armed) {
        Task<?> task = current();
        if (task == null) {
            throw new IllegalStateException("waiting works only inside a task: on the event loop's thread it would"
                    + " deadlock the loop, and other threads cannot wait on a loop's object");
        }
        if (task.core() != LoopCore.of(loop)) {
            throw new IllegalArgumentException("this belongs to " + loop + ", not to the waiting task's loop " + task.loop());
        }
        task.suspendOn(suspension, armed);
    }

    private void suspendOn(Suspension suspension, Runnable armed) {
        raisePendingCancel();
        long ticket = suspension.arm(run);
        suspendedOn = suspension;
        try {
            armed.run();
            run.suspendUntilWoken(suspension, ticket);
            if (Thread.interrupted()) {
                // As interruptedWhileWaiting: an interrupt while waiting is a cancellation of the task.
                cancelRequests++;
                mustCancel = true;
            }
        } finally {
            suspendedOn = null;
            suspension.disarm(run); // left without a wake: a later wake must not step a task that no longer waits
        }
        raisePendingCancel();
    }

    /** In the task: lets the callbacks already ready run first, then resumes. */
    final void yieldNow() {
        raisePendingCancel();
        run.yieldNow();
        if (Thread.interrupted()) {
            mustCancel = true;
        }
        raisePendingCancel();
    }

    /** The loop as its users see it, for the calls made on the task's behalf (sleep's callLater, spawn's createTask). */
    final EventLoop taskLoop() {
        return core().front();
    }

    /**
     * Someone interrupted the task's thread while it awaited: in Java that means "stop", so it is
     * taken as a cancellation of the task, and the await finishes as the task is woken.
     */
    private void interruptedWhileWaiting(LoopFuture<?> future) {
        cancelRequests++;
        if (!future.cancel()) {
            mustCancel = true; // it completed meanwhile: raise when the await returns
        }
    }

    private void raiseAbort() {
        RuntimeException failure = abortWith;
        if (failure != null) {
            abortWith = null;
            uncancel(); // an abort is a message, not a cancellation that stays pending
            mustCancel = false;
            Thread.interrupted();
            throw failure;
        }
    }

    private void raisePendingCancel() {
        raiseAbort();
        if (mustCancel) {
            mustCancel = false;
            Thread.interrupted();
            throw new CancellationException(cancelMessage);
        }
    }

    /** The task's thread body: runs the function and completes the task with its outcome. */
    private void runBody() {
        LoopContext.enterTask(this);
        try {
            T result;
            try {
                raisePendingCancel();
                result = body.call();
            } catch (CancellationException e) {
                finishCancelled(e.getMessage());
                return;
            } catch (InterruptedException e) {
                if (cancelRequests > 0) {
                    finishCancelled(cancelMessage);
                } else {
                    finishFailed(e);
                }
                return;
            } catch (Throwable e) {
                finishFailed(e);
                return;
            }
            if (mustCancel) {
                finishCancelled(cancelMessage);
            } else {
                finishWith(result);
            }
        } finally {
            core().taskDone(this);
            run.finished();
        }
    }

    private void finishWith(T result) {
        complete(box(result));
    }

    private void finishFailed(Throwable e) {
        completeExceptionally(e);
    }

    private void finishCancelled(String message) {
        super.cancel(message);
    }

    final CreationSite createdAt() {
        return createdAt;
    }
}
