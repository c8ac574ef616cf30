package dev.evloop.internal.process;

import dev.evloop.EventLoop;
import dev.evloop.ExceptionContext;
import dev.evloop.Handle;
import dev.evloop.LoopFuture;
import dev.evloop.internal.BaseEventLoop;
import dev.evloop.net.Protocol;
import dev.evloop.net.Transport;
import dev.evloop.process.SubprocessConnection;
import dev.evloop.process.SubprocessOptions;
import dev.evloop.process.SubprocessProtocol;
import dev.evloop.process.SubprocessTransport;
import dev.evloop.process.SubprocessOptions.Stdio;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A child process started with the JDK's {@link ProcessBuilder}, its pipes as transports: the
 * part of asyncio's {@code base_subprocess.py} and {@code unix_events.py} that starts a child.
 *
 * <p>Why the JDK's own pipes, pumped by threads: a child's stdin, stdout and stderr can only be
 * handed to it at {@code fork}, and the JDK forks without exposing the descriptors of the pipes it
 * makes. Pipes of our own would need their descriptors passed by path ({@code /proc/self/fd/N} on
 * Linux, {@code /dev/fd/N} on macOS, where opening it duplicates the descriptor and would hand the
 * child our non-blocking mode) or reflection into {@code ProcessImpl}. The JDK's streams work on
 * every system and backend, and {@link Pumps} keeps their blocking reads and writes off the loop's
 * thread, with exact flow control. The child is started off the loop's thread too, and its exit is
 * noticed through {@link Process#onExit()}, never a blocking wait on the loop.
 *
 * <p>Touched only on the loop's thread, except where {@link Pumps} and {@code onExit} post to it.
 */
public final class ProcessTransport implements SubprocessTransport {
    /**
     * Where children are started. {@link ProcessBuilder#start()} returns only once the child has
     * executed its program (tens of milliseconds on a loaded host), so on the loop's thread it
     * would stall every other callback, 200 starts in a row for seconds. As many threads as cores:
     * a start is mostly the kernel's work, and more threads starting at once only crowd the
     * loop's thread off the cores. Idle threads end after a while.
     */
    private static final ExecutorService STARTER = starter();

    private static ExecutorService starter() {
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 10, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "evloop-process-start");
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private final EventLoop loop;
    private final SubprocessProtocol protocol;
    private final Process process;
    private final String program;
    private final Transport[] pipes = new Transport[3];
    private final boolean[] disconnected = new boolean[3];
    private final List<LoopFuture<Integer>> exitWaiters = new ArrayList<>();
    private Handle closeHook;
    private Integer returncode;
    private boolean finished;
    private boolean reported;
    private boolean closing;
    /** Started for a caller who cancelled meanwhile: nothing is told to the protocol. */
    private boolean abandoned;

    private ProcessTransport(EventLoop loop, SubprocessProtocol protocol, Process process, String program) {
        this.loop = loop;
        this.protocol = protocol;
        this.process = process;
        this.program = program;
    }

    /**
     * Starts a child and connects its pipes; the future fails with the {@link IOException} of a
     * program that cannot start, naming it.
     */
    public static <P extends SubprocessProtocol> LoopFuture<SubprocessConnection<P>> start(EventLoop loop,
            Supplier<P> protocolFactory, List<String> command, SubprocessOptions options) {
        java.util.Objects.requireNonNull(protocolFactory, "protocolFactory");
        java.util.Objects.requireNonNull(options, "options");
        if (java.util.Objects.requireNonNull(command, "command").isEmpty()) {
            throw new IllegalArgumentException("command must name a program, got an empty list");
        }
        for (String part : command) {
            java.util.Objects.requireNonNull(part, "an element of command");
        }
        LoopFuture<SubprocessConnection<P>> result = loop.createFuture();
        // Before any child exists, as asyncio calls protocol_factory first: a throwing factory leaves nothing.
        P protocol = protocolFactory.get();
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.redirectInput(redirect(options.stdin(), true));
        builder.redirectOutput(redirect(options.stdout(), false));
        if (options.stderr() == Stdio.STDOUT) {
            builder.redirectErrorStream(true);
        } else {
            builder.redirectError(redirect(options.stderr(), false));
        }
        if (options.directory() != null) {
            builder.directory(options.directory().toFile());
        }
        Map<String, String> environment = builder.environment();
        if (options.replaceEnvironment()) {
            environment.clear();
        }
        environment.putAll(options.environment());
        String program = command.getFirst();
        STARTER.execute(() -> {
            Process process;
            try {
                process = builder.start();
            } catch (IOException | RuntimeException e) {
                // The JDK's message names the program ("Cannot run program \"x\": error=2, ..."); keep it.
                post(loop, () -> {
                    if (!result.isDone()) {
                        result.setException(e);
                    }
                });
                return;
            }
            if (!post(loop, () -> started(loop, result, protocol, process, program, options))) {
                discard(process); // the loop closed meanwhile: nobody will ever hear of this child
            }
        });
        return result;
    }

    /** On the loop's thread: the child runs; connects its pipes, unless the caller cancelled meanwhile. */
    private static <P extends SubprocessProtocol> void started(EventLoop loop,
            LoopFuture<SubprocessConnection<P>> result, P protocol, Process process, String program,
            SubprocessOptions options) {
        ProcessTransport transport = new ProcessTransport(loop, protocol, process, program);
        transport.connect(options);
        if (result.isDone()) {
            // The caller cancelled the start: nobody will ever hold this child, so it goes, as
            // asyncio's _make_subprocess_transport closes the transport of a cancelled start.
            transport.abandon();
            return;
        }
        try {
            protocol.subprocessMade(transport);
        } catch (RuntimeException | Error e) {
            transport.report("Exception in protocol.subprocessMade()", e);
        }
        transport.startPipes();
        result.setResult(new SubprocessConnection<>(transport, protocol));
    }

    private static boolean post(EventLoop loop, Runnable callback) {
        try {
            loop.callSoonThreadsafe(callback);
            return true;
        } catch (RuntimeException closed) {
            return false;
        }
    }

    private static void discard(Process process) {
        process.destroyForcibly();
        Pumps.closeQuietly(process.getOutputStream());
        Pumps.closeQuietly(process.getInputStream());
        Pumps.closeQuietly(process.getErrorStream());
    }

    private static ProcessBuilder.Redirect redirect(Stdio stdio, boolean input) {
        return switch (stdio.kind()) {
            case PIPE -> ProcessBuilder.Redirect.PIPE;
            case INHERIT -> ProcessBuilder.Redirect.INHERIT;
            case DEVNULL -> input ? ProcessBuilder.Redirect.from(new File("/dev/null")) : ProcessBuilder.Redirect.DISCARD;
            case FILE -> input ? ProcessBuilder.Redirect.from(stdio.file().toFile())
                    : ProcessBuilder.Redirect.to(stdio.file().toFile());
            case STDOUT -> throw new IllegalArgumentException("only stderr can be Stdio.STDOUT");
        };
    }

    private void connect(SubprocessOptions options) {
        String name = program + " (pid " + process.pid() + ")";
        if (options.stdin() == Stdio.PIPE) {
            pipes[0] = new WritePipeTransport(loop, new PipeProtocol(0),
                    new Pumps.Sink(loop, process.getOutputStream(), "stdin of " + name, false), "stdin of " + name);
        } else {
            disconnected[0] = true;
        }
        if (options.stdout() == Stdio.PIPE) {
            pipes[1] = new ReadPipeTransport(loop, new PipeProtocol(1),
                    new Pumps.Source(loop, process.getInputStream(), "stdout of " + name, false), "stdout of " + name);
        } else {
            disconnected[1] = true;
        }
        if (options.stderr() == Stdio.PIPE) {
            pipes[2] = new ReadPipeTransport(loop, new PipeProtocol(2),
                    new Pumps.Source(loop, process.getErrorStream(), "stderr of " + name, false), "stderr of " + name);
        } else {
            disconnected[2] = true;
        }
        closeHook = BaseEventLoop.of(loop).addCloseHook(this::loopClosing);
        process.onExit().whenComplete((p, error) -> {
            try {
                loop.callSoonThreadsafe(() -> exited(process.exitValue()));
            } catch (RuntimeException loopClosed) {
                // Nothing is left to tell; the JDK reaped the child.
            }
        });
    }

    private void startPipes() {
        if (pipes[0] instanceof WritePipeTransport stdin) {
            stdin.start();
        }
        for (int fd = 1; fd <= 2; fd++) {
            if (pipes[fd] instanceof ReadPipeTransport out) {
                out.start();
            }
        }
    }

    /**
     * Closes a transport nobody holds, whose protocol never heard of it: the pipes (never
     * started) go and the child is killed if still running. The JDK reaps it when it exits, and
     * its protocol is never called.
     */
    private void abandon() {
        abandoned = true;
        closing = true;
        for (Transport pipe : pipes) {
            if (pipe != null) {
                pipe.abort();
            }
        }
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        closeHook.cancel();
    }

    /** The loop closes: its pipes go, the child (if still running) is left running. */
    private void loopClosing() {
        for (Transport pipe : pipes) {
            if (pipe != null) {
                pipe.abort();
            }
        }
    }

    private void exited(int status) {
        if (returncode != null || abandoned) {
            return;
        }
        returncode = status > 128 && status <= 128 + 64 ? -(status - 128) : status;
        if (pipes[0] instanceof WritePipeTransport stdin) {
            stdin.readerGone();
        }
        tryFinish();
    }

    private void pipeLost(int fd, Throwable cause) {
        disconnected[fd] = true;
        if (abandoned) {
            return;
        }
        try {
            protocol.pipeConnectionLost(fd, cause);
        } catch (RuntimeException | Error e) {
            report("Exception in protocol.pipeConnectionLost()", e);
        }
        tryFinish();
    }

    /** asyncio's {@code _try_finish}: exited, and both output pipes drained. */
    private void tryFinish() {
        if (finished || returncode == null || !disconnected[1] || !disconnected[2]) {
            return;
        }
        finished = true;
        loop.callSoon(() -> {
            reported = true;
            try {
                protocol.processExited();
            } catch (RuntimeException | Error e) {
                report("Exception in protocol.processExited()", e);
            }
            for (LoopFuture<Integer> waiter : exitWaiters) {
                if (!waiter.isDone()) {
                    waiter.setResult(returncode);
                }
            }
            exitWaiters.clear();
            closeHook.cancel();
            try {
                protocol.connectionLost(null);
            } catch (RuntimeException | Error e) {
                report("Exception in protocol.connectionLost()", e);
            }
        });
    }

    /** Whether processExited was reported: the child exited and its output was drained. */
    public boolean exitReported() {
        return reported;
    }

    /** A future of the return code, set after {@code processExited}; cancelling it cancels only it. */
    public LoopFuture<Integer> exitWaiter() {
        LoopFuture<Integer> waiter = loop.createFuture();
        if (reported) {
            waiter.setResult(returncode);
        } else {
            exitWaiters.add(waiter);
        }
        return waiter;
    }

    private void report(String message, Throwable cause) {
        loop.callExceptionHandler(ExceptionContext.of(message, cause));
    }

    @Override
    public long getPid() {
        return process.pid();
    }

    @Override
    public Integer getReturncode() {
        return returncode;
    }

    @Override
    public Transport getPipeTransport(int fd) {
        if (fd < 0 || fd > 2) {
            throw new IllegalArgumentException("fd must be 0, 1 or 2, got " + fd);
        }
        return pipes[fd];
    }

    @Override
    public void sendSignal(int signal) {
        if (signal < 1 || signal > 64) {
            throw new IllegalArgumentException("signal must be from 1 to 64, got " + signal);
        }
        if (closing) {
            throw new IllegalStateException("the subprocess transport of " + program + " is closed");
        }
        if (returncode != null || !process.isAlive()) {
            return;
        }
        switch (signal) {
            case 15 -> process.destroy();
            case 9 -> process.destroyForcibly();
            default -> {
                try {
                    new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException("cannot send signal " + signal + " to pid "
                            + process.pid() + ": the kill command did not start", e);
                }
            }
        }
    }

    @Override
    public void terminate() {
        sendSignal(15);
    }

    @Override
    public void kill() {
        sendSignal(9);
    }

    @Override
    public void close() {
        if (closing) {
            return;
        }
        for (Transport pipe : pipes) {
            if (pipe != null) {
                pipe.close();
            }
        }
        if (returncode == null && process.isAlive()) {
            process.destroyForcibly();
        }
        closing = true;
    }

    @Override
    public boolean isClosing() {
        return closing;
    }

    @Override
    public String toString() {
        return "SubprocessTransport[" + program + ", pid " + process.pid()
                + (returncode == null ? ", running" : ", returncode=" + returncode) + "]";
    }

    /** Forwards one pipe's events to the subprocess protocol, as asyncio's {@code SubprocessPipeProto}. */
    private final class PipeProtocol implements Protocol {
        private final int fd;

        PipeProtocol(int fd) {
            this.fd = fd;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            protocol.pipeDataReceived(fd, data);
        }

        @Override
        public void connectionLost(Throwable cause) {
            pipeLost(fd, cause);
        }

        @Override
        public void pauseWriting() {
            protocol.pauseWriting();
        }

        @Override
        public void resumeWriting() {
            protocol.resumeWriting();
        }
    }
}
