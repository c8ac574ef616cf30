package dev.evloop.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * One I/O poll of a loop: how long it took and what it found. Off by default, as a busy loop polls
 * hundreds of thousands of times a second; a recording switches it on, with a threshold if wanted.
 */
@Name("evloop.Poll")
@Label("Event Loop Poll")
@Category("evloop")
@Description("One I/O poll: its duration (waiting and dispatching) and the events it handled")
@Enabled(false)
@StackTrace(false)
public final class PollEvent extends jdk.jfr.Event {
    @Label("Loop")
    public String loop;
    @Label("Timeout")
    @Description("The longest the poll could wait: -1 none, 0 until woken")
    @Timespan(Timespan.NANOSECONDS)
    public long timeout;
    @Label("Events")
    @Description("I/O events and submitted tasks the poll handled")
    public int events;
}
