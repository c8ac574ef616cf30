package dev.evloop.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** This JVM's child processes and open descriptors: what a test of processes checks it left behind. */
final class Children {
    private static final Path DESCRIPTORS = Path.of("/proc/self/fd");
    private static final long WAIT_NANOS = 10_000_000_000L;

    private Children() {
    }

    /** The pids of this JVM's children now, running or not yet reaped. */
    static Set<Long> pids() {
        return ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    /** How many descriptors this JVM has open, or -1 where they cannot be counted. */
    static long descriptors() throws IOException {
        if (!Files.isDirectory(DESCRIPTORS)) {
            return -1;
        }
        try (Stream<Path> s = Files.list(DESCRIPTORS)) {
            return s.count();
        }
    }

    /**
     * Waits up to ten seconds until no child is left that {@code before} did not have, and no more
     * descriptors are open than {@code descriptorsBefore} (pipes close on other threads).
     */
    static void assertNoneLeft(Set<Long> before, long descriptorsBefore) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        Set<Long> left = newSince(before);
        long open = descriptors();
        while ((!left.isEmpty() || open > descriptorsBefore) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            left = newSince(before);
            open = descriptors();
        }
        assertEquals(Set.of(), left, "children left running or unreaped");
        assertTrue(open <= descriptorsBefore, open + " descriptors open, " + descriptorsBefore + " before");
    }

    private static Set<Long> newSince(Set<Long> before) {
        Set<Long> now = pids();
        now.removeAll(before);
        return now;
    }
}
