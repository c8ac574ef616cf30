package dev.evloop.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The echo servers and clients, in protocol and streams style, over loopback. */
@Timeout(60)
class EchoTest {

    @Test
    void protocolServerEchoesWhatARawSocketSends() throws Exception {
        try (RunningExample server = RunningExample.start("EchoServer", EchoServer::serve);
             LineClient client = new LineClient(server.connect())) {
            client.send("hello");
            assertEquals("hello", client.readLine());
            client.send("héllo again");
            assertEquals("héllo again", client.readLine());
        }
    }

    @Test
    void protocolClientGetsItsLinesBackFromTheProtocolServer() throws Exception {
        try (RunningExample server = RunningExample.start("EchoServer", EchoServer::serve)) {
            assertEquals("one\ntwo\n", EchoClient.echo("127.0.0.1", server.port(), List.of("one", "two")));
        }
    }

    @Test
    void streamsClientGetsItsLinesBackFromTheStreamsServer() throws Exception {
        try (RunningExample server = RunningExample.start("StreamEchoServer", StreamEchoServer::serve)) {
            assertEquals(List.of("one", "two", "three"),
                    StreamEchoClient.echo("127.0.0.1", server.port(), List.of("one", "two", "three")));
        }
    }

    @Test
    void eachClientWorksWithTheOtherStylesServer() throws Exception {
        try (RunningExample protocol = RunningExample.start("EchoServer", EchoServer::serve)) {
            assertEquals(List.of("x"), StreamEchoClient.echo("127.0.0.1", protocol.port(), List.of("x")));
        }
        try (RunningExample streams = RunningExample.start("StreamEchoServer", StreamEchoServer::serve)) {
            assertEquals("y\n", EchoClient.echo("127.0.0.1", streams.port(), List.of("y")));
        }
    }

    @Test
    void protocolServerClosesOpenConnectionsOnSigterm() throws Exception {
        RunningExample server = RunningExample.start("EchoServer", EchoServer::serve);
        try (LineClient client = new LineClient(server.connect())) {
            client.send("still here");
            assertEquals("still here", client.readLine());
            server.close();
            assertNull(client.readLine(), "the server closed the connection");
        }
    }

    @Test
    void streamsServerClosesOpenConnectionsOnSigterm() throws Exception {
        RunningExample server = RunningExample.start("StreamEchoServer", StreamEchoServer::serve);
        try (LineClient client = new LineClient(server.connect())) {
            client.send("still here");
            assertEquals("still here", client.readLine());
            server.close();
            assertNull(client.readLine(), "the server closed the connection");
        }
    }
}
