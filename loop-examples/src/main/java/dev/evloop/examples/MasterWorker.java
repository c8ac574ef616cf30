package dev.evloop.examples;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.TaskGroup;
import dev.evloop.process.Subprocess;
import dev.evloop.process.SubprocessOptions;
import dev.evloop.process.SubprocessOptions.Stdio;
import dev.evloop.streams.IncompleteReadException;
import dev.evloop.streams.StreamReader;
import dev.evloop.streams.StreamWriter;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;

/**
 * Loops across processes: a master starts N worker JVMs, each running its own evloop loop, hands
 * them jobs over their stdin and stdout as length-prefixed messages, gathers the results, and
 * shuts them down gracefully. It is also the seeds' actor-per-process pattern: each
 * {@link Worker} is an actor with private state (how many jobs it did), one mailbox (its stdin),
 * messages handled one at a time, and replies on its stdout; nothing is shared but messages.
 *
 * <pre>{@code
 * ./evloop example MasterWorker [workers] [job...]      # 2 workers; jobs such as "primes 1000000"
 * }</pre>
 *
 * <p>The master side uses evloop's subprocess streams ({@link Async#createSubprocessExec}): each
 * worker is a {@link Subprocess} whose stdin is a {@link StreamWriter} and stdout a
 * {@link StreamReader}, so one loop thread drives every worker without blocking. A message is a
 * 4-byte big-endian length, then that many bytes of UTF-8; a length over {@link #MAX_MESSAGE} is
 * refused on both sides (the master kills a worker that sends one, a worker exits on one).
 *
 * <p>Faults: a worker that dies mid-job (or answers nothing within the job timeout, and is
 * killed) is noticed at once by the end of its stdout; its job is reported failed, not retried,
 * because a job that kills its worker would kill the next one too, and a fresh worker takes its
 * place for the jobs left. Shutting down closes each worker's stdin: the worker sees the end of
 * its mailbox and exits with 0; one that has not exited after {@link #STOP_TIMEOUT} is killed.
 * Every worker is waited for, so none is left running or unreaped.
 *
 * <p>The job {@code "crash"} makes a worker die as a bug would ({@code exit 70}), to show that.
 */
public final class MasterWorker {
    /** The largest message either side accepts, in bytes. */
    public static final int MAX_MESSAGE = 1024 * 1024;
    /** How long a worker may take for one job, its start included, before it is killed. */
    public static final Duration JOB_TIMEOUT = Duration.ofSeconds(60);
    /** How long a worker may take to exit after the end of its stdin before it is killed. */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    /** The largest {@code N} of {@code "primes N"}: a worker's sieve is {@code N} bytes. */
    public static final int MAX_PRIMES_BELOW = 50_000_000;
    /** A worker's exit status when its stdin breaks the message format. */
    public static final int EXIT_BAD_MESSAGE = 65;
    /** A worker's exit status for the {@code "crash"} job. */
    public static final int EXIT_CRASH = 70;

    private MasterWorker() {
    }

    /**
     * Runs the jobs on the workers and prints each outcome.
     *
     * @param args {@code [workers] [job...]}
     */
    public static void main(String[] args) {
        int workers = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        List<String> jobs = args.length > 1 ? List.of(Arrays.copyOfRange(args, 1, args.length))
                : List.of("primes 1000000", "primes 2000000", "primes 5000000", "crash", "primes 10000000");
        Summary summary = EventLoops.run(() -> run(workers, jobs));
        for (Outcome outcome : summary.outcomes()) {
            System.out.println(outcome);
        }
        System.out.println("workers' return codes by pid: " + summary.returnCodes());
    }

    /**
     * What one job came to.
     *
     * @param job    the job as given
     * @param ok     whether the worker answered it
     * @param answer the worker's answer, or why the job failed
     * @param pid    the worker that had it
     */
    public record Outcome(String job, boolean ok, String answer, long pid) {
    }

    /**
     * What a run came to.
     *
     * @param outcomes    one per job, in the jobs' order
     * @param returnCodes every worker started, by pid, with its return code
     */
    public record Summary(List<Outcome> outcomes, Map<Long, Integer> returnCodes) {
    }

