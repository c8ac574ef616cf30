package dev.evloop.net;

/**
 * What every protocol hears from its transport: the connection's start and end, and when to stop
 * and resume writing. Mirrors asyncio's {@code BaseProtocol}; implement {@link Protocol} or
 * {@link BufferedProtocol}, which add how data arrives.
 *
 * <p>Every method runs on the loop's thread. An exception thrown from one goes to the loop's
 * exception handler and aborts that connection; the loop goes on.
 */
public interface BaseProtocol {

    /**
     * The connection is up. Mirrors {@code connection_made(transport)}.
     *
     * @param transport the connection's transport, to write to and close
     */
    default void connectionMade(Transport transport) {
    }

    /**
     * The connection is gone; called exactly once, after {@link #connectionMade}. Mirrors
     * {@code connection_lost(exc)}.
     *
     * @param cause the error that ended it, or {@code null} for a regular close or EOF
     */
    default void connectionLost(Throwable cause) {
    }

    /**
     * The transport's write buffer went over its high-water mark: stop writing until
     * {@link #resumeWriting()}. Mirrors {@code pause_writing()}.
     */
    default void pauseWriting() {
    }

    /**
     * The write buffer drained below its low-water mark: writing may go on. Mirrors
     * {@code resume_writing()}.
     */
    default void resumeWriting() {
    }

    /**
     * The peer will send no more data (it half-closed). Return {@code true} to keep the
     * connection open for writing, {@code false} to have the transport close it. Mirrors
     * {@code eof_received()}.
     *
     * @return whether to keep the write side open
     */
    default boolean eofReceived() {
        return false;
    }
}
