package dev.evloop.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleProxies;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The JVM's signal handling, {@code sun.misc.Signal} of module {@code jdk.unsupported}, reached
 * through method handles: the JDK's only way for a program to handle SIGINT, SIGTERM and the like.
 *
 * <p>Why not name those classes in code: javac reports every use of {@code sun.misc} as "internal
 * proprietary API", JDK 25's javac has no option or annotation that turns that warning off, and
 * evloop's build fails on any warning. Bound here at run time, the one unsupported dependency has one home, and
 * the rest of evloop sees signals and handlers as opaque objects.
 */
final class JvmSignals {
    private static final MethodHandle NEW_SIGNAL;
    private static final MethodHandle GET_NAME;
    private static final MethodHandle HANDLE;
    private static final MethodHandle RUN;
    private static final Class<?> HANDLER_TYPE;
    /** {@code SignalHandler.SIG_IGN}: the signal is ignored. */
    private static final Object IGNORE;

    static {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            HANDLER_TYPE = Class.forName("sun.misc.SignalHandler");
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            NEW_SIGNAL = lookup.findConstructor(signal, MethodType.methodType(void.class, String.class))
                    .asType(MethodType.methodType(Object.class, String.class));
            GET_NAME = lookup.findVirtual(signal, "getName", MethodType.methodType(String.class))
                    .asType(MethodType.methodType(String.class, Object.class));
            HANDLE = lookup.findStatic(signal, "handle", MethodType.methodType(HANDLER_TYPE, signal, HANDLER_TYPE))
                    .asType(MethodType.methodType(Object.class, Object.class, Object.class));
            RUN = lookup.findVirtual(Runnable.class, "run", MethodType.methodType(void.class));
            IGNORE = HANDLER_TYPE.getField("SIG_IGN").get(null);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(
                    "signal handlers need sun.misc.Signal of the JDK's module jdk.unsupported: " + e);
        }
    }

    private JvmSignals() {
    }

    /**
     * The JVM's signal of that name ("INT", not "SIGINT").
     *
     * @throws IllegalArgumentException if this system has no such signal
     */
    static Object signal(String name) {
        try {
            return (Object) NEW_SIGNAL.invokeExact(name);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** The signal's name, as {@link #signal} took it. */
    static String name(Object signal) {
        try {
            return (String) GET_NAME.invokeExact(signal);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** A JVM signal handler that runs {@code onSignal} on the JVM's signal thread. */
    static Object handler(Runnable onSignal) {
        MethodHandle run = MethodHandles.dropArguments(RUN.bindTo(onSignal), 0, Object.class);
        return MethodHandleProxies.asInterfaceInstance(HANDLER_TYPE, run);
    }

    /**
     * Makes {@code handler} (one of {@link #handler}'s, or one this returned) the process's
     * disposition of {@code signal}.
     *
     * @return the handler it replaced
     * @throws IllegalArgumentException if the JVM keeps the signal for itself
     */
    static Object handle(Object signal, Object handler) {
        try {
            return (Object) HANDLE.invokeExact(signal, handler);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** Whether {@code handler}, as {@link #handle} returned it, is the disposition "ignore". */
    static boolean isIgnore(Object handler) {
        return handler == IGNORE;
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
