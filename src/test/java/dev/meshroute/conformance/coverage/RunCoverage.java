package dev.meshroute.conformance.coverage;

import dev.meshroute.reference.coverage.CoverageEntry;
import dev.meshroute.reference.coverage.CoverageReport;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The route coverage of a conformance run on the reference target: every rule, match entry and destination of the
 * VirtualServices the scenarios applied, and the requests that exercised them. A VirtualService written in a
 * scenario is known by its feature and scenario name (the examples of an outline add up); one from {@code fixtures/}
 * by its file, whichever scenarios applied it. At the end of the run it is printed, written to
 * {@code target/meshroute/coverage.json} (and {@code coverage.txt}), and checked against
 * {@code -Dmeshroute.coverage.failUnder}.
 */
public final class RunCoverage {

    /** The system property with the lowest acceptable coverage, in percent. */
    public static final String FAIL_UNDER_PROPERTY = "meshroute.coverage.failUnder";
    /** How many never-exercised entries the console shows; the text file has them all. */
    static final int CONSOLE_LIMIT = 25;

    private static final CoverageReport REPORT = new CoverageReport();
    private static int scenarios;

    private RunCoverage() {
    }

    /** Adds one scenario's entries; {@code featureUri} and {@code scenarioName} say where inline YAML came from. */
    public static synchronized void add(URI featureUri, String scenarioName, List<CoverageEntry> entries) {
        String scenario = relativeFeature(featureUri) + " \"" + scenarioName + "\"";
        REPORT.add(entries.stream().map(e -> e.source().startsWith("fixtures/") ? e
                : e.withSource(scenario + " " + e.source())).toList());
        scenarios++;
    }

    /** The run's report so far (for the lead's report.json: {@link CoverageReport#toJsonTree()}). */
    public static CoverageReport report() {
        return REPORT;
    }

    static String relativeFeature(URI uri) {
        String s = uri.toString();
        int at = s.lastIndexOf("features/");
        return at < 0 ? s : s.substring(at);
    }

    /**
     * Why a run whose scenarios applied VirtualServices on the reference target recorded not one exercised route, if
     * it did: every scenario of the suite sends requests, so that means the recording broke (it once did silently,
     * when the hook asked a recording wrapper instead of the target), not that the suite routes nothing.
     */
    static Optional<String> nothingRecorded(CoverageReport report, int scenarios) {
        if (report.total() == 0 || report.covered() > 0) {
            return Optional.empty();
        }
        return Optional.of("route coverage: " + scenarios + " scenarios applied " + report.total() + " route entries"
                + " on the reference target, and not one request was recorded against any of them; the recording is"
                + " broken (the proxy's RouteObserver or CoverageHooks), not the routes");
    }

    /**
     * Prints and writes the report, and returns why the run fails the threshold, if it does. Nothing is written when
     * no scenario contributed (another target, or a dry run).
     */
    public static synchronized Optional<String> finish(Path outDir, String failUnder, boolean measurable,
                                                       String targetName) throws IOException {
        Double threshold = failUnder == null || failUnder.isBlank() ? null
                : CoverageReport.parseThreshold(failUnder, "-D" + FAIL_UNDER_PROPERTY);
        if (!measurable) {
            return threshold == null ? Optional.empty() : Optional.of("-D" + FAIL_UNDER_PROPERTY + "=" + failUnder
                    + " was given, but route coverage is measured only on the reference target, not " + targetName);
        }
        if (scenarios == 0) {
            return Optional.empty();
        }
        Optional<String> empty = nothingRecorded(REPORT, scenarios);
        if (empty.isPresent()) {
            return empty;
        }
        Files.createDirectories(outDir);
        Files.writeString(outDir.resolve("coverage.json"), REPORT.toJson());
        List<CoverageEntry> uncovered = REPORT.uncovered();
        StringBuilder text = new StringBuilder(REPORT.summaryLine()).append('\n');
        uncovered.forEach(e -> text.append("  never exercised: ").append(e.kind()).append(' ').append(e).append('\n'));
        Files.writeString(outDir.resolve("coverage.txt"), text);
        StringBuilder console = new StringBuilder("[meshroute] ").append(REPORT.summaryLine());
        uncovered.stream().limit(CONSOLE_LIMIT).forEach(e -> console.append("\n[meshroute]   never exercised: ")
                .append(e.kind()).append(' ').append(e));
        if (uncovered.size() > CONSOLE_LIMIT) {
            console.append("\n[meshroute]   ... and ").append(uncovered.size() - CONSOLE_LIMIT)
                    .append(" more: all are in ").append(outDir.resolve("coverage.txt"));
        }
        console.append("\n[meshroute] route coverage written to ").append(outDir.resolve("coverage.json"));
        System.out.println(console);
        return threshold == null ? Optional.empty() : REPORT.belowThreshold(threshold)
                .map(m -> m + "; set by -D" + FAIL_UNDER_PROPERTY + "=" + failUnder + "; the entries never exercised"
                        + " are listed in " + outDir.resolve("coverage.txt"));
    }
}
