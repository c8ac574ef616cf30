package dev.evloop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.evloop.internal.choice.Calibration.Measurement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How ./evloop calibrate ranks what it measured. */
class CalibrateTest {

    static List<String> names(List<Measurement> ranked) {
        return ranked.stream().map(Measurement::backend).toList();
    }

    @Test
    void moreRoundTripsPerSecondRanksFirst() {
        assertEquals(List.of("epoll", "io_uring"), names(Calibrate.rank(List.of(
                new Measurement("io_uring", 30_000, 100, 5.0, 0.1),
                new Measurement("epoll", 40_000, 100, 9.0, 0.1)))));
    }

    @Test
    void withinTheSpreadsLessCpuPerRoundTripRanksFirst() {
        assertEquals(List.of("io_uring", "epoll"), names(Calibrate.rank(List.of(
                new Measurement("epoll", 40_000, 600, 9.0, 0.1),
                new Measurement("io_uring", 39_000, 500, 5.0, 0.1)))));
    }

    @Test
    void justOutsideTheSpreadsRoundTripsDecideWhateverTheCpu() {
        assertEquals(List.of("epoll", "io_uring"), names(Calibrate.rank(List.of(
                new Measurement("io_uring", 39_000, 499, 5.0, 0.1),
                new Measurement("epoll", 40_000, 500, 9.0, 0.1)))));
    }

    @Test
    void aCheaperBackendTiedWithTheSecondCanOvertakeItButNotAClearFirst() {
        assertEquals(List.of("epoll", "selector", "io_uring"), names(Calibrate.rank(List.of(
                new Measurement("epoll", 50_000, 100, 9.0, 0.1),
                new Measurement("io_uring", 40_000, 500, 8.0, 0.1),
                new Measurement("selector", 39_500, 500, 7.0, 0.1)))));
    }
}
