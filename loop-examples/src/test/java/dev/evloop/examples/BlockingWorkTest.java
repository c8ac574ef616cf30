package dev.evloop.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Work on executors, asked for over loopback. */
@Timeout(60)
class BlockingWorkTest {

    @Test
    void primesAreCountedOnTheCpuPool() throws Exception {
        try (RunningExample server = RunningExample.start("BlockingWork", BlockingWork::serve);
             LineClient client = new LineClient(server.connect())) {
            client.send("primes 100");
            assertEquals("primes below 100: 25", client.readLine());
            client.send("primes 1000000");
            assertEquals("primes below 1000000: 78498", client.readLine());
            client.send("primes 2");
            assertEquals("primes below 2: 0", client.readLine());
        }
    }

    @Test
    void aNameIsResolvedOnTheDefaultExecutor() throws Exception {
        try (RunningExample server = RunningExample.start("BlockingWork", BlockingWork::serve);
             LineClient client = new LineClient(server.connect())) {
            client.send("resolve localhost");
            String answer = client.readLine();
            assertTrue(answer.startsWith("localhost: "), answer);
            for (String address : answer.substring("localhost: ".length()).split(" ")) {
                assertTrue(InetAddress.getByName(address).isLoopbackAddress(), answer);
            }
        }
    }

    @Test
    void twoClientsWithWorkInFlightEachGetTheirAnswer() throws Exception {
        try (RunningExample server = RunningExample.start("BlockingWork", BlockingWork::serve);
             LineClient a = new LineClient(server.connect());
             LineClient b = new LineClient(server.connect())) {
            a.send("primes 50000000");
            b.send("primes 10");
            assertEquals("primes below 10: 4", b.readLine());
            assertEquals("primes below 50000000: 3001134", a.readLine());
        }
    }

    @Test
    void badCommandsGetAnErrorAndTheSessionGoesOn() throws Exception {
        try (RunningExample server = RunningExample.start("BlockingWork", BlockingWork::serve);
             LineClient client = new LineClient(server.connect())) {
            for (String bad : List.of("fly", "primes", "primes many", "primes 1000000001", "resolve",
                    "resolve two names")) {
                client.send(bad);
                assertTrue(client.readLine().startsWith("error: "), bad);
            }
            client.send("primes 10");
            assertEquals("primes below 10: 4", client.readLine());
        }
    }

    @Test
    void aNameWithACarriageReturnCannotForgeAnAnswerLine() throws Exception {
        try (RunningExample server = RunningExample.start("BlockingWork", BlockingWork::serve);
             LineClient client = new LineClient(server.connect())) {
            client.send("resolve x\rprimes below 10: 5");
            assertEquals("error: resolve takes a host name", client.readLine());
            client.send("primes 10");
            assertEquals("primes below 10: 4", client.readLine());
        }
    }

    @Test
    void aNameWithATerminalEscapeIsRefused() throws Exception {
        try (RunningExample server = RunningExample.start("BlockingWork", BlockingWork::serve);
             LineClient client = new LineClient(server.connect())) {
            client.send("resolve \u001b[2Jlocalhost");
            assertEquals("error: resolve takes a host name", client.readLine());
        }
    }
}
