package dev.evloop;

import dev.evloop.internal.LoopCore;
import java.lang.invoke.MethodHandles;
import java.lang.ref.Cleaner;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The result of an operation that has not finished yet, bound to an {@link EventLoop}. Mirrors
 * asyncio's {@code Future}, and is a {@link java.util.concurrent.Future} too.
 *
 * <pre>{@code
 * LoopFuture<String> f = loop.createFuture();
 * f.addDoneCallback(done -> System.out.println("got " + done.result()));
 * new Thread(() -> f.setResult("hello")).start();   // completion is thread-safe
 * String s = loop.runUntilComplete(f);              // the callback ran on the loop's thread
 * }</pre>
 *
 * <p>A future completes once: with a result, with an exception, or cancelled. Completing it is safe
 * from any thread. Done callbacks always run on the owning loop's thread, scheduled as
 * {@link EventLoop#callSoon} callbacks in the order they were added, never inside
 * {@code setResult}. {@link #result()} follows asyncio: asking for the result of a pending future is
 * an error, not a wait.
 *
 * @param <T> the result type
 */
public class LoopFuture<T> implements Future<T> {
    /** Reports failures nobody looked at once their future is garbage, as asyncio's __del__ does. */
    private static final Cleaner CLEANER = Cleaner.create();
    private static final VarHandle OUTCOME;
    private static final VarHandle LISTENERS;
    /** The outcome of a future whose result is {@code null}. */
    private static final Object NULL = new Object();
    /** The listener list of a done future: what is added later runs at once. */
    private static final Listener DONE = new Listener(null, false, null);

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            OUTCOME = lookup.findVarHandle(LoopFuture.class, "outcome", Object.class);
            LISTENERS = lookup.findVarHandle(LoopFuture.class, "listeners", Listener.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The loop's core; {@link #loop()} answers with the loop its users see, a decorator if any. */
    private final LoopCore loop;
    /** {@code null} while pending; then {@link #NULL}, the result, or a {@link Failure}. */
    private volatile Object outcome;
    /** Newest first; {@link #DONE} once completed. */
    private volatile Listener listeners;

    /**
     * Creates a pending future bound to a loop; {@link EventLoop#createFuture()} is the usual way.
     * Mirrors {@code asyncio.Future(loop=loop)}.
     *
     * @param loop the loop whose thread runs the done callbacks: one of evloop's, or a
     *             {@link ForwardingEventLoop} around one
     * @throws NullPointerException if {@code loop} is null
     * @throws IllegalArgumentException if {@code loop} was not made by evloop
     */
    public LoopFuture(EventLoop loop) {
        this.loop = LoopCore.of(loop);
    }

    /**
     * A future on the current event loop that completes as the stage does; cancelling the future
     * cancels the stage if it supports that. Mirrors {@code asyncio.wrap_future}.
     *
     * @param stage the stage to follow
     * @param <T>   the result type
     * @return the new future
     * @throws NullPointerException if {@code stage} is null
     * @throws IllegalStateException if there is no current event loop (see
     *                               {@link EventLoops#getEventLoop()})
     */
    public static <T> LoopFuture<T> wrap(CompletionStage<T> stage) {
        Objects.requireNonNull(stage, "stage");
        return wrap(stage, EventLoops.getEventLoop());
    }

    /**
     * A future on the given loop that completes as the stage does; cancelling the future cancels
     * the stage if it supports that. Mirrors {@code asyncio.wrap_future(future, loop=loop)}.
     *
     * @param stage the stage to follow
     * @param loop  the loop the future belongs to
     * @param <T>   the result type
     * @return the new future
     * @throws NullPointerException if an argument is null
     */
    public static <T> LoopFuture<T> wrap(CompletionStage<T> stage, EventLoop loop) {
        Objects.requireNonNull(stage, "stage");
        LoopFuture<T> future = new LoopFuture<>(loop);
        stage.whenComplete((value, error) -> {
            if (error == null) {
                future.complete(box(value));
            } else {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                if (cause instanceof CancellationException) {
                    future.cancel(cause.getMessage());
                } else {
                    future.completeExceptionally(cause);
                }
            }
        });
        future.addListener(new Listener((Runnable) () -> {
            if (future.isCancelled()) {
                try {
                    stage.toCompletableFuture().cancel(false);
                } catch (UnsupportedOperationException notCancellable) {
                    // The stage has no CompletableFuture behind it: nothing to cancel.
                }
            }
        }, true, null));
        return future;
    }

    /**
     * The loop this future belongs to, as its users see it: the outermost
     * {@link ForwardingEventLoop} around it if there is one. Mirrors asyncio's
     * {@code Future.get_loop()}.
     *
     * @return the loop
     */
    public final EventLoop loop() {
        return loop.front();
    }

    /**
     * Completes the future with a result and schedules its done callbacks. Safe from any thread.
     * Mirrors asyncio's {@code Future.set_result}.
     *
     * @param result the result, may be {@code null}
     * @throws InvalidStateException if the future is already done
     */
    public final void setResult(T result) {
        if (!complete(box(result))) {
            throw new InvalidStateException("cannot set the result: the future is already " + doneState());
        }
    }

    /**
     * Completes the future with an exception and schedules its done callbacks. Safe from any
     * thread. Mirrors asyncio's {@code Future.set_exception}.
     *
     * @param exception the failure
     * @throws NullPointerException if {@code exception} is null
     * @throws InvalidStateException if the future is already done
     */
    public final void setException(Throwable exception) {
        Objects.requireNonNull(exception, "exception");
        if (!completeExceptionally(exception)) {
            throw new InvalidStateException("cannot set the exception: the future is already " + doneState());
        }
    }

    /**
     * Cancels the future if it is pending and schedules its done callbacks. Safe from any thread.
     * Mirrors asyncio's {@code Future.cancel()}.
     *
     * @return {@code true} if it was pending and is now cancelled
     */
    public boolean cancel() {
        return cancel((String) null);
    }

    /**
     * Cancels the future with a message that the {@link CancellationException} carries. Mirrors
     * asyncio's {@code Future.cancel(msg)}.
     *
     * @param message the message, or {@code null}
     * @return {@code true} if it was pending and is now cancelled
     */
    public boolean cancel(String message) {
        return complete(new Failure(new CancellationException(message), true));
    }

    /**
     * Same as {@link #cancel()}: a loop future has no thread to interrupt.
     *
     * @param mayInterruptIfRunning ignored
     * @return {@code true} if it was pending and is now cancelled
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return cancel();
    }

    /**
     * Whether the future was cancelled. Mirrors asyncio's {@code Future.cancelled()}.
     *
     * @return {@code true} if cancelled
     */
    @Override
    public final boolean isCancelled() {
        return outcome instanceof Failure f && f.cancelled;
    }

    /**
     * Whether the future has a result, an exception, or was cancelled. Mirrors asyncio's
     * {@code Future.done()}.
     *
     * @return {@code true} once done
     */
    @Override
    public final boolean isDone() {
        return outcome != null;
    }

    /**
     * The result, without waiting. Mirrors asyncio's {@code Future.result()}.
     *
     * @return the result
     * @throws InvalidStateException if the future is still pending
     * @throws CancellationException if it was cancelled
     * @throws CompletionException   carrying its exception, if that is a checked exception;
     *                               unchecked exceptions and errors are thrown as they are
     */
    @SuppressWarnings("unchecked")
    public final T result() {
        Object o = outcome;
        if (o == null) {
            throw new InvalidStateException("result is not ready: the future is pending");
        }
        if (o instanceof Failure f) {
            f.retrieved = true;
            throw f.rethrow();
        }
        return o == NULL ? null : (T) o;
    }

    /**
     * The exception the future failed with, without waiting. Mirrors asyncio's
     * {@code Future.exception()}.
     *
     * @return the exception, or {@code null} if it completed with a result
     * @throws InvalidStateException if the future is still pending
     * @throws CancellationException if it was cancelled
     */
    public final Throwable exception() {
        Object o = outcome;
        if (o == null) {
            throw new InvalidStateException("exception is not set: the future is pending");
        }
        if (o instanceof Failure f) {
            if (f.cancelled) {
                throw f.cancellation();
            }
            f.retrieved = true;
            return f.cause;
        }
        return null;
    }

    /**
     * Waits, inside a task, until the future is done, and returns its result; other tasks and
     * callbacks run meanwhile. A done future returns at once, without suspending. This is
     * asyncio's {@code await future}.
     *
     * <p><b>Cancel safety.</b> Cancelling the awaiting task cancels this future, as in asyncio: a future
     * shared with other waiters is cancelled for them too, so await an
     * {@link Async#shield} of it to keep it. A {@link Task} awaited so is cancelled, and the await
     * raises once that task has finished unwinding.
     *
     * <pre>{@code
     * loop.createTask(() -> {
     *     LoopFuture<String> reply = client.request("ping");
     *     return reply.await();        // the task pauses here; the loop does not
     * });
     * }</pre>
     *
     * @return the result
     * @throws CancellationException if the future, or the awaiting task, was cancelled
     * @throws CompletionException   carrying the future's exception if it is a checked one;
     *                               unchecked ones are thrown as they are
     * @throws IllegalStateException if the caller is not a task: on the loop thread it would
     *                               deadlock, and other threads use {@link #get()}
     * @throws IllegalArgumentException if the future belongs to another loop than the task
     */
    public final T await() {
        Task<?> task = Task.current();
        if (task == null) {
            throw new IllegalStateException(loop.inLoopThread()
                    ? "await() on the event loop's thread outside a task would deadlock the loop:"
                            + " run the code in a task (loop.createTask) or use addDoneCallback"
                    : "await() works inside a task; from other threads use get() or toCompletableFuture()");
        }
        if (task.core() != loop) {
            throw new IllegalArgumentException("this future belongs to " + loop()
                    + ", not to the awaiting task's loop " + task.loop());
        }
        task.suspendUntil(this);
        return result();
    }

    /**
     * Adds a callback to run, on the loop's thread, with this future once it is done; if it is
     * done already, the callback is scheduled at once. Safe from any thread. Mirrors asyncio's
     * {@code Future.add_done_callback}.
     *
     * @param callback the callback
     * @throws NullPointerException if {@code callback} is null
     */
    public final void addDoneCallback(Consumer<? super LoopFuture<T>> callback) {
        Objects.requireNonNull(callback, "callback");
        addListener(new Listener(callback, false, null));
    }

    /**
     * Removes every registration of a callback that has not been scheduled yet. Mirrors asyncio's
     * {@code Future.remove_done_callback}.
     *
     * @param callback the callback to remove
     * @return how many registrations were removed
     * @throws NullPointerException if {@code callback} is null
     */
    public final int removeDoneCallback(Consumer<? super LoopFuture<T>> callback) {
        Objects.requireNonNull(callback, "callback");
        for (;;) {
            Listener head = listeners;
            if (head == DONE) {
                return 0;
            }
            int removed = 0;
            List<Listener> kept = new ArrayList<>();
            for (Listener l = head; l != null; l = l.next) {
                if (!l.inline && l.action.equals(callback)) {
                    removed++;
                } else {
                    kept.add(l);
                }
            }
            if (removed == 0) {
                return 0;
            }
            Listener rebuilt = null;
            for (int i = kept.size() - 1; i >= 0; i--) {
                Listener l = kept.get(i);
                rebuilt = new Listener(l.action, l.inline, rebuilt);
            }
            if (LISTENERS.compareAndSet(this, head, rebuilt)) {
                return removed;
            }
        }
    }

    /**
     * Waits for the future from a thread other than the loop's and returns its result.
     *
     * @return the result
     * @throws CancellationException if it was cancelled
     * @throws ExecutionException    carrying its exception
     * @throws InterruptedException  if the waiting thread is interrupted
     * @throws IllegalStateException if called on the loop's running thread while pending, where
     *                               waiting would stop the loop that has to complete it
     */
    @Override
    public final T get() throws InterruptedException, ExecutionException {
        if (!isDone()) {
            awaitingLatch().await();
        }
        return report();
    }

    /**
     * Waits at most the given time for the future from a thread other than the loop's, as
     * {@link Future#get(long, TimeUnit)}: a future already done returns at once whatever the
     * timeout; a zero or negative timeout does not wait; a timeout too long for nanoseconds (up to
     * {@code Long.MAX_VALUE} days) waits without limit, as the JDK's {@link TimeUnit} saturates it.
     *
     * @param timeout how long to wait
     * @param unit    the unit of {@code timeout}
     * @return the result
     * @throws CancellationException if it was cancelled
     * @throws ExecutionException    carrying its exception
     * @throws InterruptedException  if the waiting thread is interrupted
     * @throws TimeoutException      if it is still pending after the timeout
     * @throws IllegalStateException if called on the loop's running thread while pending
     */
    @Override
    public final T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        Objects.requireNonNull(unit, "unit");
        if (!isDone() && !awaitingLatch().await(timeout, unit)) {
            throw new TimeoutException("the future is still pending after " + timeout + " " + unit);
        }
        return report();
    }

    /**
     * A {@link CompletableFuture} that completes as this future does, on the thread that completes
     * this one; cancelling it cancels this future.
     *
     * @return a new CompletableFuture
     */
    public final CompletableFuture<T> toCompletableFuture() {
        CompletableFuture<T> cf = new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                boolean cancelled = super.cancel(mayInterruptIfRunning);
                LoopFuture.this.cancel();
                return cancelled;
            }
        };
        addListener(new Listener((Runnable) () -> copyTo(cf), true, null));
        return cf;
    }

    @Override
    public String toString() {
        return "<" + getClass().getSimpleName() + " " + describeOutcome() + ">";
    }

    /** The future's state in asyncio's words: pending, cancelled or finished, and what it holds. */
    final String describeOutcome() {
        Object o = outcome;
        if (o == null) {
            return "pending";
        }
        if (o instanceof Failure f) {
            return f.cancelled ? "cancelled" : "finished exception=" + f.cause;
        }
        return "finished result=" + (o == NULL ? null : o);
    }

    /**
     * Sets the outcome if the future is pending, then runs or schedules its listeners, oldest
     * first. For subclasses, such as tasks, that complete the future their own way.
     */
    final boolean complete(Object newOutcome) {
        if (!OUTCOME.compareAndSet(this, null, newOutcome)) {
            return false;
        }
        Listener head = (Listener) LISTENERS.getAndSet(this, DONE);
        if (head != null && head.next == null) {
            fire(head);
        } else if (head != null) {
            List<Listener> inOrder = new ArrayList<>();
            for (Listener l = head; l != null; l = l.next) {
                inOrder.add(l);
            }
            // Every listener gets its turn even if scheduling one fails (the loop is closed):
            // a thread blocked in get() must not wait forever because a callback could not run.
            RuntimeException failure = null;
            for (int i = inOrder.size() - 1; i >= 0; i--) {
                try {
                    fire(inOrder.get(i));
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
        return true;
    }

    /** The loop's core, for subclasses that must run a step on the loop's thread. */
    final LoopCore core() {
        return loop;
    }

    /** Runs {@code wake} on the completing thread once the future is done, for awaiting tasks. */
    final void addWakeListener(Runnable wake) {
        addListener(new Listener(wake, true, null));
    }

    /** Completes the future with an exception, unless it is done; for subclasses. */
    final boolean completeExceptionally(Throwable exception) {
        Failure failure = new Failure(exception, false);
        if (!complete(failure)) {
            return false;
        }
        CLEANER.register(this, new NeverRetrieved(failure, loop, toString()));
        return true;
    }

    /** Completes this future as {@code other}, which is done, completed; unless this is done. */
    final boolean copyOutcomeOf(LoopFuture<?> other) {
        Object o = other.outcome;
        if (o == null) {
            throw new IllegalStateException("the future to copy is still pending");
        }
        return complete(o);
    }

    private void addListener(Listener listener) {
        for (;;) {
            Listener head = listeners;
            if (head == DONE) {
                fire(listener);
                return;
            }
            listener.next = head;
            if (LISTENERS.compareAndSet(this, head, listener)) {
                return;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void fire(Listener listener) {
        if (listener.inline) {
            ((Runnable) listener.action).run();
        } else {
            loop.callSoonFromAnyThread(new DoneCallback<>((Consumer<? super LoopFuture<T>>) listener.action, this));
        }
    }

    private CountDownLatch awaitingLatch() {
        if (loop.inLoopThread()) {
            throw new IllegalStateException("get() on the event loop's own thread would block it forever:"
                    + " use addDoneCallback, or runUntilComplete from outside the loop");
        }
        CountDownLatch latch = new CountDownLatch(1);
        addListener(new Listener((Runnable) latch::countDown, true, null));
        return latch;
    }

    @SuppressWarnings("unchecked")
    private T report() throws ExecutionException {
        Object o = outcome;
        if (o instanceof Failure f) {
            if (f.cancelled) {
                throw f.cancellation();
            }
            f.retrieved = true;
            throw new ExecutionException(f.cause);
        }
        return o == NULL ? null : (T) o;
    }

    @SuppressWarnings("unchecked")
    private void copyTo(CompletableFuture<T> cf) {
        Object o = outcome;
        if (o instanceof Failure f) {
            if (f.cancelled) {
                cf.cancel(false);
            } else {
                f.retrieved = true; // the CompletableFuture carries it on
                cf.completeExceptionally(f.cause);
            }
        } else {
            cf.complete(o == NULL ? null : (T) o);
        }
    }

    static Object box(Object value) {
        return value == null ? NULL : value;
    }

    private String doneState() {
        return isCancelled() ? "cancelled" : "done";
    }

    /** How a future failed: an exception, or a cancellation. */
    static final class Failure {
        final Throwable cause;
        final boolean cancelled;
        /** Someone asked for the exception: no "never retrieved" report. */
        volatile boolean retrieved;

        Failure(Throwable cause, boolean cancelled) {
            this.cause = cause;
            this.cancelled = cancelled;
        }

        /** A fresh CancellationException, so each caller's stack shows where it saw it. */
        CancellationException cancellation() {
            CancellationException e = new CancellationException(cause.getMessage());
            e.initCause(cause);
            return e;
        }

        RuntimeException rethrow() {
            if (cancelled) {
                throw cancellation();
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error e) {
                throw e;
            }
            throw new CompletionException(cause);
        }
    }

    /**
     * Runs when a failed future has become garbage: if nobody asked for its exception, the loop's
     * exception handler hears of it, once, as asyncio logs "exception was never retrieved".
     */
    private record NeverRetrieved(Failure failure, LoopCore loop, String description) implements Runnable {
        @Override
        public void run() {
            if (failure.retrieved) {
                return;
            }
            String kind = description.startsWith("<Task") ? "Task" : "Future";
            ExceptionContext context = ExceptionContext.of(kind + " exception was never retrieved", failure.cause)
                    .with(kind.equals("Task") ? ExceptionContext.TASK : ExceptionContext.FUTURE, description);
            if (loop.isClosed()) {
                loop.defaultExceptionHandler(context);
                return;
            }
            try {
                loop.callSoonThreadsafe(() -> loop.callExceptionHandler(context));
            } catch (IllegalStateException closed) {
                loop.defaultExceptionHandler(context);
            }
        }
    }

    /** One entry of the listener stack: a user's done callback, or an internal action run inline. */
    private static final class Listener {
        final Object action;
        final boolean inline;
        Listener next;

        Listener(Object action, boolean inline, Listener next) {
            this.action = action;
            this.inline = inline;
            this.next = next;
        }
    }

    /** A done callback on its way to the loop; named after the user's callback in logs. */
    private record DoneCallback<T>(Consumer<? super LoopFuture<T>> callback, LoopFuture<T> future)
            implements Runnable {
        @Override
        public void run() {
            callback.accept(future);
        }

        @Override
        public String toString() {
            return "done callback " + callback + " of " + future;
        }
    }
}
