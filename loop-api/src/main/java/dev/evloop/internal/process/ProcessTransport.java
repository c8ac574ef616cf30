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
import dev.evloop.spi.ChildPipes;
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
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A child process started with the JDK's {@link ProcessBuilder}, its pipes as transports: the
 * part of asyncio's {@code base_subprocess.py} and {@code unix_events.py} that starts a child.
 *
 * <p>Where the bytes move depends on the backend's {@link ChildPipes} capability
 * ({@link dev.evloop.spi.IoWatchFactory#childPipes()}). With it (the native backends on Linux) the
 * pipes are ours: made non-blocking on the loop's side, the child's end handed to the JDK as a
 * path ({@code /proc/self/fd/N}) that it opens and gives the child, our copy of that end closed
 * once the child started (or failed to), and the loop's end watched by the loop
 * ({@link WatchedPipes}), with no thread. Without it (the selector backend, whose JDK gives no
 * descriptor of a {@code Pipe}'s channels, and kqueue, whose {@code /dev/fd/N} would hand the
 * child our non-blocking mode) the child gets the JDK's own pipes, which the JDK exposes only as
 * blocking streams, and {@link Pumps} moves their bytes on a thread per pipe, with exact flow
 * control. Either way the child is started off the loop's thread ({@link ProcessBuilder#start()}
 * returns only once the child runs its program), the exit is noticed through
 * {@link Process#onExit()}, never a blocking wait on the loop. The return code, the exit waiters
 * and the protocol's {@code processExited} have it at once; {@code connectionLost} comes once every
 * pipe ended too, as asyncio's {@code _try_finish}.
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
        ChildPipes.Pipe[] watched = new ChildPipes.Pipe[3];
        try {
            Optional<ChildPipes> childPipes = BaseEventLoop.of(loop).childPipes();
            if (childPipes.isPresent()) {
                watchedPipes(childPipes.get(), builder, options, watched, program);
            }
        } catch (IOException e) {
            closeAll(watched);
            result.setException(e);
            return result;
        }
        PendingStart pending = new PendingStart(watched);
        pending.closeHook = BaseEventLoop.of(loop).addCloseHook(pending::loopClosing);
        STARTER.execute(() -> {
            Process process;
            try {
                process = builder.start();
            } catch (IOException | RuntimeException e) {
                closeAll(watched);
                // The JDK's message names the program ("Cannot run program \"x\": error=2, ..."); keep it.
                post(loop, () -> {
                    pending.closeHook.cancel();
                    if (!result.isDone()) {
                        result.setException(e);
                    }
                });
                return;
            }
            // The child holds its own copies now: ours would keep its output pipes from ending.
            for (ChildPipes.Pipe pipe : watched) {
                if (pipe != null) {
                    pipe.closeChildEnd();
                }
            }
            if (!pending.started(process) || !post(loop, () -> {
                if (pending.claim()) {
                    pending.closeHook.cancel();
                    started(loop, result, protocol, process, program, options, watched);
                }
            })) {
                if (pending.claim()) {
                    discard(process, watched); // the loop closed meanwhile: nobody will ever hear of this child
                }
            }
        });
        return result;
    }

    /**
     * A start under way on {@link #STARTER}, until the loop takes the child. The loop can close
     * after the starter handed the child over but before the loop ran the hand-over, which then
     * never runs: the loop's close hook discards the child instead. Exactly one of the hand-over,
     * the close hook and a hand-over the closed loop refused {@link #claim}s the child.
     */
    private static final class PendingStart {
        private final ChildPipes.Pipe[] watched;
        /** Added and cancelled on the loop's thread; read by the starter only after the add. */
        Handle closeHook;
        private Process process;
        private boolean loopClosed;
        private boolean claimed;

        PendingStart(ChildPipes.Pipe[] watched) {
            this.watched = watched;
        }

        /** On the starter: the child exists; false if the loop closed before, so the child goes now. */
        synchronized boolean started(Process child) {
            process = child;
            return !loopClosed;
        }

        /** Whether the caller is the one who takes (or discards) the child. */
        synchronized boolean claim() {
            boolean first = !claimed;
            claimed = true;
            return first;
        }

        /** On the loop's thread, as it closes: a child already made goes now, a later one when made. */
        void loopClosing() {
            Process child;
            synchronized (this) {
                loopClosed = true;
                child = process;
            }
            if (child != null && claim()) {
                discard(child, watched);
            }
        }
    }

    /** On the loop's thread: the child runs; connects its pipes, unless the caller cancelled meanwhile. */
    private static <P extends SubprocessProtocol> void started(EventLoop loop,
            LoopFuture<SubprocessConnection<P>> result, P protocol, Process process, String program,
            SubprocessOptions options, ChildPipes.Pipe[] watched) {
        ProcessTransport transport = new ProcessTransport(loop, protocol, process, program);
        transport.connect(options, watched);
        if (result.isDone()) {
            // The caller cancelled the start: nobody will ever hold this child, so it goes, as
            // asyncio's _make_subprocess_transport closes the transport of a cancelled start.
            transport.abandon();
            return;
        }
        // The pipes first, as asyncio connects them before connection_made: the protocol may
        // write to stdin or pause a pipe from subprocessMade. Nothing arrives from them before it
        // is called, since the pipes report only from later callbacks of the loop.
        transport.startPipes();
        try {
            protocol.subprocessMade(transport);
        } catch (RuntimeException | Error e) {
            transport.report("Exception in protocol.subprocessMade()", e);
        }
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

    private static void discard(Process process, ChildPipes.Pipe[] watched) {
        process.destroyForcibly();
        closeAll(watched);
        Pumps.closeQuietly(process.getOutputStream());
        Pumps.closeQuietly(process.getInputStream());
        Pumps.closeQuietly(process.getErrorStream());
    }

    /**
     * Makes a pipe the loop watches for each stream that is a {@code PIPE}, and redirects the
     * child's stream to it; each pipe goes into {@code watched} as soon as it exists, so that the
     * caller closes every one if a later one or the start fails.
     */
    private static void watchedPipes(ChildPipes pipes, ProcessBuilder builder, SubprocessOptions options,
            ChildPipes.Pipe[] watched, String program) throws IOException {
        try {
            if (options.stdin() == Stdio.PIPE) {
                watched[0] = pipes.open(true);
                builder.redirectInput(watched[0].childEnd());
            }
            if (options.stdout() == Stdio.PIPE) {
                watched[1] = pipes.open(false);
                builder.redirectOutput(watched[1].childEnd());
            }
            if (options.stderr() == Stdio.PIPE) {
                watched[2] = pipes.open(false);
                builder.redirectError(watched[2].childEnd());
            }
        } catch (IOException e) {
            throw new IOException("Cannot run program \"" + program + "\": no pipe for it: " + e.getMessage(), e);
        }
    }

    private static void closeAll(ChildPipes.Pipe[] watched) {
        for (ChildPipes.Pipe pipe : watched) {
            if (pipe != null) {
                pipe.close();
            }
        }
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

    /** Makes a transport of each pipe: over the loop's end of a watched one, else pumping the JDK's stream. */
    private void connect(SubprocessOptions options, ChildPipes.Pipe[] watched) {
        String name = program + " (pid " + process.pid() + ")";
        if (options.stdin() == Stdio.PIPE) {
            PipeSink sink = watched[0] != null ? new WatchedPipes.Sink(loop, WatchedPipes.of(watched[0]))
                    : new Pumps.Sink(loop, process.getOutputStream(), "stdin of " + name, false);
            pipes[0] = new WritePipeTransport(loop, new PipeProtocol(0), sink, "stdin of " + name);
        } else {
            disconnected[0] = true;
        }
        for (int fd = 1; fd <= 2; fd++) {
            if ((fd == 1 ? options.stdout() : options.stderr()) == Stdio.PIPE) {
                String what = (fd == 1 ? "stdout of " : "stderr of ") + name;
                PipeSource source = watched[fd] != null ? new WatchedPipes.Source(loop, WatchedPipes.of(watched[fd]))
                        : new Pumps.Source(loop, fd == 1 ? process.getInputStream() : process.getErrorStream(), what, false);
                pipes[fd] = new ReadPipeTransport(loop, new PipeProtocol(fd), source, what);
            } else {
                disconnected[fd] = true;
            }
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
        // At the exit, not once the output is drained: a grandchild holding stdout open must not
        // hide the child's exit (asyncio's _process_exited since gh-119710, 3.13.15 and 3.14.7).
        for (LoopFuture<Integer> waiter : exitWaiters) {
            if (!waiter.isDone()) {
                waiter.setResult(returncode);
            }
        }
        exitWaiters.clear();
        loop.callSoon(() -> {
            try {
                protocol.processExited();
            } catch (RuntimeException | Error e) {
                report("Exception in protocol.processExited()", e);
            }
        });
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

    /**
     * asyncio's {@code _try_finish}: exited, and every pipe ended, stdin too, so that no
     * {@code pipeConnectionLost} follows the loss (stdin ends at the exit when idle, else when its
     * bytes meet the closed reader, which a grandchild may hold open). Scheduled after
     * {@code processExited}, the loss comes after it.
     */
    private void tryFinish() {
        if (finished || returncode == null || !disconnected[0] || !disconnected[1] || !disconnected[2]) {
            return;
        }
        finished = true;
        loop.callSoon(() -> {
            closeHook.cancel();
            try {
                protocol.connectionLost(null);
            } catch (RuntimeException | Error e) {
                report("Exception in protocol.connectionLost()", e);
            }
        });
    }

    /** A future of the return code, set when the child exits; cancelling it cancels only it. */
    public LoopFuture<Integer> exitWaiter() {
        LoopFuture<Integer> waiter = loop.createFuture();
        if (returncode != null) {
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
        // Through the child's ProcessHandle, not Process.destroy: that also closes the streams the JDK
        // gave, losing what the child wrote before it died or writes as it answers the signal,
        // where asyncio's send_signal only sends it.
        switch (signal) {
            case 15 -> process.toHandle().destroy();
            case 9 -> process.toHandle().destroyForcibly();
            default -> {
                if (PosixKill.available()) {
                    PosixKill.send(process.pid(), signal);
                    return;
                }
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
