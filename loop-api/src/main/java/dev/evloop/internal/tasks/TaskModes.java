package dev.evloop.internal.tasks;

import dev.evloop.TaskMode;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Which {@link TaskMode} new loops get: fast when the JVM lets a virtual thread have a custom
 * scheduler, unless {@code -Dloop.tasks=fallback} asks for the fallback.
 */
public final class TaskModes {
    /** The system property that can force {@code fallback} mode. */
    public static final String PROPERTY = "loop.tasks";
    private static final System.Logger LOG = System.getLogger("dev.evloop");
    private static final AtomicBoolean EXPLAINED = new AtomicBoolean();

    private TaskModes() {
    }

    /** The mode a loop made now gets. */
    public static TaskMode current() {
        if ("fallback".equalsIgnoreCase(System.getProperty(PROPERTY, "").trim())) {
            return TaskMode.FALLBACK;
        }
        return VirtualThreadTasks.unavailabilityCause() == null ? TaskMode.FAST : TaskMode.FALLBACK;
    }

    /** Why the current mode is the fallback, in one line; empty in fast mode. */
    public static String whyFallback() {
        if (current() == TaskMode.FAST) {
            return "";
        }
        Throwable cause = VirtualThreadTasks.unavailabilityCause();
        if (cause == null) {
            return "-D" + PROPERTY + "=fallback asks for it";
        }
        return "virtual threads cannot be given a loop as scheduler (" + cause
                + "); run the JVM with --add-opens java.base/java.lang=ALL-UNNAMED";
    }

    /** Logs once per JVM, at debug level, why loops run tasks in fallback mode. */
    static void explainOnce() {
        if (EXPLAINED.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.DEBUG, "tasks run in fallback mode: " + whyFallback());
        }
    }
}
