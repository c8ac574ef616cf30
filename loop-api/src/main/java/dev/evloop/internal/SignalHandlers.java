package dev.evloop.internal;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One loop's signal handlers: the JVM delivers a signal on a thread of its own, and the handler
 * hands the callback to the loop with {@code callSoonThreadsafe}, so it runs on the loop thread,
 * as asyncio's {@code add_signal_handler} does.
 *
 * <p>The JVM keeps one handler per signal for the whole process, while every loop keeps its own
 * handlers. So each signal evloop handles has one process-wide {@link Dispatch}, installed with
 * the first loop's handler and handing the signal to every loop that has one; the disposition it
 * replaced comes back only when the last of them is removed. A loop's handlers are independent of
 * the order other loops add and remove theirs in. The JVM's side is {@link JvmSignals}.
 */
final class SignalHandlers {
    private static final System.Logger LOG = System.getLogger("dev.evloop");
    /** Signals no process can catch. */
    private static final Set<String> UNCATCHABLE = Set.of("KILL", "STOP");
    /** Every signal some loop handles, by normalized name; also the lock for all handler changes. */
    private static final Map<String, Dispatch> DISPATCHES = new HashMap<>();

    private final BaseEventLoop loop;
    /** This loop's handlers; guarded by {@link #DISPATCHES}. */
    private final Map<String, Registration> own = new HashMap<>();

    SignalHandlers(BaseEventLoop loop) {
        this.loop = loop;
    }

    /** "SIGINT", "sigint" and "INT" all name SIGINT. */
    static String normalize(String name) {
        Objects.requireNonNull(name, "signal");
        String n = name.trim().toUpperCase(Locale.ROOT);
        return n.startsWith("SIG") ? n.substring(3) : n;
    }

    void add(String name, Runnable callback) {
        String signal = normalize(name);
        Objects.requireNonNull(callback, "callback");
        if (UNCATCHABLE.contains(signal)) {
            throw new IllegalArgumentException("signal: SIG" + signal + " cannot be caught by any process");
        }
        Object sig;
        try {
            sig = JvmSignals.signal(signal);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("signal: unknown signal '" + name + "' on this system", e);
        }
        synchronized (DISPATCHES) {
            Dispatch dispatch = DISPATCHES.get(signal);
            if (dispatch == null) {
                dispatch = Dispatch.install(sig);
                DISPATCHES.put(signal, dispatch);
            }
            Registration registration = new Registration(loop, signal, callback);
            Registration replaced = own.put(signal, registration);
            if (replaced != null) {
                replaced.active = false;
                dispatch.remove(replaced);
            }
            dispatch.add(registration);
        }
    }

    boolean remove(String name) {
        String signal = normalize(name);
        synchronized (DISPATCHES) {
            Registration registration = own.remove(signal);
            if (registration == null) {
                return false;
            }
            // A signal that came before this removal may still have the callback queued on the loop.
            registration.active = false;
            Dispatch dispatch = DISPATCHES.get(signal);
            dispatch.remove(registration);
            if (dispatch.isEmpty()) {
                DISPATCHES.remove(signal);
                dispatch.restore();
            }
            return true;
        }
    }

    void removeAll() {
        synchronized (DISPATCHES) {
            for (String signal : Set.copyOf(own.keySet())) {
                remove(signal);
            }
        }
    }

    /**
     * One loop's handler for one signal; itself the callback handed to the loop, so that the
     * exception handler's report of a throwing handler names the signal and the user's callback.
     */
    private static final class Registration implements Runnable {
        private final BaseEventLoop loop;
        private final String signal;
        private final Runnable callback;
        /** False once removed, so a callback queued by an earlier signal does not run after all. */
        private volatile boolean active = true;

        Registration(BaseEventLoop loop, String signal, Runnable callback) {
            this.loop = loop;
            this.signal = signal;
            this.callback = callback;
        }

        void deliver() {
            try {
                loop.callSoonThreadsafe(this);
            } catch (IllegalStateException closed) {
                // The loop closed between the signal and now: nobody is left to tell.
            }
        }

        @Override
        public void run() {
            if (active) {
                callback.run();
            }
        }

        @Override
        public String toString() {
            return "signal handler for SIG" + signal + " " + CallbackHandle.describe(callback);
        }
    }

    /** The JVM's handler for one signal while any loop handles it: hands it to every loop's. */
    private static final class Dispatch {
        /** The JVM's signal. */
        private final Object signal;
        /** The JVM's handler that runs {@link #deliver}. */
        private final Object handler = JvmSignals.handler(this::deliver);
        /** The disposition this replaced, given back when the last registration goes. */
        private Object original;
        /** Copied on change, so the JVM's signal thread reads it without the lock. */
        private volatile Registration[] registrations = new Registration[0];

        private Dispatch(Object signal) {
            this.signal = signal;
        }

        static Dispatch install(Object sig) {
            Dispatch dispatch = new Dispatch(sig);
            try {
                dispatch.original = JvmSignals.handle(sig, dispatch.handler);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("signal: the JVM will not hand SIG" + JvmSignals.name(sig)
                        + " over (" + e.getMessage() + ")", e);
            }
            if (JvmSignals.isIgnore(dispatch.original)) {
                // A process started with the signal ignored (a shell's background job, nohup) keeps it
                // ignored: the JVM does not take it over, so this handler would wait in vain.
                LOG.log(System.Logger.Level.WARNING, "SIG" + JvmSignals.name(sig) + " was ignored when this process"
                        + " started (a background job or nohup?); the JVM may never deliver it to this handler");
            }
            return dispatch;
        }

        /** On the JVM's signal thread: hands the signal to every loop that handles it. */
        private void deliver() {
            for (Registration registration : registrations) {
                registration.deliver();
            }
        }

        void add(Registration registration) {
            Registration[] now = Arrays.copyOf(registrations, registrations.length + 1);
            now[now.length - 1] = registration;
            registrations = now;
        }

        void remove(Registration registration) {
            registrations = Arrays.stream(registrations).filter(r -> r != registration).toArray(Registration[]::new);
        }

        boolean isEmpty() {
            return registrations.length == 0;
        }

        void restore() {
            JvmSignals.handle(signal, original);
        }
    }
}
