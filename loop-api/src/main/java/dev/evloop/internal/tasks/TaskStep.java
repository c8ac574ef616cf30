package dev.evloop.internal.tasks;

/**
 * A ready-queue entry that runs one step of a task, so that a loop being watched can tell a task
 * step from a plain callback and name the task. Fallback mode's steps always are one; in fast mode
 * a continuation is wrapped in one only while something watches the loop.
 */
public interface TaskStep extends Runnable {

    /** The run of the task this step belongs to. */
    TaskRun taskRun();

    /** Wraps a fast-mode continuation, for a loop that is being watched. */
    static TaskStep of(TaskRun run, Runnable continuation) {
        return new ContinuationStep(run, continuation);
    }

    /** A fast-mode continuation of a known task. */
    record ContinuationStep(TaskRun taskRun, Runnable continuation) implements TaskStep {
        @Override
        public void run() {
            continuation.run();
        }

        @Override
        public String toString() {
            return "step of task " + taskRun.task().getName();
        }
    }
}
