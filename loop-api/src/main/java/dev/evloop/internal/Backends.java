package dev.evloop.internal;

import dev.evloop.BackendInfo;
import dev.evloop.BackendUnavailableException;
import dev.evloop.spi.LoopBackend;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Finds the backends on the class path (or module path) with {@link ServiceLoader} and chooses one:
 * the names in {@code -Dloop.backend}, in order of preference, or else the highest-ranked backend
 * that can run here.
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

    private Backends() {
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

    /** The backend the property asks for, or the best available one when it is not set. */
    public static LoopBackend select() {
        String spec = requested();
        return spec == null ? best() : select(spec);
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

    /** The highest-ranked backend that can run here. */
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
