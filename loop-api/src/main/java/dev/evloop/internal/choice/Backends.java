package dev.evloop.internal.choice;

import dev.evloop.BackendInfo;
import dev.evloop.BackendUnavailableException;
import dev.evloop.spi.LoopBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Supplier;

/**
 * Finds the backends on the class path (or module path) with {@link ServiceLoader} and chooses one:
 * the names in {@code -Dloop.backend}, in order of preference; else the first backend that can run
 * here in the on-host {@link Calibration}, when there is one for this host; else the
 * highest-ranked backend that can run here.
 */
public final class Backends {
    /** The system property that names the backend, or a comma-separated list of preferences. */
    public static final String PROPERTY = "loop.backend";

    /** Every backend evloop ships, with the module that holds it: a name not here is a typo. */
    private static final Map<String, String> KNOWN = Map.of(
            "selector", "loop-selector",
            "epoll", "loop-epoll",
            "io_uring", "loop-iouring",
            "kqueue", "loop-kqueue");
    private static final Map<String, String> ALIASES = Map.of(
            "nio", "selector",
            "iouring", "io_uring",
            "io-uring", "io_uring",
            "uring", "io_uring");

    private static final System.Logger LOG = System.getLogger("dev.evloop");

    private Backends() {
    }

    /**
     * The backend the default choice takes and why, in words for the report.
     *
     * @param backend the backend
     * @param reason  why: {@code "measured on this host on 2026-11-30: epoll 1.00, ..."},
     *                {@code "static rank (no calibration for this host: ...)"} or
     *                {@code "first available of -Dloop.backend=..."}
     */
    public record Choice(LoopBackend backend, String reason) {
    }

    private static final class Present {
        static final List<LoopBackend> ALL = load();

        private static List<LoopBackend> load() {
            List<LoopBackend> found = new ArrayList<>();
            for (LoopBackend b : ServiceLoader.load(LoopBackend.class, Backends.class.getClassLoader())) {
                if (found.stream().noneMatch(f -> f.name().equals(b.name()))) {
                    found.add(b);
                }
            }
            found.sort(Comparator.comparingInt(LoopBackend::rank).reversed().thenComparing(LoopBackend::name));
            return List.copyOf(found);
        }
    }

    /** The backends present, highest rank first. */
    public static List<LoopBackend> present() {
        return Present.ALL;
    }

    /** What is known of each present backend, highest rank first. */
    public static List<BackendInfo> infos() {
        return present().stream().map(Backends::info).toList();
    }

    static BackendInfo info(LoopBackend b) {
        boolean available = b.isAvailable();
        return new BackendInfo(b.name(), b.rank(), available, available ? null : b.unavailabilityCause());
    }

    /** The names in a preference list, trimmed, lower-cased and with aliases resolved. */
    public static List<String> parse(String spec) {
        List<String> names = new ArrayList<>();
        for (String part : spec.split(",")) {
            String name = part.trim().toLowerCase(Locale.ROOT);
            if (!name.isEmpty()) {
                names.add(ALIASES.getOrDefault(name, name));
            }
        }
        return names;
    }

    /** The property's value, or {@code null} when it is unset or blank. */
    public static String requested() {
        String spec = System.getProperty(PROPERTY);
        return spec == null || spec.isBlank() ? null : spec;
    }

    /** The backend the property asks for, or else the calibrated or highest-ranked one that runs here. */
    public static LoopBackend select() {
        return choose().backend();
    }

    /**
     * The default choice and its reason: {@code -Dloop.backend} when set, else the calibration
     * for this host, else the static ranks.
     *
     * @throws BackendUnavailableException if no backend asked for, or none at all, can run here
     */
    public static Choice choose() {
        String spec = requested();
        if (spec != null) {
            return new Choice(select(spec), "first available of -D" + PROPERTY + "=" + spec);
        }
        Consulted consulted = Consulted.now();
        Calibration calibration = consulted.calibration();
        if (calibration == null) {
            return new Choice(best(), "static rank (" + consulted.ignored() + ")");
        }
        LoopBackend picked = null;
        StringBuilder figures = new StringBuilder();
        double[] shares = calibration.shares();
        for (int i = 0; i < shares.length; i++) {
            String name = calibration.ranking().get(i).backend();
            LoopBackend b = find(name);
            figures.append(i == 0 ? "" : ", ").append(name).append(String.format(Locale.ROOT, " %.2f", shares[i]));
            if (b == null) {
                figures.append(" (not on the class path)");
            } else if (!b.isAvailable()) {
                figures.append(" (cannot run here now)");
            } else if (picked == null) {
                picked = b;
            }
        }
        if (picked == null) {
            return new Choice(best(), "static rank (no backend measured in " + consulted.file() + " can run here now: "
                    + figures + ")");
        }
        boolean reordered = false;
        for (int i = 1; i < shares.length; i++) {
            reordered |= shares[i] > shares[i - 1];
        }
        return new Choice(picked, "measured on this host on " + calibration.day() + ": " + figures
                + " (echo round trips per second, " + calibration.connections() + " connections, "
                + calibration.size() + "-byte messages"
                + (reordered ? "; within their spread over rounds, less CPU per round trip ranks first" : "")
                + "; " + consulted.file() + ")");
    }

