package dev.evloop.examples;

import dev.evloop.EventLoop;
import dev.evloop.LoopFuture;
import java.util.List;

/**
 * The first SIGINT (Ctrl-C) or SIGTERM as a future on a loop: what every example server awaits
 * before it shuts down. Copy it along with the examples; {@link GracefulShutdown} shows the whole
 * pattern around it.
 *
 * <pre>{@code
 * LoopFuture<String> shutdown = Shutdown.requested(loop);     // before announcing the server
 * ...
 * System.out.println("SIG" + shutdown.await() + ": shutting down");
 * }</pre>
 */
public final class Shutdown {
    private Shutdown() {
    }

    /**
     * A future that completes with the signal's name, {@code "INT"} or {@code "TERM"}, when the
     * process first gets one of them. The handlers run on the loop's thread (asyncio's
     * {@code loop.add_signal_handler}) and go away when the loop closes; until then the JVM does
     * not exit on those signals, so the program decides how to end.
     *
     * @param loop the loop to deliver the signal on
     * @return the future
     */
    public static LoopFuture<String> requested(EventLoop loop) {
        LoopFuture<String> signalled = loop.createFuture();
        for (String signal : List.of("INT", "TERM")) {
            loop.addSignalHandler(signal, () -> {
                if (!signalled.isDone()) {
                    signalled.setResult(signal);
                }
            });
        }
        return signalled;
    }
}
