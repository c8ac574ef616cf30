package dev.evloop.examples;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleProxies;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Objects;

/**
 * What tests of signal handling do to their own process, through the JVM's {@code sun.misc.Signal}:
 * send it a signal, and put a handler of the test's own in the JVM's place for a while. The same as
 * the conformance kit's {@code ProcessSignals}, whose jar this module's tests do without: it brings
 * a host-name resolver and a JUnit listener of its own.
 *
 * <p>{@code sun.misc.Signal} is reached through method handles because javac reports every use of
 * {@code sun.misc} in code as "internal proprietary API", JDK 25's javac cannot be told not to,
 * and the build fails on any warning.
 */
final class ProcessSignals {
    private static final MethodHandle NEW_SIGNAL;
    private static final MethodHandle RAISE;
    private static final MethodHandle HANDLE;
    private static final MethodHandle RUN;
    private static final Class<?> HANDLER_TYPE;

    static {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            HANDLER_TYPE = Class.forName("sun.misc.SignalHandler");
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            NEW_SIGNAL = lookup.findConstructor(signal, MethodType.methodType(void.class, String.class))
                    .asType(MethodType.methodType(Object.class, String.class));
            RAISE = lookup.findStatic(signal, "raise", MethodType.methodType(void.class, signal))
                    .asType(MethodType.methodType(void.class, Object.class));
            HANDLE = lookup.findStatic(signal, "handle", MethodType.methodType(HANDLER_TYPE, signal, HANDLER_TYPE))
                    .asType(MethodType.methodType(Object.class, Object.class, Object.class));
            RUN = lookup.findVirtual(Runnable.class, "run", MethodType.methodType(void.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError("signal tests need sun.misc.Signal of module jdk.unsupported: " + e);
        }
    }

    private ProcessSignals() {
    }

    /**
     * Sends this process the signal, as {@code kill -NAME <pid>} would; the handlers run on the
     * JVM's signal thread, soon after.
     *
     * @param name the signal's name without "SIG": "TERM", "WINCH"
     * @throws IllegalArgumentException if this system has no such signal
     */
    static void raise(String name) {
        Object signal = signal(name);
        try {
            RAISE.invokeExact(signal);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /**
     * Makes {@code handler} the process's disposition of the signal, in the place of whatever
     * handled it (the JVM's own handler, or a loop's).
     *
     * @param name    the signal's name without "SIG"
     * @param handler what runs, on the JVM's signal thread, each time the signal arrives
     * @return what puts the replaced disposition back
     * @throws IllegalArgumentException if this system has no such signal, or the JVM keeps it
     */
    static Runnable replaceHandler(String name, Runnable handler) {
        Objects.requireNonNull(handler, "handler");
        Object signal = signal(name);
        MethodHandle run = MethodHandles.dropArguments(RUN.bindTo(handler), 0, Object.class);
        Object replaced = handle(signal, MethodHandleProxies.asInterfaceInstance(HANDLER_TYPE, run));
        return () -> handle(signal, replaced);
    }

    private static Object signal(String name) {
        try {
            return (Object) NEW_SIGNAL.invokeExact(Objects.requireNonNull(name, "name"));
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    private static Object handle(Object signal, Object handler) {
        try {
            return (Object) HANDLE.invokeExact(signal, handler);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** The calls above declare no checked exception: this hands on what they threw. */
    private static RuntimeException unchecked(Throwable t) {
        if (t instanceof RuntimeException e) {
            return e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
