package dev.meshroute.conformance.steps;

import dev.meshroute.conformance.deviations.KnownDeviation;
import dev.meshroute.conformance.deviations.KnownDeviations;
import dev.meshroute.conformance.target.Targets;
import io.cucumber.java.Before;
import io.cucumber.java.Scenario;
import org.opentest4j.TestAbortedException;

import java.util.Optional;

/**
 * Declared deviations (see {@link KnownDeviations}): a scenario that shows one of the target's declared deviations
 * is not a failure of this run. It is skipped here with the deviation's id and summary, and re-run by
 * KnownDeviationsIT, which reports it apart and fails only if it stopped deviating. Runs after the capability check.
 */
public final class KnownDeviationHooks {

    @Before(order = 1)
    public void declaredDeviations(Scenario scenario) {
        String target = Targets.selected();
        Optional<KnownDeviation> deviation = KnownDeviations.shownBy(target, scenario.getUri(), scenario.getName(),
                scenario.getLine());
        if (KnownDeviations.rerunning()) {
            if (deviation.isEmpty()) {
                throw new TestAbortedException("not a declared deviation of " + target + " (re-run of declared"
                        + " deviations only)");
            }
            KnownDeviations.recordRerun(scenario.getUri(), scenario.getLine(), deviation.get().id());
            scenario.log("declared deviation " + deviation.get().id() + ": " + deviation.get().summary());
            return;
        }
        deviation.ifPresent(d -> {
            throw new TestAbortedException("known deviation " + d.id() + " of " + target + ": " + d.summary()
                    + " (re-run and reported by KnownDeviationsIT, target/meshroute/deviations-" + target + ".md)");
        });
    }
}
