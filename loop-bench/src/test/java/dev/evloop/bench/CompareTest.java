package dev.evloop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code ./evloop bench}'s arguments that are more than a word. */
class CompareTest {
    @Test
    void serverFlagsAreSplitAtWhiteSpace() {
        assertEquals(List.of("-XX:+UseG1GC", "-Xlog:gc:file=/tmp/gc-%p.log:tn"),
                Compare.jvmFlags("--server-flags", "  -XX:+UseG1GC \t -Xlog:gc:file=/tmp/gc-%p.log:tn "));
    }

    @Test
    void aServerFlagThatIsNotAJvmFlagFailsNamingTheOptionAndTheWord() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Compare.jvmFlags("--server-flags", "-Xmx1g UseG1GC"));
        assertEquals("--server-flags: 'UseG1GC' is not a JVM flag (they start with -)", e.getMessage());
    }

    @Test
    void httpConnectionCountsOutOfBoundsFailNamingTheOption() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HttpComparison.parseConnections("--http", "50,0"));
        assertTrue(e.getMessage().startsWith("--http: '0' is not a number of connections from 1 to "), e.getMessage());
        assertEquals(List.of(1, 50), HttpComparison.parseConnections("--http", "1, 50"));
    }

    @Test
    void onlyEchoSelectsNoJmhBenchmarkSinceTheAllocationBenchmarkIsRunByHand() {
        assertEquals(List.of(), Compare.benchmarks(".*(Echo).*"));
        assertEquals(List.of(), Compare.benchmarks(".*(Http).*"));
    }

    @Test
    void everyBenchmarkButTheAllocationOneRunsByDefault() {
        List<String> all = Compare.benchmarks("dev\\.evloop\\.bench\\..*");
        assertTrue(all.stream().anyMatch(b -> b.contains("SchedulerBenchmark.")), all.toString());
        assertTrue(all.stream().anyMatch(b -> b.contains("TaskBenchmark.")), all.toString());
        assertTrue(all.stream().noneMatch(b -> b.contains("EchoAllocationBenchmark")), all.toString());
    }
}
