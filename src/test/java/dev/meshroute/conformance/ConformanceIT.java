package dev.meshroute.conformance;

import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.IncludeEngines;
import org.junit.platform.suite.api.SelectDirectories;
import org.junit.platform.suite.api.Suite;

import static io.cucumber.junit.platform.engine.Constants.GLUE_PROPERTY_NAME;
import static io.cucumber.junit.platform.engine.Constants.PLUGIN_PROPERTY_NAME;

/**
 * The conformance run: every scenario under {@code features/} against the target chosen with
 * {@code -Dmeshroute.target} (default {@code reference}). Failsafe runs it in {@code mvn verify}.
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
}
