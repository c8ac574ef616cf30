package dev.evloop.spi;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * POSIX {@code open(2)} with the flags Java does not offer ({@code O_NONBLOCK}), through the
 * Foreign Function and Memory API. The API is final from Java 22 and a preview in 21, the release
 * evloop compiles for, so it is reached by reflection; on Java 21 (no
 * {@code SegmentAllocator.allocateFrom}) or where native access is refused it is not offered.
 * Linux only, on the architectures whose {@code O_*} values are the generic ones below.
 */
final class PosixOpen {
    private static final System.Logger LOG = System.getLogger(PosixOpen.class.getName());
    private static final int O_WRONLY = 01;
    private static final int O_NOCTTY = 0400;
    private static final int O_NONBLOCK = 04000;
    private static final int O_CLOEXEC = 02000000;
    private static final int EINTR = 4;
    private static final int ENOENT = 2;
    private static final int ENXIO = 6;
    private static final int EACCES = 13;
    private static final Set<String> GENERIC_ARCHES = Set.of("amd64", "x86_64", "aarch64", "riscv64");
    private static final Optional<PosixOpen> INSTANCE = make();

    /** {@code int open(const char*, int, ...)}, errno captured into the first argument. */
    private final MethodHandle open;
    private final Method ofConfined;
    private final Method allocateLayout;
    private final Method allocateString;
    private final Method getInt;
    private final Method close;
    private final Object stateLayout;
    private final Object javaInt;
    private final long errnoOffset;

    private PosixOpen(MethodHandle open, Method ofConfined, Method allocateLayout, Method allocateString,
            Method getInt, Method close, Object stateLayout, Object javaInt, long errnoOffset) {
        this.open = open;
        this.ofConfined = ofConfined;
        this.allocateLayout = allocateLayout;
        this.allocateString = allocateString;
        this.getInt = getInt;
        this.close = close;
        this.stateLayout = stateLayout;
        this.javaInt = javaInt;
        this.errnoOffset = errnoOffset;
    }

    /** The opener where it works here, else empty (another system, Java 21, native access refused). */
    static Optional<PosixOpen> onThisSystem() {
        return INSTANCE;
    }

    private static Optional<PosixOpen> make() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")
                || !GENERIC_ARCHES.contains(System.getProperty("os.arch", ""))) {
            return Optional.empty();
        }
        try {
            Class<?> linkerClass = Class.forName("java.lang.foreign.Linker");
            Class<?> optionClass = Class.forName("java.lang.foreign.Linker$Option");
            Class<?> layoutClass = Class.forName("java.lang.foreign.MemoryLayout");
            Class<?> pathElementClass = Class.forName("java.lang.foreign.MemoryLayout$PathElement");
            Class<?> valueLayoutClass = Class.forName("java.lang.foreign.ValueLayout");
            Class<?> ofIntClass = Class.forName("java.lang.foreign.ValueLayout$OfInt");
            Class<?> segmentClass = Class.forName("java.lang.foreign.MemorySegment");
            Class<?> descriptorClass = Class.forName("java.lang.foreign.FunctionDescriptor");
            Class<?> lookupClass = Class.forName("java.lang.foreign.SymbolLookup");
            Class<?> arenaClass = Class.forName("java.lang.foreign.Arena");
            Class<?> allocatorClass = Class.forName("java.lang.foreign.SegmentAllocator");

            Object linker = linkerClass.getMethod("nativeLinker").invoke(null);
            Object lookup = linkerClass.getMethod("defaultLookup").invoke(linker);
            Optional<?> symbol = (Optional<?>) lookupClass.getMethod("find", String.class).invoke(lookup, "open");
            if (symbol.isEmpty()) {
                return Optional.empty();
            }
            Object javaInt = valueLayoutClass.getField("JAVA_INT").get(null);
            Object address = valueLayoutClass.getField("ADDRESS").get(null);
            Object layouts = Array.newInstance(layoutClass, 3);
            Array.set(layouts, 0, address);
            Array.set(layouts, 1, javaInt);
            Array.set(layouts, 2, javaInt);
            Object descriptor = descriptorClass.getMethod("of", layoutClass, layouts.getClass())
                    .invoke(null, javaInt, layouts);
            Object options = Array.newInstance(optionClass, 2);
            Array.set(options, 0, optionClass.getMethod("captureCallState", String[].class)
                    .invoke(null, (Object) new String[] {"errno"}));
            Array.set(options, 1, optionClass.getMethod("firstVariadicArg", int.class).invoke(null, 2));
            MethodHandle open = (MethodHandle) linkerClass
                    .getMethod("downcallHandle", segmentClass, descriptorClass, options.getClass())
                    .invoke(linker, symbol.get(), descriptor, options);
            Object stateLayout = optionClass.getMethod("captureStateLayout").invoke(null);
            Object pathElements = Array.newInstance(pathElementClass, 1);
            Array.set(pathElements, 0, pathElementClass.getMethod("groupElement", String.class).invoke(null, "errno"));
            long errnoOffset = (long) layoutClass.getMethod("byteOffset", pathElements.getClass())
                    .invoke(stateLayout, pathElements);
            return Optional.of(new PosixOpen(open,
                    arenaClass.getMethod("ofConfined"),
                    allocatorClass.getMethod("allocate", layoutClass),
                    allocatorClass.getMethod("allocateFrom", String.class),
                    segmentClass.getMethod("get", ofIntClass, long.class),
                    arenaClass.getMethod("close"),
                    stateLayout, javaInt, errnoOffset));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.DEBUG, "open(2) with O_NONBLOCK is not available here", e);
            return Optional.empty();
        }
    }

    /**
     * Opens a file non-blocking and close-on-exec, never as the controlling terminal.
     *
     * @param path       the file
     * @param forWriting write-only if {@code true}, else read-only
     * @return the descriptor
     * @throws IOException naming the path and why: {@link NoSuchFileException},
     *                     {@link AccessDeniedException}, or an {@code IOException} saying
     *                     {@code ENXIO} for a FIFO nobody reads
     */
    int open(Path path, boolean forWriting) throws IOException {
        int flags = (forWriting ? O_WRONLY : 0) | O_NONBLOCK | O_CLOEXEC | O_NOCTTY;
        try {
            Object arena = ofConfined.invoke(null);
            try {
                Object state = allocateLayout.invoke(arena, stateLayout);
                Object name = allocateString.invoke(arena, path.toString());
                while (true) {
                    int fd = (int) open.invokeWithArguments(state, name, flags, 0);
                    if (fd >= 0) {
                        return fd;
                    }
                    int errno = (int) getInt.invoke(state, javaInt, errnoOffset);
                    switch (errno) {
                        case EINTR -> {
                            continue;
                        }
                        case ENOENT -> throw new NoSuchFileException(path.toString());
                        case EACCES -> throw new AccessDeniedException(path.toString());
                        case ENXIO -> throw new IOException(path + ": no process has the FIFO open for reading (ENXIO)");
                        default -> throw new IOException(path + ": open failed with errno " + errno);
                    }
                }
            } finally {
                close.invoke(arena);
            }
        } catch (IOException e) {
            throw e;
        } catch (InvocationTargetException e) {
            throw new IOException(path + ": open failed: " + e.getCause(), e.getCause());
        } catch (Throwable e) {
            throw new IOException(path + ": open failed: " + e, e);
        }
    }
}
