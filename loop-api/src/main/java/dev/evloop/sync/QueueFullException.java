package dev.evloop.sync;

/**
 * {@link AsyncQueue#putNowait(Object)} found the queue full. Mirrors {@code asyncio.QueueFull}.
 *
 * <pre>{@code
 * try { queue.putNowait(item); } catch (QueueFullException e) { dropped++; }
 * }</pre>
 */
public class QueueFullException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception. */
    public QueueFullException() {
        super("the queue is full");
    }
}
