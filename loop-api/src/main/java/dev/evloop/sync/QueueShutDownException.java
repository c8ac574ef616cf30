package dev.evloop.sync;

/**
 * The queue was shut down: {@link AsyncQueue#put} and {@link AsyncQueue#putNowait} after
 * {@link AsyncQueue#shutdown}, {@link AsyncQueue#get} and {@link AsyncQueue#getNowait} once it is
 * also empty. Mirrors {@code asyncio.QueueShutDown} (Python 3.13).
 *
 * <pre>{@code
 * try {
 *     while (true) { handle(jobs.get()); jobs.taskDone(); }
 * } catch (QueueShutDownException e) {
 *     // the producer called jobs.shutdown(false) and every job was handed out
 * }
 * }</pre>
 */
public class QueueShutDownException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception. */
    public QueueShutDownException() {
        super("the queue is shut down");
    }
}
