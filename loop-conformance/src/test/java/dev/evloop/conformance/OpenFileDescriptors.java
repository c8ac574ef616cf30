package dev.evloop.conformance;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The process's open file descriptors, counted through {@code /proc/self/fd}: the suite's proof that fds are released. */
final class OpenFileDescriptors {
    private static final Path TABLE = Path.of("/proc/self/fd");

    private OpenFileDescriptors() {
    }

    /** Skips the calling test where descriptors cannot be counted. */
    static void assumeCountable() {
        assumeTrue(Files.isDirectory(TABLE), "needs /proc/self/fd to count descriptors");
    }

    /** How many descriptors the process has open now. */
    static long count() throws IOException {
        try (Stream<Path> s = Files.list(TABLE)) {
            return s.count();
        }
    }
}
