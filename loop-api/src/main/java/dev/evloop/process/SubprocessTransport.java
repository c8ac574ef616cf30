package dev.evloop.process;

import dev.evloop.EventLoop;
import dev.evloop.net.Transport;


/**
 * A child process and its pipes, as {@link EventLoop#subprocessExec} started it: asyncio's
 * {@code SubprocessTransport}. Called on the loop's thread.
 *
 * <pre>{@code
 * SubprocessConnection<Collect> c = loop.runUntilComplete(
 *         loop.subprocessExec(Collect::new, List.of("ls", "-l"), SubprocessOptions.pipes()));
 * Transport stdin = c.transport().getPipeTransport(0);
 * stdin.close();
 * }</pre>
 *
 * <p>evloop implements this interface; users do not.
 */
public interface SubprocessTransport {

    /**
     * The child's process id. Mirrors {@code get_pid()}.
     *
     * @return the pid
     */
    long getPid();

    /**
     * The child's return code, {@code null} while it runs: its exit status, or {@code -N} when
     * signal {@code N} killed it, as asyncio. The JDK reports a death by signal {@code N} as the
     * exit status {@code 128 + N}, as shells do, so an exit status from 129 to 192 is reported as
     * the signal {@code -(status - 128)}: a child that calls {@code exit(137)} reads as killed by
     * signal 9. Mirrors {@code get_returncode()}.
     *
     * @return the return code, or {@code null}
     */
    Integer getReturncode();

    /**
     * The transport of one of the child's pipes: a write transport for 0 (stdin), read
     * transports for 1 (stdout) and 2 (stderr). Mirrors {@code get_pipe_transport(fd)}.
     *
     * @param fd 0, 1 or 2
     * @return the pipe's transport, or {@code null} if that stream is not a {@code PIPE}
     * @throws IllegalArgumentException if {@code fd} is not 0, 1 or 2
     */
    Transport getPipeTransport(int fd);

    /**
     * Sends a signal to the child; nothing if it already exited (asyncio raises
     * {@code ProcessLookupError} once the exit was reported). Only the signal: the pipes stay
     * open, so what the child wrote before it died, or writes as it answers the signal, is still
     * read, then the end of file. {@code SIGTERM} (15) and {@code SIGKILL} (9) go through the
     * child's {@link ProcessHandle#destroy()} and {@link ProcessHandle#destroyForcibly()}; any
     * other number through {@code kill(2)} by the Foreign Function API on Java 22 or newer, so
     * that, as with asyncio's {@code os.kill}, every signal is sent when the call returns. On
     * Java 21 (or with native access refused) the JDK has no call for it, and the system's
     * {@code kill} command is started without waiting for it: the signal comes some milliseconds
     * later. Mirrors {@code send_signal(signal)}.
     *
     * @param signal the signal number, from 1 to 64
     * @throws IllegalArgumentException if {@code signal} is out of that range
     * @throws IllegalStateException if the transport is closed
     */
    void sendSignal(int signal);

    /**
     * Sends {@code SIGTERM}. Mirrors {@code terminate()}.
     *
     * @throws IllegalStateException if the transport is closed
     */
    void terminate();

    /**
     * Sends {@code SIGKILL}. Mirrors {@code kill()}.
     *
     * @throws IllegalStateException if the transport is closed
     */
    void kill();

    /**
     * Closes the child's pipes and, if it still runs, kills it, as asyncio's {@code close()}.
     * Calling it again does nothing.
     */
    void close();

    /**
     * Whether {@link #close()} was called. Mirrors {@code is_closing()}.
     *
     * @return whether it is closing
     */
    boolean isClosing();
}
