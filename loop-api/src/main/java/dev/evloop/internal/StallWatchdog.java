package dev.evloop.internal;

import dev.evloop.internal.jfr.StallEvent;
import dev.evloop.internal.tasks.TaskRun;
import dev.evloop.internal.tasks.TaskStep;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One loop's stall watchdog, after Vert.x's blocked-thread checker, but naming the callback or
 * task rather than only the thread: the loop marks the start and end of each callback and task
 * step, and a daemon thread shared by every loop looks a few times per threshold at whether the
 * current one has run too long. It then logs the loop, the callback or task (with where it was
 * made, in debug mode), how long, and the stack of whatever actually runs: the loop thread for a
 * callback, the task's own thread for a task step (in fast mode a virtual thread mounted on the
 * loop thread, whose carrier stack would only show the continuation). It logs again at 4, 16, 64...
 * times the threshold while the stall lasts, and once when it ends, with the total.
 *
 * <p>A step's phase is the one word both threads change: the loop sets it {@code RUNNING} and back
 * to {@code IDLE}; the watchdog takes {@code RUNNING} to {@code REPORTING} while it logs and to
 * {@code REPORTED} after. Whichever thread sees the step end after a report logs the end, once.
 * The loop does not wait for a report: it may end the step and start the next one while the
 * watchdog logs, so the watchdog works on a copy of the step's fields, which the step's
 * sequence number, read before and after it takes the phase, proves are all one step's.
 */
final class StallWatchdog {
    private static final System.Logger LOG = System.getLogger("dev.evloop.watchdog");
    private static final int IDLE = 0;
    private static final int RUNNING = 1;
    private static final int REPORTING = 2;
    private static final int REPORTED = 3;
    /** Each further report of a stall comes after this many times the previous wait. */
    private static final int GROWTH = 4;
    private static final VarHandle PHASE;
    private static final VarHandle SEQUENCE;
    private static final ScheduledThreadPoolExecutor CHECKER;

