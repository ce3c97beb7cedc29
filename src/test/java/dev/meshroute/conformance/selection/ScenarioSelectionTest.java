package dev.meshroute.conformance.selection;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.FilePosition;
import org.junit.platform.engine.support.descriptor.FileSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.cucumber.junit.platform.engine.Constants.GLUE_PROPERTY_NAME;
import static io.cucumber.junit.platform.engine.Constants.PLUGIN_PROPERTY_NAME;
import static io.cucumber.junit.platform.engine.Constants.PLUGIN_PUBLISH_QUIET_PROPERTY_NAME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectDirectory;
import static org.junit.platform.launcher.EngineFilter.includeEngines;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

/**
 * The selection as a run sees it: Cucumber's dry run of the real features through the JUnit Platform (no step runs,
 * no target starts), with the selection filter registered as in every run, and the dry-run plan it writes.
 */
class ScenarioSelectionTest {

    private static final Path ROOT = Path.of(System.getProperty("meshroute.root", ".")).toAbsolutePath().normalize();
    private static final List<String> PROPERTIES = List.of(Selection.TAGS_PROPERTY, Selection.SCENARIO_PROPERTY,
            Selection.DRY_RUN_PROPERTY, "meshroute.target");

    /** The properties as the build set them, put back after each test. */
    private final Map<String, String> before = new java.util.HashMap<>();

    @org.junit.jupiter.api.BeforeEach
    void saveProperties() {
        PROPERTIES.forEach(p -> before.put(p, System.getProperty(p)));
    }

    @AfterEach
    void restoreProperties() {
        before.forEach((p, v) -> {
            if (v == null) {
                System.clearProperty(p);
            } else {
                System.setProperty(p, v);
            }
        });
    }

    /** Every scenario example a dry run holds, as {@code feature:line tags}. */
    private static List<String> dryRun(Map<String, String> properties, String plugin) {
        PROPERTIES.forEach(System::clearProperty);
        properties.forEach(System::setProperty);
        List<String> ran = new ArrayList<>();
        var builder = request().selectors(selectDirectory(ROOT.resolve("features").toFile()))
                .filters(includeEngines("cucumber"))
                .configurationParameter(GLUE_PROPERTY_NAME, "dev.meshroute.conformance.steps")
                .configurationParameter(PLUGIN_PUBLISH_QUIET_PROPERTY_NAME, "true")
                .configurationParameter("cucumber.execution.dry-run", "true");
        if (plugin != null) {
            builder.configurationParameter(PLUGIN_PROPERTY_NAME, plugin);
        }
        LauncherFactory.create().execute(builder.build(), new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.isTest() && id.getSource().orElse(null) instanceof FileSource f) {
                    ran.add(ScenarioSelectionFilter.relative(ROOT, f.getFile()) + ":"
                            + f.getPosition().map(FilePosition::getLine).orElse(0) + " " + id.getTags().stream()
                            .map(t -> "@" + t.getName()).sorted().toList());
                }
            }
        });
        return ran;
    }

    @Test
    void tagsAndIds_leaveOnlyTheSelectedScenariosInTheRun() {
        List<String> all = dryRun(Map.of(), null);
        assertTrue(all.size() > 400, "the whole suite: " + all.size());

        List<String> fault = dryRun(Map.of(Selection.TAGS_PROPERTY, "@fault and not @unverified"), null);
        List<String> expected = all.stream().filter(s -> s.contains("@fault") && !s.contains("@unverified")).toList();
        assertTrue(!expected.isEmpty() && expected.size() < all.size());
        assertEquals(new TreeSet<>(expected), new TreeSet<>(fault));

        // the outline at line 85 holds two examples (rows 105 and 106); line 11 is a plain scenario
        List<String> byId = dryRun(Map.of(Selection.SCENARIO_PROPERTY,
                "features/weights/weights.feature:85,features/weights/weights.feature:11"), null);
        assertEquals(Set.of("features/weights/weights.feature:11", "features/weights/weights.feature:105",
                "features/weights/weights.feature:106"), ids(byId));
        List<String> oneRow = dryRun(Map.of(Selection.SCENARIO_PROPERTY, "features/weights/weights.feature:106"), null);
        assertEquals(Set.of("features/weights/weights.feature:106"), ids(oneRow));
        List<String> both = dryRun(Map.of(Selection.SCENARIO_PROPERTY, "features/weights/weights.feature",
                Selection.TAGS_PROPERTY, "@validation"), null);
        assertEquals(Set.of("features/weights/weights.feature:174", "features/weights/weights.feature:195"), ids(both));
    }

    private static Set<String> ids(List<String> ran) {
        Set<String> out = new TreeSet<>();
        ran.forEach(s -> out.add(s.substring(0, s.indexOf(' '))));
        return out;
    }

    @Test
    void dryRunPlan_listsIdsNamesTagsAndWhatTheTargetWouldSkip(@TempDir Path dir) throws Exception {
        dryRun(Map.of(Selection.TAGS_PROPERTY, "@retries or @weights", Selection.SCENARIO_PROPERTY,
                "features/retries/retries.feature,features/weights/weights.feature:11", Selection.DRY_RUN_PROPERTY,
                "true", "meshroute.target", "grpc-java"), PlanWriter.class.getName() + ":" + dir);
        Map<?, ?> plan = new ObjectMapper().readValue(dir.resolve("plan.json").toFile(), Map.class);
        assertEquals("grpc-java", plan.get("target"));
        List<?> scenarios = (List<?>) plan.get("scenarios");
        assertEquals(plan.get("selected"), scenarios.size());
        Map<?, ?> weights = (Map<?, ?>) scenarios.stream().filter(s -> ((Map<?, ?>) s).get("id")
                .equals("features/weights/weights.feature:11")).findFirst().orElseThrow();
        assertEquals("The guide's 90/10 split converges to 90/10", weights.get("name"));
        assertEquals(List.of("@weights", "@core"), weights.get("tags"));
        assertEquals(null, weights.get("skip"));
        List<?> retries = scenarios.stream().filter(s -> ((Map<?, ?>) s).get("feature")
                .equals("features/retries/retries.feature")).toList();
        assertTrue(retries.size() > 5, retries.toString());
        assertTrue(retries.stream().allMatch(s -> String.valueOf(((Map<?, ?>) s).get("skip"))
                .startsWith("target grpc-java does not declare retries")), retries.toString());
        assertEquals(scenarios.size() - retries.size(), plan.get("wouldRun"));
        String text = Files.readString(dir.resolve("plan.txt"));
        assertTrue(text.startsWith("meshroute dry run on target grpc-java: " + scenarios.size()), text);
        assertTrue(text.contains("features/weights/weights.feature:11  The guide's 90/10 split converges to 90/10"
                + "  @weights @core\n"), text);
    }
}
