package dev.evloop;

/**
 * A callback scheduled for a time, returned by {@link EventLoop#callLater} and
 * {@link EventLoop#callAt}; mirrors asyncio's {@code TimerHandle}.
 *
 * <pre>{@code
 * TimerHandle t = loop.callLater(Duration.ofSeconds(5), () -> System.out.println("timeout"));
 * double due = t.when();   // on the loop's clock, see EventLoop.time()
 * t.cancel();              // the timer never fires, and its memory is reclaimed
 * }</pre>
 *
 * <p>evloop implements this interface; users do not.
 */
public interface TimerHandle extends Handle {

    /**
     * When the callback is due, in seconds on the loop's clock ({@link EventLoop#time()}).
     * Mirrors asyncio's {@code TimerHandle.when()}.
     *
     * @return the scheduled time in seconds
     */
    double when();
}
