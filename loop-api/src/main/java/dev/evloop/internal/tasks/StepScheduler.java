package dev.evloop.internal.tasks;

/**
 * Where fast mode's virtual threads send their continuations: the loop, which runs each as a
 * callback. Told which task's run the continuation belongs to, so that a watched loop can name it.
 */
@FunctionalInterface
public interface StepScheduler {

    /**
     * Schedules a continuation of {@code run}'s thread on the loop; from any thread.
     *
     * @throws java.util.concurrent.RejectedExecutionException if the loop is closed
     */
    void schedule(TaskRun run, Runnable continuation);
}
