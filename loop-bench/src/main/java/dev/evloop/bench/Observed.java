package dev.evloop.bench;

import dev.evloop.EventLoop;
import dev.evloop.LoopObserver;

/**
 * What a loop observer costs: with {@code -Dbench.observer=true} the scheduler and task benchmarks
 * install one that does nothing, so an A/B run measures the hooks' price when used; without, the
 * loop has none and pays only the check for one.
 */
final class Observed {
    /** The system property that installs the do-nothing observer. */
    static final String PROPERTY = "bench.observer";

    private Observed() {
    }

    /** Installs a do-nothing observer on {@code loop} if {@value #PROPERTY} says so. */
    static void maybe(EventLoop loop) {
        if (Boolean.getBoolean(PROPERTY)) {
            loop.setObserver(new LoopObserver() {
            });
        }
    }
}