    static {
        try {
            PHASE = MethodHandles.lookup().findVarHandle(StallWatchdog.class, "phase", int.class);
            SEQUENCE = MethodHandles.lookup().findVarHandle(StallWatchdog.class, "sequence", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        CHECKER = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "evloop-watchdog");
            t.setDaemon(true);
            return t;
        });
        CHECKER.setRemoveOnCancelPolicy(true);
    }

    private final BaseEventLoop loop;
    private final long thresholdNanos;
    private final ScheduledFuture<?> checks;

    private volatile int phase;
    // Written by the loop thread before it publishes RUNNING, the sequence (released) last; the
    // watchdog copies them and checks the copy against the sequence (acquired).
    private Object entry;
    private long startedAt;
    private long sequence;

    // The watchdog thread's own.
    private long reportedSequence = -1;
    private long nextReportAfter;

    private StallWatchdog(BaseEventLoop loop, long thresholdNanos) {
        this.loop = loop;
        this.thresholdNanos = thresholdNanos;
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(1), thresholdNanos / 4);
        this.checks = CHECKER.scheduleAtFixedRate(this::check, period, period, TimeUnit.NANOSECONDS);
    }

    /** Starts watching a loop; {@link #stop()} ends it. */
    static StallWatchdog start(BaseEventLoop loop, long thresholdNanos) {
        return new StallWatchdog(loop, thresholdNanos);
    }

    /** Stops watching: the loop closes, or its threshold changed. */
    void stop() {
        checks.cancel(false);
    }

    long thresholdNanos() {
        return thresholdNanos;
    }

    /** On the loop thread: a callback or task step starts. */
    void begin(Object entry, long now) {
        this.entry = entry;
        this.startedAt = now;
        SEQUENCE.setRelease(this, sequence + 1);
        phase = RUNNING;
    }

    /** On the loop thread: the callback or step ended; logs the end of a reported stall. */
    void end(long now) {
        int was = (int) PHASE.getAndSet(this, IDLE);
        if (was == REPORTED) {
            logEnd(entry, now - startedAt);
        }
    }

    private void check() {
        try {
            checkOnce();
        } catch (Throwable t) {
            // A failing check must not cancel the periodic task, which would end the watching.
            LOG.log(System.Logger.Level.ERROR, "the stall watchdog failed", t);
        }
    }

    private void checkOnce() {
        int seen = phase;
        if (seen != RUNNING && seen != REPORTED) {
            return;
        }
        long step = (long) SEQUENCE.getAcquire(this);
        Object running = entry;
        long started = startedAt;
        if (!PHASE.compareAndSet(this, seen, REPORTING)) {
            return;
        }
        if ((long) SEQUENCE.getAcquire(this) != step) {
            // The step copied ended and the next began before the phase was taken: the copy may
            // mix the two. The phase taken is the new step's, which nothing has reported yet.
            PHASE.compareAndSet(this, REPORTING, RUNNING);
            return;
        }
        long elapsed = System.nanoTime() - started;
        boolean first = step != reportedSequence;
        long due = first ? thresholdNanos : nextReportAfter;
        if (elapsed < due) {
            if (!PHASE.compareAndSet(this, REPORTING, seen) && seen == REPORTED) {
                logEnd(running, System.nanoTime() - started); // a reported step ended while looked at
            }
            return;
        }
        // A task's eager first step runs inside the step or callback that created it, and is what
        // runs: its thread shows the blocking code, the creator's only its wait for the step.
        TaskRun eager = loop.eagerStepOrNull();
        Thread thread = eager != null ? eager.thread() : threadOf(running);
        StackTraceElement[] stack = thread == null ? new StackTraceElement[0] : thread.getStackTrace();
        String what = describe(running) + (eager != null ? ", in the eager first step of task " + eager.task() : "");
        String report = String.format("%s %s has blocked %s for %.3f s%s",
                first ? "Stall:" : "Stall continues:", what, loop, elapsed / 1e9, siteOf(running)) + format(stack);
        LOG.log(System.Logger.Level.WARNING, report);
        StallEvent.emit(loop.toString(), what, elapsed, format(stack));
        reportedSequence = step;
        nextReportAfter = Math.max(elapsed, thresholdNanos) * GROWTH;
        if (!PHASE.compareAndSet(this, REPORTING, REPORTED)) {
            logEnd(running, System.nanoTime() - started); // ended while this was logged
        }
    }

    private void logEnd(Object ended, long totalNanos) {
        LOG.log(System.Logger.Level.WARNING, String.format("Stall ended: %s blocked %s for %.3f s in total",
                describe(ended), loop, totalNanos / 1e9));
    }

    /** The thread whose stack shows the blocking code: the task's for a task step, else the loop's. */
    private Thread threadOf(Object running) {
        if (running instanceof TaskStep step) {
            return step.taskRun().thread();
        }
        return loop.runningThreadOrNull();
    }

    private static String describe(Object running) {
        if (running instanceof TaskStep step) {
            return "task " + step.taskRun().task();
        }
        if (running == IoCallbacks.HANDLE) {
            return IoCallbacks.DESCRIPTION;
        }
        if (running instanceof CallbackHandle handle) {
            return "callback " + handle;
        }
        return "callback <Handle " + CallbackHandle.describe(running) + ">";
    }

    /** Where a callback was scheduled, in debug mode; a task's name already says where it was made. */
    private static String siteOf(Object running) {
        CreationSite site = running instanceof CallbackHandle handle ? handle.createdAt() : null;
        return site == null ? "" : "\ncreated at:" + site.trace();
    }

    static String format(StackTraceElement[] stack) {
        StringBuilder sb = new StringBuilder();
        for (StackTraceElement e : stack) {
            sb.append("\n\tat ").append(e);
        }
        return sb.toString();
    }
}
