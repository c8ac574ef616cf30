package dev.evloop.internal;

import dev.evloop.LoopObserver;
import dev.evloop.internal.jfr.Recordings;
import java.time.Duration;

/**
 * What the user asked to watch one loop with: an observer and a stall threshold. Each change makes
 * the loop a new {@link LoopWatch} (or none). Changed from any thread, rarely.
 */
final class Watching {
    /** The system property that turns the stall watchdog on for new loops, as {@code 200ms}. */
    static final String PROPERTY = "loop.watchdog";
    /** The stall threshold of a loop in debug mode that was given none. */
    static final Duration DEBUG_THRESHOLD = Duration.ofSeconds(1);

    private final BaseEventLoop loop;
    private LoopObserver observer;
    /** The threshold set by the property or the setter; {@code null}: none, debug mode decides. */
    private Duration threshold = fromProperty();
    private StallWatchdog watchdog;
    private boolean closed;

    Watching(BaseEventLoop loop) {
        this.loop = loop;
    }

    private static Duration fromProperty() {
        String text = System.getProperty(PROPERTY);
        if (text == null || text.isBlank()) {
            return null;
        }
        return "off".equalsIgnoreCase(text.trim()) ? Duration.ZERO : Durations.parse(text, "-D" + PROPERTY);
    }

    synchronized LoopObserver observer() {
        return observer;
    }

    synchronized void setObserver(LoopObserver observer) {
        this.observer = observer;
        refresh();
    }

    /** The threshold in force: set, or debug mode's, or zero when the watchdog is off. */
    synchronized Duration threshold() {
        if (threshold != null) {
            return threshold;
        }
        return loop.isDebug() ? DEBUG_THRESHOLD : Duration.ZERO;
    }

    synchronized void setThreshold(Duration threshold) {
        Durations.nonNegativeNanos(threshold, "threshold");
        this.threshold = threshold;
        refresh();
    }

    /** Rebuilds what watches the loop from the settings, debug mode and JFR's recordings. */
    synchronized void refresh() {
        long nanos = closed ? 0 : Durations.saturatedNanos(threshold());
        if (Durations.isNoLimit(nanos)) {
            nanos = 0;
        }
        if (watchdog != null && watchdog.thresholdNanos() != nanos) {
            watchdog.stop();
            watchdog = null;
        }
        if (nanos > 0 && watchdog == null) {
            watchdog = StallWatchdog.start(loop, nanos);
        }
        loop.installWatch(closed ? null : LoopWatch.of(loop, observer, watchdog,
                Recordings.slowCallbacks(), Recordings.polls()));
    }

    /** The loop closes: nothing watches it any more. */
    synchronized void close() {
        closed = true;
        refresh();
    }
}
