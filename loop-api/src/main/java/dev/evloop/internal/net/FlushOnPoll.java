package dev.evloop.internal.net;

import dev.evloop.internal.BaseEventLoop;


/**
 * A transport that batches its writes: it asks its loop, through
 * {@link BaseEventLoop#flushBeforeNextPoll}, to flush them once, before the loop's next poll.
 */
public interface FlushOnPoll {

    /** Sends what was written since the last flush. */
    void flushNow();
}
