package dev.meshroute.conformance;

import dev.meshroute.conformance.target.ReferenceTarget;
import dev.meshroute.conformance.target.Targets;
import dev.meshroute.reference.mutants.Mutant;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.cucumber.junit.platform.engine.Constants.GLUE_PROPERTY_NAME;
import static io.cucumber.junit.platform.engine.Constants.PLUGIN_PUBLISH_QUIET_PROPERTY_NAME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectDirectory;
import static org.junit.platform.launcher.EngineFilter.includeEngines;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

/**
 * The suite's own test: runs every scenario against each catalogued mutant of the reference and
 * prints which scenarios kill it. A mutant no scenario kills is a gap in the suite. Run it with
 * {@code mvn -B verify -Pmutants} (about five minutes on two cores); the table is also written to
 * {@code target/meshroute/mutants.md}.
 */
class MutantCatalogueCheck {

    /**
     * Mutants no request can tell apart from the reference today, each with the reason. They are
     * reported as survivors, apart from the failures, until a scenario can kill them.
     */
    static final Map<Mutant, String> NOT_KILLABLE_YET = Map.of();

    private record Row(Mutant mutant, int scenarios, List<String> killedBy) {
    }

    @Test
    void everyMutant_isKilledByTheDefaultSuite() throws IOException {
        List<Row> rows = new ArrayList<>();
        // -Dmeshroute.mutants=id,id runs only those (to study one mutant); the default is the whole catalogue
        List<String> only = List.of(System.getProperty("meshroute.mutants", "").split(",")).stream()
                .filter(s -> !s.isBlank()).toList();
        for (Mutant mutant : Mutant.values()) {
            if (mutant != Mutant.NONE && (only.isEmpty() || only.contains(mutant.id()))) {
                rows.add(run(mutant));
            }
        }
        String table = table(rows);
        System.out.println(table);
        Path out = Path.of(System.getProperty("meshroute.root", "."), "target/meshroute/mutants.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table);
        List<String> survivors = rows.stream()
                .filter(r -> r.killedBy().isEmpty() && !NOT_KILLABLE_YET.containsKey(r.mutant()))
                .map(r -> r.mutant().id()).toList();
        assertEquals(List.of(), survivors, "mutants no scenario kills: the suite has a gap\n" + table);
    }

    private static Row run(Mutant mutant) {
        ReferenceTarget target = new ReferenceTarget(mutant);
        Targets.use(target);
        List<String> failed = new ArrayList<>();
        AtomicInteger scenarios = new AtomicInteger();
        try {
            LauncherDiscoveryRequest request = request()
                    .selectors(selectDirectory(Path.of(System.getProperty("meshroute.root", "."), "features")
                            .toFile()))
                    .filters(includeEngines("cucumber"))
                    .configurationParameter(GLUE_PROPERTY_NAME, "dev.meshroute.conformance.steps")
                    .configurationParameter(PLUGIN_PUBLISH_QUIET_PROPERTY_NAME, "true")
                    .configurationParameter("cucumber.junit-platform.naming-strategy", "long")
                    .build();
            Launcher launcher = LauncherFactory.create();
            launcher.execute(request, new TestExecutionListener() {
                @Override
                public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                    if (id.isTest()) {
                        scenarios.incrementAndGet();
                        if (result.getStatus() == TestExecutionResult.Status.FAILED) {
                            failed.add(id.getDisplayName());
                        }
                    }
                }
            });
        } finally {
            target.close();
            Targets.use(null);
        }
        return new Row(mutant, scenarios.get(), failed);
    }

    private static String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder("| mutant | verdict | killed by |\n|---|---|---|\n");
        for (Row r : rows) {
            String verdict = !r.killedBy().isEmpty() ? "killed (" + r.killedBy().size() + " of " + r.scenarios() + ")"
                    : NOT_KILLABLE_YET.containsKey(r.mutant()) ? "SURVIVED, not killable yet" : "SURVIVED";
            String by = !r.killedBy().isEmpty()
                    ? String.join("<br>", r.killedBy())
                    : NOT_KILLABLE_YET.getOrDefault(r.mutant(), "no scenario");
            sb.append("| `").append(r.mutant().id()).append("`: ").append(r.mutant().description()).append(" | ")
                    .append(verdict).append(" | ").append(by).append(" |\n");
        }
        return sb.toString();
    }
}
