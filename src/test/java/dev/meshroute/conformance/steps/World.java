package dev.meshroute.conformance.steps;

import dev.meshroute.conformance.report.RecordingMesh;
import dev.meshroute.conformance.report.ScenarioEvidence;
import dev.meshroute.conformance.target.ConfigSource;
import dev.meshroute.conformance.target.ConvergenceGate;
import dev.meshroute.conformance.target.Exchange;
import dev.meshroute.conformance.target.Finding;
import dev.meshroute.conformance.target.MeshUnderTest;
import dev.meshroute.conformance.target.Targets;
import io.cucumber.java.Scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * One scenario's state, shared by its step classes (picocontainer makes one per scenario): the
 * configuration it builds up, what applying it produced, and the last exchange.
 */
public final class World {

    /** What the scenario applied, sent and observed, for the run's reports (see the report package). */
    final ScenarioEvidence evidence = new ScenarioEvidence();
    /** The run's target; every exchange is recorded in {@link #evidence} (the real target: {@code Targets.get()}). */
    final MeshUnderTest target = RecordingMesh.wrap(Targets.get(), evidence);
    final List<ConfigSource> sources = new ArrayList<>();
    Scenario scenario;
    MeshUnderTest.Applied applied;
    /** From the start of apply until the convergence gate passed. */
    Duration convergence;
    List<Finding> findings;
    Exchange.Request lastRequest;
    Exchange.Response lastResponse;
    /** How long the last single exchange took, from sending to the whole answer. */
    long lastElapsedMillis;
    /** Set by scenarios about rejected configuration: rejections are then expected, not a setup failure. */
    boolean rejectionsExpected;

    /** Applies the configuration once, before the first request, and proves it live. */
    void ensureApplied() {
        if (applied != null) {
            return;
        }
        ConvergenceGate gate = ConvergenceGate.fromSystemProperties();
        List<ConfigSource> withProbe = new ArrayList<>(sources);
        withProbe.add(gate.probe());
        evidence.configuration(sources.stream().map(ConfigSource::name).toList());
        try {
            applied = target.apply(withProbe);
        } catch (Exception e) {
            fail("applying the scenario's configuration to " + target.name() + " failed: " + e.getMessage(), e);
        }
        findings = applied.findings();
        List<Finding> rejections = findings.stream().filter(Finding::isRejection).toList();
        if (!rejections.isEmpty() && !rejectionsExpected) {
            fail("the scenario's configuration was rejected, so its outcome would prove nothing:\n  "
                    + rejections.stream().map(Finding::toString).collect(Collectors.joining("\n  ")));
        }
        Duration probed = gate.await(target);
        convergence = applied.convergence().plus(probed);
        evidence.converged(applied.convergence(), probed);
        log("configuration live on " + target.name() + " after " + convergence.toMillis() + " ms ("
                + applied.convergence().toMillis() + " ms until the target reported it applied, then "
                + probed.toMillis() + " ms until the probe routed " + ConvergenceGate.REQUIRED_IN_A_ROW + " times in a row)");
    }

    /**
     * For assertion messages: the expected outcome, then the last request, what was observed (pod and labels, or the
     * proxy's reply and response flags) and the route the target's proxy would choose.
     */
    String diagnosis(String expected) {
        return "\n  expected: " + expected + evidence.diagnosis();
    }

    void log(String text) {
        if (scenario != null) {
            scenario.log(text);
        }
    }
}
