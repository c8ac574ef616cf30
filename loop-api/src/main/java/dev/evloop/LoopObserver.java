package dev.evloop;

/**
 * What a monitor hears from a running loop: the points of asyncio's {@code _run_once} and of a
 * task's life, called as they happen by whoever holds the loop: the loop's thread, or for
 * {@link #taskCreated} and {@link #taskDone} the task or callback that holds it (a task's own
 * thread, which in fast mode runs on the loop's thread). Tokio's runtime hooks
 * ({@code on_before_task_poll}, {@code on_after_task_poll}, {@code on_task_spawn},
 * {@code on_task_terminate}, {@code on_thread_park}) and asyncio's debug mode (slow callbacks)
 * are the models; evloop adds the poll with how long it waited and what it found, and each
 * callback with its handle.
 *
 * <pre>{@code
 * loop.setObserver(new LoopObserver() {
 *     long waited;
 *     @Override public void afterPoll(EventLoop loop, long waitedNanos, int events) {
 *         waited += waitedNanos;
 *     }
 *     @Override public void slowCallback(EventLoop loop, Handle handle, long tookNanos) {
 *         System.err.printf("%s took %d ms%n", handle, tookNanos / 1_000_000);
 *     }
 * });
 * }</pre>
 *
 * <p>Every method does nothing by default, so an observer overrides only what it needs. Times are
 * in nanoseconds of {@link System#nanoTime()}. Installed with {@link EventLoop#setObserver}; a loop
 * without an observer pays one volatile read per iteration for the possibility. An observer runs
 * on the loop thread inside the iteration, so it must be quick and must not block; an exception it
 * throws goes to the loop's exception handler and never stops the loop. A task step or callback
 * scheduled before the observer was installed may be reported as a plain callback. The
 * {@code loop} each method is given is the loop everyone sees: the {@link ForwardingEventLoop}
 * that decorates it, if one does.
 */
public interface LoopObserver {

    /**
     * An iteration begins (asyncio's {@code _run_once}), before the poll.
     *
     * @param loop the loop
     */
    default void iterationStarted(EventLoop loop) {
    }

    /**
     * An iteration ended.
     *
     * @param loop         the loop
     * @param callbacksRun how many callbacks and task steps it ran
     */
    default void iterationEnded(EventLoop loop, int callbacksRun) {
    }

    /**
     * The loop is about to poll for I/O (Tokio's {@code on_thread_park} when it may wait).
     *
     * @param loop        the loop
     * @param timeoutNanos the longest it may wait: {@code -1} does not wait, {@code 0} waits until woken,
     *                    else nanoseconds
     */
    default void beforePoll(EventLoop loop, long timeoutNanos) {
    }

    /**
     * The poll returned (Tokio's {@code on_thread_unpark}).
     *
     * @param loop        the loop
     * @param waitedNanos how long the poll took, the I/O callbacks it dispatched included
     * @param events      how many I/O events and submitted tasks it handled
     */
    default void afterPoll(EventLoop loop, long waitedNanos, int events) {
    }

    /**
     * A ready callback (a {@code callSoon}, a due timer, a threadsafe call) starts. A task's step
     * is told to {@link #taskStepStarted} instead.
     *
     * @param loop   the loop
     * @param handle its handle
     */
    default void callbackStarted(EventLoop loop, Handle handle) {
    }

    /**
     * A callback returned or threw.
     *
     * @param loop      the loop
     * @param handle    its handle
     * @param tookNanos how long it ran
     */
    default void callbackEnded(EventLoop loop, Handle handle, long tookNanos) {
    }

    /**
     * A callback or task step ran at least the loop's {@link EventLoop#slowCallbackDuration()}:
     * asyncio's debug-mode warning "Executing ... took ... seconds", here in any mode.
     *
     * @param loop      the loop
     * @param handle    the callback's handle; for a task step, a handle named after the step; for
     *                  the I/O callbacks a poll runs (protocols, transports, fd readers and
     *                  writers), which run straight from the poll, one handle naming them together
     * @param tookNanos how long it ran
     */
    default void slowCallback(EventLoop loop, Handle handle, long tookNanos) {
    }

    /**
     * A task was created (Tokio's {@code on_task_spawn}); its first step runs later. An
     * {@linkplain TaskFactory#eager() eager} task's first step runs at once, inside
     * {@code createTask}, as part of whatever created it: it is not told to
     * {@link #taskStepStarted} as a step of its own, and its time counts as its creator's.
     *
     * @param task the task
     */
    default void taskCreated(Task<?> task) {
    }

    /**
     * A task's step starts: it runs until its next await (Tokio's {@code on_before_task_poll}).
     *
     * @param task the task
     */
    default void taskStepStarted(Task<?> task) {
    }

    /**
     * A task's step ended: it awaits, yields, blocks in a JDK call that parks it, or finished
     * (Tokio's {@code on_after_task_poll}).
     *
     * @param task      the task
     * @param tookNanos how long the step ran
     */
    default void taskStepEnded(Task<?> task, long tookNanos) {
    }

    /**
     * A task finished, with a result, an exception or cancelled (Tokio's {@code on_task_terminate}).
     *
     * @param task the task, done
     */
    default void taskDone(Task<?> task) {
    }
}
