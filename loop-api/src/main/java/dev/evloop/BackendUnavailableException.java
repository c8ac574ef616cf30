package dev.evloop;

/**
 * No backend that was asked for can run here: the name in {@code -Dloop.backend} is unknown, its
 * jar is not on the class path, or the host cannot run it. The message lists every backend present
 * and why each unavailable one cannot run.
 *
 * <pre>{@code
 * try {
 *     EventLoop loop = EventLoops.newEventLoop("io_uring");
 * } catch (BackendUnavailableException e) {
 *     System.err.println(e.getMessage());   // what is present, what runs, and why not
 * }
 * }</pre>
 */
public class BackendUnavailableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was asked for and what is present
     * @param cause   the unavailability cause of the backend asked for, or {@code null}
     */
    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
