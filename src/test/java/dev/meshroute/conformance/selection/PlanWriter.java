package dev.meshroute.conformance.selection;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.meshroute.conformance.deviations.KnownDeviations;
import dev.meshroute.conformance.steps.Hooks;
import dev.meshroute.conformance.target.Targets;
import io.cucumber.core.feature.FeatureParser;
import io.cucumber.core.gherkin.Pickle;
import io.cucumber.core.resource.Resource;
import org.junit.platform.engine.support.descriptor.FilePosition;
import org.junit.platform.engine.support.descriptor.FileSource;
import org.junit.platform.launcher.LauncherConstants;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The plan of a dry run ({@code -Dmeshroute.dryRun=true}): the selected scenario examples, each with its id (for
 * {@code -Dmeshroute.scenario}), name and tags, and whether the chosen target would skip it (a capability it does not
 * declare, or a declared deviation), printed and written to {@code target/meshroute/plan.txt} and {@code plan.json}.
 *
 * <p>The dry run is the JUnit Platform's own ({@code junit.platform.execution.dryRun.enabled}, set by pom.xml's
 * {@code dry-run} profile): the launcher discovers and filters the scenarios as in a real run, then reports each one
 * skipped without starting Cucumber, so no step, hook, target, server or pod runs and no example is counted as passed.
 * Cucumber's own dry run would count each example as passed. With no Cucumber run there are no Cucumber events, so
 * this is a JUnit Platform listener (registered in {@code META-INF/services}) that reads the plan from the discovered
 * test plan, and each example's name and tags from its feature file through Cucumber's own Gherkin parser: the
 * {@code Pickle} a real run would execute. Outside a dry run it does nothing.
 */
public final class PlanWriter implements TestExecutionListener {

    /** One scenario (or outline example) the run would hold. */
    public record Planned(String id, String feature, int line, String name, List<String> tags, String skip) {
    }

    private final Path outDir;

    /** As the JUnit Platform creates it: the plan goes to {@code target/meshroute}. */
    public PlanWriter() {
        this(ScenarioSelectionFilter.root().resolve("target/meshroute"));
    }

    /** A plan written to {@code outDir} instead. */
    PlanWriter(Path outDir) {
        this.outDir = outDir;
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        boolean launcherDryRun = testPlan.getConfigurationParameters()
                .getBoolean(LauncherConstants.DRY_RUN_PROPERTY_NAME).orElse(false);
        if (launcherDryRun && Selection.dryRunRequested()) {
            String target = Targets.selected();
            write(plan(testPlan, target), target);
        }
    }

    /** The Cucumber scenario examples of {@code testPlan}, in feature and line order, as {@code target} sees them. */
    private static List<Planned> plan(TestPlan testPlan, String target) {
        Path root = ScenarioSelectionFilter.root();
        Map<Path, Map<Integer, Pickle>> features = new HashMap<>();
        List<Planned> planned = new ArrayList<>();
        for (TestIdentifier id : allOf(testPlan)) {
            if (!id.isTest() || !ScenarioSelectionFilter.fromCucumber(id.getUniqueIdObject())
                    || !(id.getSource().orElse(null) instanceof FileSource source)) {
                continue;
            }
            Path file = source.getFile().toPath().toAbsolutePath().normalize();
            int line = source.getPosition().map(FilePosition::getLine).orElse(0);
            Pickle pickle = features.computeIfAbsent(file, PlanWriter::picklesByLine).get(line);
            if (pickle == null) {
                throw new IllegalStateException("no scenario at " + file + ":" + line + " for " + id.getDisplayName());
            }
            String feature = ScenarioSelectionFilter.relative(root, file.toFile());
            planned.add(new Planned(feature + ":" + line, feature, line, pickle.getName(),
                    List.copyOf(pickle.getTags()), skipReason(target, pickle)));
        }
        planned.sort(Comparator.comparing(Planned::feature).thenComparingInt(Planned::line));
        return planned;
    }

    private static List<TestIdentifier> allOf(TestPlan testPlan) {
        List<TestIdentifier> all = new ArrayList<>();
        testPlan.getRoots().forEach(r -> all.addAll(testPlan.getDescendants(r)));
        return all;
    }

    /** The scenario examples of a feature file, by line, as Cucumber parses them for a run. */
    private static Map<Integer, Pickle> picklesByLine(Path file) {
        Resource resource = new Resource() {
            @Override
            public URI getUri() {
                return file.toUri();
            }

            @Override
            public InputStream getInputStream() throws IOException {
                return Files.newInputStream(file);
            }
        };
        Map<Integer, Pickle> byLine = new HashMap<>();
        new FeatureParser(UUID::randomUUID).parseResource(resource)
                .ifPresent(f -> f.getPickles().forEach(p -> byLine.put(p.getLocation().getLine(), p)));
        return byLine;
    }

    /** Why {@code target} would skip the example, as the run's hooks decide it; null when it would run. */
    private static String skipReason(String target, Pickle pickle) {
        List<String> missing = Hooks.missingCapabilities(pickle.getTags(), Targets.declaredCapabilities(target));
        if (!missing.isEmpty()) {
            return "target " + target + " does not declare " + String.join(", ", missing);
        }
        return KnownDeviations.shownBy(target, pickle.getUri(), pickle.getName(), pickle.getLocation().getLine())
                .map(d -> "known deviation of " + target + ": " + d.id()).orElse(null);
    }

    private void write(List<Planned> all, String target) {
        Selection s = Selection.fromSystemProperties();
        long skipped = all.stream().filter(p -> p.skip() != null).count();
        String header = "meshroute dry run on target " + target + ": " + all.size() + " scenario examples selected"
                + " (tags: " + (s.tags() == null ? "any" : s.tags()) + "; scenarios: "
                + (s.scenarios().isEmpty() ? "all" : String.join(",", s.scenarios().stream().map(Object::toString)
                .toList())) + "); " + (all.size() - skipped) + " would run, " + skipped + " would be skipped";
        StringBuilder text = new StringBuilder(header).append('\n');
        for (Planned p : all) {
            text.append(p.id()).append("  ").append(p.name()).append("  ").append(String.join(" ", p.tags()));
            if (p.skip() != null) {
                text.append("  [would be skipped: ").append(p.skip()).append(']');
            }
            text.append('\n');
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", "meshroute-plan/1");
        json.put("target", target);
        json.put("tags", s.tags());
        json.put("scenarioIds", s.scenarios().stream().map(Object::toString).toList());
        json.put("selected", all.size());
        json.put("wouldRun", all.size() - skipped);
        json.put("wouldSkip", skipped);
        json.put("scenarios", all);
        try {
            Files.createDirectories(outDir);
            Files.writeString(outDir.resolve("plan.txt"), text);
            Files.writeString(outDir.resolve("plan.json"),
                    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the dry-run plan into " + outDir, e);
        }
        System.out.print("[meshroute] " + text.toString().replace("\n", "\n[meshroute] ").replaceAll("\\[meshroute\\] $", ""));
        System.out.println("[meshroute] plan written to " + outDir.resolve("plan.txt") + " and plan.json");
    }
}
