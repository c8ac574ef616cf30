package example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.Task;
import dev.evloop.VirtualClock;
import dev.evloop.test.LoopTest;
import java.time.Duration;

/**
 * A user's test of code that sleeps, written as the README's "Testing your code" shows: the test kit's
 * {@code @LoopTest} runs each method as a task on a fresh loop. consumer/check runs this class on the
 * class path and the module path (surefire's two executions in pom.xml) and fails unless both ran it.
 */
class RetryTest {
    @LoopTest(virtualTime = true)
    void aTaskThatSleepsAnHourReturnsItsValueAfterExactlyAnHourOfVirtualTime(EventLoop loop, VirtualClock clock) {
        Task<String> retry = loop.createTask(() -> {
            Async.sleep(Duration.ofHours(1));
            return "gave up";
        });

        assertEquals("gave up", retry.await());
        assertEquals(Duration.ofHours(1), clock.elapsed());
    }

    @LoopTest
    void runsOnTheLoopsBackendInTheModuleItWasLaunchedIn(EventLoop loop) {
        assertEquals("epoll", loop.backend());
        assertEquals(System.getProperty("consumer.path").equals("module-path"), RetryTest.class.getModule().isNamed(),
                "module of the test: " + RetryTest.class.getModule());
    }
}
