package dev.evloop.internal.net;

import dev.evloop.Async;
import dev.evloop.internal.BaseEventLoop;
import dev.evloop.net.Protocol;
import dev.evloop.net.SocketOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evloop.spi.MinimalBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backend without Unix domain sockets (every bundled one has them; a third-party one may not)
 * gets them refused at the call, with the SPI's {@link UnsupportedOperationException} naming the
 * backend, and no socket file is made.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class UnixSocketsRefusalTest {
    private static final SocketOptions OPTIONS = SocketOptions.defaults();
    private static final String NO_UNIX = "the minimal backend does not support Unix domain sockets";

    private final BaseEventLoop loop = new BaseEventLoop(new MinimalBackend());

    @TempDir
    Path dir;

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    @Test
    void createUnixServerIsRefusedAtTheCallNamingTheBackend() {
        Path path = dir.resolve("s.sock");
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> loop.createUnixServer(() -> new Protocol() { }, path, OPTIONS));
        assertEquals(NO_UNIX, e.getMessage());
        assertTrue(Files.notExists(path), "no socket file was made");
    }

    @Test
    void createUnixConnectionIsRefusedAtTheCallNamingTheBackend() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> loop.createUnixConnection(() -> new Protocol() { }, dir.resolve("s.sock"), OPTIONS));
        assertEquals(NO_UNIX, e.getMessage());
    }

    @Test
    void theStreamFunctionsAreRefusedTheSameWay() {
        Path path = dir.resolve("s.sock");
        loop.runUntilComplete(() -> {
            assertEquals(NO_UNIX, assertThrows(UnsupportedOperationException.class,
                    () -> Async.startUnixServer((r, w) -> w.close(), path, OPTIONS)).getMessage());
            assertEquals(NO_UNIX, assertThrows(UnsupportedOperationException.class,
                    () -> Async.openUnixConnection(path, OPTIONS)).getMessage());
            return null;
        });
        assertTrue(Files.notExists(path), "no socket file was made");
    }
}
