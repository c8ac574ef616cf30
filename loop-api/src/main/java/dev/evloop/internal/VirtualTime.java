package dev.evloop.internal;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The state behind {@code dev.evloop.VirtualClock}: a loop's clock in nanoseconds from 0 that
 * moves only when advanced by hand or when the idle loop jumps to its next timer. Read on the
 * loop's thread; advanced from any thread, so the time is atomic and only ever grows.
 */
public final class VirtualTime {
    /** The default real wait for I/O in flight before an idle loop jumps: 1 ms, in nanoseconds. */
    public static final long DEFAULT_AUTOJUMP_NANOS = 1_000_000;

    private final Object owner;
    private final AtomicLong nanos = new AtomicLong();
    /** Work on other threads whose result the loop awaits (runInExecutor): no jump meanwhile. */
    private final AtomicInteger held = new AtomicInteger();
    private volatile long autojumpNanos = DEFAULT_AUTOJUMP_NANOS;
    private volatile BaseEventLoop loop;

    /**
     * A clock at 0.
     *
     * @param owner the public clock this is the state of
     */
    public VirtualTime(Object owner) {
        this.owner = Objects.requireNonNull(owner, "owner");
    }

    /** The public clock this is the state of. */
    public Object owner() {
        return owner;
    }

    /** The time, in nanoseconds since the clock was made. */
    public long nanos() {
        return nanos.get();
    }

    /**
     * Moves the time forward and lets the loop see it: due timers join the ready queue at once
     * when called on the loop's thread, else the loop is woken.
     *
     * @param delta nanoseconds, 0 or more (the caller checked)
     */
    public void advance(long delta) {
        nanos.accumulateAndGet(delta, (now, d) -> Durations.isNoLimit(d) || now + d >= Durations.NO_LIMIT
                ? Durations.NO_LIMIT : now + d);
        BaseEventLoop bound = loop;
        if (bound != null) {
            bound.virtualTimeAdvanced();
        }
    }

    /** The real wait before an idle loop jumps, in nanoseconds; {@link Durations#NO_LIMIT} means never. */
    public long autojumpNanos() {
        return autojumpNanos;
    }

    /** Sets {@link #autojumpNanos()}; the caller checked it is 0 or more. */
    public void setAutojumpNanos(long nanos) {
        this.autojumpNanos = nanos;
    }

    /** Binds the clock to the loop made with it: one clock, one loop, as a Trio run has one clock. */
    synchronized void bind(BaseEventLoop owner) {
        Objects.requireNonNull(owner, "owner");
        if (loop != null) {
            throw new IllegalArgumentException("clock: it already drives " + loop + "; give each loop a clock of its own");
        }
        loop = owner;
    }

    /** The idle loop jumps to {@code deadline} unless the time is already past it. */
    void jumpTo(long deadline) {
        nanos.accumulateAndGet(deadline, Math::max);
    }

    /** Whether an idle loop may jump now: jumps are on and no work elsewhere is awaited. */
    boolean mayJump() {
        return autojumpNanos != Durations.NO_LIMIT && held.get() == 0;
    }

    /** A result from another thread is awaited: the loop waits for it rather than jump over it. */
    void hold() {
        held.incrementAndGet();
    }

    /** The awaited result arrived. */
    void release() {
        held.decrementAndGet();
    }
}
