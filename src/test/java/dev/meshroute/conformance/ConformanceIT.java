package dev.meshroute.conformance;

import dev.meshroute.conformance.coverage.RunCoverage;
import dev.meshroute.conformance.selection.Selection;
import dev.meshroute.conformance.target.Targets;
import org.junit.platform.suite.api.AfterSuite;
import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.IncludeEngines;
import org.junit.platform.suite.api.SelectDirectories;
import org.junit.platform.suite.api.Suite;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

import static io.cucumber.junit.platform.engine.Constants.GLUE_PROPERTY_NAME;
import static io.cucumber.junit.platform.engine.Constants.PLUGIN_PROPERTY_NAME;

/**
 * The conformance run: every scenario under {@code features/} against the target chosen with
 * {@code -Dmeshroute.target} (default {@code reference}). Failsafe runs it in {@code mvn verify}. Scenarios are
 * selected with {@code -Dmeshroute.tags} and {@code -Dmeshroute.scenario}, and listed without running with
 * {@code -Dmeshroute.dryRun=true} ({@link Selection}; the plan is written by
 * {@link dev.meshroute.conformance.selection.PlanWriter}, a JUnit Platform listener, since a dry run never starts
 * Cucumber).
 */
@Suite
@IncludeEngines("cucumber")
@SelectDirectories("features")
@ConfigurationParameter(key = GLUE_PROPERTY_NAME, value = "dev.meshroute.conformance.steps")
@ConfigurationParameter(key = PLUGIN_PROPERTY_NAME,
        value = "summary, html:target/meshroute/cucumber.html, message:target/meshroute/cucumber.ndjson,"
                + " junit:target/meshroute/cucumber-junit.xml,"
                + " dev.meshroute.conformance.verification.VerificationResults,"
                + " dev.meshroute.conformance.report.RunReport")
public class ConformanceIT {

    /**
     * The run's route coverage on the reference target: printed, written to {@code target/meshroute/coverage.json},
     * and failing the run below {@code -Dmeshroute.coverage.failUnder} (see {@link RunCoverage}).
     */
    @AfterSuite
    static void routeCoverage() throws IOException {
        if (Selection.dryRunRequested()) {
            return;
        }
        Optional<String> failure = RunCoverage.finish(
                Path.of(System.getProperty("meshroute.root", "."), "target", "meshroute"),
                System.getProperty(RunCoverage.FAIL_UNDER_PROPERTY), Targets.selected().equals("reference"),
                Targets.selected());
        if (failure.isPresent()) {
            throw new AssertionError(failure.get());
        }
    }
}
