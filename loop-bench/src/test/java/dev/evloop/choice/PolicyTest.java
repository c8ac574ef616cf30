package dev.evloop.choice;

import dev.evloop.DefaultEventLoopPolicy;
import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The event loop policy: the current loop per thread, and how new loops are made. */
class PolicyTest extends PropertyScope {

    @Test
    void getEventLoopWithoutACurrentLoopFailsSayingHowToSetOne() {
        IllegalStateException e = assertThrows(IllegalStateException.class, EventLoops::getEventLoop);
        assertTrue(e.getMessage().contains("EventLoops.setEventLoop"), e.getMessage());
    }

    @Test
    void setEventLoopMakesALoopCurrentForThisThreadOnly() throws Exception {
        try (EventLoop loop = EventLoops.newEventLoop()) {
            EventLoops.setEventLoop(loop);
            assertSame(loop, EventLoops.getEventLoop());
            AtomicReference<Throwable> elsewhere = new AtomicReference<>();
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    EventLoops.getEventLoop();
                } catch (Throwable e) {
                    elsewhere.set(e);
                }
            });
            t.join();
            assertTrue(elsewhere.get() instanceof IllegalStateException);
            EventLoops.setEventLoop(null);
            assertThrows(IllegalStateException.class, EventLoops::getEventLoop);
        }
    }

    @Test
    void getRunningLoopOutsideARunningLoopFails() {
        assertThrows(IllegalStateException.class, EventLoops::getRunningLoop);
    }

    @Test
    void aCustomPolicyTakesAFewLines() {
        AtomicInteger made = new AtomicInteger();
        EventLoops.setPolicy(new DefaultEventLoopPolicy() {
            @Override
            public EventLoop newEventLoop() {
                EventLoop loop = super.newEventLoop();
                loop.setDebug(true);
                made.incrementAndGet();
                return loop;
            }
        });
        try (EventLoop loop = EventLoops.newEventLoop()) {
            assertTrue(loop.isDebug());
            assertEquals(1, made.get());
        }
    }

    @Test
    void setPolicyNullRestoresTheDefault() {
        EventLoops.setPolicy(new DefaultEventLoopPolicy("selector"));
        EventLoops.setPolicy(null);
        assertEquals(DefaultEventLoopPolicy.class, EventLoops.getPolicy().getClass());
    }

    @Test
    void aPolicyWithFixedPreferencesIgnoresTheProperty() {
        System.setProperty(PROPERTY, "epol");
        EventLoops.setPolicy(new DefaultEventLoopPolicy("selector"));
        try (EventLoop loop = EventLoops.newEventLoop()) {
            assertEquals("selector", loop.backend());
        }
    }

    @Test
    void aPolicyWithAPreferenceListUsesTheFirstThatRuns() {
        assumeTrue(available("epoll"), "epoll runs here");
        EventLoops.setPolicy(new DefaultEventLoopPolicy("kqueue,epoll"));
        assumeTrue(!available("kqueue"), "kqueue does not run here");
        try (EventLoop loop = EventLoops.newEventLoop()) {
            assertEquals("epoll", loop.backend());
        }
    }

    @Test
    void aPolicyThatNamesNoBackendIsRejectedNamingTheArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DefaultEventLoopPolicy(" , "));
        assertTrue(e.getMessage().startsWith("backends"), e.getMessage());
        assertThrows(NullPointerException.class, () -> new DefaultEventLoopPolicy(null));
    }
}
