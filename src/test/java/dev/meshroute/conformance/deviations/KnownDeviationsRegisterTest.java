package dev.meshroute.conformance.deviations;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registers name scenarios that exist: a renamed scenario or a changed example row must show up in the default
 * build, not only when someone runs the target.
 */
class KnownDeviationsRegisterTest {

    private static final List<String> TARGETS = List.of("grpc-java", "grpc-js");

    @Test
    void everyScenarioARegisterNames_existsInTheFeatures() throws IOException {
        Path root = Path.of(System.getProperty("meshroute.root", "."));
        List<String> problems = new ArrayList<>();
        for (String target : TARGETS) {
            Set<String> ids = new HashSet<>();
            for (KnownDeviation d : KnownDeviations.forTarget(target)) {
                assertTrue(ids.add(d.id()), "duplicate id " + d.id());
                assertTrue(d.id().startsWith(target + "/"), d.id());
                for (ScenarioRef ref : d.shownBy()) {
                    Path feature = root.resolve(ref.feature());
                    if (!Files.exists(feature)) {
                        problems.add(d.id() + ": no file " + ref.feature());
                        continue;
                    }
                    List<String> lines = Files.readAllLines(feature);
                    boolean named = lines.stream().map(String::trim).anyMatch(l ->
                            l.equals("Scenario: " + ref.scenario()) || l.equals("Scenario Outline: " + ref.scenario()));
                    if (!named) {
                        problems.add(d.id() + ": no scenario \"" + ref.scenario() + "\" in " + ref.feature());
                    }
                    for (List<String> row : ref.examples()) {
                        if (lines.stream().noneMatch(l -> ScenarioRef.cells(l).equals(row))) {
                            problems.add(d.id() + ": no example row " + row + " in " + ref.feature());
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void targetsWithoutARegister_declareNothing() {
        assertEquals(List.of(), KnownDeviations.forTarget("reference"));
        assertEquals(List.of(), KnownDeviations.forTarget("envoy"));
    }
}
