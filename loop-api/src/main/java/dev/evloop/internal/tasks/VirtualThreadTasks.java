package dev.evloop.internal.tasks;

import dev.evloop.LoopFuture;
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

    /** One task's turns in fast mode: park and unpark, and the JDK does the rest. */
    static final class Run implements TaskRun {
        private final LoopCore loop;
        private final Thread thread;

        Run(LoopCore loop, Thread.Builder.OfVirtual builder, Runnable body) {
            this.loop = loop;
            this.thread = builder.unstarted(body);
        }

        /**
         * A run whose steps reach the loop named after the task, for a decorated loop, whose
         * {@code callSoon} sees them: the JDK's continuation says nothing of its thread.
         */
        Run(LoopCore loop, Executor scheduler, Runnable body) {
            this.loop = loop;
            Steps steps = new Steps(scheduler);
            this.thread = builder(steps).unstarted(body);
            steps.thread = thread;
        }

        @Override
        public Thread thread() {
            return thread;
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

    /** One task's scheduler on a decorated loop: hands its continuation on as a named step. */
    private static final class Steps implements Executor {
        private final Executor scheduler;
        Thread thread;
        /** The JDK hands the same continuation each time: one step object serves them all. */
        private volatile Step step;

        Steps(Executor scheduler) {
            this.scheduler = scheduler;
        }

        @Override
        public void execute(Runnable continuation) {
            Step s = step;
            if (s == null || s.continuation != continuation) {
                s = new Step(thread, continuation);
                step = s;
            }
            scheduler.execute(s);
        }
    }

    /** A task's step as a decorator's {@code callSoon} sees it. */
    private record Step(Thread thread, Runnable continuation) implements Runnable {
        @Override
        public void run() {
            continuation.run();
        }

        @Override
        public String toString() {
            return "step of task " + thread.getName();
        }
    }
}
