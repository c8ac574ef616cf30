package dev.evloop.internal.tasks;

import dev.evloop.LoopFuture;
import dev.evloop.Task;
import dev.evloop.internal.LoopCore;
import java.lang.reflect.Constructor;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;

/**
 * Fast mode: a task is a virtual thread whose scheduler is its loop. The JDK hands the thread's
 * continuation to the loop whenever the thread becomes runnable (started, unparked, done
 * sleeping, its socket readable), and the loop runs it as a callback, on its own thread, until
 * the virtual thread parks again. A blocking JDK call therefore parks only its task.
 *
 * <p>A virtual thread with a custom scheduler needs the JDK's package-private
 * {@code ThreadBuilders.VirtualThreadBuilder(Executor)} constructor (JDK 21 through 25), reachable
 * with {@code --add-opens java.base/java.lang=ALL-UNNAMED}.
 */
final class VirtualThreadTasks {
    private static final Constructor<?> BUILDER;
    private static final Throwable UNAVAILABLE;

    static {
        Constructor<?> builder = null;
        Throwable why = null;
        try {
            Class<?> c = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
            builder = c.getDeclaredConstructor(Executor.class);
            builder.setAccessible(true);
            // Probe once: a JDK that refuses custom schedulers says so here, not in a task.
            ((Thread.Builder.OfVirtual) builder.newInstance((Executor) Runnable::run)).unstarted(() -> { });
        } catch (ReflectiveOperationException | RuntimeException e) {
            builder = null;
            why = e;
        }
        BUILDER = builder;
        UNAVAILABLE = why;
    }

    private VirtualThreadTasks() {
    }

    /** Why fast mode cannot run in this JVM, or {@code null} if it can. */
    static Throwable unavailabilityCause() {
        return UNAVAILABLE;
    }

    /** A builder of virtual threads scheduled by {@code scheduler}. */
    static Thread.Builder.OfVirtual builder(Executor scheduler) {
        try {
            return (Thread.Builder.OfVirtual) BUILDER.newInstance(scheduler);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("fast task mode is unavailable", e);
        }
    }

    /**
     * One task's turns in fast mode: park and unpark, and the JDK does the rest. Each task's thread
     * gets a scheduler of its own, which costs a builder per task (a few dozen bytes next to the
     * thread's kilobytes) and tells the loop which task each continuation belongs to.
     */
    static final class Run implements TaskRun {
        private final LoopCore loop;
        private final Task<?> task;
        private final long createdNanos = System.nanoTime();
        private final Thread thread;

        Run(LoopCore loop, Task<?> task, StepScheduler scheduler, Runnable body) {
            this.loop = loop;
            this.task = task;
            this.thread = builder(continuation -> scheduler.schedule(this, continuation)).unstarted(body);
        }

        @Override
        public Thread thread() {
            return thread;
        }

        @Override
        public Task<?> task() {
            return task;
        }

        @Override
        public long createdNanos() {
            return createdNanos;
        }

        @Override
        public void start() {
            thread.start();
        }

        @Override
        public void startEagerly() {
            loop.startEagerly(thread);
        }

        @Override
        public void suspendUntilDone(LoopFuture<?> future) {
            while (!future.isDone()) {
                LockSupport.park(future);
                if (Thread.currentThread().isInterrupted()) {
                    return; // the task decides what an interrupt means
                }
            }
        }

        @Override
        public void suspendUntilWoken(Suspension suspension, long ticket) {
            while (!suspension.woken(ticket)) {
                LockSupport.park(suspension);
                if (Thread.currentThread().isInterrupted()) {
                    return; // as for a future: the task decides what an interrupt means
                }
            }
        }

        @Override
        public void wake() {
            LockSupport.unpark(thread);
        }

        @Override
        public void yieldNow() {
            Thread.yield(); // the JDK resubmits the continuation: it joins the back of the ready queue
        }

        @Override
        public void finished() {
        }
    }
}
