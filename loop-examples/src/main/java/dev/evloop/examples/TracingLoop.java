package dev.evloop.examples;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.ForwardingEventLoop;
import dev.evloop.Handle;
import dev.evloop.LoopFuture;
import dev.evloop.Task;
import dev.evloop.TimerHandle;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * A loop that traces every {@code callSoon}, {@code callSoonThreadsafe}, {@code callLater},
 * {@code callAt} and {@code createTask} with the loop's time and the callback's name, and prints
 * the trace after each {@code runUntilComplete}. Task steps show as {@code step of task NAME}, done
 * callbacks as {@code done callback ... of FUTURE}.
 *
 * <pre>{@code
 * ./evloop example TracingLoop
 * }</pre>
 */
public class TracingLoop extends ForwardingEventLoop {
    private final PrintStream out;
    private final List<String> trace = new ArrayList<>();
    private final double start;

    /**
     * Traces {@code loop}, printing to {@code out}.
     *
     * @param loop the loop to trace
     * @param out  where the trace goes after each {@code runUntilComplete}
     */
    public TracingLoop(EventLoop loop, PrintStream out) {
        super(loop);
        this.out = out;
        this.start = loop.time();
    }

    private synchronized void record(String call, Object what) {
        trace.add(String.format(Locale.ROOT, "%9.3f ms  %-18s %s", (time() - start) * 1e3, call, what));
    }

    private synchronized void print() {
        trace.forEach(out::println);
        trace.clear();
    }

    @Override
    public Handle callSoon(Runnable callback) {
        record("callSoon", callback);
        return super.callSoon(callback);
    }

    @Override
    public Handle callSoonThreadsafe(Runnable callback) {
        record("callSoonThreadsafe", callback);
        return super.callSoonThreadsafe(callback);
    }

    @Override
    public TimerHandle callLater(Duration delay, Runnable callback) {
        record("callLater " + delay.toMillis() + "ms", callback);
        return super.callLater(delay, callback);
    }

    @Override
    public TimerHandle callLater(double delaySeconds, Runnable callback) {
        record("callLater " + delaySeconds + "s", callback);
        return super.callLater(delaySeconds, callback);
    }

    @Override
    public TimerHandle callAt(double when, Runnable callback) {
        record("callAt", callback);
        return super.callAt(when, callback);
    }

    @Override
    public <T> Task<T> createTask(String name, Callable<T> callable) {
        Task<T> task = super.createTask(name, callable);
        record("createTask", task.getName());
        return task;
    }

    @Override
    public <T> Task<T> createTask(Callable<T> callable) {
        return createTask(null, callable);
    }

    @Override
    public <T> T runUntilComplete(LoopFuture<T> future) {
        try {
            return super.runUntilComplete(future);
        } finally {
            print();
        }
    }

    @Override
    public <T> T runUntilComplete(Callable<T> callable) {
        try {
            // The loop underneath makes the task through the outermost decorator, so a loop
            // wrapped around this one sees that createTask too.
            return super.runUntilComplete(callable);
        } finally {
            print();
        }
    }

    /**
     * Traces a task that spawns another and sleeps.
     *
     * @param args none
     */
    public static void main(String[] args) {
        try (TracingLoop loop = new TracingLoop(EventLoops.newEventLoop(), System.out)) {
            loop.runUntilComplete(() -> {
                Task<String> child = Async.spawn("child", () -> {
                    Async.sleep(Duration.ofMillis(5));
                    return "done";
                });
                return child.await();
            });
        }
    }
}