    /**
     * Inside a task: starts {@code workers} worker processes, runs the jobs on them (each worker
     * takes the next job when it is done with one), stops them and waits for each.
     *
     * @param workers how many worker processes at most, at least 1 (no more than there are jobs)
     * @param jobs    the jobs
     * @return the outcomes and the workers' return codes
     * @throws IllegalArgumentException if {@code workers} is not positive
     * @throws dev.evloop.TaskGroupException carrying the {@link IOException} of a worker that cannot
     *         start (no {@code java} in {@code java.home}); the other workers are stopped first
     */
    public static Summary run(int workers, List<String> jobs) throws Exception {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        }
        ArrayDeque<Integer> next = new ArrayDeque<>();
        for (int i = 0; i < jobs.size(); i++) {
            next.add(i);
        }
        Outcome[] outcomes = new Outcome[jobs.size()];
        Map<Long, Integer> returnCodes = new LinkedHashMap<>();
        // A task group: if a worker cannot even start, the other slots are cancelled, and each
        // stops its worker on the way out, before run returns.
        try (TaskGroup slots = new TaskGroup()) {
            for (int i = 0; i < Math.min(workers, jobs.size()); i++) {
                slots.spawn(() -> {
                    serveSlot(jobs, next, outcomes, returnCodes);
                    return null;
                });
            }
        }
        return new Summary(Arrays.asList(outcomes), returnCodes);
    }

    /** One worker's place: takes jobs until none is left, replacing its worker if it dies. */
    private static void serveSlot(List<String> jobs, ArrayDeque<Integer> next, Outcome[] outcomes,
                                  Map<Long, Integer> returnCodes) throws IOException {
        Subprocess worker = startWorker();
        try {
            Integer index;
            while ((index = next.poll()) != null) {
                String job = jobs.get(index);
                Subprocess current = worker;
                try {
                    byte[] answer = Async.timeout(JOB_TIMEOUT, () -> {
                        writeMessage(current.stdin(), job.getBytes(StandardCharsets.UTF_8));
                        return readMessage(current.stdout());
                    });
                    outcomes[index] = new Outcome(job, true, new String(answer, StandardCharsets.UTF_8), worker.pid());
                } catch (IncompleteReadException | UncheckedIOException | TimeoutException | BadMessageException e) {
                    String why = e instanceof TimeoutException ? "no answer within " + JOB_TIMEOUT
                            : e instanceof BadMessageException ? e.getMessage() : "the worker died";
                    worker.kill(); // dead already, or no longer to be trusted
                    int code = worker.waitFor();
                    returnCodes.put(worker.pid(), code);
                    outcomes[index] = new Outcome(job, false, why + " (pid " + worker.pid() + ", return code "
                            + code + ")", worker.pid());
                    worker = startWorker();
                }
            }
        } finally {
            returnCodes.put(worker.pid(), stop(worker));
        }
    }

    /** Starts a worker JVM. */
    private static Subprocess startWorker() throws IOException {
        // The worker's stderr is ours: what it logs shows up here, and nothing can fill an unread pipe.
        return Async.createSubprocessExec(workerCommand(), SubprocessOptions.pipes().withStderr(Stdio.INHERIT)
                .withLimit(MAX_MESSAGE + 4));
    }

    /** A worker's command line: this JVM's java, class path and evloop flags, {@link Worker} as main. */
    static List<String> workerCommand() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // The flags that give evloop its task mode and its backend; no debugger or agent flags,
            // whose ports or files the workers would fight over.
            if (flag.startsWith("--add-opens") || flag.startsWith("--enable-native-access")
                    || flag.startsWith("-Dloop.backend=")) {
                command.add(flag);
            }
        }
        // A worker does one job at a time: a small heap and the serial collector start it fast.
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), Worker.class.getName()));
        return command;
    }

    /**
     * Stops a worker gracefully: the end of its stdin, then its exit; kills it if it has not exited
     * within {@link #STOP_TIMEOUT}.
     *
     * @return its return code
     */
    private static int stop(Subprocess worker) {
        worker.stdin().close();
        try {
            return Async.timeout(STOP_TIMEOUT, worker::waitFor);
        } catch (TimeoutException e) {
            worker.kill();
            return worker.waitFor();
        }
    }

    /** A message that breaks the format: a length over {@link #MAX_MESSAGE} or negative. */
    public static final class BadMessageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadMessageException(String message) {
            super(message);
        }
    }

    /**
     * Writes one message: its length, then its bytes; waits while the pipe is full.
     *
     * @throws BadMessageException if it is over {@link #MAX_MESSAGE}
     * @throws UncheckedIOException if the pipe is lost (the worker died)
     */
    static void writeMessage(StreamWriter writer, byte[] message) {
        if (message.length > MAX_MESSAGE) {
            throw new BadMessageException("message of " + message.length + " bytes is over the limit of "
                    + MAX_MESSAGE);
        }
        writer.write(ByteBuffer.allocate(4).putInt(0, message.length).array());
        writer.write(message);
        writer.drain();
    }

    /**
     * Reads one message.
     *
     * @throws BadMessageException if the length is negative or over {@link #MAX_MESSAGE}
     * @throws IncompleteReadException if the stream ends first
     */
    static byte[] readMessage(StreamReader reader) {
        int length = ByteBuffer.wrap(reader.readExactly(4)).getInt();
        if (length < 0 || length > MAX_MESSAGE) {
            throw new BadMessageException("message length " + Integer.toUnsignedString(length)
                    + " is over the limit of " + MAX_MESSAGE);
        }
        return reader.readExactly(length);
    }

    /**
     * A worker process: answers jobs from its stdin on its stdout until its stdin ends. Its loop
     * runs the jobs; stdin and stdout are read and written on an executor thread, because in Java
     * they are blocking streams, and a blocking read on the loop's thread would stall the loop.
     */
    public static final class Worker {
        private Worker() {
        }

        /**
         * Serves jobs until the end of stdin, then exits with 0; with {@link #EXIT_BAD_MESSAGE} if
         * stdin breaks the message format.
         *
         * @param args none
         */
        public static void main(String[] args) {
            // Messages are stdout's only bytes: anything printed goes to stderr instead.
            System.setOut(System.err);
            DataInputStream in = new DataInputStream(new BufferedInputStream(System.in));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)));
            ExecutorService stdio = Executors.newSingleThreadExecutor(r -> {
                Thread thread = new Thread(r, "worker-stdio");
                thread.setDaemon(true);
                return thread;
            });
            int status;
            try {
                status = EventLoops.run(() -> serve(in, out, stdio));
            } finally {
                stdio.shutdownNow();
            }
            System.exit(status);
        }

        private static int serve(DataInputStream in, DataOutputStream out, ExecutorService stdio) {
            EventLoop loop = Async.currentLoop();
            long pid = ProcessHandle.current().pid();
            int done = 0; // the actor's private state
            while (true) {
                byte[] message;
                try {
                    message = loop.runInExecutor(stdio, () -> readBlocking(in)).await();
                } catch (java.util.concurrent.CompletionException e) {
                    System.err.println("worker " + pid + ": " + e.getCause().getMessage());
                    return EXIT_BAD_MESSAGE;
                }
                if (message == null) {
                    return 0; // the master closed our stdin: time to go
                }
                String job = new String(message, StandardCharsets.UTF_8);
                done++;
                byte[] answer = (pid + " job " + done + ": " + answer(job)).getBytes(StandardCharsets.UTF_8);
                loop.runInExecutor(stdio, () -> {
                    out.writeInt(answer.length);
                    out.write(answer);
                    out.flush();
                    return null;
                }).await();
            }
        }

        /** A message, or {@code null} at the end of stdin between messages. */
        private static byte[] readBlocking(DataInputStream in) throws IOException {
            int length;
            try {
                length = in.readInt();
            } catch (EOFException end) {
                return null;
            }
            if (length < 0 || length > MAX_MESSAGE) {
                throw new ProtocolException("message length " + Integer.toUnsignedString(length)
                        + " is over the limit of " + MAX_MESSAGE);
            }
            byte[] message = in.readNBytes(length);
            if (message.length < length) {
                throw new EOFException("stdin ended inside a message of " + length + " bytes");
            }
            return message;
        }

        /** Runs one job; a job it does not know is answered as such, never run. */
        static String answer(String job) {
            String[] words = job.trim().split(" +");
            if (words.length == 1 && words[0].equals("crash")) {
                Runtime.getRuntime().halt(EXIT_CRASH); // dies as a bug would: no clean-up, no answer
            }
            if (words.length == 2 && words[0].equals("primes")) {
                int below;
                try {
                    below = Integer.parseInt(words[1]);
                } catch (NumberFormatException e) {
                    return "error: not a number: " + words[1];
                }
                if (below < 0 || below > MAX_PRIMES_BELOW) {
                    return "error: N must be from 0 to " + MAX_PRIMES_BELOW + ", got " + below;
                }
                return "primes below " + below + ": " + countPrimes(below);
            }
            return "error: unknown job (try \"primes N\")";
        }

        /** The sieve of Eratosthenes. */
        static int countPrimes(int below) {
            boolean[] composite = new boolean[Math.max(below, 2)];
            int count = 0;
            for (int i = 2; i < below; i++) {
                if (!composite[i]) {
                    count++;
                    for (long j = (long) i * i; j < below; j += i) {
                        composite[(int) j] = true;
                    }
                }
            }
            return count;
        }
    }
}
