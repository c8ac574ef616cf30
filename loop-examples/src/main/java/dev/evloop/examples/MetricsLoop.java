package dev.evloop.examples;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.ForwardingEventLoop;
import dev.evloop.Handle;
import dev.evloop.Task;
import dev.evloop.TimerHandle;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * A loop that counts what it is asked to do: tasks created, callbacks scheduled (every
 * {@code callSoon}, {@code callSoonThreadsafe}, {@code callLater} and {@code callAt}, task steps and
 * done callbacks included), and how long it waited on I/O. The first two are overrides of
 * {@link ForwardingEventLoop}; the time in the poll is the loop's own
 * {@link dev.evloop.LoopMetrics#pollTime()}, since a decorator does not see the poll itself.
 *
 * <pre>{@code
 * ./evloop example MetricsLoop
 * }</pre>
 */
public class MetricsLoop extends ForwardingEventLoop {
    private long tasksCreated;
    private long callbacksScheduled;

    /**
     * Counts what {@code loop} is asked to do from now on.
     *
     * @param loop the loop to count for
     */
    public MetricsLoop(EventLoop loop) {
        super(loop);
    }

    /** @return tasks created since this loop was made */
    public synchronized long tasksCreated() {
        return tasksCreated;
    }

    /** @return callbacks scheduled since this loop was made */
    public synchronized long callbacksScheduled() {
        return callbacksScheduled;
    }

    /** @return time spent waiting in the backend's poll, and running the I/O it found */
    public Duration ioWaitTime() {
        return metrics().pollTime();
    }

    private synchronized void scheduled() {
        callbacksScheduled++; // callSoonThreadsafe comes from other threads: hence synchronized
    }

    @Override
    public <T> Task<T> createTask(String name, Callable<T> callable) {
        synchronized (this) {
            tasksCreated++;
        }
        return super.createTask(name, callable);
    }

    @Override
    public <T> Task<T> createTask(Callable<T> callable) {
        return createTask(null, callable);
    }

    @Override
    public Handle callSoon(Runnable callback) {
        scheduled();
        return super.callSoon(callback);
    }

    @Override
    public Handle callSoonThreadsafe(Runnable callback) {
        scheduled();
        return super.callSoonThreadsafe(callback);
    }

    @Override
    public TimerHandle callLater(Duration delay, Runnable callback) {
        scheduled();
        return super.callLater(delay, callback);
    }

    @Override
    public TimerHandle callLater(double delaySeconds, Runnable callback) {
        scheduled();
        return super.callLater(delaySeconds, callback);
    }

    @Override
    public TimerHandle callAt(double when, Runnable callback) {
        scheduled();
        return super.callAt(when, callback);
    }

    @Override
    public String toString() {
        return "tasks created: " + tasksCreated() + ", callbacks scheduled: " + callbacksScheduled()
                + ", waiting on I/O: " + ioWaitTime().toMillis() + " ms";
    }

    /**
     * Runs three tasks that sleep, and prints the counts.
     *
     * @param args none
     */
    public static void main(String[] args) {
        try (MetricsLoop loop = new MetricsLoop(EventLoops.newEventLoop())) {
            loop.runUntilComplete(() -> {
                Async.gather(Async.spawn(() -> nap(10)), Async.spawn(() -> nap(20)), Async.spawn(() -> nap(30))).await();
                return null;
            });
            System.out.println(loop);
        }
    }

    private static Void nap(int millis) {
        Async.sleep(Duration.ofMillis(millis));
        return null;
    }
}
