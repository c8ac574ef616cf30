package dev.evloop.choice;

import dev.evloop.EventLoops;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Tests that set {@code -Dloop.backend} or the policy: both are restored after each test. Each test
 * also gets a calibration file of its own that does not exist yet ({@link #calibration()}), so that
 * the user's own {@code ~/.config/evloop/calibration.properties} never changes what is chosen.
 */
abstract class PropertyScope {
    static final String PROPERTY = "loop.backend";
    static final String CALIBRATION = "loop.calibration";
    private String saved;
    private String savedCalibration;
    private Path calibration;

    @BeforeEach
    final void saveProperty() {
        saved = System.getProperty(PROPERTY);
        savedCalibration = System.getProperty(CALIBRATION);
        System.clearProperty(PROPERTY);
        try {
            calibration = Files.createTempDirectory("evloop-choice").resolve("calibration.properties");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.setProperty(CALIBRATION, calibration.toString());
    }

    @AfterEach
    final void restoreProperty() throws IOException {
        restore(PROPERTY, saved);
        restore(CALIBRATION, savedCalibration);
        EventLoops.setPolicy(null);
        Files.deleteIfExists(calibration);
        Files.deleteIfExists(calibration.getParent());
    }

    private static void restore(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
    }

    /** This test's calibration file, named by {@code -Dloop.calibration}; it does not exist until written. */
    Path calibration() {
        return calibration;
    }

    static boolean available(String name) {
        return EventLoops.backends().stream().anyMatch(b -> b.name().equals(name) && b.available());
    }
}
