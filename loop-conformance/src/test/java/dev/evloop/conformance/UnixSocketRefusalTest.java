package dev.evloop.conformance;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.evloop.Async;
import dev.evloop.SocketOptions;
import dev.evloop.conformance.TcpTest.Collector;
import dev.evloop.conformance.TcpTest.Echo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backends that cannot serve Unix domain sockets as asyncio does refuse them at the call, with an
 * {@link UnsupportedOperationException} that names the backend and says why, and touch no file.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class UnixSocketRefusalTest extends BackendTest {
    private static final SocketOptions OPTIONS = SocketOptions.defaults();

    @TempDir
    Path dir;

    @BeforeEach
    void onlyWhereRefused() {
        assumeTrue(UnixSocketTest.REFUSING.contains(backend()), () -> backend() + " serves Unix domain sockets");
    }

    private static void assertSaysWhy(UnsupportedOperationException e) {
        String message = e.getMessage();
        assertTrue(message.contains("the " + backend() + " backend does not support Unix domain sockets"), message);
        assertTrue(message.contains("half-closes"), message);
    }

    @Test
    void createUnixServerIsRefusedAtTheCallNamingTheBackendAndTheReason() {
        Path path = dir.resolve("s.sock");
        assertSaysWhy(assertThrows(UnsupportedOperationException.class,
                () -> loop.createUnixServer(Echo::new, path, OPTIONS)));
        assertTrue(Files.notExists(path), "no socket file was made");
    }

    @Test
    void createUnixConnectionIsRefusedAtTheCallNamingTheBackendAndTheReason() {
        assertSaysWhy(assertThrows(UnsupportedOperationException.class,
                () -> loop.createUnixConnection(() -> new Collector(loop, 1), dir.resolve("s.sock"), OPTIONS)));
    }

    @Test
    void theStreamFunctionsAreRefusedTheSameWay() {
        loop.runUntilComplete(() -> {
            assertSaysWhy(assertThrows(UnsupportedOperationException.class,
                    () -> Async.startUnixServer((r, w) -> w.close(), dir.resolve("s.sock"), OPTIONS)));
            assertSaysWhy(assertThrows(UnsupportedOperationException.class,
                    () -> Async.openUnixConnection(dir.resolve("s.sock"), OPTIONS)));
            return null;
        });
    }
}
