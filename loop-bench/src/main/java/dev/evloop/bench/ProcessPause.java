package dev.evloop.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Stops processes ({@code SIGSTOP}) and lets them go on ({@code SIGCONT}) with {@code kill(1)}:
 * the latency measurement stops every server but the one it measures, so that the other JVMs'
 * housekeeping (JIT compiles, GC, timers), which shares the servers' CPU, does not sit in the
 * measured server's tail. A stopped server keeps its connections; nothing is sent to it meanwhile.
 */
final class ProcessPause {
    private static final long KILL_SECONDS = 10;
    private static final Path KILL = EchoProcesses.onPath("kill");

    private ProcessPause() {
    }

    /** Whether processes can be stopped here: a POSIX {@code kill} on the {@code PATH}. */
    static boolean available() {
        return KILL != null;
    }

    /** Stops {@code processes}; nothing if there are none. */
    static void stop(List<ProcessHandle> processes) throws IOException {
        signal("-STOP", processes);
    }

    /** Lets {@code processes} go on; nothing if there are none. */
    static void resume(List<ProcessHandle> processes) throws IOException {
        signal("-CONT", processes);
    }

    private static void signal(String signal, List<ProcessHandle> processes) throws IOException {
        if (processes.isEmpty()) {
            return;
        }
        if (KILL == null) {
            throw new IOException("no kill(1) on the PATH to send " + signal + " with");
        }
        List<String> command = new ArrayList<>(List.of(KILL.toString(), signal));
        processes.forEach(p -> command.add(Long.toString(p.pid())));
        ShortCommand.run(command, KILL_SECONDS, "kill " + signal + " " + command.subList(2, command.size()));
    }
}
