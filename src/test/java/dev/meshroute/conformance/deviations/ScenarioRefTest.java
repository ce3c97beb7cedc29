package dev.meshroute.conformance.deviations;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScenarioRefTest {

    private static final String FEATURE = "features/matches/matches.feature";
    private static final String URI = "file:///work/main/features/matches/matches.feature";

    @Test
    void aScenario_matchesByFileAndName() {
        ScenarioRef ref = ScenarioRef.scenario(FEATURE, "A");
        assertTrue(ref.matches(URI, "A", "  Scenario: A"));
        assertFalse(ref.matches(URI, "B", "  Scenario: B"));
        assertFalse(ref.matches("file:///x/features/other.feature", "A", ""));
    }

    @Test
    void anExample_matchesByItsRowCells() {
        ScenarioRef ref = ScenarioRef.example(FEATURE, "A", "/other", "404 NR");
        assertTrue(ref.matches(URI, "A", "      | /other | 404 NR  |"));
        assertFalse(ref.matches(URI, "A", "      | /api/x | v2      |"));
    }

    @Test
    void cells_areTrimmed_andEscapesKept() {
        assertEquals(List.of("a", "", "b|c"), ScenarioRef.cells(" | a |  | b\\|c |"));
        assertEquals(List.of(), ScenarioRef.cells("Scenario: x"));
    }
}
