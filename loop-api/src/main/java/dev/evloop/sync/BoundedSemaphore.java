package dev.evloop.sync;

/**
 * A semaphore that refuses to be released more often than acquired, which catches a double
 * release. Mirrors {@code asyncio.BoundedSemaphore}.
 *
 * <pre>{@code
 * BoundedSemaphore slots = new BoundedSemaphore(2);
 * slots.release();   // IllegalStateException: released too many times
 * }</pre>
 *
 * <p>{@link #acquire()} is {@link AsyncSemaphore#acquire()}'s, with its cancel safety: a cancelled
 * acquire takes no permit.
 */
public final class BoundedSemaphore extends AsyncSemaphore {
    private final int bound;

    /**
     * Creates a bounded semaphore.
     *
     * @param permits the initial, and largest, number of permits
     * @throws IllegalArgumentException if {@code permits} is negative
     */
    public BoundedSemaphore(int permits) {
        super(permits);
        this.bound = permits;
    }

    /**
     * Gives a permit back.
     *
     * @throws IllegalStateException if that would exceed the initial number of permits, or if
     *         called from another loop, or from another thread while the semaphore's loop runs
     */
    @Override
    public void release() {
        checkCaller();
        if (availablePermits() >= bound) {
            throw new IllegalStateException("BoundedSemaphore released too many times");
        }
        super.release();
    }
}
