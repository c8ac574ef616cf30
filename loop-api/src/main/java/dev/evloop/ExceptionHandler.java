package dev.evloop;

/**
 * Receives the errors an event loop cannot hand to anyone else: a callback that threw, a future's
 * exception nobody retrieved. Mirrors the handler given to asyncio's
 * {@code loop.set_exception_handler}.
 *
 * <pre>{@code
 * loop.setExceptionHandler((l, context) -> {
 *     metrics.increment("loop.errors");
 *     l.defaultExceptionHandler(context);   // and log it as usual
 * });
 * }</pre>
 *
 * <p>It runs on the loop's thread. If it throws, the loop logs that and keeps running.
 */
@FunctionalInterface
public interface ExceptionHandler {

    /**
     * Handles one error.
     *
     * @param loop    the loop that caught it: the {@link ForwardingEventLoop} that decorates it, if one does
     * @param context what happened: a message, usually an exception, and the objects involved
     */
    void handle(EventLoop loop, ExceptionContext context);
}
