package dev.evloop.sync;

import dev.evloop.EventLoop;
import dev.evloop.LoopFuture;
import dev.evloop.internal.LoopContext;
import dev.evloop.internal.LoopCore;
import java.util.Deque;

/**
 * The base of the synchronisation primitives: like asyncio's {@code _LoopBoundMixin}, a primitive
 * binds to the loop it is first used on and refuses any other. Primitives are not thread-safe:
 * they are used from that loop's tasks and callbacks, and refuse other threads while it runs.
 */
abstract class LoopBound {
    private EventLoop loop;

    /** The loop this primitive is bound to, binding it to the running loop on first use. */
    final EventLoop boundLoop() {
        EventLoop running = LoopContext.runningLoop();
        if (running == null) {
            throw new IllegalStateException(getClass().getSimpleName()
                    + " is used inside its event loop, from a task or a callback");
        }
        if (loop == null) {
            loop = running;
        } else if (loop != running) {
            throw new IllegalStateException(getClass().getSimpleName() + " is bound to " + loop
                    + ", not to " + running);
        }
        return loop;
    }

    /**
     * Refuses a call that does not come from the bound loop: from another running loop (naming
     * both), or from another thread while the bound loop runs, where it would race with the loop.
     * A call from a running loop binds a primitive not bound yet; one made while no loop runs on
     * the calling thread, to set things up before the loop starts, is let through.
     */
    final void checkCaller() {
        EventLoop running = LoopContext.runningLoop();
        if (running == loop) {
            return;
        }
        if (running != null) {
            boundLoop();
        } else if (!LoopCore.of(loop).holdsLoop()) {
            throw new IllegalStateException(getClass().getSimpleName() + " is used from thread '"
                    + Thread.currentThread().getName() + "' while its loop runs on another thread: call it"
                    + " from the loop, with callSoonThreadsafe");
        }
    }

    /** Queues a new waiter and suspends the current task until it is completed; see below. */
    final void awaitTurn(Deque<LoopFuture<Boolean>> waiters) {
        awaitTurn(waiters, boundLoop().createFuture());
    }

    /**
     * Queues {@code waiter}, suspends the current task until it is completed, and dequeues it,
     * also when the wait ends in a cancellation.
     */
    static void awaitTurn(Deque<LoopFuture<Boolean>> waiters, LoopFuture<Boolean> waiter) {
        waiters.addLast(waiter);
        try {
            waiter.await();
        } finally {
            waiters.remove(waiter);
        }
    }

    /**
     * Whether a waiter is not cancelled, so that a newcomer must queue behind it. A plain loop, not
     * a stream: this runs on every acquire, and a stream allocated 80 bytes per uncontended
     * acquire and release.
     */
    static boolean hasLiveWaiter(Deque<LoopFuture<Boolean>> waiters) {
        if (waiters.isEmpty()) {
            return false;
        }
        for (LoopFuture<Boolean> waiter : waiters) {
            if (!waiter.isCancelled()) {
                return true;
            }
        }
        return false;
    }

    /** Completes the first waiter that is still pending; false if there is none. */
    static boolean wakeFirst(Deque<LoopFuture<Boolean>> waiters, boolean value) {
        for (LoopFuture<Boolean> waiter : waiters) {
            if (!waiter.isDone()) {
                waiter.setResult(value);
                return true;
            }
        }
        return false;
    }
}
