package dev.evloop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.Result;

/** Echo servers taking turns, each measured on its own: round trips per second and server CPU. */
class EchoMeterTest {
    @Test
    void eachLaneIsMeasuredOnItsOwnEvenWhenTheTrialClosedItFirst() {
        List<EchoLane> lanes = List.of(
                new EchoLane("selector", EchoServer.Style.PROTOCOL, 4, 1024),
                new EchoLane("selector", EchoServer.Style.NETTY, 4, 1024));
        EchoMeter meter = new EchoMeter();
        EchoMeter.measure(lanes);
        meter.beforeIteration(null, null);
        try {
            for (int turn = 0; turn < 10; turn++) {
                lanes.get(turn % 2).drive(TimeUnit.MILLISECONDS.toNanos(20));
            }
        } finally {
            lanes.forEach(EchoLane::close); // as JMH does: the trial ends before the last iteration is read
        }
        Map<String, Double> results = new TreeMap<>();
        for (Result<?> r : meter.afterIteration(null, null, null)) {
            results.put(r.getLabel(), r.getScore());
        }
        results.forEach((label, value) -> assertTrue(value > 0, label + " = " + value));
        assertEquals(List.of("echo.selector.netty", "echo.selector.netty.cpu", "echo.selector.protocol",
                "echo.selector.protocol.cpu"), List.copyOf(results.keySet()));
    }
}
