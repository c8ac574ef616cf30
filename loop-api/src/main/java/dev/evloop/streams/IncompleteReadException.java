package dev.evloop.streams;

/**
 * The stream ended before a read got all it needed; what did arrive is kept here. Mirrors
 * asyncio's {@code IncompleteReadError}.
 *
 * <pre>{@code
 * try {
 *     header = reader.readExactly(16);
 * } catch (IncompleteReadException e) {
 *     log.warn("peer left after " + e.partial().length + " of " + e.expected() + " bytes");
 * }
 * }</pre>
 */
public class IncompleteReadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The bytes that arrived before the end of the stream. */
    private final byte[] partial;
    /** How many bytes were needed, or -1 when reading up to a separator. */
    private final long expected;

    /**
     * Creates the exception.
     *
     * @param partial  the bytes that arrived before the end of the stream
     * @param expected how many were needed, or -1 when reading up to a separator
     */
    public IncompleteReadException(byte[] partial, long expected) {
        super(partial.length + " bytes read on a total of " + (expected < 0 ? "undefined" : expected) + " expected bytes");
        this.partial = partial.clone();
        this.expected = expected;
    }

    /**
     * The bytes that arrived.
     *
     * @return a copy of them
     */
    public byte[] partial() {
        return partial.clone();
    }

    /**
     * How many bytes were needed.
     *
     * @return the count, or -1 when reading up to a separator
     */
    public long expected() {
        return expected;
    }
}
