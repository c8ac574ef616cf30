package dev.evloop.internal;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * One loop's signal handlers: the JVM delivers a signal on a thread of its own, and the handler
 * hands the callback to the loop with {@code callSoonThreadsafe}, so it runs on the loop thread,
 * as asyncio's {@code add_signal_handler} does. Removing a handler restores the one it replaced.
 */
final class SignalHandlers {
    private static final System.Logger LOG = System.getLogger("dev.evloop");
    /** Signals no process can catch. */
    private static final Set<String> UNCATCHABLE = Set.of("KILL", "STOP");

    private final BaseEventLoop loop;
    private final Map<String, SignalHandler> replaced = new HashMap<>();

    SignalHandlers(BaseEventLoop loop) {
        this.loop = loop;
    }

    /** "SIGINT", "sigint" and "INT" all name SIGINT. */
    static String normalize(String name) {
        Objects.requireNonNull(name, "signal");
        String n = name.trim().toUpperCase(Locale.ROOT);
        return n.startsWith("SIG") ? n.substring(3) : n;
    }

    synchronized void add(String name, Runnable callback) {
        String signal = normalize(name);
        Objects.requireNonNull(callback, "callback");
        if (UNCATCHABLE.contains(signal)) {
            throw new IllegalArgumentException("signal: SIG" + signal + " cannot be caught by any process");
        }
        Signal sig;
        try {
            sig = new Signal(signal);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("signal: unknown signal '" + name + "' on this system", e);
        }
        SignalHandler previous;
        try {
            previous = Signal.handle(sig, s -> deliver(signal, callback));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("signal: the JVM will not hand SIG" + signal + " over ("
                    + e.getMessage() + ")", e);
        }
        if (previous == SignalHandler.SIG_IGN && !replaced.containsKey(signal)) {
            // A process started with the signal ignored (a shell's background job, nohup) keeps it
            // ignored: the JVM does not take it over, so this handler would wait in vain.
            LOG.log(System.Logger.Level.WARNING, "SIG" + signal + " was ignored when this process started"
                    + " (a background job or nohup?); the JVM may never deliver it to this handler");
        }
        replaced.putIfAbsent(signal, previous);
    }

    private void deliver(String signal, Runnable callback) {
        try {
            loop.callSoonThreadsafe(callback);
        } catch (IllegalStateException closed) {
            // The loop closed between the signal and now: nobody is left to tell.
        }
    }

    synchronized boolean remove(String name) {
        String signal = normalize(name);
        SignalHandler previous = replaced.remove(signal);
        if (previous == null) {
            return false;
        }
        Signal.handle(new Signal(signal), previous);
        return true;
    }

    synchronized void removeAll() {
        for (String signal : Set.copyOf(replaced.keySet())) {
            remove(signal);
        }
    }
}
