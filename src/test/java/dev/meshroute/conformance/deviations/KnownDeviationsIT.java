package dev.meshroute.conformance.deviations;

import dev.meshroute.conformance.target.MeshUnderTest;
import dev.meshroute.conformance.target.Targets;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.FilePosition;
import org.junit.platform.engine.support.descriptor.FileSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherFactory;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.cucumber.junit.platform.engine.Constants.GLUE_PROPERTY_NAME;
import static io.cucumber.junit.platform.engine.Constants.PLUGIN_PUBLISH_QUIET_PROPERTY_NAME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.platform.launcher.EngineFilter.includeEngines;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

/**
 * The selected target's declared deviations, shown on every run: each scenario a deviation names is run again (the
 * conformance run skipped it) and must fail, each check in code must pass, and the table of what the target did is
 * printed and written to {@code target/meshroute/deviations-<target>.md}, apart from the passes and failures. A
 * deviation that no longer reproduces, or names a scenario that does not exist, fails this test: the register is
 * then out of date. A target without declared deviations passes at once.
 */
class KnownDeviationsIT {

    private record Outcome(String scenario, String status, String detail) {
    }

    @Test
    void declaredDeviations_stillReproduce() throws IOException {
        String targetName = Targets.selected();
        List<KnownDeviation> declared = KnownDeviations.forTarget(targetName);
        if (declared.isEmpty()) {
            System.out.println("[meshroute] target " + targetName + " declares no deviations");
            return;
        }
        MeshUnderTest target = Targets.get();
        assumeTrue(target.unavailable().isEmpty(), () -> "target cannot run here: " + target.unavailable().get());
        Map<String, List<Outcome>> scenarioOutcomes = rerun(declared);
        List<String> problems = new ArrayList<>();
        StringBuilder table = new StringBuilder("# Declared deviations of " + target.name() + " " + target.version()
                + "\n\n| deviation | Envoy / Istio | what " + targetName + " did | shown by | evidence |\n"
                + "|---|---|---|---|---|\n");
        for (KnownDeviation d : declared) {
            List<String> shown = new ArrayList<>();
            List<Outcome> outcomes = scenarioOutcomes.getOrDefault(d.id(), List.of());
            for (ScenarioRef ref : d.shownBy()) {
                // with -Dmeshroute.tags / -Dmeshroute.scenario, a deviation's scenario may simply not be selected
                if (outcomes.stream().noneMatch(o -> o.scenario().contains(ref.scenario()))
                        && dev.meshroute.conformance.selection.Selection.fromSystemProperties().selectsAll()) {
                    problems.add(d.id() + ": no scenario " + ref + " ran (renamed or removed?)");
                }
            }
            for (Outcome o : outcomes) {
                if (!o.status().equals("FAILED")) {
                    problems.add(d.id() + ": " + o.scenario() + " " + o.status() + ", so the deviation no longer"
                            + " reproduces there");
                }
                shown.add(o.scenario() + ": " + o.status() + (o.detail().isEmpty() ? "" : ", " + o.detail()));
            }
            if (d.check() != null) {
                try {
                    shown.add("check: " + d.check().run(target));
                } catch (AssertionError | Exception e) {
                    problems.add(d.id() + ": its check no longer shows it: " + e.getMessage());
                    shown.add("check FAILED: " + e.getMessage());
                }
            }
            table.append("| `").append(d.id()).append("`: ").append(cell(d.summary())).append(" | ")
                    .append(cell(d.envoy())).append(" | ").append(cell(String.join("; ", shown))).append(" | ")
                    .append(cell(String.join("; ", d.shownBy().stream().map(ScenarioRef::toString).toList())))
                    .append(d.check() == null ? "" : (d.shownBy().isEmpty() ? "" : "; ") + "a check in code")
                    .append(" | ").append(cell(String.join("; ", d.evidence()))).append(" |\n");
        }
        String report = table.toString();
        System.out.println("[meshroute] " + report);
        Path out = Path.of(System.getProperty("meshroute.root", "."), "target/meshroute/deviations-" + targetName
                + ".md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        assertEquals(List.of(), problems, "the deviation register of " + targetName + " is out of date\n" + report);
    }

    /** Re-runs the features that hold declared deviations, with the hook in re-run mode; outcomes by deviation id. */
    private static Map<String, List<Outcome>> rerun(List<KnownDeviation> declared) {
        Set<String> features = new LinkedHashSet<>();
        declared.forEach(d -> d.shownBy().forEach(ref -> features.add(ref.feature())));
        Map<String, List<Outcome>> byId = new LinkedHashMap<>();
        if (features.isEmpty()) {
            return byId;
        }
        Path root = Path.of(System.getProperty("meshroute.root", "."));
        LauncherDiscoveryRequest request = request()
                .selectors(features.stream().map(f -> DiscoverySelectors.selectFile(root.resolve(f).toFile())).toList())
                .filters(includeEngines("cucumber"))
                .configurationParameter(GLUE_PROPERTY_NAME, "dev.meshroute.conformance.steps")
                .configurationParameter(PLUGIN_PUBLISH_QUIET_PROPERTY_NAME, "true")
                .configurationParameter("cucumber.junit-platform.naming-strategy", "long")
                .build();
        System.setProperty(KnownDeviations.RERUN_PROPERTY, "true");
        try {
            Launcher launcher = LauncherFactory.create();
            launcher.execute(request, new TestExecutionListener() {
                @Override
                public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                    if (!id.isTest() || result.getStatus() == TestExecutionResult.Status.ABORTED) {
                        return;
                    }
                    TestSource source = id.getSource().orElse(null);
                    if (!(source instanceof FileSource file)) {
                        return;
                    }
                    int line = file.getPosition().map(FilePosition::getLine).orElse(0);
                    KnownDeviations.rerunDeviation(file.getFile().toPath(), line)
                            .ifPresent(d -> byId.computeIfAbsent(d, k -> new ArrayList<>()).add(new Outcome(
                                    id.getDisplayName() + " (" + relative(root, file.getFile()) + ":" + line + ")",
                                    result.getStatus().name(),
                                    result.getThrowable().map(t -> firstLine(t.getMessage())).orElse(""))));
                }
            });
        } finally {
            System.clearProperty(KnownDeviations.RERUN_PROPERTY);
        }
        return byId;
    }

    private static String relative(Path root, File file) {
        try {
            return root.toAbsolutePath().normalize().relativize(file.toPath().toAbsolutePath().normalize()).toString();
        } catch (IllegalArgumentException e) {
            return file.toString();
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
