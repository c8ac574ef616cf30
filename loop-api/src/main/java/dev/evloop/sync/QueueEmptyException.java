package dev.evloop.sync;

/**
 * {@link AsyncQueue#getNowait()} found the queue empty. Mirrors {@code asyncio.QueueEmpty}.
 *
 * <pre>{@code
 * try { item = queue.getNowait(); } catch (QueueEmptyException e) { item = null; }
 * }</pre>
 */
public class QueueEmptyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception. */
    public QueueEmptyException() {
        super("the queue is empty");
    }
}
