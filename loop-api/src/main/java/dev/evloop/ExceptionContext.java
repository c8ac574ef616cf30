package dev.evloop;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What an {@link ExceptionHandler} is told about an error; mirrors the context dict of asyncio's
 * {@code loop.call_exception_handler(context)}.
 *
 * <p>It always has a {@link #message()}, usually an {@link #exception()}, and may name the objects
 * involved under asyncio's keys: {@value #HANDLE}, {@value #FUTURE}, {@value #TASK},
 * {@value #TRANSPORT}, {@value #PROTOCOL}. Contexts are immutable; {@link #with} returns a copy.
 *
 * <pre>{@code
 * loop.callExceptionHandler(
 *     ExceptionContext.of("cache refresh failed", e).with("key", key));
 * }</pre>
 */
public final class ExceptionContext {
    /** The key of the human-readable message. */
    public static final String MESSAGE = "message";
    /** The key of the exception, if any. */
    public static final String EXCEPTION = "exception";
    /** The key of the {@link Handle} whose callback failed. */
    public static final String HANDLE = "handle";
    /** The key of the {@link LoopFuture} involved. */
    public static final String FUTURE = "future";
    /** The key of the task involved. */
    public static final String TASK = "task";
    /** The key of the transport involved. */
    public static final String TRANSPORT = "transport";
    /** The key of the protocol involved. */
    public static final String PROTOCOL = "protocol";

    private final Map<String, Object> entries;

    private ExceptionContext(Map<String, Object> entries) {
        this.entries = entries;
    }

    /**
     * A context with a message and no exception.
     *
     * @param message what happened
     * @return the context
     * @throws NullPointerException if {@code message} is null
     */
    public static ExceptionContext of(String message) {
        return of(message, null);
    }

    /**
     * A context with a message and the exception that caused it.
     *
     * @param message   what happened
     * @param exception the cause, or {@code null}
     * @return the context
     * @throws NullPointerException if {@code message} is null
     */
    public static ExceptionContext of(String message, Throwable exception) {
        Objects.requireNonNull(message, "message");
        Map<String, Object> entries = new LinkedHashMap<>();
        entries.put(MESSAGE, message);
        if (exception != null) {
            entries.put(EXCEPTION, exception);
        }
        return new ExceptionContext(Collections.unmodifiableMap(entries));
    }

    /**
     * A copy of this context with one more entry (or one replaced).
     *
     * @param key   the entry's name, such as {@value #HANDLE}
     * @param value its value; {@code null} removes the entry
     * @return the new context
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if {@code key} is {@value #MESSAGE} and {@code value} is not a string
     */
    public ExceptionContext with(String key, Object value) {
        Objects.requireNonNull(key, "key");
        if (MESSAGE.equals(key) && !(value instanceof String)) {
            throw new IllegalArgumentException("value: the message must be a String");
        }
        Map<String, Object> copy = new LinkedHashMap<>(entries);
        if (value == null) {
            copy.remove(key);
        } else {
            copy.put(key, value);
        }
        return new ExceptionContext(Collections.unmodifiableMap(copy));
    }

    /**
     * The human-readable message.
     *
     * @return the message, never {@code null}
     */
    public String message() {
        return (String) entries.get(MESSAGE);
    }

    /**
     * The exception, if there was one.
     *
     * @return the exception or {@code null}
     */
    public Throwable exception() {
        return (Throwable) entries.get(EXCEPTION);
    }

    /**
     * One entry by name.
     *
     * @param key the entry's name
     * @return its value, or {@code null} if absent
     */
    public Object get(String key) {
        return entries.get(key);
    }

    /**
     * Every entry, in the order they were added, message first.
     *
     * @return an unmodifiable view
     */
    public Map<String, Object> asMap() {
        return entries;
    }

    @Override
    public String toString() {
        return entries.toString();
    }
}
