package dev.evloop.internal;

import dev.evloop.EventLoop;
import dev.evloop.ExceptionContext;
import dev.evloop.ExceptionHandler;
import java.util.Map;

/**
 * Where a loop's errors go: asyncio's {@code call_exception_handler} and
 * {@code default_exception_handler}. The user's handler if set, else a log record on
 * {@code dev.evloop}; a handler that throws is itself reported, never rethrown into the loop.
 */
final class ExceptionReporting {
    private static final System.Logger LOG = System.getLogger("dev.evloop");

    private volatile ExceptionHandler handler;

    ExceptionHandler handler() {
        return handler;
    }

    void setHandler(ExceptionHandler handler) {
        this.handler = handler;
    }

    void report(EventLoop loop, ExceptionContext context) {
        ExceptionHandler current = handler;
        if (current == null) {
            try {
                logDefault(context);
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.ERROR, "Exception in the default exception handler", t);
            }
            return;
        }
        try {
            current.handle(loop, context);
        } catch (Throwable t) {
            try {
                logDefault(ExceptionContext.of("Unhandled error in exception handler", t).with("context", context));
            } catch (Throwable t2) {
                LOG.log(System.Logger.Level.ERROR, "Exception in the default exception handler while"
                        + " handling an error in the custom exception handler", t2);
            }
        }
    }

    /** asyncio's {@code default_exception_handler}: the message, every other key, and the handle's creation site. */
    static void logDefault(ExceptionContext context) {
        StringBuilder text = new StringBuilder(context.message());
        for (Map.Entry<String, Object> e : context.asMap().entrySet()) {
            String key = e.getKey();
            if (!key.equals(ExceptionContext.MESSAGE) && !key.equals(ExceptionContext.EXCEPTION)) {
                text.append('\n').append(key).append(": ").append(e.getValue());
            }
        }
        if (context.get(ExceptionContext.HANDLE) instanceof CallbackHandle h && h.createdAt() != null) {
            text.append("\nhandle created at:").append(h.createdAt().trace());
        }
        LOG.log(System.Logger.Level.ERROR, text.toString(), context.exception());
    }
}
