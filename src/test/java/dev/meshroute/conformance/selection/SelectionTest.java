package dev.meshroute.conformance.selection;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SelectionTest {

    private static final Path ROOT = Path.of(System.getProperty("meshroute.root", "."));

    @Test
    void ids_areAFeatureFileWithOptionalLines() {
        assertEquals(new Selection.ScenarioId("features/weights/weights.feature", Set.of(23)),
                Selection.ScenarioId.parse(" features/weights/weights.feature:23 "));
        assertEquals(new Selection.ScenarioId("features/weights/weights.feature", Set.of(23, 40)),
                Selection.ScenarioId.parse("./features\\weights\\weights.feature:23:40"));
        assertEquals(Set.of(), Selection.ScenarioId.parse("features/weights/weights.feature").lines());
        assertEquals("-Dmeshroute.scenario: 'weights' is not a scenario id (features/DIR/NAME.feature:LINE, as the"
                + " dry-run plan lists them)", assertThrows(IllegalArgumentException.class,
                () -> Selection.ScenarioId.parse("weights")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Selection.ScenarioId.parse("features/a.feature:x"));
    }

    @Test
    void selects_byTagExpression_andById_bothMustHold() {
        Selection tags = Selection.of("@fault and not @unverified", null, null);
        assertTrue(tags.selects("features/fault/fault.feature", List.of(14), List.of("@fault", "@core")));
        assertFalse(tags.selects("features/fault/fault.feature", List.of(14), List.of("@fault", "@unverified")));
        assertFalse(tags.selects("features/weights/weights.feature", List.of(11), List.of("@weights")));

        Selection ids = Selection.of(null, "features/weights/weights.feature:85, features/fault/fault.feature", "");
        assertTrue(ids.dryRun(), "-Dmeshroute.dryRun without a value means true");
        // an example row (line 105) of the outline at line 85 and its Examples at line 103
        assertTrue(ids.selects("features/weights/weights.feature", List.of(105, 103, 85), List.of()));
        assertFalse(ids.selects("features/weights/weights.feature", List.of(11), List.of()));
        assertTrue(ids.selects("/abs/project/features/fault/fault.feature", List.of(54), List.of()));

        Selection both = Selection.of("@core", "features/weights/weights.feature:11", "false");
        assertFalse(both.dryRun());
        assertTrue(both.selects("features/weights/weights.feature", List.of(11), List.of("@core")));
        assertFalse(both.selects("features/weights/weights.feature", List.of(11), List.of("@extended")));
        assertTrue(Selection.of(" ", "", null).selectsAll());
    }

    @Test
    void dryRun_isTrueOrFalse_anythingElseIsRefusedWithWhatToWrite() {
        assertTrue(Selection.of(null, null, "true").dryRun());
        assertFalse(Selection.of(null, null, null).dryRun());
        for (String bad : List.of("TRUE", "yes", "1")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Selection.of(null, null, bad));
            assertEquals("-Dmeshroute.dryRun=" + bad + ": write true (list the scenarios, run none) or false; Maven's"
                    + " dry-run profile switches on for exactly true", e.getMessage());
        }
    }

    @Test
    void badInput_isOneClearMessage() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Selection.of("@a and", null, null))
                .getMessage().startsWith("-Dmeshroute.tags='@a and' is not a tag expression: "));
        Selection missing = Selection.of(null, "features/nope/nope.feature:3", null);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> missing.validateIds(ROOT)).getMessage()
                .startsWith("-Dmeshroute.scenario: features/nope/nope.feature:3: no such feature file"));
        Selection stepLine = Selection.of(null, "features/weights/weights.feature:86", null);
        assertEquals("-Dmeshroute.scenario: features/weights/weights.feature:86 is not a scenario, outline, examples or"
                + " example line (it reads 'Given the fixture \"guide/my-app-workloads.yaml\"'); the dry run"
                + " (-Dmeshroute.dryRun=true) lists every scenario id",
                assertThrows(IllegalArgumentException.class, () -> stepLine.validateIds(ROOT)).getMessage());
        Selection.of(null, "features/weights/weights.feature:11:85:105", null).validateIds(ROOT);
    }
}
