package dev.evloop.internal.choice;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evloop.internal.choice.Calibration.DamagedException;
import dev.evloop.internal.choice.Calibration.Host;
import dev.evloop.internal.choice.Calibration.Measurement;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The calibration file: written, read back, and refused with a reason when it is not one. */
class CalibrationTest {
    @TempDir
    Path dir;

    static Calibration sample(Host host) {
        return new Calibration(Instant.parse("2026-11-30T15:00:00Z"), host, 50, 1024,
                "a client process on CPU 1, servers on CPU 0; 8 rounds of 1 s",
                List.of(new Measurement("epoll", 40_000, 800, 7.5, 0.2),
                        new Measurement("io_uring", 35_000, 900, 8.6, 0.3),
                        new Measurement("selector", 32_000, 700, 9.0, 0.1)));
    }

    @Test
    void aWrittenCalibrationReadsBackTheSame() throws Exception {
        Calibration written = sample(Host.current());
        Path file = dir.resolve("sub/calibration.properties");
        written.write(file);
        assertEquals(written, Calibration.read(file));
    }

    @Test
    void writingReplacesAnOlderFileAndLeavesNoTemporaryFile() throws Exception {
        Path file = dir.resolve("calibration.properties");
        Files.writeString(file, "old");
        sample(Host.current()).write(file);
        assertEquals(sample(Host.current()), Calibration.read(file));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void aKernelNameWithSpacesAndColonsSurvivesTheFile() throws Exception {
        Host odd = new Host("Linux 6.1.0-13:amd64 #1 SMP = yes", 25, "0.1.0", 2);
        Path file = dir.resolve("calibration.properties");
        sample(odd).write(file);
        assertEquals(odd, Calibration.read(file).host());
    }

    @Test
    void sharesAreEachBackendsRoundTripsAgainstTheFastest() {
        assertArrayEquals(new double[] {1.0, 0.875, 0.8}, sample(Host.current()).shares(), 1e-9);
    }

    @Test
    void theDayIsTheUtcDateOfTheMeasurement() {
        assertEquals("2026-11-30", sample(Host.current()).day());
    }

    @Test
    void aMissingFileIsNoSuchFile() {
        assertThrows(NoSuchFileException.class, () -> Calibration.read(dir.resolve("none.properties")));
    }

    @Test
    void aHostThatMatchesHasNoDifference() {
        assertNull(Host.current().differenceFrom(Host.current()));
    }

    @Test
    void anotherKernelIsADifference() {
        Host now = Host.current();
        Host then = new Host("Linux 1.0", now.jdk(), now.version(), now.cpus());
        assertEquals("it was measured on kernel Linux 1.0; this is " + now.kernel(), then.differenceFrom(now));
    }

    @Test
    void anotherJdkIsADifference() {
        Host now = Host.current();
        Host then = new Host(now.kernel(), now.jdk() - 1, now.version(), now.cpus());
        assertEquals("it was measured on JDK " + (now.jdk() - 1) + "; this is JDK " + now.jdk(), then.differenceFrom(now));
    }

    @Test
    void anotherEvloopVersionIsADifference() {
        Host now = Host.current();
        Host then = new Host(now.kernel(), now.jdk(), "0.0.1", now.cpus());
        assertEquals("it was measured with evloop 0.0.1; this is evloop " + now.version(), then.differenceFrom(now));
    }

    @Test
    void anotherCpuCountIsADifference() {
        Host now = Host.current();
        Host then = new Host(now.kernel(), now.jdk(), now.version(), now.cpus() + 1);
        assertEquals("it was measured with " + (now.cpus() + 1) + " CPUs; this JVM has " + now.cpus(), then.differenceFrom(now));
    }

    @Test
    void evloopsVersionComesFromTheBuild() {
        assertNotEquals("unknown", Host.current().version());
        assertTrue(Host.current().version().matches("\\d+\\.\\d+.*"), Host.current().version());
    }

    @Test
    void thePropertyNamesTheFile() {
        String saved = System.getProperty(Calibration.PROPERTY);
        try {
            System.setProperty(Calibration.PROPERTY, dir.resolve("mine.properties").toString());
            assertEquals(dir.resolve("mine.properties"), Calibration.location());
        } finally {
            restore(saved);
        }
    }

    @Test
    void withoutThePropertyTheFileIsInTheUsersConfigDirectory() {
        String saved = System.getProperty(Calibration.PROPERTY);
        try {
            System.clearProperty(Calibration.PROPERTY);
            assertTrue(Calibration.location().endsWith(Path.of("evloop", "calibration.properties")),
                    Calibration.location().toString());
        } finally {
            restore(saved);
        }
    }

    @Test
    void aFileOfAnotherFormatIsDamaged() throws Exception {
        assertDamaged(written().replace("format=1", "format=2"), "format 2 is not one this evloop reads");
    }

    @Test
    void aMissingKeyIsDamagedNamingTheKey() throws Exception {
        assertDamaged(written().replaceAll("(?m)^kernel=.*$", ""), "'kernel' is missing");
    }

    @Test
    void aFigureThatIsNotANumberIsDamagedNamingTheKey() throws Exception {
        assertDamaged(written().replaceAll("(?m)^epoll\\.roundTripsPerSecond=.*$", "epoll.roundTripsPerSecond=fast"),
                "epoll.roundTripsPerSecond: 'fast' is not a number");
    }

    @Test
    void aNegativeFigureIsDamagedNamingTheKey() throws Exception {
        assertDamaged(written().replaceAll("(?m)^epoll\\.cpuMicrosPerRoundTrip=.*$", "epoll.cpuMicrosPerRoundTrip=-1"),
                "epoll.cpuMicrosPerRoundTrip: must be zero or more");
    }

    @Test
    void aRankedBackendWithoutFiguresIsDamaged() throws Exception {
        assertDamaged(written().replace("ranking=epoll,io_uring,selector", "ranking=epoll,io_uring,selector,kqueue"),
                "'kqueue.roundTripsPerSecond' is missing");
    }

    @Test
    void aBackendRankedTwiceIsDamaged() throws Exception {
        assertDamaged(written().replace("ranking=epoll,io_uring,selector", "ranking=epoll,io_uring,epoll"),
                "ranking: names epoll twice");
    }

    @Test
    void anEmptyNameInTheRankingIsDamaged() throws Exception {
        assertDamaged(written().replace("ranking=epoll,io_uring,selector", "ranking=epoll,,selector"),
                "ranking: '' is not a backend name");
    }

    @Test
    void aDateThatIsNotAnInstantIsDamaged() throws Exception {
        assertDamaged(written().replaceAll("(?m)^measured=.*$", "measured=yesterday"), "measured: 'yesterday' is not an instant");
    }

    @Test
    void aMalformedEscapeIsDamaged() throws Exception {
        assertDamaged(written() + "broken=\\u12\n", "not a properties file");
    }

    @Test
    void binaryGarbageIsDamaged() throws Exception {
        Path file = dir.resolve("calibration.properties");
        Files.write(file, new byte[] {0, 1, 2, (byte) 0xff, '\n', '=', '='});
        assertThrows(DamagedException.class, () -> Calibration.read(file));
    }

    @Test
    void aFileTooLargeToBeACalibrationIsDamagedUnread() throws Exception {
        assertDamaged("#".repeat(64 * 1024) + "\n" + written(), "too large for a calibration");
    }

    @Test
    void aDirectoryIsNotACalibration() throws Exception {
        IOException e = assertThrows(IOException.class, () -> Calibration.read(dir));
        assertTrue(e.getMessage().contains("is not a regular file"), e.getMessage());
    }

    private String written() throws IOException {
        Path file = dir.resolve("good.properties");
        sample(Host.current()).write(file);
        return Files.readString(file, StandardCharsets.ISO_8859_1);
    }

    private void assertDamaged(String text, String expected) throws IOException {
        Path file = dir.resolve("calibration.properties");
        Files.writeString(file, text, StandardCharsets.ISO_8859_1);
        DamagedException e = assertThrows(DamagedException.class, () -> Calibration.read(file));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static void restore(String saved) {
        if (saved == null) {
            System.clearProperty(Calibration.PROPERTY);
        } else {
            System.setProperty(Calibration.PROPERTY, saved);
        }
    }
}
