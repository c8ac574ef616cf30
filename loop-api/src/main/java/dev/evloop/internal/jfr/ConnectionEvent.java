package dev.evloop.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.DataAmount;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A stream connection (TCP, Unix socket) was made or lost, with its addresses and, when lost, its bytes. */
@Name("evloop.Connection")
@Label("Connection")
@Category("evloop")
@StackTrace(false)
public final class ConnectionEvent extends jdk.jfr.Event {
    @Label("State")
    @Description("opened or closed")
    public String state;
    @Label("Local Address")
    public String local;
    @Label("Remote Address")
    public String remote;
    @Label("Bytes Read")
    @DataAmount
    public long bytesRead;
    @Label("Bytes Written")
    @DataAmount
    public long bytesWritten;
}
