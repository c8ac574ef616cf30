package dev.evloop.internal;

/**
 * A callback submitted from another thread: it travels through the Netty loop's MPSC task queue,
 * and when the loop drains that queue during its poll it joins the ready queue, so it runs in
 * FIFO order with everything else rather than inside the poll.
 */
final class ThreadsafeCallback extends CallbackHandle implements Runnable {
    private final BaseEventLoop loop;

    ThreadsafeCallback(BaseEventLoop loop, Runnable callback, CreationSite createdAt) {
        super(callback, createdAt);
        this.loop = loop;
    }

    /** Called by the Netty loop on the loop thread: move to the ready queue. */
    @Override
    public void run() {
        loop.enqueueReady(this);
    }
}
