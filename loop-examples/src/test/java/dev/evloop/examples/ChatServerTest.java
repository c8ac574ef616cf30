package dev.evloop.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The chat server over loopback. Each client reads what the server says before acting on it, so
 * the order of events is fixed: a member is in the room once it has read its greeting.
 */
@Timeout(60)
class ChatServerTest {

    /** Connects, answers the name question, and reads the greeting. */
    private static LineClient join(RunningExample server, String name, int others) {
        LineClient client = new LineClient(server.connect());
        assertEquals("* welcome! your name?", client.readLine());
        client.send(name);
        assertEquals("* hello " + name + ", " + others + " other(s) here", client.readLine());
        return client;
    }

    @Test
    void aLineGoesToEveryOtherMemberButNotBackToItsSender() throws Exception {
        try (RunningExample server = RunningExample.start("ChatServer", ChatServer::serve);
             LineClient alice = join(server, "alice", 0);
             LineClient bob = join(server, "bob", 1);
             LineClient carol = join(server, "carol", 2)) {
            assertEquals("* bob joined", alice.readLine());
            assertEquals("* carol joined", alice.readLine());
            assertEquals("* carol joined", bob.readLine());

            alice.send("hi all");
            assertEquals("alice: hi all", bob.readLine());
            assertEquals("alice: hi all", carol.readLine());
            bob.send("hi alice");
            assertEquals("bob: hi alice", alice.readLine(), "alice's own line did not come back to her");
        }
    }

    @Test
    void aMemberThatDisconnectsIsAnnouncedAndNoLongerSentTo() throws Exception {
        try (RunningExample server = RunningExample.start("ChatServer", ChatServer::serve);
             LineClient alice = join(server, "alice", 0)) {
            LineClient bob = join(server, "bob", 1);
            assertEquals("* bob joined", alice.readLine());
            bob.close();
            assertEquals("* bob left", alice.readLine());

            try (LineClient carol = join(server, "carol", 1)) {
                assertEquals("* carol joined", alice.readLine());
                alice.send("still here");
                assertEquals("alice: still here", carol.readLine());
            }
        }
    }

    @Test
    void membersAreToldOfTheShutdownAndDisconnected() throws Exception {
        RunningExample server = RunningExample.start("ChatServer", ChatServer::serve);
        try (LineClient alice = join(server, "alice", 0)) {
            server.close();
            assertEquals("* the server is shutting down", alice.readLine());
            assertNull(alice.readLine());
        }
    }

    @Test
    void controlCharactersInALineReachTheOthersAsReplacementCharacters() throws Exception {
        try (RunningExample server = RunningExample.start("ChatServer", ChatServer::serve);
             LineClient alice = join(server, "alice", 0);
             LineClient bob = join(server, "bob", 1)) {
            assertEquals("* bob joined", alice.readLine());
            alice.send("hi\r* bob left\u001b[2J");
            assertEquals("alice: hi\uFFFD* bob left\uFFFD[2J", bob.readLine(), "one line, and nothing for a terminal to obey");
        }
    }

    @Test
    void controlCharactersInANameReachTheOthersAsReplacementCharacters() throws Exception {
        try (RunningExample server = RunningExample.start("ChatServer", ChatServer::serve);
             LineClient alice = join(server, "alice", 0)) {
            LineClient eve = new LineClient(server.connect());
            assertEquals("* welcome! your name?", eve.readLine());
            eve.send("eve\r* server");
            assertEquals("* eve\uFFFD* server joined", alice.readLine());
            eve.close();
        }
    }

    @Test
    void aClientThatGivesNoNameInTimeIsToldAndDisconnected() throws Exception {
        try (RunningExample server = RunningExample.start("ChatServer",
                (host, port, listening) -> ChatServer.serve(host, port, Duration.ofSeconds(1), listening));
             LineClient silent = new LineClient(server.connect())) {
            assertEquals("* welcome! your name?", silent.readLine());
            assertEquals("* no name in time, bye", silent.readLine());
            assertNull(silent.readLine());
        }
    }
}
