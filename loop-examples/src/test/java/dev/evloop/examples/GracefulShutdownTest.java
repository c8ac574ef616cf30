package dev.evloop.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The graceful-shutdown pattern, driven by a real SIGTERM raised in this process. */
@Timeout(60)
class GracefulShutdownTest {

    private static RunningExample start(Duration grace) {
        return RunningExample.start("GracefulShutdown",
                (host, port, listening) -> GracefulShutdown.serve(host, port, grace, listening));
    }

    @Test
    void aSessionInProgressIsToldAndMayFinishItsWork() throws Exception {
        RunningExample server = start(Duration.ofMinutes(1));
        try (LineClient client = new LineClient(server.connect())) {
            client.send("hello");
            assertEquals("HELLO", client.readLine());

            server.signal();
            assertEquals("* shutting down, please finish", client.readLine());
            client.send("last words");
            assertEquals("LAST WORDS", client.readLine(), "served during the grace period");
        } // the client leaves, so the server ends long before the grace period would
        server.close();
    }

    @Test
    void aSessionStillRunningWhenTheGracePeriodEndsIsCancelledAndClosed() throws Exception {
        RunningExample server = start(Duration.ofMillis(100));
        try (LineClient client = new LineClient(server.connect())) {
            client.send("hello");
            assertEquals("HELLO", client.readLine());

            server.signal();
            assertEquals("* shutting down, please finish", client.readLine());
            assertNull(client.readLine(), "the cancelled session closed its connection");
        }
        server.close();
    }

    @Test
    void withNoSessionsTheServerEndsAtOnce() throws Exception {
        start(Duration.ofMinutes(1)).close();
    }
}
