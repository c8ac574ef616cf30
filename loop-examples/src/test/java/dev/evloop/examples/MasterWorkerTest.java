package dev.evloop.examples;

import dev.evloop.Async;
import dev.evloop.EventLoops;
import dev.evloop.examples.MasterWorker.Outcome;
import dev.evloop.examples.MasterWorker.Summary;
import dev.evloop.streams.StreamReader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A master and worker JVMs, for real: each test starts processes and checks none is left. */
@Timeout(180)
class MasterWorkerTest {

    /** A first run opens what the JVM keeps open afterwards (class files, the loop's natives): not a leak. */
    @BeforeAll
    static void warmUp() {
        EventLoops.run(() -> MasterWorker.run(1, List.of("primes 10")));
    }

    private static Summary runJobs(int workers, List<String> jobs) throws Exception {
        Set<Long> children = Children.pids();
        long descriptors = Children.descriptors();
        Summary summary = EventLoops.run(() -> MasterWorker.run(workers, jobs));
        Children.assertNoneLeft(children, descriptors);
        return summary;
    }

    @Test
    void everyJobIsAnsweredByAWorkerProcessAndEveryWorkerExitsWithZeroAfterItsStdinEnds() throws Exception {
        Summary summary = runJobs(2, List.of("primes 100", "primes 1000", "primes 10000", "primes 100000"));
        List<String> counts = List.of("primes below 100: 25", "primes below 1000: 168",
                "primes below 10000: 1229", "primes below 100000: 9592");
        for (int i = 0; i < counts.size(); i++) {
            Outcome outcome = summary.outcomes().get(i);
            assertTrue(outcome.ok(), outcome.toString());
            assertTrue(outcome.answer().endsWith(counts.get(i)), outcome.toString());
            assertTrue(outcome.answer().startsWith(outcome.pid() + " job "), outcome.toString());
            assertNotEquals(ProcessHandle.current().pid(), outcome.pid(), "answered by another process");
        }
        assertEquals(2, summary.returnCodes().size(), summary.toString());
        assertEquals(Set.of(0), Set.copyOf(summary.returnCodes().values()), summary.toString());
    }

    @Test
    void aWorkerThatDiesMidJobHasThatJobReportedFailedAndAFreshWorkerTakesTheRest() throws Exception {
        Summary summary = runJobs(1, List.of("primes 100", "crash", "primes 1000"));
        List<Outcome> outcomes = summary.outcomes();
        assertTrue(outcomes.get(0).ok(), outcomes.toString());
        assertFalse(outcomes.get(1).ok(), outcomes.toString());
        assertTrue(outcomes.get(1).answer().contains("the worker died"), outcomes.get(1).answer());
        assertTrue(outcomes.get(1).answer().contains("return code " + MasterWorker.EXIT_CRASH), outcomes.get(1).answer());
        assertTrue(outcomes.get(2).ok(), outcomes.toString());
        assertNotEquals(outcomes.get(0).pid(), outcomes.get(2).pid(), "a fresh worker");
        assertEquals(MasterWorker.EXIT_CRASH, summary.returnCodes().get(outcomes.get(1).pid()));
        assertEquals(0, summary.returnCodes().get(outcomes.get(2).pid()));
    }

    @Test
    void aJobTheWorkerDoesNotKnowIsAnsweredAsSuchAndNotRun() throws Exception {
        Summary summary = runJobs(1, List.of("rm -rf /", "primes 99999999999"));
        assertEquals("error: unknown job (try \"primes N\")", summary.outcomes().get(0).answer().split(": ", 2)[1]);
        assertTrue(summary.outcomes().get(1).answer().endsWith("error: not a number: 99999999999"),
                summary.outcomes().get(1).answer());
    }

    @Test
    void aWorkerGivenAMessageLengthOverTheLimitExitsWithItsBadMessageStatus() throws Exception {
        Set<Long> children = Children.pids();
        Process worker = new ProcessBuilder(MasterWorker.workerCommand())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream stdin = worker.getOutputStream()) {
            stdin.write(ByteBuffer.allocate(4).putInt(MasterWorker.MAX_MESSAGE + 1).array());
        }
        try {
            assertTrue(worker.waitFor(60, TimeUnit.SECONDS), "the worker exits");
            assertEquals(MasterWorker.EXIT_BAD_MESSAGE, worker.exitValue());
        } finally {
            worker.destroyForcibly();
            worker.waitFor(60, TimeUnit.SECONDS);
        }
        Children.assertNoneLeft(children, Long.MAX_VALUE);
    }

    @Test
    void theMasterRefusesAMessageLengthOverTheLimit() {
        MasterWorker.BadMessageException e = EventLoops.run(() -> {
            StreamReader reader = new StreamReader(Async.currentLoop(), 64);
            reader.feedData(ByteBuffer.allocate(4).putInt(0, MasterWorker.MAX_MESSAGE + 1));
            return assertThrows(MasterWorker.BadMessageException.class, () -> MasterWorker.readMessage(reader));
        });
        assertTrue(e.getMessage().contains("over the limit of " + MasterWorker.MAX_MESSAGE), e.getMessage());
    }
}
