package dev.evloop;

import dev.evloop.internal.BaseEventLoop;
import dev.evloop.internal.Durations;
import dev.evloop.internal.VirtualTime;
import java.time.Duration;
import java.util.Objects;

/**
 * A virtual clock for a loop under test: Trio's {@code MockClock} with {@code autojump_threshold},
 * Tokio's {@code time::pause} and {@code time::advance}; asyncio has none. A loop made with one
 * ({@link EventLoops#newEventLoop(VirtualClock)}) runs {@link EventLoop#time()}, every timer,
 * {@link Async#sleep}, {@link Async#timeout}, {@link Async#waitFor}, {@link Async#wait},
 * {@link Async#asCompleted} and the timeouts of its transports (TLS handshakes, connects) on this
 * clock, while its sockets stay real: a test talks to a real socket with virtual timers.
 *
 * <p>The clock starts at 0 and moves only two ways:
 * <ul>
 *   <li><b>auto-advance</b>: when the loop has no callback ready and a timer pending, it polls for
 *       I/O for {@linkplain #autojumpThreshold() a real short while} (1 ms unless set) so that
 *       I/O already in flight lands first; if none came, the clock jumps to the earliest timer's
 *       deadline. A one-hour retry loop thus takes milliseconds. While a result of
 *       {@link EventLoop#runInExecutor} (name lookups included) is awaited the loop waits for it
 *       instead of jumping, as Tokio's paused clock waits for {@code spawn_blocking} work;</li>
 *   <li><b>{@link #advance(Duration)}</b> by hand.</li>
 * </ul>
 * Timers fire by deadline, ties in scheduling order, so the same program runs its timer callbacks
 * in the same order on every run and every backend. Work that finishes on other threads without
 * the loop awaiting it (a peer in another process, a subprocess) may take longer than the
 * threshold: raise the threshold for such tests, or turn jumps off and advance by hand.
 *
 * <pre>{@code
 * VirtualClock clock = new VirtualClock();
 * EventLoops.run(() -> {
 *     for (int attempt = 0; attempt < 60; attempt++) {
 *         Async.sleep(Duration.ofMinutes(1));         // an hour of retries
 *     }
 *     return clock.elapsed();                          // exactly PT1H, in a few milliseconds
 * }, () -> EventLoops.newEventLoop(clock));
 * }</pre>
 *
 * <p>One clock drives one loop. Thread-safe.
 */
public final class VirtualClock {
    final VirtualTime time = new VirtualTime(this);

    /**
     * A clock at 0 that jumps after {@linkplain #autojumpThreshold() 1 ms} of idle real time.
     * Mirrors Trio's {@code MockClock(autojump_threshold=...)}.
     */
    public VirtualClock() {
    }

    /**
     * The virtual clock of a loop. Mirrors reaching Trio's {@code current_clock()}.
     *
     * <pre>{@code
     * VirtualClock.of(Async.currentLoop()).advance(Duration.ofSeconds(30));
     * }</pre>
     *
     * @param loop a loop made with a virtual clock
     * @return its clock
     * @throws NullPointerException if {@code loop} is null
     * @throws IllegalArgumentException if the loop runs on the real clock, or evloop did not make it
     */
    public static VirtualClock of(EventLoop loop) {
        Objects.requireNonNull(loop, "loop");
        VirtualTime virtual = BaseEventLoop.of(loop).virtualTime();
        if (virtual == null || !(virtual.owner() instanceof VirtualClock clock)) {
            throw new IllegalArgumentException("loop: it runs on the real clock; make it with EventLoops.newEventLoop(VirtualClock)");
        }
        return clock;
    }

    /**
     * Moves the time forward. Mirrors Tokio's {@code time::advance} and Trio's
     * {@code MockClock.jump}. The timers now due run in deadline order in the loop's next
     * iteration: called from a task, they run before the task resumes from its next await (an
     * {@code Async.yieldNow()} lets them run); called from another thread, the loop is woken.
     *
     * <pre>{@code
     * clock.advance(Duration.ofSeconds(30));   // a 30 s keep-alive timer fires
     * Async.yieldNow();
     * }</pre>
     *
     * @param duration how far, zero or more; spans of 73 years or more move it to "never"
     * @throws NullPointerException if {@code duration} is null
     * @throws IllegalArgumentException if {@code duration} is negative: time never goes backwards
     */
    public void advance(Duration duration) {
        time.advance(Durations.nonNegativeNanos(duration, "duration"));
    }

    /**
     * The time elapsed on this clock since it was made, to the nanosecond; what
     * {@link EventLoop#time()} of its loop says, as a {@code Duration}.
     *
     * @return the elapsed virtual time
     */
    public Duration elapsed() {
        return Duration.ofNanos(time.nanos());
    }

    /**
     * How long an idle loop waits in real time for I/O in flight before it jumps to its next
     * timer. Mirrors Trio's {@code MockClock.autojump_threshold}; 1 ms unless set.
     *
     * @return the threshold; a span of 73 years or more when jumps are off
     */
    public Duration autojumpThreshold() {
        return Duration.ofNanos(time.autojumpNanos());
    }

    /**
     * Sets {@link #autojumpThreshold()}. Zero jumps as soon as a poll that does not wait finds
     * nothing (Tokio's paused clock; fine when all I/O is on this loop, but a peer elsewhere may
     * not have answered yet); a longer one gives slower peers time; 73 years or more (for example
     * {@code ChronoUnit.FOREVER.getDuration()}, Trio's {@code math.inf}) turns jumps off, leaving
     * {@link #advance} as the only way time moves.
     *
     * <pre>{@code
     * clock.setAutojumpThreshold(Duration.ofMillis(50));   // a peer thread on a loaded host
     * }</pre>
     *
     * @param threshold the real wait, zero or more
     * @throws NullPointerException if {@code threshold} is null
     * @throws IllegalArgumentException if {@code threshold} is negative
     */
    public void setAutojumpThreshold(Duration threshold) {
        time.setAutojumpNanos(Durations.nonNegativeNanos(threshold, "threshold"));
    }

    @Override
    public String toString() {
        return "VirtualClock[" + elapsed() + "]";
    }
}
