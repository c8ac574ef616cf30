package dev.evloop;

/**
 * An operation does not fit a future's state: the result of a pending future was asked for, or a
 * done future was completed again. Mirrors asyncio's {@code InvalidStateError}.
 *
 * <pre>{@code
 * LoopFuture<String> f = loop.createFuture();
 * f.result();   // throws InvalidStateException: the future is still pending
 * }</pre>
 */
public class InvalidStateException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was wrong
     */
    public InvalidStateException(String message) {
        super(message);
    }
}
