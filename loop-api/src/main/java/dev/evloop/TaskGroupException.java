package dev.evloop;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The failures of a {@link TaskGroup}'s children, all together: asyncio's
 * {@code ExceptionGroup}. The first failure is the cause; every failure, the first included, is in
 * {@link #failures()} and, for stack traces, among the suppressed exceptions.
 *
 * <pre>{@code
 * try {
 *     TaskGroup.run(group -> { group.spawn(this::fetchA); group.spawn(this::fetchB); return null; });
 * } catch (TaskGroupException e) {
 *     e.failures().forEach(f -> log.warn("child failed", f));
 * }
 * }</pre>
 */
public class TaskGroupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Every child failure, in the order the children failed. */
    private final ArrayList<Throwable> failures = new ArrayList<>();

    /**
     * Creates the exception with its first failure.
     *
     * @param first the first child failure
     */
    // add() only calls Throwable's final addSuppressed, which records the failure: no subclass
    // code runs before the subclass is initialized.
    @SuppressWarnings("this-escape")
    public TaskGroupException(Throwable first) {
        super("a task group's child failed", first);
        add(first);
    }

    /** Adds a later failure; the group does it as its children finish. */
    final synchronized void add(Throwable failure) {
        failures.add(failure);
        addSuppressed(failure);
    }

    /**
     * Every failure, in the order the children failed.
     *
     * @return an unmodifiable copy
     */
    public synchronized List<Throwable> failures() {
        return Collections.unmodifiableList(new ArrayList<>(failures));
    }

    @Override
    public synchronized String getMessage() {
        return failures.size() == 1 ? "a task group's child failed"
                : failures.size() + " of a task group's children failed";
    }
}
