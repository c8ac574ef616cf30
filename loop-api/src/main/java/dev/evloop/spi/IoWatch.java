package dev.evloop.spi;

/**
 * One file descriptor or channel that a backend watches for readiness on a loop's Netty
 * {@code IoEventLoop}: what asyncio's {@code add_reader} and {@code add_writer} rest on. The core
 * keeps the readers and writers; a watch only arms the backend's registration and reports what it
 * sees, on the loop's thread.
 *
 * <pre>{@code
 * IoWatch watch = backend.ioWatchFactory().watchFd(ioLoop, fd, new IoWatch.Listener() {
 *     public void ready(boolean readable, boolean writable) { ... }
 *     public void failed(Throwable cause) { ... }
 * });
 * watch.interest(true, false);   // report readability
 * ...
 * watch.close();                 // the fd stays open: it is the caller's
 * }</pre>
 *
 * <p>Every method is called on the loop's thread.
 */
public interface IoWatch {

    /**
     * Arms the watch for what is wanted. The core calls it when a reader or writer is added or
     * removed, and again after each reported readiness has been handled, with what is still
     * wanted: a level-triggered backend (epoll, kqueue, selector) changes its registration only
     * when the wanted set changes, a one-shot one (io_uring's poll) submits a new poll for each
     * wanted direction that has none pending and cancels those no longer wanted. At least one of
     * the two is {@code true}: when neither is wanted the core closes the watch instead.
     *
     * @param readable whether readability is wanted
     * @param writable whether writability is wanted
     * @throws java.io.UncheckedIOException if the poller refuses the watched thing, such as epoll
     *                                      a closed descriptor or a regular file
     */
    void interest(boolean readable, boolean writable);

    /**
     * Stops watching and releases the backend's registration; calling it again does nothing. It
     * never closes the watched file descriptor or channel, which belong to the caller.
     */
    void close();

    /** What a watch reports to, on the loop's thread, while the loop polls. */
    interface Listener {

        /**
         * The watched thing is ready. An error or hang-up counts as ready both ways, as
         * asyncio's selectors count it, so whoever reads or writes next sees it.
         *
         * @param readable whether it can be read without blocking
         * @param writable whether it can be written without blocking
         */
        void ready(boolean readable, boolean writable);

        /**
         * The backend cannot watch it any longer, such as an io_uring poll on a file descriptor
         * closed meanwhile; the watch reports nothing more.
         *
         * @param cause what went wrong
         */
        void failed(Throwable cause);
    }
}
