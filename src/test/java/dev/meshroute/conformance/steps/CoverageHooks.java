package dev.meshroute.conformance.steps;

import dev.meshroute.conformance.coverage.RunCoverage;
import dev.meshroute.conformance.target.ConvergenceGate;
import dev.meshroute.conformance.target.ReferenceTarget;
import dev.meshroute.conformance.target.Targets;
import io.cucumber.java.After;
import io.cucumber.java.Scenario;

/**
 * After each scenario on the reference target: which rules, match entries and destinations of the VirtualServices
 * it applied its requests exercised, added to the run's route coverage ({@link RunCoverage}). The convergence probe
 * is the suite's own and is left out.
 */
public final class CoverageHooks {

    private final World world;

    public CoverageHooks(World world) {
        this.world = world;
    }

    /** World's target is a recording wrapper (reports), so the real target is asked for by {@link Targets#get}. */
    @After
    public void recordRouteCoverage(Scenario scenario) {
        if (world.applied == null || !(Targets.get() instanceof ReferenceTarget reference)) {
            return;
        }
        RunCoverage.add(scenario.getUri(), scenario.getName(), reference.drainCoverage(
                vs -> vs.location() == null || !vs.location().file().equals(ConvergenceGate.PROBE_FILE)));
    }
}
