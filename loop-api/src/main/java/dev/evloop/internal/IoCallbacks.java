package dev.evloop.internal;

import dev.evloop.Handle;

/**
 * The I/O callbacks one poll runs (protocols, transports, fd readers and writers), named as one:
 * they run straight from the poll, one after another, not from the ready queue, so the loop times
 * them together, and the stack of a stall names the one that blocks. The handle that debug mode's
 * slow-callback warning, the observer's {@code slowCallback}, JFR's {@code evloop.SlowCallback}
 * and the stall watchdog name them by.
 */
final class IoCallbacks implements Handle {
    static final IoCallbacks HANDLE = new IoCallbacks();
    static final String DESCRIPTION = "I/O callbacks of the poll (protocols, transports, fd readers and writers)";

    private IoCallbacks() {
    }

    /** They have run by the time anyone holds this handle: as asyncio's cancel of a handle that ran, nothing happens. */
    @Override
    public void cancel() {
    }

    @Override
    public boolean isCancelled() {
        return false;
    }

    @Override
    public String toString() {
        return "<Handle " + DESCRIPTION + ">";
    }
}
