/**
 * Synchronisation between the tasks of one loop: asyncio's {@code locks.py} and {@code queues.py}.
 *
 * <ul>
 *   <li>{@link dev.evloop.sync.AsyncLock}, {@link dev.evloop.sync.AsyncEvent},
 *       {@link dev.evloop.sync.AsyncCondition}, {@link dev.evloop.sync.AsyncSemaphore} and
 *       {@link dev.evloop.sync.BoundedSemaphore}: asyncio's {@code Lock}, {@code Event},
 *       {@code Condition}, {@code Semaphore} and {@code BoundedSemaphore};</li>
 *   <li>{@link dev.evloop.sync.AsyncQueue}: {@code asyncio.Queue} (FIFO, LIFO and priority), with
 *       {@link dev.evloop.sync.QueueEmptyException} and {@link dev.evloop.sync.QueueFullException}.</li>
 * </ul>
 *
 * <p>A primitive binds to the loop it is first used on and is not thread-safe: use it from that
 * loop's tasks and callbacks. Each waiting method says in its Javadoc what a cancellation during
 * the wait leaves behind.
 *
 * <pre>{@code
 * AsyncLock lock = new AsyncLock();
 * try (AsyncLock held = lock.acquire()) {
 *     // one task at a time here
 * }
 * }</pre>
 */
package dev.evloop.sync;
