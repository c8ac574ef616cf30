package dev.evloop.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.DataAmount;
import jdk.jfr.Label;
import jdk.jfr.Name;
import java.net.SocketAddress;
import jdk.jfr.StackTrace;

/**
 * A stream connection (TCP, TLS, Unix socket) was made or lost, with its addresses and, when lost,
 * the bytes it received and the bytes written to it (handed to the transport, sent or not).
 */
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

    /** Records a connection made, if a recording wants it. */
    public static void opened(SocketAddress local, SocketAddress remote) {
        ConnectionEvent e = new ConnectionEvent();
        if (e.shouldCommit()) {
            e.state = "opened";
            e.local = String.valueOf(local);
            e.remote = String.valueOf(remote);
            e.commit();
        }
    }

    /** Records a connection lost, with its bytes, if a recording wants it. */
    public static void closed(SocketAddress local, SocketAddress remote, long bytesRead, long bytesWritten) {
        ConnectionEvent e = new ConnectionEvent();
        if (e.shouldCommit()) {
            e.state = "closed";
            e.local = String.valueOf(local);
            e.remote = String.valueOf(remote);
            e.bytesRead = bytesRead;
            e.bytesWritten = bytesWritten;
            e.commit();
        }
    }
}
