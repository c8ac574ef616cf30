package dev.evloop.conformance;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Turns Netty's leak reports into test failures. Netty's detector only logs a leak; this puts a
 * listener on every detector (installed when the test launcher starts, before any buffer class
 * loads) and, after each test class, makes the collector run and fails the class if a leak was
 * reported. The suite runs with {@code -Dio.netty.leakDetection.level=paranoid}, so every buffer
 * is tracked.
 */
public final class LeakWatch implements LauncherSessionListener, AfterAllCallback {
    private static final List<String> LEAKS = new ArrayList<>();
    private static boolean installed;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        install();
    }

    private static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            @SuppressWarnings("deprecation")
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                       long maxActive) {
                ResourceLeakDetector<T> detector = new ResourceLeakDetector<>(resource, samplingInterval);
                detector.setLeakListener((type, records) -> record(type + " leaked:" + records));
                return detector;
            }
        });
    }

    private static synchronized void record(String leak) {
        LEAKS.add(leak);
    }

    /** Whether the listener is on Netty's detectors (it is not when a test runs outside the launcher). */
    static synchronized boolean isInstalled() {
        return installed;
    }

    /**
     * Collects garbage and has the buffer detector look at what it found; returns the leaks reported
     * since the last call and forgets them.
     */
    static List<String> collect() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            try {
                Thread.sleep(10); // the reference handler thread queues what the collector found
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            // Netty checks for leaks when it starts tracking a new buffer (a direct one: heap
            // buffers of the unpooled allocator are not tracked).
            Unpooled.directBuffer(1).release();
            ByteBuf pooled = ByteBufAllocator.DEFAULT.directBuffer(1);
            pooled.release();
        }
        synchronized (LeakWatch.class) {
            List<String> found = new ArrayList<>(LEAKS);
            LEAKS.clear();
            return found;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        List<String> leaks = collect();
        if (!leaks.isEmpty()) {
            throw new AssertionError("Netty reported " + leaks.size() + " leaked resource(s) by the end of "
                    + context.getDisplayName() + " (a leak may come from an earlier class):\n"
                    + String.join("\n", leaks));
        }
    }
}
