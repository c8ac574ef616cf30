package dev.evloop.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What a backend that says nothing about optional features answers. */
class LoopBackendDefaultsTest {

    private static final String NO_UNIX = "the minimal backend does not support Unix domain sockets";

    @Test
    void withoutUnixSocketsEveryDomainSocketMethodThrowsNamingTheBackend() {
        LoopBackend backend = new MinimalBackend();
        assertEquals(NO_UNIX, assertThrows(UnsupportedOperationException.class,
                backend::domainSocketChannelClass).getMessage());
        assertEquals(NO_UNIX, assertThrows(UnsupportedOperationException.class,
                backend::serverDomainSocketChannelClass).getMessage());
        assertEquals(NO_UNIX, assertThrows(UnsupportedOperationException.class,
                () -> backend.domainSocketAddress(Path.of("s.sock"))).getMessage());
    }

    @Test
    void byDefaultDomainSocketsKeepWritingAfterThePeersEof() {
        assertTrue(new MinimalBackend().domainSocketsKeepWritingAfterPeerEof());
    }

    @Test
    void byDefaultAWaitingReadHoldsNoBuffer() {
        assertFalse(new MinimalBackend().readsHoldBufferWhileWaiting());
    }

    @Test
    void byDefaultThePollWaitsInWholeMilliseconds() {
        assertEquals(Duration.ofMillis(1), new MinimalBackend().pollResolution());
    }

    @Test
    void byDefaultABackendOffersNoChildPipesSoChildrenArePumped() {
        assertTrue(new MinimalBackend().ioWatchFactory().childPipes().isEmpty());
    }

    @Test
    void byDefaultABackendOpensNoPipeFilesSoFifosArePumped() {
        assertTrue(new MinimalBackend().ioWatchFactory().pipeFiles().isEmpty());
    }
}
