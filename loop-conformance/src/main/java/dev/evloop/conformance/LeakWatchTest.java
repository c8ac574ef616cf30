package dev.evloop.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The leak watch itself: the suite would not notice a leak if it did not work. */
class LeakWatchTest {
    @Test
    void theSuiteTracksEveryBuffer() {
        assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel());
        assertTrue(LeakWatch.isInstalled(), "the launcher session listener put the watch on Netty's detectors");
    }

    @Test
    void aBufferNobodyReleasedIsReportedWithWhereItWasMade() {
        leakOneBuffer();
        List<String> leaks = LeakWatch.collect();
        assertTrue(leaks.stream().anyMatch(l -> l.contains("leakOneBuffer")), leaks::toString);
    }

    private static void leakOneBuffer() {
        Unpooled.directBuffer(16).writeInt(42); // never released (heap buffers are not tracked)
    }
}
