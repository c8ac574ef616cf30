package dev.evloop.choice;

import dev.evloop.BackendInfo;
import dev.evloop.BackendUnavailableException;
import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** How a backend is chosen: -Dloop.backend, a list of preferences, or the highest rank. */
class BackendChoiceTest extends PropertyScope {

    @Test
    void everyBackendOnTheClassPathIsListedHighestRankFirst() {
        List<BackendInfo> backends = EventLoops.backends();
        assertEquals(Set.of("selector", "epoll", "io_uring", "kqueue"),
                backends.stream().map(BackendInfo::name).collect(Collectors.toSet()));
        for (int i = 1; i < backends.size(); i++) {
            assertTrue(backends.get(i - 1).rank() >= backends.get(i).rank(), backends::toString);
        }
    }

    @Test
    void anUnavailableBackendSaysWhyAndAnAvailableOneDoesNot() {
        for (BackendInfo b : EventLoops.backends()) {
            if (b.available()) {
                assertEquals("", b.unavailabilityReason());
                assertEquals(null, b.unavailabilityCause());
            } else {
                assertTrue(b.unavailabilityCause() != null, b::toString);
                assertTrue(!b.unavailabilityReason().isBlank(), b::toString);
            }
        }
    }

    @Test
    void theSelectorBackendIsAlwaysAvailable() {
        assertTrue(available("selector"));
    }

    @Test
    void onLinuxKqueueIsUnavailableBecauseOfTheOperatingSystem() {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "a Linux host");
        BackendInfo kqueue = EventLoops.backends().stream().filter(b -> b.name().equals("kqueue")).findFirst().orElseThrow();
        assertEquals(false, kqueue.available());
        assertTrue(kqueue.unavailabilityReason().contains("this is Linux"), kqueue.unavailabilityReason());
    }

    @Test
    void withoutThePropertyTheHighestRankedAvailableBackendIsPicked() {
        String best = EventLoops.backends().stream().filter(BackendInfo::available)
                .max(Comparator.comparingInt(BackendInfo::rank)).orElseThrow().name();
        assertEquals(best, EventLoops.defaultBackend());
        try (EventLoop loop = EventLoops.newEventLoop()) {
            assertEquals(best, loop.backend());
        }
    }

    @Test
    void aBlankPropertyMeansNoPreference() {
        System.setProperty(PROPERTY, "  ");
        String best = EventLoops.backends().stream().filter(BackendInfo::available).findFirst().orElseThrow().name();
        assertEquals(best, EventLoops.defaultBackend());
    }

    @Test
    void thePropertyPicksTheNamedBackend() {
        for (BackendInfo b : EventLoops.backends()) {
            if (b.available()) {
                System.setProperty(PROPERTY, b.name());
                try (EventLoop loop = EventLoops.newEventLoop()) {
                    assertEquals(b.name(), loop.backend());
                }
            }
        }
    }

    @Test
    void aCommaListPicksTheFirstBackendThatCanRun() {
        String unavailable = EventLoops.backends().stream().filter(b -> !b.available()).map(BackendInfo::name)
                .findFirst().orElse(null);
        assumeTrue(unavailable != null, "some backend cannot run here");
        System.setProperty(PROPERTY, unavailable + ", selector, " + EventLoops.defaultBackend());
        try (EventLoop loop = EventLoops.newEventLoop()) {
            assertEquals("selector", loop.backend());
        }
    }

    @Test
    void namesAreCaseInsensitiveAndHaveAliases() {
        System.setProperty(PROPERTY, "NIO");
        assertEquals("selector", EventLoops.defaultBackend());
        assumeTrue(available("io_uring"), "io_uring runs here");
        System.setProperty(PROPERTY, "iouring");
        assertEquals("io_uring", EventLoops.defaultBackend());
    }

    @Test
    void anUnknownNameFailsListingEveryBackendPresent() {
        System.setProperty(PROPERTY, "epol");
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, EventLoops::newEventLoop);
        assertTrue(e.getMessage().contains("unknown backend 'epol'"), e.getMessage());
        for (BackendInfo b : EventLoops.backends()) {
            assertTrue(e.getMessage().contains(b.name() + " (rank " + b.rank() + ")"), e.getMessage());
        }
    }

    @Test
    void anUnknownNameInAListFailsEvenWhenAnotherWouldRun() {
        System.setProperty(PROPERTY, "epol,selector");
        assertThrows(BackendUnavailableException.class, EventLoops::newEventLoop);
    }

    @Test
    void anUnavailableBackendFailsSayingWhyAndListingTheOthers() {
        BackendInfo unavailable = EventLoops.backends().stream().filter(b -> !b.available()).findFirst().orElse(null);
        assumeTrue(unavailable != null, "some backend cannot run here");
        System.setProperty(PROPERTY, unavailable.name());
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, EventLoops::newEventLoop);
        assertTrue(e.getMessage().contains(unavailable.name() + ": cannot run here: " + unavailable.unavailabilityReason()),
                e.getMessage());
        assertTrue(e.getMessage().contains("selector (rank"), e.getMessage());
        assertEquals(unavailable.unavailabilityCause(), e.getCause());
    }

    @Test
    void newEventLoopWithANameIgnoresTheProperty() {
        System.setProperty(PROPERTY, "epol");
        try (EventLoop loop = EventLoops.newEventLoop("selector")) {
            assertEquals("selector", loop.backend());
        }
    }

    @Test
    void newEventLoopWithAnUnknownNameFails() {
        assumeFalse(available("nonesuch"));
        assertThrows(BackendUnavailableException.class, () -> EventLoops.newEventLoop("nonesuch"));
    }
}
