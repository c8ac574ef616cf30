package dev.evloop.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** Every second, one per open loop: its {@link dev.evloop.LoopMetrics} and how many tasks it has. */
@Name("evloop.LoopMetrics")
@Label("Event Loop Metrics")
@Category("evloop")
@Period("1 s")
@StackTrace(false)
public final class LoopMetricsEvent extends jdk.jfr.Event {
    @Label("Loop")
    public String loop;
    @Label("Iterations")
    public long iterations;
    @Label("Polls")
    public long polls;
    @Label("Callbacks Run")
    public long callbacksRun;
    @Label("Timers Fired")
    public long timersFired;
    @Label("Timers Cancelled")
    public long timersCancelled;
    @Label("Poll Time")
    @Timespan(Timespan.NANOSECONDS)
    public long pollTime;
    @Label("Ready Callbacks")
    public int readyCallbacks;
    @Label("Scheduled Timers")
    public int scheduledTimers;
}
