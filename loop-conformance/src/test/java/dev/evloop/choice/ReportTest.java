package dev.evloop.choice;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evloop.BackendInfo;
import dev.evloop.EventLoops;
import dev.evloop.Info;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
    void theReportNamesThePolicysPickAndWhy() {
        String report = report(true);
        assertTrue(report.contains("policy picks: " + EventLoops.defaultBackend()
                + " (highest-ranked available; -Dloop.backend not set)"), report);
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
        assertTrue(report.contains("policy picks: nothing"), report);
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
