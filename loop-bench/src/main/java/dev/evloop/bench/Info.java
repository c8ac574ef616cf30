package dev.evloop.bench;

import dev.evloop.BackendInfo;
import dev.evloop.BackendUnavailableException;
import dev.evloop.EventLoops;
import dev.evloop.TaskMode;
import dev.evloop.internal.choice.Backends;
import dev.evloop.internal.tasks.TaskModes;
import java.io.PrintStream;

/**
 * The backend report: every backend on the class path, whether it can run here and why not, its
 * rank, and which one the default policy picks and why: {@code -Dloop.backend}, the on-host
 * calibration that {@code ./evloop calibrate} wrote (or why it was ignored), or the static ranks.
 * Run it with {@code ./evloop report}, or {@code java -cp ... dev.evloop.bench.Info}.
 *
 * <pre>
 * evloop backends on Linux 6.1 (amd64), Java 25
 *   backend    rank  runs here
 *   epoll        40  yes
 *   io_uring     30  yes
 *   ...
 * policy picks: epoll (measured on this host on 2026-11-30: epoll 1.00, io_uring 0.87, selector 0.81 (...))
 * </pre>
 */
public final class Info {
    private Info() {
    }

    /**
     * Prints the report to standard output; exits with status 1 if the policy cannot pick a backend.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        System.exit(print(System.out) ? 0 : 1);
    }

    /**
     * Prints the report.
     *
     * @param out where to print it
     * @return whether the policy can pick a backend
     */
    public static boolean print(PrintStream out) {
        out.printf("evloop backends on %s %s (%s), Java %s%n", System.getProperty("os.name"),
                System.getProperty("os.version"), System.getProperty("os.arch"), Runtime.version().feature());
        out.printf("  %-10s %4s  %s%n", "backend", "rank", "runs here");
        for (BackendInfo b : EventLoops.backends()) {
            out.printf("  %-10s %4d  %s%n", b.name(), b.rank(),
                    b.available() ? "yes" : "no: " + b.unavailabilityReason());
        }
        TaskMode mode = EventLoops.taskMode();
        out.printf("tasks: %s mode%s%n", mode.name().toLowerCase(java.util.Locale.ROOT),
                mode == TaskMode.FAST ? " (virtual threads scheduled by their loop)" : " (" + TaskModes.whyFallback() + ")");
        try {
            Backends.Choice choice = Backends.choose();
            out.printf("policy picks: %s (%s)%n", choice.backend().name(), choice.reason());
            return true;
        } catch (BackendUnavailableException e) {
            String requested = Backends.requested();
            out.printf("policy picks: nothing (%s)%n%s%n", requested == null ? "no backend can run here"
                    : "none of -D" + Backends.PROPERTY + "=" + requested + " can run here", e.getMessage());
            return false;
        }
    }
}
