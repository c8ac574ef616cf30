package dev.evloop.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;
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

    /**
     * Asserts that no more descriptors are open than {@code before}, waiting up to five seconds for
     * ones that close on other threads (a child's pipe pumps). Fewer is no leak: a resource of an
     * earlier test may close meanwhile.
     */
    static void assertNoMoreThan(long before, String what) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        long now = count();
        while (now > before && System.nanoTime() < deadline) {
            Thread.sleep(10);
            now = count();
        }
        assertTrue(now <= before, what + ": " + now + " descriptors open, " + before + " before");
    }

    /** How many descriptors the process has open now. */
    static long count() throws IOException {
        try (Stream<Path> s = Files.list(TABLE)) {
            return s.count();
        }
    }
}
