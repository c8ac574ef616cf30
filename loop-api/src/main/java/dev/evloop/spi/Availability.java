package dev.evloop.spi;

import java.io.File;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Decides once whether a native backend can run here, for {@link LoopBackend} implementations:
 * first the operating system, then Netty's own check, and a class that fails to link counts as
 * a reason too, never as a crash. On the module path, Netty's native-library jars are modules that
 * no module requires, so the JVM leaves them out unless told ({@code --add-modules
 * ALL-MODULE-PATH}); when one is on the module path but left out, the reason says so.
 *
 * <pre>{@code
 * private static final Availability AVAILABILITY =
 *         Availability.probe("epoll", "Linux", Epoll::isAvailable, Epoll::unavailabilityCause);
 * public boolean isAvailable() { return AVAILABILITY.isAvailable(); }
 * public Throwable unavailabilityCause() { return AVAILABILITY.cause(); }
 * }</pre>
 */
public final class Availability {
    private final Throwable cause;

    private Availability(Throwable cause) {
        this.cause = cause;
    }

    /**
     * The verdict for a backend that runs everywhere, such as the NIO selector.
     *
     * @return an available verdict
     */
    public static Availability always() {
        return new Availability(null);
    }

    /**
     * Probes a native backend.
     *
     * @param backend    the backend's name, for messages
     * @param systems    the operating systems it runs on, as a {@code |}-separated list of
     *                   prefixes of {@code os.name}, such as {@code "Mac|FreeBSD"}
     * @param available  Netty's availability check, such as {@code Epoll::isAvailable}
     * @param netCause   Netty's reason when unavailable, such as {@code Epoll::unavailabilityCause}
     * @return the verdict
     */
    public static Availability probe(String backend, String systems, BooleanSupplier available,
                                     Supplier<Throwable> netCause) {
        String os = System.getProperty("os.name", "?");
        try {
            if (!runsOn(os, systems)) {
                return new Availability(new UnsupportedOperationException(
                        backend + " runs on " + systems.replace("|", ", ") + " only; this is " + os, netCause.get()));
            }
            if (available.getAsBoolean()) {
                return new Availability(null);
            }
            String unresolved = unresolvedNativeModules(backend);
            return new Availability(unresolved.isEmpty() ? netCause.get() : new UnsupportedOperationException(
                    backend + ": Netty's native library is in " + unresolved + " on the module path, which the JVM"
                    + " did not resolve because no module requires it: run with --add-modules ALL-MODULE-PATH"
                    + " (or --add-modules " + unresolved + ")", netCause.get()));
        } catch (LinkageError e) {
            return new Availability(new UnsupportedOperationException(
                    backend + ": Netty's native transport classes failed to load", e));
        }
    }

    /**
     * The names of Netty's native-library modules for {@code backend} (such as
     * {@code io.netty.transport.epoll.linux.x86_64}) that are on the module path but not in the boot
     * layer, comma-separated; empty on the class path.
     */
    private static String unresolvedNativeModules(String backend) {
        String modulePath = System.getProperty("jdk.module.path");
        if (!Availability.class.getModule().isNamed() || modulePath == null || modulePath.isEmpty()) {
            return "";
        }
        String prefix = "io.netty.transport." + backend + ".";
        try {
            return ModuleFinder.of(Arrays.stream(modulePath.split(File.pathSeparator)).map(Path::of).toArray(Path[]::new))
                    .findAll().stream()
                    .map(r -> r.descriptor().name())
                    .filter(n -> n.startsWith(prefix) && ModuleLayer.boot().findModule(n).isEmpty())
                    .sorted()
                    .reduce((a, b) -> a + "," + b).orElse("");
        } catch (FindException e) {
            return ""; // the JVM started with this module path, so this is not expected; Netty's reason stands
        }
    }

    private static boolean runsOn(String os, String systems) {
        String lower = os.toLowerCase(Locale.ROOT);
        for (String prefix : systems.split("\\|")) {
            if (lower.startsWith(prefix.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the backend can run here.
     *
     * @return {@code true} if it can
     */
    public boolean isAvailable() {
        return cause == null;
    }

    /**
     * Why the backend cannot run here.
     *
     * @return the reason, or {@code null} if it can run
     */
    public Throwable cause() {
        return cause;
    }

    /**
     * Fails unless the backend can run here; guards {@link LoopBackend#ioHandlerFactory()}.
     *
     * @param backend the backend's name, for the message
     * @throws IllegalStateException carrying the cause, if it cannot run
     */
    public void require(String backend) {
        if (cause != null) {
            throw new IllegalStateException(backend + " cannot run here", cause);
        }
    }
}
