package dev.evloop.streams;

/**
 * A line or a chunk up to a separator is longer than the reader's limit. The data stays in the
 * reader's buffer, so it can still be read with {@code read} or {@code readExactly}. Mirrors
 * asyncio's {@code LimitOverrunError}.
 *
 * <pre>{@code
 * try {
 *     line = reader.readLine();
 * } catch (LimitOverrunException e) {
 *     reader.readExactly(e.consumed());   // skip the oversized part
 * }
 * }</pre>
 */
public class LimitOverrunException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** How many bytes may be consumed without finding the separator. */
    private final int consumed;

    /**
     * Creates the exception.
     *
     * @param message  what went over the limit
     * @param consumed how many bytes may be consumed without finding the separator
     */
    public LimitOverrunException(String message, int consumed) {
        super(message);
        this.consumed = consumed;
    }

    /**
     * The number of bytes to consume to get past the data examined so far.
     *
     * @return the count
     */
    public int consumed() {
        return consumed;
    }
}
