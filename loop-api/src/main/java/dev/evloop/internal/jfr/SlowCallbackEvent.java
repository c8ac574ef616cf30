package dev.evloop.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * A callback or task step that ran at least the event's threshold (100 ms unless the recording's
 * settings say otherwise): asyncio's debug-mode slow-callback warning, as an event. Its duration is
 * the callback's.
 */
@Name("evloop.SlowCallback")
@Label("Slow Event Loop Callback")
@Category("evloop")
@Description("A callback or task step that held the event loop at least the threshold")
@Threshold("100 ms")
@StackTrace(false)
public final class SlowCallbackEvent extends jdk.jfr.Event {
    @Label("Loop")
    public String loop;
    @Label("Callback")
    @Description("The callback's handle, or the task whose step it was")
    public String callback;
    @Label("Created At")
    @Description("Where the callback was scheduled, in debug mode")
    public String createdAt;
}
