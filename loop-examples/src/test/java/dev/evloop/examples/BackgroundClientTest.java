package dev.evloop.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The blocking client on a background loop, called from plain threads, against the echo server. */
@Timeout(60)
class BackgroundClientTest {

    @Test
    void callsFromManyThreadsEachGetTheirOwnEcho() throws Exception {
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        try (RunningExample server = RunningExample.start("EchoServer", EchoServer::serve);
             BackgroundClient client = new BackgroundClient("127.0.0.1", server.port())) {
            List<Thread> callers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int caller = t;
                callers.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 50; i++) {
                        String line = "caller " + caller + " line " + i;
                        String echo = client.echo(line);
                        if (!echo.equals(line)) {
                            wrong.add(line + " came back as " + echo);
                        }
                    }
                }));
            }
            for (Thread caller : callers) {
                caller.join();
            }
        }
        assertEquals(List.of(), List.copyOf(wrong));
    }

    @Test
    void aClientThatCannotConnectFailsAndLeavesNoThreadBehind() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        CompletionException e = assertThrows(CompletionException.class, () -> new BackgroundClient("127.0.0.1", port));
        assertInstanceOf(ConnectException.class, assertInstanceOf(UncheckedIOException.class, e.getCause()).getCause());
        assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("echo-client")),
                "the background loop's thread has ended");
    }
}
