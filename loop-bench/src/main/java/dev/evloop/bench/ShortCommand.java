package dev.evloop.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short helper command of the harness (a compiler, {@code kill}) to its end, for
 * {@link NativeEcho} and {@link ProcessPause}: its output, or an {@link IOException} saying what
 * failed and what it printed.
 */
final class ShortCommand {
    private ShortCommand() {
    }

    /**
     * Runs {@code command} and waits for it.
     *
     * @param command the program and its arguments
     * @param seconds how long it may take
     * @param what    what it does, for the failure's message ({@code "cc on echo-floor.c"})
     * @return what it printed, standard output and error together, stripped
     * @throws IOException if it cannot start, takes longer (it is then killed), is interrupted, or
     *                     exits other than with 0
     */
    static String run(List<String> command, long seconds, String what) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(what + " did not end within " + seconds + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + what, e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (process.exitValue() != 0) {
            throw new IOException(what + " failed (exit " + process.exitValue() + "): " + output);
        }
        return output;
    }
}
