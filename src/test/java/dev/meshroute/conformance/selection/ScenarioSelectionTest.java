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
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherFactory;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static io.cucumber.junit.platform.engine.Constants.GLUE_PROPERTY_NAME;
import static io.cucumber.junit.platform.engine.Constants.PLUGIN_PUBLISH_QUIET_PROPERTY_NAME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectDirectory;
import static org.junit.platform.launcher.EngineFilter.includeEngines;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

/**
 * The selection and the dry run as a run sees them: the JUnit Platform's dry run of the real features, configured as
 * pom.xml's {@code dry-run} profile configures the build's (no step runs, no target starts), with the selection filter
 * registered as in every run, and the dry-run plan it writes.
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

    /** One scenario example as the launcher reported it: its id, its tags, and "skipped" or how it finished. */
    private record Reported(String id, List<String> tags, String outcome) {
    }

    /**
     * Every scenario example a dry run with these system properties reports, in order; with {@code planDir}, the
     * plan is written there (the listeners of {@code META-INF/services} are left out, so nothing lands in the
     * project's {@code target/meshroute}).
     */
    private static List<Reported> dryRun(Map<String, String> properties, Path planDir) throws Exception {
        PROPERTIES.forEach(System::clearProperty);
        properties.forEach(System::setProperty);
        var request = request().selectors(selectDirectory(ROOT.resolve("features").toFile()))
                .filters(includeEngines("cucumber"))
                .configurationParameter(GLUE_PROPERTY_NAME, "dev.meshroute.conformance.steps")
                .configurationParameter(PLUGIN_PUBLISH_QUIET_PROPERTY_NAME, "true")
                .configurationParameters(dryRunParametersOfTheBuild())
                .build();
        List<Reported> reported = new ArrayList<>();
        TestExecutionListener recorder = new TestExecutionListener() {
            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                record(id, "skipped");
            }

            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                record(id, result.getStatus().toString());
            }

            private void record(TestIdentifier id, String outcome) {
                if (id.isTest() && id.getSource().orElse(null) instanceof FileSource f) {
                    reported.add(new Reported(ScenarioSelectionFilter.relative(ROOT, f.getFile()) + ":"
                            + f.getPosition().map(FilePosition::getLine).orElse(0), id.getTags().stream()
                            .map(t -> "@" + t.getName()).sorted().toList(), outcome));
                }
            }
        };
        var launcher = LauncherFactory.create(LauncherConfig.builder()
                .enableTestExecutionListenerAutoRegistration(false).build());
        if (planDir == null) {
            launcher.execute(request, recorder);
        } else {
            launcher.execute(request, recorder, new PlanWriter(planDir));
        }
        return reported;
    }

    /**
     * The configuration parameters pom.xml's {@code dry-run} profile gives the failsafe run (as system properties),
     * so that these tests launch the dry run the build launches.
     */
    private static Map<String, String> dryRunParametersOfTheBuild() throws Exception {
        var pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(ROOT.resolve("pom.xml").toFile());
        var nodes = (NodeList) XPathFactory.newInstance().newXPath().evaluate(
                "/project/profiles/profile[id='dry-run']//plugin[artifactId='maven-failsafe-plugin']"
                        + "/configuration/systemPropertyVariables/*", pom, XPathConstants.NODESET);
        Map<String, String> parameters = new TreeMap<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            parameters.put(nodes.item(i).getNodeName(), nodes.item(i).getTextContent().trim());
        }
        assertTrue(!parameters.isEmpty(), "pom.xml: no dry-run profile with failsafe system properties");
        return parameters;
    }

    @Test
    void tagsAndIds_leaveOnlyTheSelectedScenariosInTheRun() throws Exception {
        List<Reported> all = dryRun(Map.of(), null);
        assertTrue(all.size() > 400, "the whole suite: " + all.size());

        List<Reported> fault = dryRun(Map.of(Selection.TAGS_PROPERTY, "@fault and not @unverified"), null);
        List<Reported> expected = all.stream()
                .filter(r -> r.tags().contains("@fault") && !r.tags().contains("@unverified")).toList();
        assertTrue(!expected.isEmpty() && expected.size() < all.size());
        assertEquals(ids(expected), ids(fault));
        assertEquals(expected.size(), fault.size());

        // the outline at line 85 holds two examples (rows 105 and 106); line 11 is a plain scenario
        List<Reported> byId = dryRun(Map.of(Selection.SCENARIO_PROPERTY,
                "features/weights/weights.feature:85,features/weights/weights.feature:11"), null);
        assertEquals(Set.of("features/weights/weights.feature:11", "features/weights/weights.feature:105",
                "features/weights/weights.feature:106"), ids(byId));
        List<Reported> oneRow = dryRun(Map.of(Selection.SCENARIO_PROPERTY, "features/weights/weights.feature:106"),
                null);
        assertEquals(Set.of("features/weights/weights.feature:106"), ids(oneRow));
        List<Reported> both = dryRun(Map.of(Selection.SCENARIO_PROPERTY, "features/weights/weights.feature",
                Selection.TAGS_PROPERTY, "@validation"), null);
        assertEquals(Set.of("features/weights/weights.feature:174", "features/weights/weights.feature:195"), ids(both));
    }

    private static Set<String> ids(List<Reported> reported) {
        Set<String> out = new TreeSet<>();
        reported.forEach(r -> out.add(r.id()));
        return out;
    }

    @Test
    void dryRun_reportsEveryExampleSkipped_noneRun_andThePlanListsThem(@TempDir Path dir) throws Exception {
        List<Reported> reported = dryRun(Map.of(Selection.TAGS_PROPERTY, "@retries or @weights",
                Selection.DRY_RUN_PROPERTY, "true", "meshroute.target", "grpc-java"), dir);

        assertTrue(reported.size() > 20, reported.toString());
        assertEquals(reported.size(), ids(reported).size(), "each example reported once: " + reported);
        Map<String, Long> byOutcome = reported.stream().collect(Collectors.groupingBy(Reported::outcome,
                TreeMap::new, Collectors.counting()));
        assertEquals(Map.of("skipped", (long) reported.size()), byOutcome,
                "a dry run runs no example, so it reports each one skipped, none passed");

        Map<?, ?> plan = new ObjectMapper().readValue(dir.resolve("plan.json").toFile(), Map.class);
        Set<Object> planned = new TreeSet<>();
        ((List<?>) plan.get("scenarios")).forEach(s -> planned.add(((Map<?, ?>) s).get("id")));
        assertEquals(ids(reported), planned, "the plan lists exactly the examples reported skipped");
    }

    @Test
    void dryRunPlan_listsIdsNamesTagsAndWhatTheTargetWouldSkip(@TempDir Path dir) throws Exception {
        dryRun(Map.of(Selection.TAGS_PROPERTY, "@retries or @weights", Selection.SCENARIO_PROPERTY,
                "features/retries/retries.feature,features/weights/weights.feature:11", Selection.DRY_RUN_PROPERTY,
                "true", "meshroute.target", "grpc-java"), dir);
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
