package dev.evloop.process;

import dev.evloop.EventLoop;
import dev.evloop.net.BaseProtocol;
import dev.evloop.net.Transport;
import java.nio.ByteBuffer;

/**
 * What a child process started by {@link EventLoop#subprocessExec} reports to: asyncio's
 * {@code SubprocessProtocol}. Every method runs on the loop's thread. The order is asyncio's:
 * {@link #subprocessMade} first (asyncio's {@code connection_made}; {@link #connectionMade(Transport)}
 * is not called, since a {@link SubprocessTransport} is not a {@link Transport}), then
 * {@link #pipeDataReceived} for each chunk of the child's stdout (fd 1) and stderr (fd 2),
 * {@link #pipeConnectionLost} once per pipe, {@link #processExited()} when the child exits (which
 * may come before its last output, or long before the end of its output where a grandchild holds
 * the pipes open), and {@link #connectionLost(Throwable)} with {@code null} once the child exited
 * and every one of its pipes ended (stdin too, as in asyncio), so no output and no
 * {@link #pipeConnectionLost} arrives after that. {@link #pauseWriting()} and
 * {@link #resumeWriting()} follow the child's stdin pipe.
 *
 * <pre>{@code
 * class Collect implements SubprocessProtocol {
 *     final ByteArrayOutputStream out = new ByteArrayOutputStream();
 *     public void pipeDataReceived(int fd, ByteBuffer data) {
 *         if (fd == 1) while (data.hasRemaining()) out.write(data.get());
 *     }
 *     public void connectionLost(Throwable cause) { System.out.println("done, " + out.size() + " bytes"); }
 * }
 * }</pre>
 */
public interface SubprocessProtocol extends BaseProtocol {

    /**
     * The child started and its pipes are connected; the first call. evloop's form of asyncio's
     * {@code connection_made(transport)} for a subprocess transport.
     *
     * @param transport the child's transport
     */
    default void subprocessMade(SubprocessTransport transport) {
    }

    /**
     * The child wrote to its stdout or stderr. Mirrors {@code pipe_data_received(fd, data)}.
     *
     * @param fd   1 for stdout, 2 for stderr
     * @param data the bytes, from its position to its limit; valid only during the call (it is
     *             emptied when the call returns), and a direct buffer on the native backends, so
     *             read it with {@code get}, not {@code array()}
     */
    default void pipeDataReceived(int fd, ByteBuffer data) {
    }

    /**
     * One of the child's pipes closed. Mirrors {@code pipe_connection_lost(fd, exc)}.
     *
     * @param fd    0 for stdin, 1 for stdout, 2 for stderr
     * @param cause {@code null} at the end of file or a close, else the error (a broken pipe on
     *              stdin once the child stopped reading)
     */
    default void pipeConnectionLost(int fd, Throwable cause) {
    }

    /**
     * The child exited; its return code is in {@link SubprocessTransport#getReturncode()}.
     * Mirrors {@code process_exited()}: as in asyncio it comes at the exit, so output still in
     * the pipes (or written by a grandchild that holds them) may follow it; the end of all output
     * is {@link #connectionLost(Throwable)}.
     */
    default void processExited() {
    }
}
