package dev.evloop.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One port served by several node processes, for real: the test connects over loopback. */
@Timeout(180)
class ProcessServerTest {
    private static final int PROCESSES = 3;

    private static RunningExample start() {
        return RunningExample.start("ProcessServer",
                (host, port, listening) -> ProcessServer.serve(host, port, PROCESSES, listening));
    }

    @Test
    void manyConnectionsAreAnsweredByMoreThanOneNodeProcessAndAllStopAfterSigterm() throws Exception {
        Set<Long> children = Children.pids();
        long descriptors = Children.descriptors();
        Set<Long> answering = new HashSet<>();
        int port;
        try (RunningExample server = start()) {
            port = server.port();
            Set<Long> nodes = Children.pids();
            nodes.removeAll(children);
            assertEquals(PROCESSES, nodes.size(), "node processes " + nodes);
            for (int i = 0; i < 60; i++) {
                try (LineClient client = new LineClient(server.connect())) {
                    client.send("hello " + i);
                    String reply = client.readLine();
                    String[] parts = reply.split(": ", 2);
                    assertEquals("hello " + i, parts[1], reply);
                    long pid = Long.parseLong(parts[0]);
                    assertTrue(nodes.contains(pid), "answered by node " + pid + " of " + nodes);
                    answering.add(pid);
                }
            }
        }
        assertTrue(answering.size() > 1, "nodes that answered: " + answering);
        assertFalse(answering.contains(ProcessHandle.current().pid()));
        Children.assertNoneLeft(children, descriptors);
        UncheckedIOException refused = assertThrows(UncheckedIOException.class, () -> RunningExample.connect(port).close());
        assertTrue(refused.getCause() instanceof ConnectException, "nobody listens any more: " + refused.getCause());
    }

    @Test
    void aNodeAnswersEveryLineOfAConnectionItself() throws Exception {
        Set<Long> children = Children.pids();
        try (RunningExample server = start(); LineClient client = new LineClient(server.connect())) {
            client.send("first");
            String pid = client.readLine().split(": ", 2)[0];
            assertNotEquals(Long.toString(ProcessHandle.current().pid()), pid);
            for (int i = 0; i < 5; i++) {
                client.send("again " + i);
                assertEquals(pid + ": again " + i, client.readLine());
            }
        }
        Children.assertNoneLeft(children, Long.MAX_VALUE);
    }

    @Test
    void aLineOverTheLimitIsRefusedAndItsConnectionClosed() throws Exception {
        try (RunningExample server = start(); LineClient client = new LineClient(server.connect())) {
            client.send("x".repeat(ProcessServer.MAX_LINE + 1));
            assertEquals("line too long", client.readLine());
            assertEquals(null, client.readLine(), "closed");
        }
    }
}
