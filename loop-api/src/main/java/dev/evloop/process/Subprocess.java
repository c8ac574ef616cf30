package dev.evloop.process;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.LoopFuture;
import dev.evloop.Task;
import dev.evloop.internal.process.ProcessTransport;
import dev.evloop.net.Transport;
import dev.evloop.streams.StreamProtocol;
import dev.evloop.streams.StreamReader;
import dev.evloop.streams.StreamWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A child process seen from a task, with streams: asyncio's {@code asyncio.subprocess.Process},
 * made by {@link Async#createSubprocessExec} and {@link Async#createSubprocessShell}.
 *
 * <pre>{@code
 * Subprocess child = Async.createSubprocessExec(List.of("sort"), SubprocessOptions.pipes());
 * Subprocess.Output out = child.communicate("b\na\n".getBytes(UTF_8));
 * int code = child.waitFor();          // 0
 * }</pre>
 *
 * <p>Its waiting methods ({@link #waitFor()}, {@link #communicate(byte[])}) run inside a task of
 * the child's loop. When the loop closes, the child's pipes are closed and a child still running
 * is left running; the JDK reaps every child that exits, so none is left a zombie. Where threads
 * pump the JDK's pipes (the selector and kqueue backends), a pipe such a thread is blocked
 * reading closes only when the child writes to it or exits: no thread can be woken from that read.
 */
public final class Subprocess {
    private final ProcessTransport transport;
    private final StreamWriter stdin;
    private final StreamReader stdout;
    private final StreamReader stderr;

    private Subprocess(ProcessTransport transport, StreamWriter stdin, StreamReader stdout, StreamReader stderr) {
        this.transport = transport;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * Starts a child process from the current task. Mirrors
     * {@code asyncio.subprocess.create_subprocess_exec}; {@link Async#createSubprocessExec} is the
     * same function. See {@link EventLoop#subprocessExec} for how the child runs.
     *
     * <pre>{@code
     * Subprocess child = Subprocess.createSubprocessExec(List.of("cat"), SubprocessOptions.pipes());
     * }</pre>
     *
     * <p><b>Cancel safety.</b> A task cancelled while the start is in progress leaves no child and
     * no pipe behind: a child already started is killed and waited for, as asyncio does.
     *
     * @param command the program and its arguments, not empty
     * @param options the streams, directory, environment and reader limit
     * @return the started child
     * @throws IOException if the program cannot start, naming it
     * @throws NullPointerException if an argument or an element of {@code command} is null
     * @throws IllegalArgumentException if {@code command} is empty
     * @throws IllegalStateException if called outside a task
     * @throws java.util.concurrent.CancellationException if the task is cancelled meanwhile
     */
    public static Subprocess createSubprocessExec(List<String> command, SubprocessOptions options) throws IOException {
        return start(Async.currentLoop(), command, options);
    }

    /**
     * Starts {@code /bin/sh -c command} from the current task. Mirrors
     * {@code asyncio.subprocess.create_subprocess_shell}; otherwise, cancel safety included, as
     * {@link #createSubprocessExec}.
     *
     * @param command the shell command line
     * @param options the streams, directory, environment and reader limit
     * @return the started child
     * @throws IOException if the shell cannot start
     * @throws NullPointerException if an argument is null
     * @throws IllegalStateException if called outside a task
     * @throws java.util.concurrent.CancellationException if the task is cancelled meanwhile
     */
    public static Subprocess createSubprocessShell(String command, SubprocessOptions options) throws IOException {
        return start(Async.currentLoop(), List.of("/bin/sh", "-c", java.util.Objects.requireNonNull(command, "command")),
                options);
    }

    private static Subprocess start(EventLoop loop, List<String> command, SubprocessOptions options) throws IOException {
        StreamsProtocol protocol = new StreamsProtocol(loop, java.util.Objects.requireNonNull(options, "options").limit());
        LoopFuture<SubprocessConnection<StreamsProtocol>> started =
                ProcessTransport.start(loop, () -> protocol, command, options);
        SubprocessConnection<StreamsProtocol> connection;
        try {
            connection = started.await();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        } catch (java.util.concurrent.CancellationException | dev.evloop.TaskGroupException e) {
            // A TaskGroup's abort of its body stands for a cancellation: the same clean-up.
            if (started.isDone() && !started.isCancelled() && started.exception() == null) {
                // Started, but the task was cancelled before it resumed: nobody will ever hold
                // the child. As asyncio's _make_subprocess_transport: close (kill) and wait for it.
                ProcessTransport transport = (ProcessTransport) started.result().transport();
                transport.close();
                try {
                    transport.exitWaiter().await();
                } catch (java.util.concurrent.CancellationException | dev.evloop.TaskGroupException again) {
                    e.addSuppressed(again);
                }
            }
            throw e;
        }
        return new Subprocess((ProcessTransport) connection.transport(), protocol.stdin, protocol.stdout,
                protocol.stderr);
    }

    /**
     * The child's process id. Mirrors {@code Process.pid}.
     *
     * @return the pid
     */
    public long pid() {
        return transport.getPid();
    }

    /**
     * The writer of the child's stdin. Mirrors {@code Process.stdin}.
     *
     * @return the writer, or {@code null} unless stdin is {@link SubprocessOptions.Stdio#PIPE}
     */
    public StreamWriter stdin() {
        return stdin;
    }

    /**
     * The reader of the child's stdout. Mirrors {@code Process.stdout}.
     *
     * @return the reader, or {@code null} unless stdout is {@link SubprocessOptions.Stdio#PIPE}
     */
    public StreamReader stdout() {
        return stdout;
    }

    /**
     * The reader of the child's stderr. Mirrors {@code Process.stderr}.
     *
     * @return the reader, or {@code null} unless stderr is {@link SubprocessOptions.Stdio#PIPE}
     */
    public StreamReader stderr() {
        return stderr;
    }

    /**
     * The return code, {@code null} until the loop has seen the child exit, then set whether or
     * not its output was read to the end (a grandchild may still hold stdout open); see
     * {@link SubprocessTransport#getReturncode()} for signals ({@code -9} after {@link #kill()}).
     * Mirrors {@code Process.returncode}, which asyncio sets at the exit.
     *
     * @return the return code, or {@code null}
     */
    public Integer returncode() {
        return transport.getReturncode();
    }

    /**
     * Waits inside the current task until the child exits, and returns its return code; a child
     * that already exited answers at once. It does not wait for stdout and stderr to reach their
     * end: a grandchild that keeps them open does not hold it, and what is left in them is still
     * read with the readers (or {@link #communicate}, which does wait for their end). Mirrors
     * {@code await Process.wait()} as asyncio has it since gh-119710 (3.13.15, 3.14.7; before, a
     * wait begun while the child ran also waited for the pipes to close). As there, a child that
     * fills a pipe nobody reads never exits: read it, or use {@link #communicate}.
     *
     * <p><b>Cancel safety.</b> Cancelling the waiting task leaves the child running and its pipes as they
     * were, and a later {@code waitFor} still gets the return code.
     *
     * @return the return code
     * @throws IllegalStateException if called outside a task
     * @throws IllegalArgumentException if called in a task of another loop than the child's
     * @throws java.util.concurrent.CancellationException if the task is cancelled meanwhile
     */
    public int waitFor() {
        return transport.exitWaiter().await();
    }

    /**
     * Writes {@code input} to stdin and closes it, reads stdout and stderr to their end, all at
     * once, and waits for the exit. Mirrors {@code await Process.communicate(input)}; a broken
     * pipe on stdin (the child exited without reading) is ignored, as asyncio ignores it.
     * Cancelling the waiting task stops the writing and reading, leaves the child running and what
     * was not read in its pipes.
     *
     * @param input the bytes for stdin, or {@code null} to write nothing (stdin is closed anyway)
     * @return stdout's and stderr's bytes; each {@code null} unless that stream is a pipe
     * @throws IllegalArgumentException if {@code input} is given and stdin is not a pipe
     * @throws IllegalStateException if called outside a task
     * @throws IllegalArgumentException if called in a task of another loop than the child's
     * @throws java.util.concurrent.CancellationException if the task is cancelled meanwhile
     */
    public Output communicate(byte[] input) {
        if (input != null && stdin == null) {
            throw new IllegalArgumentException("input needs stdin to be Stdio.PIPE");
        }
        EventLoop loop = Async.currentLoop();
        Task<Void> feeding = stdin == null ? null : loop.createTask(() -> {
            feed(input);
            return null;
        });
        Task<byte[]> errors = stderr == null ? null : loop.createTask(stderr::read);
        try {
            byte[] out = stdout == null ? null : stdout.read();
            byte[] err = errors == null ? null : errors.await();
            if (feeding != null) {
                feeding.await();
            }
            waitFor();
            return new Output(out, err);
        } finally {
            if (feeding != null) {
                feeding.cancel();
            }
            if (errors != null) {
                errors.cancel();
            }
        }
    }

    private void feed(byte[] input) {
        try {
            if (input != null && input.length > 0) {
                stdin.write(input);
                stdin.drain();
            }
        } catch (UncheckedIOException brokenPipe) {
            // As asyncio's _feed_stdin: the child closed its stdin or exited; what it read is its answer.
        }
        stdin.close();
    }

    /**
     * Sends a signal. Mirrors {@code Process.send_signal(signal)}; see
     * {@link SubprocessTransport#sendSignal(int)}.
     *
     * @param signal the signal number, from 1 to 64
     * @throws IllegalArgumentException if {@code signal} is out of range
     */
    public void sendSignal(int signal) {
        transport.sendSignal(signal);
    }

    /** Sends {@code SIGTERM}. Mirrors {@code Process.terminate()}. */
    public void terminate() {
        transport.terminate();
    }

    /** Sends {@code SIGKILL}. Mirrors {@code Process.kill()}. */
    public void kill() {
        transport.kill();
    }

    @Override
    public String toString() {
        return "Subprocess[" + transport + "]";
    }

    /**
     * What {@link #communicate} read: the tuple {@code (stdout_data, stderr_data)} of asyncio.
     *
     * @param stdout the child's stdout, or {@code null} unless it was a pipe
     * @param stderr the child's stderr, or {@code null} unless it was a pipe
     */
    public record Output(byte[] stdout, byte[] stderr) {
    }

    /** asyncio's {@code SubprocessStreamProtocol}: the pipes as a writer and two readers. */
    private static final class StreamsProtocol implements SubprocessProtocol {
        private final EventLoop loop;
        private final int limit;
        private StreamProtocol stdinProtocol;
        private StreamWriter stdin;
        private StreamReader stdout;
        private StreamReader stderr;

        StreamsProtocol(EventLoop loop, int limit) {
            this.loop = loop;
            this.limit = limit;
        }

        @Override
        public void subprocessMade(SubprocessTransport transport) {
            Transport in = transport.getPipeTransport(0);
            if (in != null) {
                stdinProtocol = new StreamProtocol(loop, limit);
                stdinProtocol.connectionMade(in);
                stdin = stdinProtocol.writer();
            }
            stdout = reader(transport.getPipeTransport(1));
            stderr = reader(transport.getPipeTransport(2));
        }

        private StreamReader reader(Transport pipe) {
            if (pipe == null) {
                return null;
            }
            StreamReader reader = new StreamReader(loop, limit);
            reader.setTransport(pipe);
            return reader;
        }

        @Override
        public void pipeDataReceived(int fd, ByteBuffer data) {
            (fd == 1 ? stdout : stderr).feedData(data);
        }

        @Override
        public void pipeConnectionLost(int fd, Throwable cause) {
            if (fd == 0) {
                stdinProtocol.connectionLost(cause);
                return;
            }
            StreamReader reader = fd == 1 ? stdout : stderr;
            if (cause == null) {
                reader.feedEof();
            } else {
                reader.setException(cause);
            }
        }

        @Override
        public void pauseWriting() {
            stdinProtocol.pauseWriting();
        }

        @Override
        public void resumeWriting() {
            stdinProtocol.resumeWriting();
        }
    }
}
