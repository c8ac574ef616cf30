package dev.evloop.examples;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.LoopFuture;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.process.Subprocess;
import dev.evloop.process.SubprocessOptions;
import dev.evloop.process.SubprocessOptions.Stdio;
import dev.evloop.streams.LimitOverrunException;
import dev.evloop.streams.StreamReader;
import dev.evloop.streams.StreamWriter;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One server spread over several processes: a parent starts N {@link Node} JVMs, each running
 * its own loop and its own line server on the same port with SO_REUSEPORT
 * ({@link SocketOptions#reusePort}), so that the kernel spreads new connections over the
 * processes. Each reply carries the pid of the process that served it. The parent waits for
 * SIGINT or SIGTERM, then stops every node gracefully (the end of its stdin; killed if it has not
 * exited after {@link #STOP_TIMEOUT}) and waits for each, so none is left running or unreaped.
 *
 * <pre>{@code
 * ./evloop example ProcessServer [host] [port] [processes]   # 127.0.0.1 8888, 2 processes
 * nc 127.0.0.1 8888                                           # each line comes back as "<pid>: line"
 * }</pre>
 *
 * <p>Compare {@link MultiLoopServer}: the same shape with a loop per thread in one process. See
 * the README's "Loops across processes" for when each is the better choice. A node also stops on
 * its own SIGINT or SIGTERM, so one can be replaced at a time (a rolling restart) while the others
 * keep serving the port.
 */
public final class ProcessServer {
    /** How long a node may take to start listening. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** How long a node may take to exit after the end of its stdin before it is killed. */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    /** How long a connection may stay silent before its node closes it. */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** The longest line a node reads, in bytes; a longer one closes the connection. */
    public static final int MAX_LINE = 8 * 1024;
    private static final String LISTENING = "listening on port ";

    private ProcessServer() {
    }

    /**
     * Runs the server.
     *
     * @param args {@code [host] [port] [processes]}
     */
    public static void main(String[] args) {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 8888;
        int processes = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        serve(host, port, processes, address -> System.out.println(
                processes + " processes listening on " + address.getHostString() + ":" + address.getPort()));
    }

    /**
     * Starts the nodes, serves until SIGINT or SIGTERM, then stops them.
     *
     * @param host      the address to listen on
     * @param port      the port; 0 picks a free one, which the other nodes then share
     * @param processes how many node processes, at least 1
     * @param listening told the address once every node listens
     * @throws IllegalArgumentException if {@code processes} is not positive or {@code port} out of range
     */
    public static void serve(String host, int port, int processes, Consumer<InetSocketAddress> listening) {
        if (processes < 1) {
            throw new IllegalArgumentException("processes must be at least 1, got " + processes);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be from 0 to 65535, got " + port);
        }
        EventLoops.run(() -> {
            LoopFuture<String> shutdown = Shutdown.requested(Async.currentLoop());
            List<Subprocess> nodes = new ArrayList<>();
            try {
                int shared = port;
                for (int i = 0; i < processes; i++) {
                    Subprocess node = startNode(host, shared);
                    nodes.add(node);
                    shared = awaitListening(node);
                }
                listening.accept(new InetSocketAddress(host, shared));
                System.out.println("SIG" + shutdown.await() + ": shutting down");
            } finally {
                for (Subprocess node : nodes) {
                    node.stdin().close();
                }
                for (Subprocess node : nodes) {
                    stop(node);
                }
            }
            return null;
        });
    }

    private static Subprocess startNode(String host, int port) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // evloop's task mode and backend; no debugger or agent flags, whose ports the nodes would fight over
            if (flag.startsWith("--add-opens") || flag.startsWith("--enable-native-access")
                    || flag.startsWith("-Dloop.backend=")) {
                command.add(flag);
            }
        }
        command.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"), Node.class.getName(),
                host, Integer.toString(port)));
        // stdin: the node's life line; stdout: where it says its port; stderr: its log, on ours.
        return Async.createSubprocessExec(command, SubprocessOptions.pipes().withStderr(Stdio.INHERIT));
    }

    /** Reads the node's "listening on port N" line; kills it if that does not come in time. */
    private static int awaitListening(Subprocess node) throws TimeoutException {
        try {
            String line = Async.timeout(START_TIMEOUT, () -> new String(node.stdout().readLine(),
                    StandardCharsets.UTF_8)).strip();
            if (!line.startsWith(LISTENING)) {
                throw new IllegalStateException("node pid " + node.pid() + " did not start: \"" + line + "\"");
            }
            return Integer.parseInt(line.substring(LISTENING.length()));
        } catch (TimeoutException | RuntimeException e) {
            node.kill();
            throw e;
        }
    }

    /** Waits for a node whose stdin is closed; kills it if it has not exited in time. */
    private static int stop(Subprocess node) {
        try {
            return Async.timeout(STOP_TIMEOUT, node::waitFor);
        } catch (TimeoutException e) {
            node.kill();
            return node.waitFor();
        }
    }

    /**
     * A node: listens on the shared port, answers each line with its pid, and stops at the end of
     * its stdin (the parent's word) or at SIGINT or SIGTERM.
     */
    public static final class Node {
        private Node() {
        }

        /**
         * Serves until told to stop.
         *
         * @param args {@code host port}
         */
        public static void main(String[] args) {
            if (args.length != 2) {
                System.err.println("usage: Node host port");
                System.exit(2);
            }
            String host = args[0];
            int port = Integer.parseInt(args[1]);
            // stdin is a blocking stream in Java: watch it on a thread of its own, never on the loop's.
            ExecutorService stdinWatch = Executors.newSingleThreadExecutor(r -> {
                Thread thread = new Thread(r, "node-stdin");
                thread.setDaemon(true);
                return thread;
            });
            try {
                EventLoops.run(() -> {
                    EventLoop loop = Async.currentLoop();
                    LoopFuture<String> signalled = Shutdown.requested(loop);
                    LoopFuture<Void> orphaned = loop.runInExecutor(stdinWatch, () -> {
                        drain(System.in);
                        return null;
                    });
                    long pid = ProcessHandle.current().pid();
                    Server server = Async.startServer((reader, writer) -> answer(pid, reader, writer), host, port,
                            SocketOptions.defaults().reusePort(true));
                    int bound = ((InetSocketAddress) server.addresses().get(0)).getPort();
                    System.out.println(LISTENING + bound);
                    System.out.flush();
                    LoopFuture<String> stop = loop.createFuture();
                    signalled.addDoneCallback(f -> {
                        if (!stop.isDone()) {
                            stop.setResult("SIG" + f.result());
                        }
                    });
                    orphaned.addDoneCallback(f -> {
                        if (!stop.isDone()) {
                            stop.setResult("the end of stdin");
                        }
                    });
                    System.err.println("node " + pid + ": " + stop.await() + ", stopping");
                    server.close();
                    return null; // the loop's end cancels the sessions left, which closes their connections
                });
            } finally {
                stdinWatch.shutdownNow();
            }
        }

        /** Reads a stream to its end. */
        private static void drain(InputStream in) throws IOException {
            byte[] buffer = new byte[256];
            while (in.read(buffer) >= 0) {
                continue;
            }
        }

        /** Answers each line with this process's pid; closes a connection idle or over {@link #MAX_LINE}. */
        private static void answer(long pid, StreamReader reader, StreamWriter writer) {
            try {
                while (true) {
                    byte[] line = Async.timeout(IDLE_TIMEOUT, reader::readLine);
                    if (line.length == 0) {
                        return;
                    }
                    if (line.length > MAX_LINE) {
                        writer.write("line too long\n".getBytes(StandardCharsets.UTF_8));
                        return;
                    }
                    writer.write((pid + ": ").getBytes(StandardCharsets.UTF_8));
                    writer.write(line);
                    writer.drain();
                }
            } catch (TimeoutException | LimitOverrunException e) {
                // idle, or a line longer than the reader's limit: the connection goes
            } finally {
                writer.close();
            }
        }
    }
}
