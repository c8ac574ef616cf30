package dev.evloop;

/**
 * A callback scheduled on an {@link EventLoop}, returned by {@link EventLoop#callSoon} and
 * {@link EventLoop#callSoonThreadsafe}; mirrors asyncio's {@code Handle}.
 *
 * <p>Its only use is to take the callback back before it runs:
 * <pre>{@code
 * Handle h = loop.callSoon(() -> System.out.println("never printed"));
 * h.cancel();
 * }</pre>
 *
 * <p>Two handles of the same scheduled callback are {@linkplain Object#equals equal}, though not
 * always the same object: the one an {@link ExceptionHandler} is given for a failed callback
 * equals the one {@code callSoon} returned. (This lets {@code callSoon} allocate no handle
 * for a caller that drops it.)
 *
 * <p>evloop implements this interface; users do not.
 */
public interface Handle {

    /**
     * Cancels the callback: if it has not run yet, it never will. Cancelling twice, or after the
     * callback ran, does nothing. Safe to call from any thread.
     * Mirrors asyncio's {@code Handle.cancel()}.
     */
    void cancel();

    /**
     * Whether {@link #cancel()} was called. Mirrors asyncio's {@code Handle.cancelled()}.
     *
     * @return {@code true} once cancelled
     */
    boolean isCancelled();
}
