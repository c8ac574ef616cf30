package dev.evloop;

/**
 * Decides which event loop a thread gets and how new loops are made. Mirrors asyncio's
 * {@code AbstractEventLoopPolicy}; install one with {@link EventLoops#setPolicy}.
 *
 * <p>Most policies extend {@link DefaultEventLoopPolicy} and change one thing:
 * <pre>{@code
 * EventLoops.setPolicy(new DefaultEventLoopPolicy() {
 *     @Override
 *     public EventLoop newEventLoop() {
 *         EventLoop loop = super.newEventLoop();
 *         loop.setDebug(true);
 *         return loop;
 *     }
 * });
 * }</pre>
 *
 * <p>Users implement this interface, usually by extending {@link DefaultEventLoopPolicy}.
 */
public interface EventLoopPolicy {

    /**
     * The current thread's event loop. Mirrors asyncio's {@code policy.get_event_loop()}.
     *
     * @return the loop set for this thread
     * @throws IllegalStateException if the policy has none for this thread
     */
    EventLoop getEventLoop();

    /**
     * Sets the current thread's event loop. Mirrors asyncio's {@code policy.set_event_loop(loop)}.
     *
     * @param loop the loop, or {@code null} to clear it
     */
    void setEventLoop(EventLoop loop);

    /**
     * Makes a new event loop; the caller owns it and closes it. Mirrors asyncio's
     * {@code policy.new_event_loop()}.
     *
     * @return the new loop
     * @throws BackendUnavailableException if no backend asked for can run here
     */
    EventLoop newEventLoop();
}
