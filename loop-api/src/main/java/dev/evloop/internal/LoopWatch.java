package dev.evloop.internal;

import dev.evloop.ExceptionContext;
import dev.evloop.Handle;
import dev.evloop.LoopObserver;
import dev.evloop.Task;
import dev.evloop.internal.jfr.PollEvent;
import dev.evloop.internal.jfr.SlowCallbackEvent;
import dev.evloop.internal.tasks.TaskStep;

/**
 * Everything that watches one loop, fixed until something changes and the loop makes a new one: the
 * user's {@link LoopObserver}, the stall watchdog, and the per-callback JFR events a recording
 * wants. A loop
 * holds {@code null} when nothing watches it and reads that once per iteration; every call here is
 * made only when something does.
 */
final class LoopWatch {
    private final BaseEventLoop loop;
    private final LoopObserver observer;
    private final StallWatchdog stall;
    private final boolean jfrSlow;
    private final boolean jfrPoll;

    private LoopWatch(BaseEventLoop loop, LoopObserver observer, StallWatchdog stall,
                      boolean jfrSlow, boolean jfrPoll) {
        this.loop = loop;
        this.observer = observer;
        this.stall = stall;
        this.jfrSlow = jfrSlow;
        this.jfrPoll = jfrPoll;
    }

    /** What watches a loop now, or {@code null} if nothing does. */
    static LoopWatch of(BaseEventLoop loop, LoopObserver observer, StallWatchdog stall,
                        boolean jfrSlow, boolean jfrPoll) {
        if (observer == null && stall == null && !jfrSlow && !jfrPoll) {
            return null;
        }
        return new LoopWatch(loop, observer, stall, jfrSlow, jfrPoll);
    }

    /**
     * Whether each callback and task step is watched: the loop then times each, and fast mode's
     * continuations say which task they belong to.
     */
    boolean watchesCallbacks() {
        return observer != null || stall != null || jfrSlow;
    }

    /** Whether the observer wants a handle for each callback. */
    boolean wantsHandles() {
        return observer != null;
    }

    void iterationStarted() {
        if (observer != null) {
            try {
                observer.iterationStarted(loop.front());
            } catch (Throwable t) {
                failed("iterationStarted", t);
            }
        }
    }

    void iterationEnded(int ran) {
        if (observer != null) {
            try {
                observer.iterationEnded(loop.front(), ran);
            } catch (Throwable t) {
                failed("iterationEnded", t);
            }
        }
    }

    /** Before a poll; returns the JFR event to end after it, or {@code null}. */
    PollEvent beforePoll(long timeoutNanos) {
        if (observer != null) {
            try {
                observer.beforePoll(loop.front(), timeoutNanos);
            } catch (Throwable t) {
                failed("beforePoll", t);
            }
        }
        if (!jfrPoll) {
            return null;
        }
        PollEvent event = new PollEvent();
        event.timeout = timeoutNanos;
        event.begin();
        return event;
    }

    void afterPoll(PollEvent event, long tookNanos, int events) {
        if (event != null) {
            event.end();
            if (event.shouldCommit()) {
                event.loop = loop.toString();
                event.events = events;
                event.commit();
            }
        }
        if (observer != null) {
            try {
                observer.afterPoll(loop.front(), tookNanos, events);
            } catch (Throwable t) {
                failed("afterPoll", t);
            }
        }
    }

    /**
     * A callback or task step starts. {@code step} is the task step it is, or {@code null};
     * {@code handle} the entry's handle when the observer wants one. Returns the JFR event
     * to end after it, or {@code null}.
     */
    SlowCallbackEvent beforeCallback(Object entry, TaskStep step, Handle handle, long now) {
        if (observer != null) {
            try {
                if (step != null) {
                    observer.taskStepStarted(step.taskRun().task());
                } else {
                    observer.callbackStarted(loop.front(), handle);
                }
            } catch (Throwable t) {
                failed(step != null ? "taskStepStarted" : "callbackStarted", t);
            }
        }
        if (stall != null) {
            stall.begin(step != null ? step : entry, now);
        }
        if (!jfrSlow) {
            return null;
        }
        SlowCallbackEvent event = new SlowCallbackEvent();
        event.begin();
        return event;
    }

    /** A callback or task step ended after {@code tookNanos}; {@code slow} says if that is slow. */
    void afterCallback(Object entry, TaskStep step, Handle handle, long now, long tookNanos, boolean slow,
                       SlowCallbackEvent event) {
        if (stall != null) {
            stall.end(now);
        }
        if (event != null) {
            event.end();
            if (event.shouldCommit()) {
                event.loop = loop.toString();
                event.callback = step != null ? "task " + step.taskRun().task()
                        : entry instanceof CallbackHandle h ? h.toString() : CallbackHandle.describe(entry);
                CreationSite site = entry instanceof CallbackHandle h ? h.createdAt() : null;
                event.createdAt = site == null ? null : site.trace();
                event.commit();
            }
        }
        if (observer != null) {
            try {
                if (step != null) {
                    observer.taskStepEnded(step.taskRun().task(), tookNanos);
                } else {
                    observer.callbackEnded(loop.front(), handle, tookNanos);
                }
            } catch (Throwable t) {
                failed(step != null ? "taskStepEnded" : "callbackEnded", t);
            }
            // Apart from the end's hook: one hook that throws must not silence another.
            if (slow) {
                try {
                    observer.slowCallback(loop.front(), handle, tookNanos);
                } catch (Throwable t) {
                    failed("slowCallback", t);
                }
            }
        }
    }

    /**
     * On the loop thread: the poll has waited and starts running the I/O callbacks it found.
     * Returns the JFR event to end after them, or {@code null}.
     */
    SlowCallbackEvent ioCallbacksStarted(long now) {
        if (stall != null) {
            stall.begin(IoCallbacks.HANDLE, now);
        }
        if (!jfrSlow) {
            return null;
        }
        SlowCallbackEvent event = new SlowCallbackEvent();
        event.begin();
        return event;
    }

    /** On the loop thread: the poll's I/O callbacks ran for {@code tookNanos}; {@code slow} says if that is slow. */
    void ioCallbacksEnded(long now, long tookNanos, boolean slow, SlowCallbackEvent event) {
        if (stall != null) {
            stall.end(now);
        }
        if (event != null) {
            event.end();
            if (event.shouldCommit()) {
                event.loop = loop.toString();
                event.callback = IoCallbacks.HANDLE.toString();
                event.commit();
            }
        }
        if (observer != null && slow) {
            try {
                observer.slowCallback(loop.front(), IoCallbacks.HANDLE, tookNanos);
            } catch (Throwable t) {
                failed("slowCallback", t);
            }
        }
    }

    void taskCreated(Task<?> task) {
        if (observer != null) {
            try {
                observer.taskCreated(task);
            } catch (Throwable t) {
                failed("taskCreated", t);
            }
        }
    }

    void taskDone(Task<?> task) {
        if (observer != null) {
            try {
                observer.taskDone(task);
            } catch (Throwable t) {
                failed("taskDone", t);
            }
        }
    }

    private void failed(String method, Throwable t) {
        loop.callExceptionHandler(ExceptionContext.of("Exception in LoopObserver." + method, t)
                .with("observer", observer));
    }
}
