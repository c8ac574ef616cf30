package dev.evloop.internal.process;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.util.Optional;

/**
 * POSIX {@code kill(2)}, through the Foreign Function and Memory API, so that a signal other than
 * {@code SIGTERM} and {@code SIGKILL} (which {@link ProcessHandle} sends) is sent before
 * {@code sendSignal} returns, as asyncio's {@code os.kill}. The API is final from Java 22 and a
 * preview in 21, the release evloop compiles for, so it is reached by reflection; on Java 21 or
 * where native access is refused it is not offered, and the caller falls back to the
 * {@code kill} command.
 */
final class PosixKill {
    private static final System.Logger LOG = System.getLogger(PosixKill.class.getName());
    private static final Optional<MethodHandle> KILL = make();

    private PosixKill() {
    }

    /** Whether {@link #send} works here. */
    static boolean available() {
        return KILL.isPresent();
    }

    /**
     * Sends the signal.
     *
     * @return whether the system sent it (false: no such process any more, or not permitted)
     */
    static boolean send(long pid, int signal) {
        try {
            return (int) KILL.orElseThrow().invokeExact((int) pid, signal) == 0;
        } catch (Throwable e) {
            throw new IllegalStateException("kill(" + pid + ", " + signal + ") failed: " + e, e);
        }
    }

    private static Optional<MethodHandle> make() {
        if (Runtime.version().feature() < 22) {
            return Optional.empty();
        }
        try {
            Class<?> linkerClass = Class.forName("java.lang.foreign.Linker");
            Class<?> optionClass = Class.forName("java.lang.foreign.Linker$Option");
            Class<?> layoutClass = Class.forName("java.lang.foreign.MemoryLayout");
            Class<?> valueLayoutClass = Class.forName("java.lang.foreign.ValueLayout");
            Class<?> segmentClass = Class.forName("java.lang.foreign.MemorySegment");
            Class<?> descriptorClass = Class.forName("java.lang.foreign.FunctionDescriptor");
            Class<?> lookupClass = Class.forName("java.lang.foreign.SymbolLookup");

            Object linker = linkerClass.getMethod("nativeLinker").invoke(null);
            Object lookup = linkerClass.getMethod("defaultLookup").invoke(linker);
            Optional<?> symbol = (Optional<?>) lookupClass.getMethod("find", String.class).invoke(lookup, "kill");
            if (symbol.isEmpty()) {
                return Optional.empty();
            }
            // pid_t is an int on Linux and macOS.
            Object javaInt = valueLayoutClass.getField("JAVA_INT").get(null);
            Object arguments = Array.newInstance(layoutClass, 2);
            Array.set(arguments, 0, javaInt);
            Array.set(arguments, 1, javaInt);
            Object descriptor = descriptorClass.getMethod("of", layoutClass, arguments.getClass())
                    .invoke(null, javaInt, arguments);
            Object options = Array.newInstance(optionClass, 0);
            MethodHandle kill = (MethodHandle) linkerClass
                    .getMethod("downcallHandle", segmentClass, descriptorClass, options.getClass())
                    .invoke(linker, symbol.get(), descriptor, options);
            return Optional.of(kill);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.DEBUG, "kill(2) is not available here; signals go through the kill command", e);
            return Optional.empty();
        }
    }
}
