package dev.evloop.internal;

import dev.evloop.TimerHandle;



/**
 * A callback in the timer heap, ordered by deadline and then by the order it was scheduled in.
 */
final class ScheduledCallback extends CallbackHandle implements TimerHandle {
    private final BaseEventLoop loop;
    final long deadline;
    long sequence;
    /** In the heap (not yet fired or dropped): only then does its cancellation count there. */
    boolean inHeap;
    /** Its cancellation was counted in the heap's tally of cancelled timers. */
    boolean cancelCounted;
    /** Its callback was started: a later cancel() no longer counts as cancelling a timer. */
    boolean ran;

    ScheduledCallback(BaseEventLoop loop, long deadline, Runnable callback, CreationSite createdAt) {
        super(callback, createdAt);
        this.loop = loop;
        this.deadline = deadline;
    }

    @Override
    public double when() {
        return LoopClock.seconds(deadline);
    }

    @Override
    void onCancelled() {
        loop.timerCancelled(this);
    }

    boolean isBefore(ScheduledCallback other) {
        return deadline != other.deadline ? deadline < other.deadline : sequence < other.sequence;
    }

    @Override
    String kind() {
        return "TimerHandle";
    }

    @Override
    void describeMore(StringBuilder sb) {
        sb.append(String.format(" when=%.6f", when()));
    }
}
