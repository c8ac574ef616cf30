package dev.evloop.choice;

import dev.evloop.BackendInfo;
import dev.evloop.EventLoops;
import dev.evloop.bench.Info;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.evloop.internal.choice.Calibration.Host;
import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The backend report that ./evloop report prints. */
class ReportTest extends PropertyScope {

    @Test
    void theReportListsEveryBackendWithItsRankAndWhetherItRunsHere() {
        String report = report(true);
        for (BackendInfo b : EventLoops.backends()) {
            String expected = String.format("  %-10s %4d  %s", b.name(), b.rank(),
                    b.available() ? "yes" : "no: " + b.unavailabilityReason());
            assertTrue(report.contains(expected), () -> "missing '" + expected + "' in\n" + report);
        }
    }

    @Test
    void withoutACalibrationTheReportSaysThePickIsTheStaticRank() {
        String report = report(true);
        assertTrue(report.contains("policy picks: " + CalibrationChoiceTest.staticBest()
                + " (static rank (no calibration for this host: " + calibration() + " does not exist))"), report);
    }

    @Test
    void withACalibrationForThisHostTheReportGivesItsDateAndFigures() throws IOException {
        assumeTrue(available("epoll"), "epoll runs here");
        CalibrationChoiceTest.calibrate(calibration(), Host.current(), "selector", "epoll");
        String report = report(true);
        assertTrue(report.contains("policy picks: selector (measured on this host on 2026-11-30: selector 1.00, epoll 0.90"
                + " (echo round trips per second, 50 connections, 1024-byte messages; " + calibration() + "))"), report);
    }

    @Test
    void theReportSaysWhenCpuDecidedBetweenBackendsWithinTheirSpread() throws IOException {
        Files.writeString(calibration(), String.join("\n", "format=1", "measured=2026-11-30T15:00:00Z",
                "kernel=" + Host.current().kernel(), "jdk=" + Host.current().jdk(),
                "evloop.version=" + Host.current().version(), "cpus=" + Host.current().cpus(),
                "connections=50", "size=1024", "ranking=selector,epoll",
                "selector.roundTripsPerSecond=38000", "selector.roundTripsPerSecond.spread=1200",
                "selector.cpuMicrosPerRoundTrip=7", "selector.cpuMicrosPerRoundTrip.spread=0.1",
                "epoll.roundTripsPerSecond=40000", "epoll.roundTripsPerSecond.spread=1200",
                "epoll.cpuMicrosPerRoundTrip=9", "epoll.cpuMicrosPerRoundTrip.spread=0.1", ""));
        String report = report(true);
        assertTrue(report.contains("policy picks: selector (measured on this host on 2026-11-30: selector 0.95, epoll 1.00"
                + " (echo round trips per second, 50 connections, 1024-byte messages; within their spread over rounds,"
                + " less CPU per round trip ranks first; " + calibration() + "))"), report);
    }

    @Test
    void theReportSaysWhichCalibratedBackendCannotRunNow() throws IOException {
        assumeFalse(available("kqueue"), "kqueue does not run here");
        CalibrationChoiceTest.calibrate(calibration(), Host.current(), "kqueue", "selector");
        String report = report(true);
        assertTrue(report.contains("policy picks: selector (measured on this host on 2026-11-30: kqueue 1.00 (cannot run here now),"
                + " selector 0.90"), report);
    }

    @Test
    void theReportSaysWhyAStaleCalibrationWasIgnored() throws IOException {
        CalibrationChoiceTest.calibrate(calibration(), CalibrationChoiceTest.elsewhere("version"), "selector");
        String report = report(true);
        assertTrue(report.contains("policy picks: " + CalibrationChoiceTest.staticBest() + " (static rank (calibration "
                + calibration() + " ignored: it was measured with evloop 0.0.1; this is evloop "
                + Host.current().version() + "))"), report);
    }

    @Test
    void theReportSaysWhyADamagedCalibrationWasIgnored() throws IOException {
        Files.writeString(calibration(), "just some text\n");
        String report = report(true);
        assertTrue(report.contains("policy picks: " + CalibrationChoiceTest.staticBest() + " (static rank (calibration "
                + calibration() + " ignored: damaged: 'format' is missing))"), report);
    }

    @Test
    void thePropertyOutranksACalibrationInTheReport() throws IOException {
        CalibrationChoiceTest.calibrate(calibration(), Host.current(), "selector");
        System.setProperty(PROPERTY, CalibrationChoiceTest.staticBest());
        String report = report(true);
        assertTrue(report.contains("policy picks: " + CalibrationChoiceTest.staticBest() + " (first available of -Dloop.backend="
                + CalibrationChoiceTest.staticBest() + ")"), report);
    }

    @Test
    void theReportFollowsTheProperty() {
        System.setProperty(PROPERTY, "selector");
        String report = report(true);
        assertTrue(report.contains("policy picks: selector (first available of -Dloop.backend=selector)"), report);
    }

    @Test
    void theReportSaysWhenThePropertyCannotBeMet() {
        System.setProperty(PROPERTY, "epol");
        String report = report(false);
        assertTrue(report.contains("policy picks: nothing (none of -Dloop.backend=epol can run here)"), report);
        assertTrue(report.contains("unknown backend 'epol'"), report);
    }

    private static String report(boolean picks) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean picked = Info.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String text = bytes.toString(StandardCharsets.UTF_8);
        if (picks) {
            assertTrue(picked, text);
        } else {
            assertFalse(picked, text);
        }
        return text;
    }
}
