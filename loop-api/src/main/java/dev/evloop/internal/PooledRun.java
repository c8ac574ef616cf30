package dev.evloop.internal;

import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.internal.InternalThreadLocalMap;
import java.util.Set;

/**
 * Runs a loop with Netty's per-thread pools on the caller's thread, and leaves that thread as it
 * found it.
 *
 * <p>Netty 4.2 pools the objects it makes per write ({@code ChannelOutboundBuffer.Entry}) and per
 * buffer only on a thread that promises to clean its fast thread-locals up: its own
 * {@link FastThreadLocalThread}s, where raw Netty's event loops run, or a thread inside
 * {@link FastThreadLocalThread#runWithFastThreadLocal}. Elsewhere its {@code Recycler} makes a new
 * object each time, so an evloop loop, which runs on whatever thread calls it, made garbage on every
 * write. A run inside that window pools as Netty's threads do; when it ends Netty removes every
 * fast thread-local of the thread, releasing the pools and the allocator's per-thread memory the run
 * made, so nothing outlives the run or carries over to the next loop on the thread.
 *
 * <p>That removal would also take the fast thread-local values the thread held before the run
 * (Netty's own caches, or a user's). Those are kept out of it: at the end of the window they leave
 * Netty's list of values to remove, and after it they are set again with what they held then, so
 * their {@code onRemoval} never runs and the thread ends the run holding what it held, and no
 * more. A thread that already has fast thread-locals (a Netty thread, or one inside such a window)
 * needs none of this and runs the body as it is.
 *
 * <p>Only {@code runForever} (and so {@code runUntilComplete}) runs inside it, and only once the
 * loop does I/O: {@code runOnce}, and a run of a loop that has only callbacks, timers and tasks,
 * would pay the window's set-up and release (a microsecond or more, mostly the thread's
 * {@code ThreadLocal} map) for pools nothing uses.
 */
final class PooledRun {
    private PooledRun() {
    }

    /** Runs {@code body} on this thread with Netty's per-thread pools, released when it returns or throws. */
    static void run(Runnable body) {
        if (FastThreadLocalThread.currentThreadHasFastThreadLocal()) {
            body.run();
            return;
        }
        Kept kept = Kept.ofThisThread();
        try {
            FastThreadLocalThread.runWithFastThreadLocal(() -> {
                try {
                    body.run();
                } finally {
                    kept.spare();
                }
            });
        } finally {
            kept.restore();
        }
    }

    /** The fast thread-locals this thread held before the window, and what they held at its end. */
    private static final class Kept {
        private static final Kept NONE = new Kept(new FastThreadLocal<?>[0]);

        private final FastThreadLocal<?>[] locals;
        private final Object[] values;
        private final boolean[] set;

        private Kept(FastThreadLocal<?>[] locals) {
            this.locals = locals;
            this.values = new Object[locals.length];
            this.set = new boolean[locals.length];
        }

        static Kept ofThisThread() {
            Set<?> toRemove = toRemove();
            return toRemove == null || toRemove.isEmpty() ? NONE : new Kept(toRemove.toArray(new FastThreadLocal<?>[0]));
        }

        /** Netty's list of the thread's fast thread-locals that hold a value, or {@code null}. */
        private static Set<?> toRemove() {
            InternalThreadLocalMap map = InternalThreadLocalMap.getIfSet();
            if (map == null) {
                return null;
            }
            return map.indexedVariable(InternalThreadLocalMap.VARIABLES_TO_REMOVE_INDEX) instanceof Set<?> s ? s : null;
        }

        /** At the end of the window: takes the kept locals' values and hides them from Netty's removal. */
        void spare() {
            if (locals.length == 0) {
                return;
            }
            Set<?> toRemove = toRemove();
            for (int i = 0; i < locals.length; i++) {
                FastThreadLocal<?> local = locals[i];
                if (local.isSet()) {
                    values[i] = local.get();
                    set[i] = true;
                    if (toRemove != null) {
                        toRemove.remove(local);
                    }
                }
            }
        }

        /** After the window: the kept locals hold again what they held at its end. */
        @SuppressWarnings("unchecked")
        void restore() {
            for (int i = 0; i < locals.length; i++) {
                if (set[i]) {
                    ((FastThreadLocal<Object>) locals[i]).set(values[i]);
                }
            }
        }
    }
}
