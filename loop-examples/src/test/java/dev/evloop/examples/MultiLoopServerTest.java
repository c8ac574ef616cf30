package dev.evloop.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Echo servers on several loops sharing one port, over loopback. */
@Timeout(60)
class MultiLoopServerTest {
    private static final int LOOPS = 3;

    private static RunningExample start() {
        return RunningExample.start("MultiLoopServer",
                (host, port, listening) -> MultiLoopServer.serve(host, port, LOOPS, listening));
    }

    @Test
    void everyConnectionIsEchoedByOneOfTheLoops() throws Exception {
        List<LineClient> clients = new ArrayList<>();
        try (RunningExample server = start()) {
            for (int i = 0; i < 4 * LOOPS; i++) {
                clients.add(new LineClient(server.connect()));
            }
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < clients.size(); i++) {
                    String line = "client " + i + " round " + round;
                    clients.get(i).send(line);
                    String echo = clients.get(i).readLine();
                    assertTrue(echo.matches("echo-loop-[0-" + (LOOPS - 1) + "]: " + line), echo);
                }
            }
        } finally {
            for (LineClient client : clients) {
                client.close();
            }
        }
    }

    @Test
    void aConnectionStaysOnTheLoopThatAcceptedIt() throws Exception {
        try (RunningExample server = start();
             LineClient client = new LineClient(server.connect())) {
            client.send("first");
            String loop = client.readLine().split(":")[0];
            for (int i = 0; i < 10; i++) {
                client.send("again " + i);
                assertEquals(loop + ": again " + i, client.readLine());
            }
        }
    }

    @Test
    void sigtermClosesTheConnectionsOfEveryLoop() throws Exception {
        RunningExample server = start();
        List<LineClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 4 * LOOPS; i++) {
                LineClient client = new LineClient(server.connect());
                clients.add(client);
                client.send("hello");
                assertTrue(client.readLine().endsWith(": hello"));
            }
            server.close();
            for (LineClient client : clients) {
                assertNull(client.readLine(), "closed by its loop");
            }
        } finally {
            for (LineClient client : clients) {
                client.close();
            }
        }
    }
}
