package dev.evloop.sync;

import dev.evloop.EventLoop;
import dev.evloop.LoopFuture;
import dev.evloop.internal.LoopContext;
import java.util.Deque;

/**
 * The base of the synchronisation primitives: like asyncio's {@code _LoopBoundMixin}, a primitive
 * binds to the loop it is first used on and refuses any other. Primitives are not thread-safe:
 * they are used from that loop's tasks and callbacks.
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
