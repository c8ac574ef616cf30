package dev.evloop.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * The stall watchdog found a callback or task step running past the loop's stall threshold. The
 * event's own stack would be the watchdog's, so the blocked code's stack is a field.
 */
@Name("evloop.Stall")
@Label("Event Loop Stall")
@Category("evloop")
@Description("A callback or task step has held the event loop longer than its stall threshold")
@StackTrace(false)
public final class StallEvent extends jdk.jfr.Event {
    @Label("Loop")
    String loop;
    @Label("Running")
    @Description("The callback or task that holds the loop")
    String running;
    @Label("Blocked For")
    @Timespan(Timespan.NANOSECONDS)
    long blocked;
    @Label("Stack")
    @Description("Where the blocked code is, innermost frame first")
    String stack;

    /** Records a stall report, if a recording wants it. */
    public static void emit(String loop, String running, long blockedNanos, String stack) {
        StallEvent e = new StallEvent();
        if (e.isEnabled()) {
            e.loop = loop;
            e.running = running;
            e.blocked = blockedNanos;
            e.stack = stack;
            e.commit();
        }
    }
}
