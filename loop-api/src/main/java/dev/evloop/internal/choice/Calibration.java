package dev.evloop.internal.choice;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;

/**
 * The on-host calibration that {@code ./evloop calibrate} writes and the default policy reads: the
 * backends ranked by what an echo load measured on this host, and the host it was measured on. It
 * is a {@link Properties} file, by default {@code $XDG_CONFIG_HOME/evloop/calibration.properties}
 * (or {@code ~/.config/evloop/calibration.properties}), or the file {@code -Dloop.calibration} names.
 *
 * @param measured    when the measurement ended
 * @param host        the host it was measured on
 * @param connections how many connections the load client kept busy on each server
 * @param size        the message size in bytes
 * @param method      how it was measured, in one line, for the reader of the file
 * @param ranking     the backends in the order the policy should prefer them, with their figures
 */
public record Calibration(Instant measured, Host host, int connections, int size, String method,
                          List<Measurement> ranking) {
    /** The system property naming the calibration file. */
    public static final String PROPERTY = "loop.calibration";
    /** The only format this class writes and reads. */
    static final int FORMAT = 1;
    /** What a backend's name looks like: it becomes part of the file's keys. */
    private static final String NAME = "[a-z][a-z0-9_]*";
    /** Far more than any calibration takes: a file named by mistake (a log, a device) is refused unread. */
    private static final long MAX_BYTES = 64 * 1024;

    /**
     * A calibration: the ranking is copied, and must name each backend once.
     *
     * @throws IllegalArgumentException if the ranking is empty, names a backend twice, or a count is not positive
     */
    public Calibration {
        Objects.requireNonNull(measured, "measured");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(method, "method");
        ranking = List.copyOf(ranking);
        if (ranking.isEmpty()) {
            throw new IllegalArgumentException("ranking: names no backend");
        }
        Set<String> seen = new HashSet<>();
        for (Measurement m : ranking) {
            if (!seen.add(m.backend())) {
                throw new IllegalArgumentException("ranking: names " + m.backend() + " twice");
            }
        }
        if (connections <= 0) {
            throw new IllegalArgumentException("connections: must be positive, not " + connections);
        }
        if (size <= 0) {
            throw new IllegalArgumentException("size: must be positive, not " + size);
        }
    }

    /**
     * What a calibration depends on: a measurement made under another kernel, JDK, evloop or CPU
     * count says little about this one.
     *
     * @param kernel  the operating system and its version, as {@code os.name} and {@code os.version} say
     * @param jdk     the JDK's feature release
     * @param version evloop's version
     * @param cpus    the processors the JVM may use
     */
    public record Host(String kernel, int jdk, String version, int cpus) {
        /**
         * This JVM's host.
         *
         * @return the host
         */
        public static Host current() {
            return new Host(System.getProperty("os.name") + " " + System.getProperty("os.version"),
                    Runtime.version().feature(), Version.EVLOOP, Runtime.getRuntime().availableProcessors());
        }

        /**
         * How the host a calibration was measured on differs from this one, in words.
         *
         * @param now the host here
         * @return the first difference ({@code "it was measured on kernel X; this is Y"}), or {@code null} if none
         */
        public String differenceFrom(Host now) {
            if (!kernel.equals(now.kernel)) {
                return "it was measured on kernel " + kernel + "; this is " + now.kernel;
            }
            if (jdk != now.jdk) {
                return "it was measured on JDK " + jdk + "; this is JDK " + now.jdk;
            }
            if (!version.equals(now.version)) {
                return "it was measured with evloop " + version + "; this is evloop " + now.version;
            }
            if (cpus != now.cpus) {
                return "it was measured with " + cpus + " CPUs; this JVM has " + now.cpus;
            }
            return null;
        }
    }

    /**
     * What was measured of one backend, as the mean over rounds and the spread over them (half the
     * range between the lowest and the highest round).
     *
     * @param backend                 the backend's name
     * @param roundTripsPerSecond     echo round trips per second
     * @param roundTripsSpread        its spread over rounds, per second
     * @param cpuMicrosPerRoundTrip   the server process's CPU (all threads, user and system) per round trip, in microseconds
     * @param cpuSpread               its spread over rounds, in microseconds
     */
    public record Measurement(String backend, double roundTripsPerSecond, double roundTripsSpread,
                              double cpuMicrosPerRoundTrip, double cpuSpread) {
        /**
         * A measurement.
         *
         * @throws IllegalArgumentException if the name is not a backend name or a figure is negative or not finite
         */
        public Measurement {
            if (backend == null || !backend.matches(NAME)) {
                throw new IllegalArgumentException("backend: '" + backend + "' is not a backend name");
            }
            requireFigure(roundTripsPerSecond, backend + ".roundTripsPerSecond", true);
            requireFigure(roundTripsSpread, backend + ".roundTripsPerSecond.spread", false);
            requireFigure(cpuMicrosPerRoundTrip, backend + ".cpuMicrosPerRoundTrip", false);
            requireFigure(cpuSpread, backend + ".cpuMicrosPerRoundTrip.spread", false);
        }

        private static void requireFigure(double value, String name, boolean positive) {
            if (!Double.isFinite(value) || value < 0 || positive && value == 0) {
                throw new IllegalArgumentException(name + ": must be " + (positive ? "positive" : "zero or more")
                        + " and finite, not " + value);
            }
        }
    }

    /** A calibration file that cannot be read as one: its message says what is wrong. */
    public static final class DamagedException extends Exception {
        private static final long serialVersionUID = 1L;

        DamagedException(String message) {
            super(message);
        }
    }

    /**
     * Where the calibration is: {@code -Dloop.calibration}, else under {@code $XDG_CONFIG_HOME}
     * when that is an absolute path (as the XDG base directory specification asks), else under
     * {@code ~/.config}.
     *
     * @return the file's path; it need not exist
     * @throws InvalidPathException if {@code -Dloop.calibration} is not a path
     */
    public static Path location() {
        String named = System.getProperty(PROPERTY);
        if (named != null && !named.isBlank()) {
            return Path.of(named.trim());
        }
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path config = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
                ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".config");
        return config.resolve("evloop").resolve("calibration.properties");
    }

    /**
     * Each backend's round trips per second as a share of the fastest's, in ranking order: the
     * figures the report shows.
     *
     * @return one share per ranked backend, between 0 and 1
     */
    public double[] shares() {
        double best = ranking.stream().mapToDouble(Measurement::roundTripsPerSecond).max().orElseThrow();
        return ranking.stream().mapToDouble(m -> m.roundTripsPerSecond() / best).toArray();
    }

    /**
     * The day the measurement ended, in UTC: {@code 2026-11-30}.
     *
     * @return the date
     */
    public String day() {
        return measured.atOffset(ZoneOffset.UTC).toLocalDate().toString();
    }

    /**
     * Writes the calibration, replacing the file whole so a reader never sees half of it; makes
     * the directory if needed.
     *
     * @param file where
     * @throws IOException if it cannot be written
     */
    public void write(Path file) throws IOException {
        StringBuilder text = new StringBuilder()
                .append("# evloop calibration, written by ./evloop calibrate: the backends ranked by echo round trips\n")
                .append("# per second on this host, CPU per round trip where they tie. The default policy follows it\n")
                .append("# while kernel, jdk, evloop.version and cpus match the JVM; delete it for the static ranks.\n");
        line(text, "format", Integer.toString(FORMAT));
        line(text, "measured", measured.toString());
        line(text, "kernel", host.kernel());
        line(text, "jdk", Integer.toString(host.jdk()));
        line(text, "evloop.version", host.version());
        line(text, "cpus", Integer.toString(host.cpus()));
        line(text, "connections", Integer.toString(connections));
        line(text, "size", Integer.toString(size));
        line(text, "method", method);
        line(text, "ranking", String.join(",", ranking.stream().map(Measurement::backend).toList()));
        for (Measurement m : ranking) {
            line(text, m.backend() + ".roundTripsPerSecond", figure(m.roundTripsPerSecond()));
            line(text, m.backend() + ".roundTripsPerSecond.spread", figure(m.roundTripsSpread()));
            line(text, m.backend() + ".cpuMicrosPerRoundTrip", figure(m.cpuMicrosPerRoundTrip()));
            line(text, m.backend() + ".cpuMicrosPerRoundTrip.spread", figure(m.cpuSpread()));
        }
        Path absolute = file.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path temporary = Files.createTempFile(absolute.getParent(), ".calibration", ".tmp");
        try {
            Files.writeString(temporary, text, StandardCharsets.ISO_8859_1);
            Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** One {@code key=value} line, escaped exactly as {@link Properties#store} escapes it. */
    private static void line(StringBuilder text, String key, String value) {
        Properties one = new Properties();
        one.setProperty(key, value);
        StringWriter out = new StringWriter();
        try {
            one.store(out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        for (String l : out.toString().split("\\R")) {
            if (!l.startsWith("#")) {
                text.append(l).append('\n');
            }
        }
    }

    private static String figure(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }

    /**
     * Reads a calibration file.
     *
     * @param file the file
     * @return the calibration
     * @throws java.nio.file.NoSuchFileException if there is no such file
     * @throws IOException if it cannot be read or is not a regular file
     * @throws DamagedException if it is not a calibration this evloop can read: the message says why
     */
    public static Calibration read(Path file) throws IOException, DamagedException {
        long bytes = Files.size(file);
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + " is not a regular file");
        }
        if (bytes > MAX_BYTES) {
            throw new DamagedException(bytes + " bytes is too large for a calibration (at most " + MAX_BYTES + ")");
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            p.load(in);
        } catch (IllegalArgumentException e) { // a malformed \\uXXXX escape
            throw new DamagedException("not a properties file: " + e.getMessage());
        }
        int format = integer(p, "format");
        if (format != FORMAT) {
            throw new DamagedException("format " + format + " is not one this evloop reads (" + FORMAT + ")");
        }
        Instant measured;
        try {
            measured = Instant.parse(text(p, "measured"));
        } catch (DateTimeParseException e) {
            throw new DamagedException("measured: '" + p.getProperty("measured") + "' is not an instant such as 2026-11-30T15:00:00Z");
        }
        Host host = new Host(text(p, "kernel"), integer(p, "jdk"), text(p, "evloop.version"), integer(p, "cpus"));
        List<Measurement> ranking = new ArrayList<>();
        try {
            for (String name : text(p, "ranking").split(",", -1)) {
                String backend = name.trim();
                if (!backend.matches(NAME)) {
                    throw new DamagedException("ranking: '" + backend + "' is not a backend name");
                }
                ranking.add(new Measurement(backend,
                        number(p, backend + ".roundTripsPerSecond"), number(p, backend + ".roundTripsPerSecond.spread"),
                        number(p, backend + ".cpuMicrosPerRoundTrip"), number(p, backend + ".cpuMicrosPerRoundTrip.spread")));
            }
            return new Calibration(measured, host, integer(p, "connections"), integer(p, "size"),
                    p.getProperty("method", ""), ranking);
        } catch (IllegalArgumentException e) {
            throw new DamagedException(e.getMessage());
        }
    }

    private static String text(Properties p, String key) throws DamagedException {
        String value = p.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new DamagedException("'" + key + "' is missing");
        }
        return value.trim();
    }

    private static int integer(Properties p, String key) throws DamagedException {
        String value = text(p, key);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new DamagedException(key + ": '" + value + "' is not a whole number");
        }
    }

    private static double number(Properties p, String key) throws DamagedException {
        String value = text(p, key);
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new DamagedException(key + ": '" + value + "' is not a number");
        }
    }

    /** evloop's version, from a resource Maven fills in at build time. */
    static final class Version {
        static final String EVLOOP = load();

        private Version() {
        }

        private static String load() {
            Properties p = new Properties();
            try (InputStream in = Calibration.class.getResourceAsStream("evloop-version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException e) {
                return "unknown";
            }
            String version = p.getProperty("version", "");
            // An unfiltered copy (an IDE that skips Maven's resource filtering) names no version.
            return version.isBlank() || version.contains("${") ? "unknown" : version;
        }
    }
}
