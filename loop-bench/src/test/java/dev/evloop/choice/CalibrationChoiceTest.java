package dev.evloop.choice;

import dev.evloop.BackendInfo;
import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.internal.choice.Calibration;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.evloop.internal.choice.Calibration.Host;
import dev.evloop.internal.choice.Calibration.Measurement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How the default policy follows the on-host calibration, and when it does not. */
class CalibrationChoiceTest extends PropertyScope {

    /** Writes a calibration for a host ranking these backends in this order, the first fastest. */
    static void calibrate(Path file, Host host, String... ranking) throws IOException {
        List<Measurement> measured = new ArrayList<>();
        for (int i = 0; i < ranking.length; i++) {
            measured.add(new Measurement(ranking[i], 40_000 - 4_000 * i, 500, 7.5 + i, 0.1));
        }
        new Calibration(Instant.parse("2026-11-30T15:00:00Z"), host, 50, 1024, "a test", measured).write(file);
    }

    static String staticBest() {
        return EventLoops.backends().stream().filter(BackendInfo::available).findFirst().orElseThrow().name();
    }

    /** A backend that runs here but that the static ranks do not pick: the calibration must make the difference. */
    static String notTheStaticBest() {
        String best = staticBest();
        return EventLoops.backends().stream().filter(BackendInfo::available).map(BackendInfo::name)
                .filter(n -> !n.equals(best)).reduce((a, b) -> b).orElse(null);
    }

    static String made() {
        try (EventLoop loop = EventLoops.newEventLoop()) {
            return loop.backend();
        }
    }

    @Test
    void aCalibrationForThisHostPicksItsFirstBackend() throws IOException {
        String other = notTheStaticBest();
        assumeTrue(other != null, "two backends run here");
        calibrate(calibration(), Host.current(), other, staticBest());
        assertEquals(other, made());
        assertEquals(other, EventLoops.defaultBackend());
    }

    @Test
    void aCalibratedBackendThatCannotRunHereNowIsSkipped() throws IOException {
        assumeFalse(available("kqueue"), "kqueue does not run here");
        calibrate(calibration(), Host.current(), "kqueue", "selector", staticBest());
        assertEquals("selector", made());
    }

    @Test
    void whenNoCalibratedBackendCanRunTheStaticRanksDecide() throws IOException {
        assumeFalse(available("kqueue"), "kqueue does not run here");
        calibrate(calibration(), Host.current(), "kqueue");
        assertEquals(staticBest(), made());
    }

    @Test
    void thePropertyWinsOverTheCalibration() throws IOException {
        String other = notTheStaticBest();
        assumeTrue(other != null, "two backends run here");
        calibrate(calibration(), Host.current(), other);
        System.setProperty(PROPERTY, staticBest());
        assertEquals(staticBest(), made());
    }

    @Test
    void aPolicyWithFixedPreferencesIgnoresTheCalibration() throws IOException {
        calibrate(calibration(), Host.current(), "selector");
        EventLoops.setPolicy(new dev.evloop.DefaultEventLoopPolicy(staticBest()));
        assertEquals(staticBest(), made());
    }

    @ParameterizedTest
    @ValueSource(strings = {"kernel", "jdk", "version", "cpus"})
    void aCalibrationMeasuredOnAnotherHostIsIgnored(String differing) throws IOException {
        String other = notTheStaticBest();
        assumeTrue(other != null, "two backends run here");
        calibrate(calibration(), elsewhere(differing), other);
        assertEquals(staticBest(), made());
    }

    @Test
    void whyAStaleCalibrationWasIgnoredIsLoggedOnceAtDebugLevel() throws IOException {
        calibrate(calibration(), elsewhere("kernel"), "selector");
        try (Logged logged = new Logged()) {
            made();
            made();
            EventLoops.defaultBackend();
            List<String> about = logged.lines().stream().filter(l -> l.contains(calibration().toString())).toList();
            assertEquals(1, about.size(), about::toString);
            assertTrue(about.get(0).startsWith("FINE calibration " + calibration() + " ignored: it was measured on kernel Linux 0.0"),
                    about.get(0));
        }
    }

    @Test
    void aMissingCalibrationIsLoggedAtDebugLevelAndTheStaticRanksDecide() {
        try (Logged logged = new Logged()) {
            assertEquals(staticBest(), made());
            assertTrue(logged.lines().contains("FINE no calibration for this host: " + calibration()
                    + " does not exist; the default choice follows the static ranks"), logged.lines()::toString);
        }
    }

    @Test
    void aDamagedCalibrationIsIgnoredWithAWarningNamingTheFileAndTheProblem() throws IOException {
        Files.writeString(calibration(), "format=1\nmeasured=yesterday\n");
        try (Logged logged = new Logged()) {
            assertEquals(staticBest(), made());
            assertTrue(logged.lines().stream().anyMatch(l -> l.startsWith("WARNING calibration " + calibration()
                    + " ignored: damaged: measured: 'yesterday' is not an instant")), logged.lines()::toString);
        }
    }

    @Test
    void aHandEditedCalibrationRankingAnUnknownBackendIsIgnoredWithAWarning() throws IOException {
        calibrate(calibration(), Host.current(), "selector");
        Files.writeString(calibration(), Files.readString(calibration()).replace("selector", "selectr"));
        try (Logged logged = new Logged()) {
            assertEquals(staticBest(), made());
            assertTrue(logged.lines().contains("WARNING calibration " + calibration()
                    + " ignored: damaged: it ranks unknown backend 'selectr'; the default choice follows the static ranks"),
                    logged.lines()::toString);
        }
    }

    @Test
    void aCalibrationThatCannotBeReadIsIgnoredWithAWarning() throws IOException {
        Files.createDirectory(calibration());
        try (Logged logged = new Logged()) {
            assertEquals(staticBest(), made());
            assertTrue(logged.lines().stream().anyMatch(l -> l.startsWith("WARNING calibration " + calibration()
                    + " ignored: cannot be read")), logged.lines()::toString);
        }
    }

    @Test
    void aCalibrationPropertyThatIsNoPathIsIgnoredWithAWarning() {
        System.setProperty(CALIBRATION, "bad\0path");
        try (Logged logged = new Logged()) {
            assertEquals(staticBest(), made());
            assertTrue(logged.lines().stream().anyMatch(l -> l.startsWith("WARNING calibration -Dloop.calibration='bad\0path' ignored: not a path")),
                    logged.lines()::toString);
        }
    }

    @Test
    void aNewCalibrationIsFollowedWithoutARestart() throws IOException {
        String other = notTheStaticBest();
        assumeTrue(other != null, "two backends run here");
        assertEquals(staticBest(), made());
        calibrate(calibration(), Host.current(), other);
        assertNotEquals(staticBest(), made());
    }

    /** This host but for one thing. */
    static Host elsewhere(String differing) {
        Host now = Host.current();
        return switch (differing) {
            case "kernel" -> new Host("Linux 0.0", now.jdk(), now.version(), now.cpus());
            case "jdk" -> new Host(now.kernel(), now.jdk() - 1, now.version(), now.cpus());
            case "version" -> new Host(now.kernel(), now.jdk(), "0.0.1", now.cpus());
            case "cpus" -> new Host(now.kernel(), now.jdk(), now.version(), now.cpus() + 1);
            default -> throw new IllegalArgumentException(differing);
        };
    }
}