    /**
     * What the default choice made of the calibration file: the calibration for this host, or why
     * there is none. It is kept while the file stays the same (path, size and modification time),
     * so that why a file was ignored is logged once, not for every loop.
     *
     * @param file        the file, or the property's text when it names no path
     * @param calibration the calibration, or {@code null} if ignored
     * @param ignored     why it was ignored, or {@code null} if not
     */
    private record Consulted(String file, Calibration calibration, String ignored) {
        private static Object lastKey;
        private static Consulted last;

        static synchronized Consulted now() {
            Path file;
            try {
                file = Calibration.location();
            } catch (InvalidPathException e) {
                String named = System.getProperty(Calibration.PROPERTY);
                String what = named != null && !named.isBlank() ? "-D" + Calibration.PROPERTY + "='" + named + "'"
                        : "path '" + e.getInput() + "'";
                return remember("invalid " + what, () -> ignore(System.Logger.Level.WARNING, what, "calibration "
                        + what + " ignored: not a path: " + e.getMessage()));
            }
            Object key;
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                key = List.of(file, a.lastModifiedTime(), a.size());
            } catch (NoSuchFileException e) {
                key = file;
            } catch (IOException e) {
                key = List.of(file, e.toString());
            }
            return remember(key, () -> read(file));
        }

        private static Consulted remember(Object key, Supplier<Consulted> consult) {
            if (!key.equals(lastKey)) {
                last = consult.get();
                lastKey = key;
            }
            return last;
        }

        private static Consulted read(Path file) {
            Calibration c;
            try {
                c = Calibration.read(file);
            } catch (NoSuchFileException e) {
                return ignore(System.Logger.Level.DEBUG, file.toString(), "no calibration for this host: " + file
                        + " does not exist");
            } catch (IOException e) {
                return ignore(System.Logger.Level.WARNING, file.toString(), "calibration " + file
                        + " ignored: cannot be read: " + e);
            } catch (Calibration.DamagedException e) {
                return ignore(System.Logger.Level.WARNING, file.toString(), "calibration " + file
                        + " ignored: damaged: " + e.getMessage());
            } catch (RuntimeException e) { // whatever a hand-edited file does to the parser, loops must still start
                return ignore(System.Logger.Level.WARNING, file.toString(), "calibration " + file
                        + " ignored: cannot be read: " + e);
            }
            for (Calibration.Measurement m : c.ranking()) {
                if (!KNOWN.containsKey(m.backend()) && find(m.backend()) == null) {
                    return ignore(System.Logger.Level.WARNING, file.toString(), "calibration " + file
                            + " ignored: damaged: it ranks unknown backend '" + m.backend() + "'");
                }
            }
            String difference = c.host().differenceFrom(Calibration.Host.current());
            if (difference != null) {
                return ignore(System.Logger.Level.DEBUG, file.toString(), "calibration " + file
                        + " ignored: " + difference);
            }
            return new Consulted(file.toString(), c, null);
        }

        private static Consulted ignore(System.Logger.Level level, String file, String why) {
            LOG.log(level, why + "; the default choice follows the static ranks");
            return new Consulted(file, null, why);
        }
    }

    /** The first backend in the preference list that can run here. */
    public static LoopBackend select(String spec) {
        List<String> names = parse(spec);
        if (names.isEmpty()) {
            throw new BackendUnavailableException("'" + spec + "' names no backend\n" + listing(), null);
        }
        for (String name : names) {
            if (!KNOWN.containsKey(name) && find(name) == null) {
                throw new BackendUnavailableException("unknown backend '" + name + "' in '" + spec
                        + "': evloop's backends are " + String.join(", ", KNOWN.keySet().stream().sorted().toList())
                        + "\n" + listing(), null);
            }
        }
        Throwable firstCause = null;
        StringBuilder why = new StringBuilder();
        for (String name : names) {
            LoopBackend b = find(name);
            if (b == null) {
                why.append("\n  ").append(name).append(": not on the class path (add dev.evloop:")
                        .append(KNOWN.get(name)).append(')');
            } else if (b.isAvailable()) {
                return b;
            } else {
                BackendInfo info = info(b);
                why.append("\n  ").append(name).append(": cannot run here: ").append(info.unavailabilityReason());
                if (firstCause == null) {
                    firstCause = info.unavailabilityCause();
                }
            }
        }
        throw new BackendUnavailableException("no backend asked for in '" + spec + "' can run here:" + why
                + "\n" + listing(), firstCause);
    }

    /** The highest-ranked backend that can run here, calibration aside. */
    public static LoopBackend best() {
        for (LoopBackend b : present()) {
            if (b.isAvailable()) {
                return b;
            }
        }
        throw new BackendUnavailableException("no evloop backend can run here\n" + listing(), null);
    }

    private static LoopBackend find(String name) {
        for (LoopBackend b : present()) {
            if (b.name().equals(name)) {
                return b;
            }
        }
        return null;
    }

    /** Every present backend and whether it runs here, for error messages. */
    static String listing() {
        if (present().isEmpty()) {
            return "no backend is on the class path: add dev.evloop:loop-selector (portable) or a native one";
        }
        StringBuilder sb = new StringBuilder("backends present:");
        for (BackendInfo b : infos()) {
            sb.append("\n  ").append(b.name()).append(" (rank ").append(b.rank()).append("): ")
                    .append(b.available() ? "available" : "cannot run here: " + b.unavailabilityReason());
        }
        return sb.toString();
    }
}
