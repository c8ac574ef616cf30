package dev.evloop.internal;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * A backend's Netty {@link IoHandler} seen through a context that tells the loop when the poll
 * runs its I/O callbacks (protocols, transports, fd readers and writers), which run straight
 * from the poll rather than from the ready queue, so that the stall watchdog sees a callback that
 * blocks there as it sees one in the ready queue, and debug mode, the observer and JFR hear of
 * slow ones as they hear of slow callbacks (as asyncio's debug mode does of its I/O handles).
 *
 * <p>Netty's handlers (NIO, epoll, io_uring, kqueue) ask {@link #shouldReportActiveIoTime()} once
 * they have waited and are about to process what they found, and call
 * {@link #reportActiveIoTime(long)} when done (the auto-scaling groups' measure of busy time); the
 * loop takes that span as the I/O callbacks' one, and ends it when the poll returns at the latest.
 * A handler that never asks leaves its I/O callbacks unwatched, as before. A registration tells
 * the loop it does I/O (so its runs use Netty's pools, see {@link PooledRun}). Everything else
 * goes to the handler and to the loop's own context unchanged.
 */
final class WatchedIoHandler implements IoHandler, IoHandlerContext {
    private final IoHandler handler;
    private final BaseEventLoop loop;
    /** The loop's own context for the poll under way. */
    private IoHandlerContext context;
    /** Whether the loop's own context asked for the active time of the poll under way. */
    private boolean contextReports;
    /** Whether the loop times the I/O callbacks under way. */
    private boolean timing;

    private WatchedIoHandler(IoHandler handler, BaseEventLoop loop) {
        this.handler = handler;
        this.loop = loop;
    }

    /** The backend's handlers, each wrapped so for {@code loop}. */
    static IoHandlerFactory factory(IoHandlerFactory backend, BaseEventLoop loop) {
        return new IoHandlerFactory() {
            @Override
            public IoHandler newHandler(ThreadAwareExecutor executor) {
                return new WatchedIoHandler(backend.newHandler(executor), loop);
            }

            @Override
            public boolean isChangingThreadSupported() {
                return backend.isChangingThreadSupported();
            }
        };
    }

    @Override
    public int run(IoHandlerContext loopContext) {
        context = loopContext;
        try {
            return handler.run(this);
        } finally {
            ioCallbacksEnded();
        }
    }

    @Override
    public boolean canBlock() {
        return context.canBlock();
    }

    @Override
    public long delayNanos(long currentTimeNanos) {
        return context.delayNanos(currentTimeNanos);
    }

    @Override
    public long deadlineNanos() {
        return context.deadlineNanos();
    }

    @Override
    public boolean shouldReportActiveIoTime() {
        contextReports = context.shouldReportActiveIoTime();
        if (!loop.ioCallbacksStarted()) {
            return contextReports;
        }
        timing = true;
        return true;
    }

    @Override
    public void reportActiveIoTime(long activeNanos) {
        ioCallbacksEnded();
        if (contextReports) {
            context.reportActiveIoTime(activeNanos);
        }
    }

    private void ioCallbacksEnded() {
        if (timing) {
            timing = false;
            loop.ioCallbacksEnded();
        }
    }

    @Override
    public void initialize() {
        handler.initialize();
    }

    @Override
    public void prepareToDestroy() {
        handler.prepareToDestroy();
    }

    @Override
    public void destroy() {
        handler.destroy();
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
        IoRegistration registration = handler.register(handle);
        loop.ioRegistered();
        return registration;
    }

    @Override
    public void wakeup() {
        handler.wakeup();
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return handler.isCompatible(handleType);
    }
}
