package dev.evloop;

/**
 * When {@link Async#wait(java.util.Collection, java.time.Duration, ReturnWhen)} returns. Mirrors
 * asyncio's {@code FIRST_COMPLETED}, {@code FIRST_EXCEPTION} and {@code ALL_COMPLETED}.
 *
 * <pre>{@code
 * WaitResult<String> r = Async.wait(List.of(a, b), null, ReturnWhen.FIRST_COMPLETED);
 * }</pre>
 */
public enum ReturnWhen {
    /** As soon as any future is done or cancelled. */
    FIRST_COMPLETED,
    /** As soon as any future fails with an exception, or when all are done. */
    FIRST_EXCEPTION,
    /** When every future is done or cancelled. */
    ALL_COMPLETED
}
