package dev.evloop.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * Servers measured from outside: each server in a JVM of its own ({@link EchoServerMain}, or the
 * HTTP servers: what the {@link Workload} runs), one load client in another ({@link EchoLoadMain}), pinned with {@code taskset} to other CPUs than
 * the servers where the host has two or more. All servers start at once and are driven in turns, a
 * short slice each per round and the first of a round rotating, so that the host's drifts hit them
 * alike. For each slice it records the round trips per second and the server process's whole CPU
 * time (user and system, every thread, io_uring's kernel workers included) per round trip, read
 * from {@code /proc/<pid>/stat} through {@link ProcessHandle.Info#totalCpuDuration()} before and
 * after the slice: clock ticks, 10 ms on most Linux kernels, so about 1% of a 1 s slice of a busy
 * server. In an open loop ({@link #offer}) it records each server's latencies at a fixed offered
 * load instead, from each message's intended send time ({@link OpenLoopClient}).
 */
final class EchoProcesses implements AutoCloseable {
    /**
     * Every server JVM's flags: evloop's, a fixed pre-touched heap so that no heap growth is
     * measured, and Netty's allocator in its normal mode. A heap of 512 MiB or less puts Netty 4.2's
     * allocator in its low-memory mode, which stops pooling buffers over 16 KiB; a server with a
     * heap that size is unusual, and in that mode every large buffer is fresh memory that page-faults
     * (evloop's io_uring echo at 500 connections of 16 KiB lost three quarters of its round trips).
     */
    private static final List<String> SERVER_FLAGS = List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--enable-native-access=ALL-UNNAMED", "-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch",
            "-Dio.netty.allocator.lowMemory=false");
    /** The load client's: a fixed pre-touched heap; it uses no Netty. */
    private static final List<String> CLIENT_FLAGS = List.of("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch");
    /** The line a server prints once it listens: the port ends it, before the slash of a URL. */
    private static final Pattern LISTENING = Pattern.compile("listening on .*:(\\d+)/?$");
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);
    /**
     * The kernel's clock ticks per second, {@code USER_HZ}: 100 on every Linux architecture the
     * JDK runs on (it is fixed in the kernel's ABI, whatever the kernel's own tick rate).
     */
    private static final double TICKS_PER_SECOND = 100;

    /**
     * One server to measure: an evloop backend, or raw Netty on that backend.
     *
     * @param backend  the backend
     * @param style    evloop's style, or raw Netty
     * @param variant  what sets this server apart from another of the same backend and style, for
     *                 its label; empty for none
     * @param jvmFlags flags its JVM gets besides the usual ones, such as a Netty system property
     * @param classPath the class path its JVM runs from, another build's to compare two builds in
     *                  one run; empty for this JVM's own
     */
    record Server(String backend, EchoServer.Style style, String variant, List<String> jvmFlags, String classPath) {
        Server {
            jvmFlags = List.copyOf(jvmFlags);
            java.util.Objects.requireNonNull(classPath, "classPath");
        }

        /** A server of this build with extra JVM flags. */
        Server(String backend, EchoServer.Style style, String variant, List<String> jvmFlags) {
            this(backend, style, variant, jvmFlags, "");
        }

        /** A server as evloop and Netty run by default. */
        Server(String backend, EchoServer.Style style) {
            this(backend, style, "", List.of());
        }

        /** {@code <backend>.<style>}, as in the JMH results, and {@code +<variant>} if it has one. */
        String label() {
            return backend + "." + style.label() + (variant.isEmpty() ? "" : "+" + variant);
        }
    }

    /**
     * What was measured of one server, one entry per measured round.
     *
     * @param server              the server
     * @param roundTripsPerSecond round trips per second in each round
     * @param cpuMicros           the server process's CPU microseconds per round trip in each round
     * @param clientBusy          the share of one CPU the load client's process used in each round:
     *                            near 1, the client, not the server, may have set the pace
     * @param threadCpuMicros     the CPU microseconds per round trip of the server's busiest thread
     *                            (its loop's) in each round: what a harness that times one thread sees
     */
    record Figures(Server server, double[] roundTripsPerSecond, double[] cpuMicros, double[] clientBusy,
                   double[] threadCpuMicros) {
        double roundTrips() {
            return mean(roundTripsPerSecond);
        }

        double roundTripsSpread() {
            return spread(roundTripsPerSecond);
        }

        double cpu() {
            return mean(cpuMicros);
        }

        double cpuSpread() {
            return spread(cpuMicros);
        }

        /** The most of one CPU the load client used in any round. */
        double clientBusiest() {
            return Arrays.stream(clientBusy).max().orElse(Double.NaN);
        }

        static double mean(double[] values) {
            return Arrays.stream(values).average().orElse(Double.NaN);
        }

        /** Half the range between the lowest and the highest round: a mean is within it of every round. */
        static double spread(double[] values) {
            return (Arrays.stream(values).max().orElse(0) - Arrays.stream(values).min().orElse(0)) / 2;
        }
    }

    /**
     * Where the processes run: the CPUs given to {@code taskset -c}, or why they are not pinned.
     *
     * @param servers the servers' CPU list, or {@code null} when not pinned
     * @param client  the load client's CPU list, or {@code null} when not pinned
     * @param note    how it was done, in words for the results
     */
    record Pinning(String servers, String client, String note) {
        /**
         * Nothing pinned: servers and client share every CPU, as a load client in the server's own
         * process does.
         */
        static Pinning floating() {
            return new Pinning(null, null, "not pinned: servers and load client share every CPU");
        }

        /** The servers on every allowed CPU but the last, the client on the last, when taskset and two CPUs exist. */
        static Pinning plan() {
            List<Integer> cpus = allowedCpus();
            Path taskset = onPath("taskset");
            if (taskset == null) {
                return new Pinning(null, null, "not pinned: taskset is not on the PATH");
            }
            if (cpus.size() < 2) {
                return new Pinning(null, null, "not pinned: this process may use one CPU only");
            }
            String servers = String.join(",", cpus.subList(0, cpus.size() - 1).stream().map(String::valueOf).toList());
            String client = String.valueOf(cpus.get(cpus.size() - 1));
            return new Pinning(servers, client, "load client pinned to CPU " + client + ", servers to CPU " + servers
                    + " (taskset)");
        }

        List<String> prefix(boolean forClient) {
            String list = forClient ? client : servers;
            return list == null ? List.of() : List.of("taskset", "-c", list);
        }
    }

    private final List<Server> servers;
    private final List<Process> serverProcesses = new ArrayList<>();
    private final Pinning pinning;
    private Process client;
    private BufferedReader replies;
    private PrintStream commands;

    private EchoProcesses(List<Server> servers, Pinning pinning) {
        this.servers = List.copyOf(servers);
        this.pinning = pinning;
    }

    /**
     * What an open loop at a fixed offered load measured of one server, one histogram per round.
     *
     * @param server  the server
     * @param rate    messages per second offered
     * @param rounds  each round's latencies in nanoseconds, from each message's intended send time
     * @param sent    messages sent in each round
     * @param seconds how long each round took, its drain at the end included
     */
    record Latency(Server server, double rate, List<Histogram> rounds, long[] sent, double[] seconds) {
        /** Every round's latencies together. */
        Histogram all() {
            Histogram all = new Histogram(3);
            rounds.forEach(all::add);
            return all;
        }

        /** A percentile of every round's latencies together, in microseconds. */
        double micros(double percentile) {
            return all().getValueAtPercentile(percentile) / 1e3;
        }

        /** Half the range of a percentile's value over rounds, in microseconds. */
        double microsSpread(double percentile) {
            return Figures.spread(rounds.stream().mapToDouble(h -> h.getValueAtPercentile(percentile) / 1e3).toArray());
        }

        /** Messages echoed per second, over every round: the offered rate if the server kept up. */
        double achieved() {
            return Arrays.stream(sent).sum() / Arrays.stream(seconds).sum();
        }
    }

    /**
     * Starts every server and the load client, connected to all of them in one shape.
     *
     * @param servers     the servers, each in a JVM of its own
     * @param connections connections to each server
     * @param size        message size in bytes
     * @throws IOException if a process cannot be started or a server does not start listening
     */
    static EchoProcesses start(List<Server> servers, int connections, int size) throws IOException {
        EchoProcesses p = start(servers);
        try {
            p.connect(new Shape(connections, size));
            return p;
        } catch (IOException | RuntimeException e) {
            p.close();
            throw e;
        }
    }

    /**
     * Starts every server and the load client, not yet connected: {@link #connect} gives the shape.
     * The same processes serve every shape, so that the servers' JIT stays warm from one to the next.
     *
     * @param servers the servers, each in a JVM of its own
     * @throws IOException if a process cannot be started or a server does not start listening
     */
    static EchoProcesses start(List<Server> servers) throws IOException {
        return start(servers, Pinning.plan(), Workload.ECHO);
    }

    /**
     * Starts every server of a workload and its load client, not yet connected.
     *
     * @param servers  the servers, each in a JVM of its own
     * @param workload what they serve
     * @throws IOException if a process cannot be started or a server does not start listening
     * @throws IllegalArgumentException if the workload has no server in a style asked for
     */
    static EchoProcesses start(List<Server> servers, Workload workload) throws IOException {
        return start(servers, Pinning.plan(), workload);
    }

    /**
     * Starts every echo server and the load client, placed on the CPUs as {@code pinning} says.
     *
     * @param servers the servers, each in a JVM of its own
     * @param pinning where the processes run
     * @throws IOException if a process cannot be started or a server does not start listening
     */
    static EchoProcesses start(List<Server> servers, Pinning pinning) throws IOException {
        return start(servers, pinning, Workload.ECHO);
    }

    private static EchoProcesses start(List<Server> servers, Pinning pinning, Workload workload) throws IOException {
        EchoProcesses p = new EchoProcesses(servers, pinning);
        try {
            List<String> ports = new ArrayList<>();
            for (Server s : servers) {
                List<String> command = new ArrayList<>(p.pinning.prefix(false));
                if (s.style() == EchoServer.Style.C) {
                    command.addAll(List.of(NativeEcho.executable().toString(), "0"));
                } else {
                    Workload.Launch launch = workload.launch(s);
                    List<String> flags = new ArrayList<>(SERVER_FLAGS);
                    flags.addAll(launch.flags());
                    flags.addAll(s.jvmFlags());
                    command.addAll(java(flags, s.classPath().isEmpty() ? System.getProperty("java.class.path")
                            : s.classPath(), launch.main()));
                    command.addAll(launch.args());
                }
                p.serverProcesses.add(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
            }
            for (int i = 0; i < servers.size(); i++) {
                ports.add(port(servers.get(i), p.serverProcesses.get(i)));
            }
            List<String> command = new ArrayList<>(p.pinning.prefix(true));
            command.addAll(java(CLIENT_FLAGS, System.getProperty("java.class.path"), EchoLoadMain.class));
            command.add(workload.label());
            command.addAll(ports);
            p.client = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            p.replies = new BufferedReader(new InputStreamReader(p.client.getInputStream(), StandardCharsets.UTF_8));
            p.commands = new PrintStream(p.client.getOutputStream(), true, StandardCharsets.UTF_8);
            return p;
        } catch (IOException | RuntimeException e) {
            p.close();
            throw e;
        }
    }

    /**
     * Connects the load client to every server in this shape, closing the last shape's connections.
     *
     * @throws IOException if the load client cannot connect or has stopped
     */
    void connect(Shape shape) throws IOException {
        commands.println("connect " + shape.connections() + " " + shape.size());
        String ready = replies.readLine();
        if (!"ready".equals(ready)) {
            throw new IOException("the load client did not connect in shape " + shape + " (it said " + ready
                    + "; see its error above)");
        }
    }

    /** How the processes were placed on the CPUs, and kept apart while latency is measured, in words for the results. */
    String pinning() {
        return pinning.note() + (ProcessPause.available()
                ? "; while one server's latency is measured, every other server is stopped (SIGSTOP)"
                : "; latency is measured with the other servers running (no kill(1) here to stop them)");
    }

    /**
     * Drives each server in turn for a slice, a number of rounds, and returns what was measured.
     *
     * @param rounds how many rounds
     * @param slice  how long each server is driven per round
     * @return each server's figures, in the order the servers were given
     * @throws IOException if the load client fails or stops
     */
    List<Figures> measure(int rounds, Duration slice) throws IOException {
        double[][] trips = new double[servers.size()][rounds];
        double[][] cpu = new double[servers.size()][rounds];
        double[][] clientBusy = new double[servers.size()][rounds];
        double[][] threadCpu = new double[servers.size()][rounds];
        ProcessHandle loadClient = client.toHandle();
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < servers.size(); k++) {
                int i = (r + k) % servers.size(); // the first of a round rotates
                ProcessHandle server = serverProcesses.get(i).toHandle();
                long clientBefore = cpuNanos(loadClient);
                Map<String, Long> threadsBefore = threadTicks(server.pid());
                long cpuBefore = cpuNanos(server);
                commands.println("drive " + i + " " + slice.toMillis());
                String reply = replies.readLine();
                long cpuAfter = cpuNanos(server);
                Map<String, Long> threadsAfter = threadTicks(server.pid());
                long clientAfter = cpuNanos(loadClient);
                String[] fields = reply == null ? new String[0] : reply.split(" ");
                if (fields.length != 3 || Integer.parseInt(fields[0]) != i) {
                    throw new IOException("the load client stopped while driving " + servers.get(i).label()
                            + (reply == null ? " (see its error above)" : ": it said '" + reply + "'"));
                }
                long done = Long.parseLong(fields[1]);
                long nanos = Long.parseLong(fields[2]);
                trips[i][r] = done * 1e9 / nanos;
                cpu[i][r] = (cpuAfter - cpuBefore) / 1e3 / done;
                clientBusy[i][r] = (double) (clientAfter - clientBefore) / nanos;
                threadCpu[i][r] = busiestThreadTicks(threadsBefore, threadsAfter) * 1e6 / TICKS_PER_SECOND / done;
            }
        }
        List<Figures> figures = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            figures.add(new Figures(servers.get(i), trips[i], cpu[i], clientBusy[i], threadCpu[i]));
        }
        return figures;
    }

    /**
     * Offers each server in turn the same fixed load in an open loop for a slice, a number of
     * rounds, and returns the latencies measured. Where {@link ProcessPause#available()}, every
     * other server is stopped for the slice, so that only the measured server and the host's own
     * work share its CPU.
     *
     * @param rounds how many rounds
     * @param slice  how long each server is offered the load per round (its drain comes on top)
     * @param rate   messages per second offered, over all of a server's connections
     * @return each server's latencies, in the order the servers were given
     * @throws IOException if the load client fails or stops
     */
    List<Latency> offer(int rounds, Duration slice, double rate) throws IOException {
        List<List<Histogram>> histograms = new ArrayList<>();
        long[][] sent = new long[servers.size()][rounds];
        double[][] seconds = new double[servers.size()][rounds];
        for (int i = 0; i < servers.size(); i++) {
            histograms.add(new ArrayList<>(Collections.nCopies(rounds, (Histogram) null)));
        }
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < servers.size(); k++) {
                int i = (r + k) % servers.size();
                List<ProcessHandle> others = othersThan(i);
                ProcessPause.stop(others);
                String reply;
                try {
                    commands.println(String.format(Locale.ROOT, "offer %d %d %.3f", i, slice.toMillis(), rate));
                    reply = replies.readLine();
                } finally {
                    ProcessPause.resume(others);
                }
                String[] fields = reply == null ? new String[0] : reply.split(" ");
                if (fields.length != 4 || Integer.parseInt(fields[0]) != i) {
                    throw new IOException("the load client stopped while offering load to " + servers.get(i).label()
                            + (reply == null ? " (see its error above)" : ": it said '" + reply + "'"));
                }
                sent[i][r] = Long.parseLong(fields[1]);
                seconds[i][r] = Long.parseLong(fields[2]) / 1e9;
                try {
                    histograms.get(i).set(r, Histogram.decodeFromCompressedByteBuffer(
                            ByteBuffer.wrap(Base64.getDecoder().decode(fields[3])), 0));
                } catch (DataFormatException | IllegalArgumentException e) {
                    throw new IOException("the load client's histogram for " + servers.get(i).label()
                            + " cannot be read", e);
                }
            }
        }
        List<Latency> latencies = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            latencies.add(new Latency(servers.get(i), rate, List.copyOf(histograms.get(i)), sent[i], seconds[i]));
        }
        return latencies;
    }

    /** The {@code i}th server's process, in the order the servers were given. */
    ProcessHandle server(int i) {
        return serverProcesses.get(i).toHandle();
    }

    /** Every server process but the {@code i}th, if servers can be stopped here; else none. */
    private List<ProcessHandle> othersThan(int i) {
        List<ProcessHandle> others = new ArrayList<>();
        for (int k = 0; ProcessPause.available() && k < serverProcesses.size(); k++) {
            if (k != i) {
                others.add(server(k));
            }
        }
        return others;
    }

    /**
     * Each thread's user and system clock ticks, by thread id, from {@code /proc/<pid>/task/<tid>/stat};
     * empty where there is no {@code /proc}. Threads that end while this reads are left out.
     */
    private static Map<String, Long> threadTicks(long pid) {
        Map<String, Long> ticks = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    // after the command name, which may hold spaces, in parentheses: state is field 3,
                    // utime field 14 and stime field 15 (proc(5))
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.put(task.getFileName().toString(), Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
                } catch (IOException | RuntimeException ended) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException noProc) {
            // not Linux: no per-thread figures
        }
        return ticks;
    }

    /** The most clock ticks any one thread used between the two readings; NaN without readings. */
    private static double busiestThreadTicks(Map<String, Long> before, Map<String, Long> after) {
        if (after.isEmpty()) {
            return Double.NaN;
        }
        long most = 0;
        for (Map.Entry<String, Long> e : after.entrySet()) {
            most = Math.max(most, e.getValue() - before.getOrDefault(e.getKey(), 0L));
        }
        return most;
    }

    private static long cpuNanos(ProcessHandle process) throws IOException {
        Duration cpu = process.info().totalCpuDuration()
                .orElseThrow(() -> new IOException("cannot read the CPU time of process " + process.pid()));
        return cpu.toNanos();
    }

    /**
     * Stops the load client (it closes its connections and exits), then every server (SIGTERM,
     * then SIGKILL after a few seconds), and waits for them.
     */
    @Override
    public void close() {
        if (commands != null) {
            commands.println("quit");
            commands.close();
        }
        // The client first, so that its connections are closed when the servers stop: a server
        // stopped with connections open cancels their tasks mid-read, and the streams servers
        // then log errors that have nothing to do with the echo.
        List<Process> all = new ArrayList<>();
        if (client != null) {
            all.add(client);
        }
        all.addAll(serverProcesses);
        if (client != null) {
            try {
                client.waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Process p : all) {
            p.destroy();
        }
        for (Process p : all) {
            try {
                if (!p.waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try {
            if (replies != null) {
                replies.close();
            }
        } catch (IOException ignored) {
            // the client is gone
        }
    }

    /** The port a server printed once it listened. */
    private static String port(Server server, Process process) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        Matcher m = line == null ? null : LISTENING.matcher(line);
        if (m == null || !m.find()) {
            throw new IOException("the " + server.label() + " server did not start listening (it said "
                    + line + "; see its error above)");
        }
        return m.group(1);
    }

    /** A command that runs a main class of this class path in a fresh JVM. */
    private static List<String> java(List<String> flags, String classPath, Class<?> main) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(flags);
        command.add("-cp");
        command.add(classPath);
        command.add(main.getName());
        return command;
    }

    /** The CPUs this process may run on, from /proc/self/status; else 0 to the processor count. */
    static List<Integer> allowedCpus() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    List<Integer> cpus = new ArrayList<>();
                    for (String range : line.substring(line.indexOf(':') + 1).trim().split(",")) {
                        String[] ends = range.split("-");
                        int from = Integer.parseInt(ends[0].trim());
                        int to = Integer.parseInt(ends[ends.length - 1].trim());
                        for (int c = from; c <= to; c++) {
                            cpus.add(c);
                        }
                    }
                    return cpus;
                }
            }
        } catch (IOException | RuntimeException notLinux) {
            // no /proc, or a format this does not know: count instead
        }
        List<Integer> cpus = new ArrayList<>();
        for (int c = 0; c < Runtime.getRuntime().availableProcessors(); c++) {
            cpus.add(c);
        }
        return cpus;
    }

    static Path onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
