package dev.evloop.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The echo comparison's floor, {@code echo-floor.c} (a resource beside this class): an echo server
 * in C on epoll, compiled here with the system's C compiler, once per JVM. It is not evloop's and
 * not Java: what the host, its kernel and the load client give an echo that adds nothing, so that a
 * figure no server reaches (a tail latency, say) reads as the host's rather than evloop's.
 * Linux only, and only where {@code cc} is on the {@code PATH}; elsewhere {@link #unavailableReason}
 * says why and the comparison runs without it.
 */
final class NativeEcho {
    private static final String SOURCE = "echo-floor.c";
    private static final long COMPILE_SECONDS = 60;
    private static Path executable;
    private static String unavailable;

    private NativeEcho() {
    }

    /** Why the floor cannot run here, or {@code null} if it can (compiling it if not done yet). */
    static synchronized String unavailableReason() {
        if (executable == null && unavailable == null) {
            try {
                executable = compile();
            } catch (IOException e) {
                unavailable = e.getMessage();
            }
        }
        return unavailable;
    }

    /**
     * The compiled server, which takes the port to listen on (0 for any) and prints
     * {@code listening on /127.0.0.1:PORT}.
     *
     * @throws IOException if it cannot run here (the message says why)
     */
    static synchronized Path executable() throws IOException {
        String reason = unavailableReason();
        if (reason != null) {
            throw new IOException(reason);
        }
        return executable;
    }

    private static Path compile() throws IOException {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("linux")) {
            throw new IOException("the C floor uses epoll, which is Linux's; this is " + System.getProperty("os.name"));
        }
        Path cc = EchoProcesses.onPath("cc");
        if (cc == null) {
            throw new IOException("no C compiler (cc) on the PATH");
        }
        Path dir = Files.createTempDirectory("evloop-echo-floor");
        dir.toFile().deleteOnExit();
        Path source = dir.resolve(SOURCE);
        Path binary = dir.resolve("echo-floor");
        try (InputStream in = NativeEcho.class.getResourceAsStream(SOURCE)) {
            if (in == null) {
                throw new IOException(SOURCE + " is missing from the class path");
            }
            Files.copy(in, source);
        }
        source.toFile().deleteOnExit();
        binary.toFile().deleteOnExit();
        ShortCommand.run(List.of(cc.toString(), "-O2", "-o", binary.toString(), source.toString()), COMPILE_SECONDS,
                "cc on " + SOURCE);
        return binary;
    }
}
