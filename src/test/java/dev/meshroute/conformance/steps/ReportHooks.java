package dev.meshroute.conformance.steps;

import io.cucumber.java.Before;
import io.cucumber.java.Scenario;

/** Hands each scenario's evidence to the run's reports (dev.meshroute.conformance.report.RunReport). */
public final class ReportHooks {

    private final World world;

    public ReportHooks(World world) {
        this.world = world;
    }

    /** Before everything else, so even a scenario skipped by the capability check has (empty) evidence. */
    @Before(order = -1)
    public void registerEvidence(Scenario scenario) {
        world.evidence.register(scenario.getId());
    }
}
