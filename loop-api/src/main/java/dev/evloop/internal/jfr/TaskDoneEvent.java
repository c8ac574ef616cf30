package dev.evloop.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** A task finished: with a result, an exception, or cancelled. */
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
}
