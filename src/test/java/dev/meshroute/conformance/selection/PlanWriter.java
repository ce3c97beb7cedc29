package dev.meshroute.conformance.selection;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.meshroute.conformance.deviations.KnownDeviation;
import dev.meshroute.conformance.deviations.KnownDeviations;
import dev.meshroute.conformance.steps.Hooks;
import dev.meshroute.conformance.target.Targets;
import io.cucumber.plugin.ConcurrentEventListener;
import io.cucumber.plugin.event.EventPublisher;
import io.cucumber.plugin.event.TestCase;
import io.cucumber.plugin.event.TestCaseStarted;
import io.cucumber.plugin.event.TestRunFinished;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A Cucumber plugin for {@code -Dmeshroute.dryRun=true}: Cucumber's dry run walks the selected scenarios without
 * running a step (so no target, server or pod is started), and this lists them, each with its id (for
 * {@code -Dmeshroute.scenario}), name and tags, and whether the chosen target would skip it (a capability it does not
 * declare, or a declared deviation). The list is printed and written to {@code target/meshroute/plan.txt} and
 * {@code plan.json}. Outside a dry run it does nothing.
 */
public final class PlanWriter implements ConcurrentEventListener {

    /** One scenario (or outline example) the run would hold. */
    public record Planned(String id, String feature, int line, String name, List<String> tags, String skip) {
    }

    private final Supplier<Selection> selection;
    private final Path outDir;
    private final List<Planned> planned = new ArrayList<>();
    private final String target;

    /** As Cucumber creates it: the selection from the system properties, output to {@code target/meshroute}. */
    public PlanWriter() {
        this(Selection::fromSystemProperties, ScenarioSelectionFilter.root().resolve("target/meshroute"),
                Targets.selected());
    }

    /** As Cucumber creates it from {@code PlanWriter:DIR}: the plan goes to {@code DIR} instead. */
    public PlanWriter(java.io.File outDir) {
        this(Selection::fromSystemProperties, outDir.toPath(), Targets.selected());
    }

    PlanWriter(Supplier<Selection> selection, Path outDir, String target) {
        this.selection = selection;
        this.outDir = outDir;
        this.target = target;
    }

    @Override
    public void setEventPublisher(EventPublisher publisher) {
        if (!selection.get().dryRun()) {
            return;
        }
        publisher.registerHandlerFor(TestCaseStarted.class, e -> started(e.getTestCase()));
        publisher.registerHandlerFor(TestRunFinished.class, e -> write());
    }

    private synchronized void started(TestCase tc) {
        String feature = ScenarioSelectionFilter.relative(ScenarioSelectionFilter.root(), Path.of(tc.getUri()).toFile());
        int line = tc.getLocation().getLine();
        List<String> tags = List.copyOf(tc.getTags());
        String skip = null;
        List<String> missing = Hooks.missingCapabilities(tags, Targets.declaredCapabilities(target));
        if (!missing.isEmpty()) {
            skip = "target " + target + " does not declare " + String.join(", ", missing);
        } else {
            Optional<KnownDeviation> deviation = KnownDeviations.shownBy(target, tc.getUri(), tc.getName(), line);
            if (deviation.isPresent()) {
                skip = "known deviation of " + target + ": " + deviation.get().id();
            }
        }
        planned.add(new Planned(feature + ":" + line, feature, line, tc.getName(), tags, skip));
    }

    /** The scenarios seen so far, in feature and line order. */
    synchronized List<Planned> planned() {
        return planned.stream().sorted(Comparator.comparing(Planned::feature).thenComparingInt(Planned::line))
                .toList();
    }

    private synchronized void write() {
        List<Planned> all = planned();
        Selection s = selection.get();
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
