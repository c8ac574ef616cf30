package dev.evloop.internal.tasks;

import dev.evloop.LoopFuture;
import dev.evloop.Task;
import dev.evloop.internal.LoopCore;
import java.util.concurrent.locks.LockSupport;

/**
 * Fallback mode: a task is an ordinary virtual thread that runs only while it holds the baton.
 * A step of the task is a loop callback that hands the baton to the task's thread and waits until
 * the task hands it back (when it awaits, yields or finishes), so the loop and its tasks still
 * take strict turns. A blocking JDK call inside a task keeps the baton, and the loop waits, as
 * asyncio's loop would.
 */
final class BatonTasks {
    private BatonTasks() {
    }

    /** How long a side spins for the baton before it parks; a step is usually shorter. */
    private static final int SPINS = 2_000;

    /** One task's turns in fallback mode. */
    static final class Run implements TaskRun {
        private final LoopCore loop;
        private final Task<?> task;
        private final long createdNanos = System.nanoTime();
        private final Thread thread;
        private final TaskStep step = new TaskStep() {
            @Override
            public void run() {
                step();
            }

            @Override
            public TaskRun taskRun() {
                return Run.this;
            }

            @Override
            public String toString() {
                return "step of task " + thread.getName();
            }
        };
        /** Whose turn it is: the task's, or its loop's. */
        private volatile boolean taskTurn;
        /** The loop thread that ran the current step and waits for the baton back. */
        private volatile Thread stepper;
        private boolean started;

        Run(LoopCore loop, Task<?> task, Runnable body) {
            this.loop = loop;
            this.task = task;
            this.thread = Thread.ofVirtual().unstarted(body);
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
            loop.callSoonFromAnyThread(step);
        }

        /**
         * The caller, the loop's thread or the task holding the baton, hands the baton to the new
         * task and waits here, as the loop's thread does in a step, until the task hands it back.
         */
        @Override
        public void startEagerly() {
            step();
        }

        /** A step, on the loop thread: give the task the baton, wait until it gives it back. */
        private void step() {
            stepper = Thread.currentThread();
            taskTurn = true;
            if (started) {
                LockSupport.unpark(thread);
            } else {
                started = true;
                thread.start();
            }
            awaitTurn(false);
        }

        @Override
        public void suspendUntilDone(LoopFuture<?> future) {
            handBack(); // the listener that calls wake() gives exactly one step back
        }

        @Override
        public void suspendUntilWoken(Suspension suspension, long ticket) {
            handBack(); // the suspension's wake gives exactly one step back
        }

        @Override
        public void wake() {
            loop.callSoonFromAnyThread(step);
        }

        @Override
        public void yieldNow() {
            loop.callSoonFromAnyThread(step);
            handBack();
        }

        @Override
        public void finished() {
            taskTurn = false;
            LockSupport.unpark(stepper);
        }

        /** On the task's thread: give the baton to the loop and wait for the next step. */
        private void handBack() {
            taskTurn = false;
            LockSupport.unpark(stepper);
            awaitTurn(true);
        }

        /**
         * Waits until the baton is {@code mine}: spins briefly first, because the other side
         * usually hands it back within microseconds and parking costs far more (a virtual thread
         * unmounts, a platform thread sleeps in the kernel). An interrupt is kept for the caller.
         */
        private void awaitTurn(boolean mine) {
            for (int spin = 0; spin < SPINS && taskTurn != mine; spin++) {
                Thread.onSpinWait();
            }
            boolean interrupted = false;
            while (taskTurn != mine) {
                LockSupport.park(this);
                interrupted |= Thread.interrupted();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
