package dev.meshroute.conformance.cli;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code validate} reports every analysis code on a fixture that triggers it. {@code java -jar
 * meshroute-reference.jar validate fixtures/analysis} reports IST0112, IST0130, IST0131 and
 * IST0174, each on one line with its file, line, level, resource and Istio's text, and exits 1 (IST0112 is an
 * error). SEMANTICS.md 3.3; issue #5.
 */
class AnalysisFixturesIT {

    private static final Path ROOT = Path.of(System.getProperty("meshroute.root", "."));
    private static final Path JAR = ROOT.resolve("reference-impl/target/meshroute-reference.jar");

    @Test
    void validate_analysisFixtures_reportsEachCodeWithFileAndLine() throws Exception {
        assertTrue(Files.isRegularFile(JAR), "the build must have produced " + JAR);
        Path dir = ROOT.resolve("fixtures/analysis");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString(), "validate", dir.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "validate did not finish");

        assertEquals(1, p.exitValue(), output);
        List<String> expected = List.of(
                dir.resolve("port-selector-vs.yaml") + ":12: error [IST0112] VirtualService default/my-app: This"
                        + " VirtualService routes to a service \"my-app\" that exposes multiple ports [80 8080]."
                        + " Specifying a port in the destination is required to disambiguate.",
                dir.resolve("unreachable-rules-vs.yaml") + ":19: info [IST0131] VirtualService default/ratings:"
                        + " VirtualService rule #1 match #0 is not used (duplicate/overlapping match in rule \"jason\").",
                dir.resolve("unreachable-rules-vs.yaml") + ":18: warning [IST0130] VirtualService default/ratings:"
                        + " VirtualService rule #1 not used (all matches used by prior rules).",
                dir.resolve("unreachable-rules-vs.yaml") + ":26: warning [IST0130] VirtualService default/ratings:"
                        + " VirtualService rule #3 not used (route without matches defined before).",
                dir.resolve("unknown-host-dr.yaml") + ":2: warning [IST0174] DestinationRule default/reviews: The host"
                        + " reveiws defined in the DestinationRule does not match any services in the mesh.");
        List<String> lines = output.lines().toList();
        for (String line : expected) {
            assertTrue(lines.contains(line), "missing line:\n" + line + "\nin:\n" + output);
        }
        assertTrue(output.contains("1 errors, 4 warnings/info"), output);
    }

    /** {@code validate DIR}'s output lines, having checked it exits 1 (an analysis error). */
    private static List<String> validateLines(Path dir) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString(), "validate", dir.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "validate did not finish");
        assertEquals(1, p.exitValue(), output);
        return output.lines().toList();
    }

    @Test
    void validate_reportsIst0109Ist0173AndIst0101WithFileAndLine() throws Exception {
        Path hosts = ROOT.resolve("fixtures/hosts");
        assertTrue(validateLines(hosts).contains(hosts.resolve("conflicting-virtual-services.yaml")
                + ":5: error [IST0109] VirtualService default/first: The VirtualServices default/first,default/second"
                + " associated with mesh gateway define the same host */my-app.default.svc.cluster.local which can"
                + " lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a"
                + " single resource."));
        Path noPods = ROOT.resolve("fixtures/subset-without-pods");
        assertTrue(validateLines(noPods).contains(noPods.resolve("my-app.yaml") + ":38: error [IST0173]"
                + " DestinationRule default/my-app: The Subset canary defined in the DestinationRule does not select"
                + " any pods. Which may lead to 503 UH (NoHealthyUpstream)."));
        Path missing = ROOT.resolve("fixtures/missing-subset");
        assertTrue(validateLines(missing).stream().anyMatch(l -> l.startsWith(missing.toString())
                && l.contains(": error [IST0101] ") && l.contains("Referenced host not found")));
    }
}
