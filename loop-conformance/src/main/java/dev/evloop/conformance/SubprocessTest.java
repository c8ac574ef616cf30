package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.Task;
import dev.evloop.process.Subprocess;
import dev.evloop.process.SubprocessConnection;
import dev.evloop.process.SubprocessOptions;
import dev.evloop.process.SubprocessProtocol;
import dev.evloop.process.SubprocessTransport;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.evloop.process.SubprocessOptions.Stdio;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Child processes, streams style and protocol style, on every backend and task mode. Every test
 * that runs the loop while a child runs does it through {@link #inTask}, next to a ticker task that
 * must keep its pace: a pipe read or write blocking the loop's thread stalls it for as long as
 * the child takes.
 */
class SubprocessTest extends BackendTest {
    private static final SubprocessOptions PIPES = SubprocessOptions.pipes();
    /** The ticker's period. */
    private static final double TICK_SECONDS = 0.005;
    /**
     * The longest gap between two ticks a test allows: above what a loaded host delays a timer by
     * (up to about 3 s seen with 200 children starting at once on 2 busy cores), far below what a
     * stalled loop shows: 15 s for 200 starts made on the loop's thread, the life of a
     * {@code sleep 30} child for a blocking pipe read.
     */
    private static final Duration PACE = Duration.ofSeconds(5);

    /** Runs {@code body} as a task, with a ticker next to it, and checks that the ticker kept its pace. */
    private <T> T inTask(Callable<T> body) {
        long[] worstGap = {0};
        boolean[] done = {false};
        Task<Void> ticker = loop.createTask(() -> {
            long last = System.nanoTime();
            while (!done[0]) {
                Async.sleep(TICK_SECONDS);
                long now = System.nanoTime();
                worstGap[0] = Math.max(worstGap[0], now - last);
                last = now;
            }
            return null;
        });
        Throwable failure = null;
        try {
            return loop.runUntilComplete(loop.createTask(body));
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            done[0] = true;
            loop.runUntilComplete(ticker);
            if (worstGap[0] >= PACE.toNanos()) {
                AssertionError stalled = new AssertionError("the loop stalled: its ticker's longest gap was "
                        + Duration.ofNanos(worstGap[0]) + ", over " + PACE);
                if (failure != null) {
                    stalled.addSuppressed(failure);
                }
                throw stalled;
            }
        }
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void twoTasksDrainingAChildsStdinAtOnceBothReturnOnceItDrains() {
        int returned = inTask(() -> {
            Subprocess child = Async.createSubprocessExec(List.of("sh", "-c", "cat > /dev/null"), PIPES);
            int n = StreamsTest.drainersThatReturn(child.stdin(), () -> { });
            child.stdin().close();
            child.waitFor();
            return n;
        });
        assertEquals(2, returned);
    }

    @Test
    void catEchoesEveryByteFromOneByteToEightMebibytes() {
        for (int size : new int[] {1, 64 * 1024 + 1, 8 * 1024 * 1024}) {
            byte[] input = random(size);
            Subprocess.Output out = inTask(() -> Async.createSubprocessExec(List.of("cat"), PIPES).communicate(input));
            assertArrayEquals(input, out.stdout(), size + " bytes");
            assertEquals(0, out.stderr().length);
        }
    }

    @Test
    void theExitStatusIsTheReturnCode() {
        assertEquals(3, inTask(() -> Async.createSubprocessShell("exit 3", PIPES).waitFor()));
    }

    @Test
    void returncodeIsNullWhileTheChildRunsAndMinusNineAfterKill() {
        List<Integer> seen = inTask(() -> {
            Subprocess child = Async.createSubprocessExec(List.of("sleep", "30"), PIPES);
            Integer running = child.returncode();
            child.kill();
            int code = child.waitFor();
            return java.util.Arrays.asList(running, code, child.returncode());
        });
        assertEquals(java.util.Arrays.asList(null, -9, -9), seen);
    }

    @Test
    void terminateAndOtherSignalsGiveMinusTheirNumber() {
        assertEquals(List.of(-15, -10), inTask(() -> {
            Subprocess a = Async.createSubprocessExec(List.of("sleep", "30"), PIPES);
            a.terminate();
            Subprocess b = Async.createSubprocessExec(List.of("sleep", "30"), PIPES);
            b.sendSignal(10);
            return List.of(a.waitFor(), b.waitFor());
        }));
    }

    /**
     * A deliberate difference: asyncio raises {@code ProcessLookupError} from {@code kill()} once
     * the exit was reported (its transport dropped the process), a race every watchdog has to
     * catch; here a signal to a child that exited does nothing, before the exit was heard or after.
     */
    @Test
    void signalsToAChildThatExitedDoNothing() {
        assertEquals(List.of(0, 0), inTask(() -> {
            Subprocess reported = Async.createSubprocessExec(List.of("true"), PIPES);
            int code = reported.waitFor();
            Subprocess unheard = Async.createSubprocessExec(List.of("true"), PIPES);
            ProcessHandle.of(unheard.pid()).ifPresent(child -> child.onExit().join());
            for (Subprocess child : List.of(reported, unheard)) {
                child.sendSignal(10);
                child.terminate();
                child.kill();
            }
            assertEquals(0, reported.returncode());
            return List.of(code, unheard.waitFor());
        }));
    }

    /**
     * As asyncio's {@code send_signal}, an {@code os.kill}: the signal is sent when the call
     * returns, so of two fatal signals sent one after the other the first is the one the child
     * dies of (Linux ignores a fatal signal that comes after another began the process's exit).
     */
    @Test
    void aSignalIsSentBeforeSendSignalReturns() {
        assumeTrue(Runtime.version().feature() >= 22, "Java 21 sends it through the kill command, which runs later");
        assertEquals(-10, inTask(() -> {
            Subprocess child = Async.createSubprocessExec(List.of("sleep", "30"), PIPES);
            child.sendSignal(10);
            child.kill();
            return child.waitFor();
        }));
    }

    /**
     * As asyncio's {@code terminate()}, which only sends the signal: a child that answers
     * {@code SIGTERM} by writing still has its last words read. The JDK's {@code Process.destroy}
     * also closes the streams it gave, so a child whose pipes are the JDK's would lose them.
     */
    @Test
    void aChildThatAnswersTerminateByWritingHasItsLastWordsRead() {
        List<String> seen = inTask(() -> {
            Subprocess child = Async.createSubprocessShell(
                    "trap 'echo bye; exit 3' TERM; echo ready; for i in $(seq 100); do sleep 0.05; done", PIPES);
            String ready = text(child.stdout().readLine());
            child.terminate();
            return List.of(ready, text(child.stdout().read()), String.valueOf(child.waitFor()));
        });
        assertEquals(List.of("ready\n", "bye\n", "3"), seen);
    }

    @Test
    void whatAKilledChildLeftInItsPipeIsStillReadThenTheEndOfFile() {
        assertEquals(List.of(4096, -9), inTask(() -> {
            Subprocess child = Async.createSubprocessShell("head -c 4096 /dev/zero; exec sleep 5", PIPES);
            child.stdout().readExactly(1);
            child.kill();
            int rest = child.stdout().read().length;
            return List.of(rest + 1, child.waitFor());
        }));
    }

    @Test
    void waitingForAChildFromATaskOfAnotherLoopIsRefusedNamingTheLoops() {
        Subprocess child = inTask(() -> Async.createSubprocessExec(List.of("true"), PIPES));
        try (EventLoop other = EventLoops.newEventLoop(backend())) {
            for (Callable<?> wait : List.<Callable<?>>of(child::waitFor, () -> child.communicate(null))) {
                IllegalArgumentException e = other.runUntilComplete(other.createTask(
                        () -> assertThrows(IllegalArgumentException.class, wait::call)));
                assertTrue(e.getMessage().contains("belongs to"), e.getMessage());
            }
        }
        assertEquals(0, inTask(child::waitFor));
    }

    @Test
    void aProgramThatDoesNotExistFailsWithAnIOExceptionNamingIt() {
        IOException e = inTask(() -> assertThrows(IOException.class,
                () -> Async.createSubprocessExec(List.of("no-such-program-evloop"), PIPES)));
        assertTrue(e.getMessage().contains("no-such-program-evloop"), e.getMessage());
    }

    @Test
    void manyFailedStartsLeaveTheOpenDescriptorsWhereTheyWere() throws Exception {
        OpenFileDescriptors.assumeCountable();
        inTask(() -> assertThrows(IOException.class, () -> Async.createSubprocessExec(List.of("no-such-program-evloop"), PIPES)));
        long before = OpenFileDescriptors.count();
        int attempts = soak(5000);
        int failed = inTask(() -> {
            int n = 0;
            for (int i = 0; i < attempts; i++) {
                try {
                    Async.createSubprocessExec(List.of("no-such-program-evloop"), PIPES);
                } catch (IOException expected) {
                    n++;
                }
            }
            return n;
        });
        assertEquals(attempts, failed);
        OpenFileDescriptors.assertNoMoreThan(before, "after " + attempts + " failed starts, each with its three pipes made and closed");
    }

    @Test
    void badArgumentsFailAtTheCallNamingThem() {
        inTask(() -> {
            IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                    () -> Async.createSubprocessExec(List.of(), PIPES));
            assertTrue(empty.getMessage().startsWith("command"), empty.getMessage());
            NullPointerException noOptions = assertThrows(NullPointerException.class,
                    () -> Async.createSubprocessExec(List.of("true"), null));
            assertEquals("options", noOptions.getMessage());
            return null;
        });
        IllegalArgumentException stdout = assertThrows(IllegalArgumentException.class,
                () -> PIPES.withStdout(Stdio.STDOUT));
        assertTrue(stdout.getMessage().contains("stdout"), stdout.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PIPES.withLimit(0));
    }

    @Test
    void drainAfterTheChildExitedRaisesConnectionLost() {
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> inTask(() -> {
            Subprocess child = Async.createSubprocessExec(List.of("true"), PIPES.withStdout(Stdio.DEVNULL).withStderr(Stdio.DEVNULL));
            child.waitFor();
            for (int i = 0; i < 100; i++) {
                child.stdin().write(new byte[64 * 1024]);
                child.stdin().drain();
            }
            return null;
        }));
        assertEquals("Connection lost", e.getMessage());
    }

    @Test
    void aWriterToAChildThatNeverReadsGetsAnErrorWhenTheChildIsKilled() {
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> inTask(() -> {
            Subprocess child = Async.createSubprocessExec(List.of("sleep", "30"), PIPES);
            loop.callLater(0.2, child::kill);
            for (int i = 0; i < 10_000; i++) {
                child.stdin().write(new byte[32 * 1024]);
                child.stdin().drain();
            }
            return null;
        }));
        assertTrue(e.getCause() != null);
        assertTrue(loop.isClosed() == false, "the loop still runs tasks");
        assertEquals(1, inTask(() -> 1));
    }

    @Test
    void communicateReturnsSeveralMebibytesOnBothStreamsWithoutDeadlock() {
        Subprocess.Output out = inTask(() -> Async.createSubprocessShell(
                "head -c 4194304 /dev/zero; head -c 3145728 /dev/zero >&2", PIPES).communicate(null));
        assertEquals(4 * 1024 * 1024, out.stdout().length);
        assertEquals(3 * 1024 * 1024, out.stderr().length);
    }

    @Test
    void stderrMergedIntoStdoutArrivesOnStdout() {
        Subprocess.Output out = inTask(() -> Async.createSubprocessShell("echo out; echo err >&2",
                PIPES.withStderr(Stdio.STDOUT)).communicate(null));
        assertEquals("out\nerr\n", text(out.stdout()));
        assertNull(out.stderr());
    }

    @Test
    void devnullGivesAnEmptyStdinAndSwallowsOutput() {
        Subprocess.Output out = inTask(() -> Async.createSubprocessShell("wc -c; echo lost >&2",
                PIPES.withStdin(Stdio.DEVNULL).withStderr(Stdio.DEVNULL)).communicate(null));
        assertEquals("0", text(out.stdout()).trim());
        assertNull(out.stderr());
    }

    @Test
    void filesCanBeStdinAndStdout(@TempDir Path dir) throws IOException {
        Path in = Files.writeString(dir.resolve("in"), "from a file\n");
        Path out = dir.resolve("out");
        int code = inTask(() -> Async.createSubprocessExec(List.of("cat"),
                PIPES.withStdin(Stdio.file(in)).withStdout(Stdio.file(out))).waitFor());
        assertEquals(0, code);
        assertEquals("from a file\n", Files.readString(out));
    }

    @Test
    void stdoutCanGoToDevnullAndStderrToAFile(@TempDir Path dir) throws IOException {
        Path err = dir.resolve("err");
        List<Object> seen = inTask(() -> {
            Subprocess child = Async.createSubprocessShell("echo lost; echo kept >&2",
                    PIPES.withStdout(Stdio.DEVNULL).withStderr(Stdio.file(err)));
            boolean noOutputPipes = child.stdout() == null && child.stderr() == null;
            return List.of(noOutputPipes, child.communicate(null).stdout() == null, child.waitFor());
        });
        assertEquals(List.of(true, true, 0), seen);
        assertEquals("kept\n", Files.readString(err));
    }

    @Test
    void inheritedStreamsHaveNoPipes() {
        assertTrue(inTask(() -> {
            Subprocess child = Async.createSubprocessExec(List.of("true"), SubprocessOptions.defaults());
            boolean none = child.stdin() == null && child.stdout() == null && child.stderr() == null;
            return none && child.waitFor() == 0;
        }));
    }

    @Test
    void theEnvironmentCanBeAddedToOrReplacedAndTheDirectoryChosen(@TempDir Path dir) throws IOException {
        String added = text(inTask(() -> Async.createSubprocessShell("echo $EVLOOP_X:${HOME:+home}",
                PIPES.withAddedEnvironment(Map.of("EVLOOP_X", "1"))).communicate(null).stdout()));
        String replaced = text(inTask(() -> Async.createSubprocessExec(List.of("/usr/bin/env"),
                PIPES.withEnvironment(Map.of("ONLY", "this"))).communicate(null).stdout()));
        String where = text(inTask(() -> Async.createSubprocessExec(List.of("pwd"),
                PIPES.withDirectory(dir)).communicate(null).stdout()));
        assertEquals("1:home\n", added);
        assertEquals("ONLY=this\n", replaced);
        assertEquals(dir.toRealPath().toString() + "\n", where);
    }

    @Test
    void cancellingATaskWaitingInCommunicateLeavesTheChildRunning() {
        assertEquals(-9, inTask(() -> {
            Subprocess child = Async.createSubprocessExec(List.of("sleep", "30"), PIPES);
            Task<?> waiting = loop.createTask(() -> child.communicate(null));
            loop.callLater(0.1, waiting::cancel);
            assertThrows(CancellationException.class, waiting::await);
            assertNull(child.returncode());
            assertTrue(ProcessHandle.of(child.pid()).map(ProcessHandle::isAlive).orElse(false), "still running");
            child.kill();
            return child.waitFor();
        }));
    }

    /**
     * A shell that leaves a grandchild holding its stdout and stderr, prints its pid, and exits 7.
     * Where the JDK's pipes are pumped (selector, kqueue) the JDK closes its end of them at the
     * child's exit, so there the output ends then too; elsewhere it stays open until the grandchild
     * goes.
     */
    private static final String EXITS_WHILE_A_GRANDCHILD_HOLDS_ITS_OUTPUT = "sleep 300 & echo $!; exit 7";

    /** Kills the grandchild, then reads the child's output to its end, which closes its pipes. */
    private static void killGrandchildAndDrain(Subprocess child, long grandchild) {
        ProcessHandle.of(grandchild).ifPresent(ProcessHandle::destroyForcibly);
        child.stdout().read();
        child.stderr().read();
    }

    @Test
    void waitForReturnsAtTheChildsExitWhileAGrandchildHoldsItsStdoutOpen() {
        assertEquals(7, inTask(() -> {
            Subprocess child = Async.createSubprocessShell(EXITS_WHILE_A_GRANDCHILD_HOLDS_ITS_OUTPUT, PIPES);
            long grandchild = Long.parseLong(text(child.stdout().readLine()).trim());
            try {
                return Async.waitFor(loop.createTask(child::waitFor), GUARD);
            } finally {
                killGrandchildAndDrain(child, grandchild);
            }
        }));
    }

    @Test
    void returncodeIsSetAtTheChildsExitWhileAGrandchildHoldsItsStdoutOpen() {
        assertEquals(7, inTask(() -> {
            Subprocess child = Async.createSubprocessShell(EXITS_WHILE_A_GRANDCHILD_HOLDS_ITS_OUTPUT, PIPES);
            long grandchild = Long.parseLong(text(child.stdout().readLine()).trim());
            try {
                // Bounded polling: nothing but the loop hearing of the exit may set it.
                long deadline = System.nanoTime() + GUARD.toNanos();
                while (child.returncode() == null && System.nanoTime() < deadline) {
                    Async.sleep(0.01);
                }
                return child.returncode();
            } finally {
                killGrandchildAndDrain(child, grandchild);
            }
        }));
    }

    @Test
    void processExitedComesAtTheChildsExitWhileAGrandchildHoldsItsStdoutOpen() {
        assumeTrue(!watchesChannels() && System.getProperty("os.name").startsWith("Linux"),
                "only where evloop makes the child's pipes does a grandchild hold them open past the child's exit");
        SubprocessConnection<Recorder> c = inTask(() -> loop.subprocessShell(Recorder::new,
                EXITS_WHILE_A_GRANDCHILD_HOLDS_ITS_OUTPUT, PIPES.withStdin(Stdio.DEVNULL)).await());
        Recorder protocol = c.protocol();
        long grandchild = inTask(() -> {
            // Bounded polling: only the child's output and exit may end it.
            long deadline = System.nanoTime() + GUARD.toNanos();
            while ((!protocol.out.toString().endsWith("\n") || !protocol.events.contains("exited 7"))
                    && System.nanoTime() < deadline) {
                Async.sleep(0.01);
            }
            return Long.parseLong(protocol.out.toString().trim());
        });
        try {
            assertTrue(protocol.events.contains("exited 7"), protocol.events.toString());
            assertFalse(protocol.events.contains("lost"), "no loss while output may still come: " + protocol.events);
        } finally {
            ProcessHandle.of(grandchild).ifPresent(ProcessHandle::destroyForcibly);
        }
        runUntilLost(protocol);
        assertEquals("lost", protocol.events.getLast());
    }

    @Test
    void cancellingATaskWaitingForTheExitLeavesTheChildRunning() {
        assertEquals(-9, inTask(() -> {
            Subprocess child = Async.createSubprocessExec(List.of("sleep", "30"), PIPES);
            Task<?> waiting = loop.createTask(child::waitFor);
            loop.callLater(0.1, waiting::cancel);
            assertThrows(CancellationException.class, waiting::await);
            assertTrue(ProcessHandle.of(child.pid()).map(ProcessHandle::isAlive).orElse(false), "still running");
            child.kill();
            return child.waitFor();
        }));
    }

    @Test
    void twoHundredConcurrentChildrenEachAnswerWithTheirOwnOutput() {
        List<String> answers = inTask(() -> {
            List<Task<String>> children = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String word = "child-" + i;
                children.add(loop.createTask(() -> text(Async.createSubprocessExec(List.of("echo", word), PIPES)
                        .communicate(null).stdout())));
            }
            List<String> all = new ArrayList<>();
            for (Task<String> child : children) {
                all.add(child.await());
            }
            return all;
        });
        for (int i = 0; i < 200; i++) {
            assertEquals("child-" + i + "\n", answers.get(i));
        }
    }

    @Test
    void descriptorsAreBackToBaselineAfterManySpawnAndCommunicateCycles() throws Exception {
        OpenFileDescriptors.assumeCountable();
        inTask(() -> Async.createSubprocessExec(List.of("cat"), PIPES).communicate(new byte[10]));
        long before = OpenFileDescriptors.count();
        int cycles = soak(1000);
        inTask(() -> {
            for (int i = 0; i < cycles; i++) {
                assertEquals(10, Async.createSubprocessExec(List.of("cat"), PIPES).communicate(new byte[10]).stdout().length);
            }
            return null;
        });
        // Where pump threads move the bytes, they close their pipes as they end, just after the loop heard the end of file.
        OpenFileDescriptors.assertNoMoreThan(before, "after " + cycles + " spawn and communicate cycles");
    }

    /** Whether this backend watches channels (the selector does) or file descriptors (the native ones). */
    private static boolean watchesChannels() {
        return backendProvider().ioWatchFactory().watchesChannels();
    }

    /** The live threads pumping a pipe of the child with this pid: their names end with it. */
    private static List<String> pumpThreadsOf(long pid) {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.startsWith("evloop-pipe-") && name.endsWith("(pid " + pid + ")")).toList();
    }

    @Test
    void aChildsPipesAreWatchedByTheLoopWithNoPumpThreadOnABackendThatWatchesDescriptors() {
        assumeTrue(!watchesChannels(), "the selector backend pumps a child's pipes: the JDK gives no descriptor of a Pipe");
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "children's pipes are watched on Linux");
        List<String> pumps = inTask(() -> {
            Subprocess child = Async.createSubprocessExec(List.of("cat"), PIPES);
            child.stdin().write("ping\n".getBytes(StandardCharsets.UTF_8));
            child.stdin().drain();
            assertEquals("ping\n", text(child.stdout().readLine()));
            List<String> running = pumpThreadsOf(child.pid());
            child.stdin().close();
            assertEquals(0, child.waitFor());
            return running;
        });
        assertEquals(List.of(), pumps, "threads pumping the child's stdin, stdout or stderr");
    }

    @Test
    void aTickerKeepsTickingWhileEightMebibytesGoThroughCat() {
        int size = 8 * 1024 * 1024;
        int[] ticks = {0};
        boolean[] done = {false};
        Task<?> ticker = loop.createTask(() -> {
            while (!done[0]) {
                Async.sleep(0);
                ticks[0]++;
            }
            return null;
        });
        int ticked = inTask(() -> {
            int before = ticks[0];
            byte[] input = random(size);
            assertArrayEquals(input, Async.createSubprocessExec(List.of("cat"), PIPES).communicate(input).stdout());
            return ticks[0] - before;
        });
        done[0] = true;
        loop.runUntilComplete(ticker);
        // A read takes at most READ_SIZE (256 KiB) and runs once per iteration, as the ticker does.
        assertTrue(ticked >= size / (256 * 1024), "ticked " + ticked + " times while 8 MiB went through");
    }

    @Test
    void aTickerKeepsTickingWhileAChildRuns() {
        int[] ticks = {0};
        boolean[] done = {false};
        Task<?> ticker = loop.createTask(() -> {
            while (!done[0]) {
                Async.sleep(0.005);
                ticks[0]++;
            }
            return null;
        });
        int code = inTask(() -> {
            Subprocess child = Async.createSubprocessShell("sleep 0.3; echo done", PIPES);
            int before = ticks[0];
            byte[] out = child.communicate(null).stdout();
            assertEquals("done\n", text(out));
            assertTrue(ticks[0] - before >= 5, "ticked " + (ticks[0] - before) + " times while the child ran");
            return child.waitFor();
        });
        done[0] = true;
        loop.runUntilComplete(ticker);
        assertEquals(0, code);
    }

    /** Records a protocol's events in order. */
    static class Recorder implements SubprocessProtocol {
        final List<String> events = new ArrayList<>();
        final StringBuilder out = new StringBuilder();
        SubprocessTransport transport;

        @Override
        public void subprocessMade(SubprocessTransport transport) {
            this.transport = transport;
            events.add("made");
        }

        @Override
        public void pipeDataReceived(int fd, ByteBuffer data) {
            out.append(StandardCharsets.UTF_8.decode(data));
        }

        @Override
        public void pipeConnectionLost(int fd, Throwable cause) {
            events.add("pipe " + fd + " lost");
        }

        @Override
        public void processExited() {
            events.add("exited " + transport.getReturncode());
        }

        @Override
        public void connectionLost(Throwable cause) {
            events.add("lost");
        }
    }

    @Test
    void processExitedComesBeforeConnectionLostWhichComesOnceBothOutputPipesReachedTheirEnd() {
        SubprocessConnection<Recorder> c = inTask(() -> {
            SubprocessConnection<Recorder> started = loop.subprocessExec(Recorder::new,
                    List.of("sh", "-c", "echo hi; exit 4"), PIPES.withStdin(Stdio.DEVNULL)).await();
            long deadline = System.nanoTime() + GUARD.toNanos();
            while (!started.protocol().events.contains("lost") && System.nanoTime() < deadline) {
                Async.sleep(0.01);
            }
            return started;
        });
        List<String> events = c.protocol().events;
        assertEquals("made", events.getFirst());
        assertEquals("lost", events.getLast());
        assertEquals(5, events.size(), events.toString());
        assertTrue(events.containsAll(List.of("exited 4", "pipe 1 lost", "pipe 2 lost")), events.toString());
        assertEquals("hi\n", c.protocol().out.toString());
        assertNull(c.transport().getPipeTransport(0));
        assertThrows(IllegalArgumentException.class, () -> c.transport().getPipeTransport(3));
    }

    /**
     * asyncio's {@code _try_finish} waits for every pipe, stdin too: a child that exits leaving a
     * grandchild holding its stdin, with bytes still to write to it, has its transport lost only
     * once that stdin ended (the grandchild's exit breaks it), after its {@code pipeConnectionLost}.
     */
    @Test
    void connectionLostComesAfterStdinsPipeConnectionLostWhereAGrandchildHeldStdinPastTheExit() {
        SubprocessConnection<Recorder> c = inTask(() -> {
            SubprocessConnection<Recorder> started = loop.subprocessExec(Recorder::new, List.of("sh", "-c",
                    "exec 3<&0; sleep 1 <&3 >/dev/null 2>&1 & sleep 0.2; exit 0"), PIPES).await();
            started.transport().getPipeTransport(0).write(new byte[1 << 20]);
            long deadline = System.nanoTime() + GUARD.toNanos();
            while (!started.protocol().events.containsAll(List.of("lost", "pipe 0 lost")) && System.nanoTime() < deadline) {
                Async.sleep(0.01);
            }
            return started;
        });
        List<String> events = c.protocol().events;
        assertTrue(events.containsAll(List.of("exited 0", "pipe 0 lost", "pipe 1 lost", "pipe 2 lost")), events.toString());
        assertEquals("lost", events.getLast(), events.toString());
        assertEquals(6, events.size(), events.toString());
    }

    /** asyncio connects a child's pipes before {@code connection_made}, where a protocol may use them. */
    @Test
    void whatSubprocessMadeWritesToStdinReachesTheChild() {
        SubprocessConnection<Recorder> c = inTask(() -> {
            SubprocessConnection<Recorder> started = loop.<Recorder>subprocessExec(() -> new Recorder() {
                @Override
                public void subprocessMade(SubprocessTransport transport) {
                    super.subprocessMade(transport);
                    transport.getPipeTransport(0).write("hello".getBytes(StandardCharsets.UTF_8));
                    transport.getPipeTransport(0).close();
                }
            }, List.of("cat"), PIPES).await();
            long deadline = System.nanoTime() + GUARD.toNanos();
            while (!started.protocol().events.contains("lost") && System.nanoTime() < deadline) {
                Async.sleep(0.01);
            }
            return started;
        });
        assertEquals("hello", c.protocol().out.toString());
        assertEquals("lost", c.protocol().events.getLast(), c.protocol().events.toString());
    }

    /** Counts a child's stdout bytes and whether writing was paused. */
    static final class Counting extends Recorder {
        long received;
        boolean writingPaused;

        @Override
        public void pipeDataReceived(int fd, ByteBuffer data) {
            received += data.remaining();
        }

        @Override
        public void pauseWriting() {
            writingPaused = true;
        }
    }

    private void runUntilLost(Recorder protocol) {
        long deadline = System.nanoTime() + GUARD.toNanos();
        while (!protocol.events.contains("lost") && System.nanoTime() < deadline) {
            loop.runOnce(false);
            Thread.onSpinWait();
        }
        assertTrue(protocol.events.contains("lost"), "the child's transport was lost within " + GUARD);
    }

    @Test
    void aPausedStdoutDeliversNothingUntilResumedThenEveryByte() {
        int size = 4 * 1024 * 1024;
        SubprocessConnection<Counting> c = loop.runUntilComplete(loop.subprocessExec(Counting::new,
                List.of("head", "-c", Integer.toString(size), "/dev/zero"), PIPES.withStdin(Stdio.DEVNULL)));
        c.transport().getPipeTransport(1).pauseReading();
        loop.runUntilComplete(loop.createTask(() -> {
            Async.sleep(0.2);
            return null;
        }));
        long whilePaused = c.protocol().received;
        c.transport().getPipeTransport(1).resumeReading();
        runUntilLost(c.protocol());
        // Bytes read before the pause took effect (the first iteration) may have arrived; no more.
        assertTrue(whilePaused <= 256 * 1024, whilePaused + " bytes arrived while paused");
        assertEquals(size, c.protocol().received);
    }

    @Test
    void writingMoreThanTheHighWaterMarkToAChildThatDoesNotReadPausesTheProtocol() {
        SubprocessConnection<Counting> c = loop.runUntilComplete(loop.subprocessExec(Counting::new,
                List.of("sleep", "30"), PIPES));
        dev.evloop.net.Transport stdin = c.transport().getPipeTransport(0);
        stdin.write(new byte[1024 * 1024]);
        assertTrue(c.protocol().writingPaused, "pauseWriting after 1 MiB the child does not read");
        assertTrue(stdin.writeBufferSize() > 64 * 1024, "buffered: " + stdin.writeBufferSize());
        c.transport().kill();
        runUntilLost(c.protocol());
        assertEquals(-9, c.transport().getReturncode());
    }

    @Test
    void aThrowingProtocolFactoryFailsTheCallAndStartsNoChild() throws Exception {
        OpenFileDescriptors.assumeCountable();
        long before = OpenFileDescriptors.count();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.subprocessExec(() -> {
            throw new IllegalStateException("no protocol");
        }, List.of("sleep", "30"), PIPES));
        assertEquals("no protocol", e.getMessage());
        OpenFileDescriptors.assertNoMoreThan(before, "no child, no pipes");
    }

    @Test
    void aClosedLoopRefusesToStartAChild() throws Exception {
        OpenFileDescriptors.assumeCountable();
        EventLoop other = EventLoops.newEventLoop(backend());
        other.close();
        long before = OpenFileDescriptors.count();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> other.subprocessExec(Recorder::new, List.of("sleep", "30"), PIPES));
        assertEquals("event loop is closed", e.getMessage());
        OpenFileDescriptors.assertNoMoreThan(before, "no child, no pipes");
    }

    @Test
    void closingTheLoopClosesThePipesAndLeavesARunningChildRunning() {
        EventLoop other = EventLoops.newEventLoop(backend());
        Subprocess child = other.runUntilComplete(other.createTask(
                () -> Async.createSubprocessExec(List.of("sleep", "30"), PIPES)));
        other.close();
        ProcessHandle handle = ProcessHandle.of(child.pid()).orElseThrow();
        try {
            assertTrue(handle.isAlive(), "a child still running is left running");
            assertTrue(child.stdin().transport().isClosing(), "its stdin pipe is closed");
        } finally {
            handle.destroyForcibly();
        }
    }

    /**
     * A backend that watches the child's pipes closes them with the loop. Where threads pump the
     * JDK's streams (the selector, kqueue), a thread blocked reading a pipe cannot be woken and
     * closes it when the read returns: when the child writes or exits. Either way none is left
     * once the child is gone, and the child is reaped, not left a zombie.
     */
    @Test
    void closingTheLoopLeavesNoDescriptorOfARunningChildsPipesOnceItExits() throws Exception {
        OpenFileDescriptors.assumeCountable();
        long before = OpenFileDescriptors.count();
        EventLoop other = EventLoops.newEventLoop(backend());
        Subprocess child = other.runUntilComplete(other.createTask(
                () -> Async.createSubprocessExec(List.of("sleep", "30"), PIPES)));
        other.close();
        ProcessHandle handle = ProcessHandle.of(child.pid()).orElseThrow();
        try {
            if (!watchesChannels()) {
                OpenFileDescriptors.assertNoMoreThan(before, "the pipes of a running child after the loop closed");
            }
        } finally {
            handle.destroyForcibly();
        }
        handle.onExit().get(GUARD.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        OpenFileDescriptors.assertNoMoreThan(before, "the pipes of a child that exited after the loop closed");
        assertTrue(Files.notExists(Path.of("/proc/" + child.pid())), "the child was reaped");
    }

    /**
     * A start finishes on a thread of its own. When the loop closes after that thread handed the
     * child to the loop but before the loop ran the hand-over, nobody will ever hear of the child:
     * it is killed and its pipes closed, not left running ({@code cat} on a pipe nobody closes
     * would run forever) with the pipes' descriptors open.
     */
    @Test
    void aChildWhoseStartFinishesJustBeforeTheLoopClosesIsKilledAndItsPipesClosed() throws Exception {
        OpenFileDescriptors.assumeCountable();
        long before = OpenFileDescriptors.count();
        java.util.Set<Long> earlier = new java.util.HashSet<>();
        ProcessHandle.current().children().forEach(c -> earlier.add(c.pid()));
        EventLoop other = EventLoops.newEventLoop(backend());
        other.subprocessExec(Recorder::new, List.of("cat"), PIPES);
        long deadline = System.nanoTime() + GUARD.toNanos();
        ProcessHandle child = null;
        while (child == null && System.nanoTime() < deadline) {
            child = ProcessHandle.current().children().filter(c -> !earlier.contains(c.pid())).findFirst().orElse(null);
            Thread.sleep(1);
        }
        assertTrue(child != null, "the child started");
        // The loop does not run here: the start's hand-over waits in its queue when it closes.
        Thread.sleep(200);
        other.close();
        try {
            child.onExit().get(GUARD.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            child.destroyForcibly();
            throw new AssertionError("the child nobody holds was left running", e);
        }
        OpenFileDescriptors.assertNoMoreThan(before, "the pipes of a child nobody holds");
    }

    /** Closes the child's stdout pipe at its first chunk; notes what comes of that pipe after it. */
    static final class ClosesStdoutAtFirstChunk extends Recorder {
        final List<String> stdoutAfterClose = new ArrayList<>();
        private boolean closed;

        @Override
        public void pipeDataReceived(int fd, ByteBuffer data) {
            if (fd != 1) {
                return;
            }
            if (closed) {
                stdoutAfterClose.add("data");
            } else {
                closed = true;
                transport.getPipeTransport(1).close();
            }
        }

        @Override
        public void pipeConnectionLost(int fd, Throwable cause) {
            super.pipeConnectionLost(fd, cause);
            if (fd == 1) {
                stdoutAfterClose.add("lost");
            }
        }
    }

    @Test
    void aStdoutPipeClosedInPipeDataReceivedDeliversNothingMoreButItsLoss() {
        SubprocessConnection<ClosesStdoutAtFirstChunk> c = inTask(() -> {
            // Writes far more than a pipe holds: there is always more to read when the pipe closes.
            SubprocessConnection<ClosesStdoutAtFirstChunk> started = loop.subprocessExec(ClosesStdoutAtFirstChunk::new,
                    List.of("head", "-c", "67108864", "/dev/zero"), PIPES.withStdin(Stdio.DEVNULL)).await();
            long deadline = System.nanoTime() + GUARD.toNanos();
            while (!started.protocol().events.contains("lost") && System.nanoTime() < deadline) {
                Async.sleep(0.01);
            }
            return started;
        });
        assertTrue(c.protocol().events.contains("lost"), c.protocol().events.toString());
        assertEquals(List.of("lost"), c.protocol().stdoutAfterClose);
    }
}
