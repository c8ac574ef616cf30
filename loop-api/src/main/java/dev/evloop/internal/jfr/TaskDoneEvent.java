package dev.evloop.internal.jfr;

import dev.evloop.Task;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** A task finished: with a result, an exception, or cancelled. Committed as {@link TaskCreatedEvent} is. */
@Name("evloop.TaskDone")
@Label("Task Done")
@Category("evloop")
@StackTrace(false)
public final class TaskDoneEvent extends jdk.jfr.Event {
    @Label("Loop")
    public String loop;
    @Label("Task")
    public String task;
    @Label("Outcome")
    @Description("result, exception or cancelled")
    public String outcome;
    @Label("Age")
    @Description("From creation to the end")
    @Timespan(Timespan.NANOSECONDS)
    public long age;

    /** Records a task's end, if a recording wants it. */
    public static void emit(Object loop, Task<?> task, long createdNanos) {
        TaskDoneEvent e = new TaskDoneEvent();
        if (e.shouldCommit()) {
            e.loop = loop.toString();
            e.task = task.getName();
            e.outcome = task.isCancelled() ? "cancelled" : task.exception() != null ? "exception" : "result";
            e.age = System.nanoTime() - createdNanos;
            e.commit();
        }
    }
}
