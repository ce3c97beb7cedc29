package dev.meshroute.conformance.coverage;

import dev.meshroute.reference.coverage.CoverageEntry;
import dev.meshroute.reference.coverage.CoverageReport;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The guard against a route coverage that silently records nothing on the reference target. */
class RunCoverageTest {

    private static CoverageEntry entry(int rule, long hits) {
        return new CoverageEntry("fixtures/reviews.yaml", "default/reviews", rule, null, null, "", "", hits);
    }

    @Test
    void entriesWithoutASingleHit_failTheRunAndSayTheRecordingIsBroken() {
        CoverageReport report = new CoverageReport().add(List.of(entry(0, 0), entry(1, 0)));

        String why = RunCoverage.nothingRecorded(report, 3).orElseThrow();

        assertTrue(why.contains("3 scenarios applied 2 route entries"), why);
        assertTrue(why.contains("recording is broken"), why);
    }

    @Test
    void oneExercisedEntry_orNoEntriesAtAll_isNotAFailure() {
        assertEquals(java.util.Optional.empty(),
                RunCoverage.nothingRecorded(new CoverageReport().add(List.of(entry(0, 0), entry(1, 4))), 3));
        assertEquals(java.util.Optional.empty(), RunCoverage.nothingRecorded(new CoverageReport(), 3));
    }
}
