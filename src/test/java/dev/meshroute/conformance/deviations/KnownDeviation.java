package dev.meshroute.conformance.deviations;

import dev.meshroute.conformance.target.MeshUnderTest;

import java.util.List;

/**
 * A way a target is known to differ from Envoy/Istio, declared with its evidence and with what shows it: scenarios
 * of the features (which then fail on that target in exactly this way) and/or a check in code, for a difference
 * no Istio configuration reaches or no feature exercises yet. A declared deviation is reported apart from passes
 * and failures, and must keep reproducing: {@link KnownDeviationsIT} re-runs what shows it on every run of the
 * target, and fails when it no longer differs (then the entry must go).
 *
 * @param id       short and stable, e.g. {@code grpc-java/no-route-status}
 * @param summary  the difference in one sentence
 * @param envoy    what Envoy/Istio does (the features' expectation)
 * @param evidence source files or issues that explain it
 * @param shownBy  scenarios that fail on the target because of it (possibly none)
 * @param check    a check in code that passes while the deviation reproduces, or null
 */
public record KnownDeviation(String id, String summary, String envoy, List<String> evidence,
                             List<ScenarioRef> shownBy, Check check) {

    public KnownDeviation {
        evidence = List.copyOf(evidence);
        shownBy = List.copyOf(shownBy);
        if (shownBy.isEmpty() && check == null) {
            throw new IllegalArgumentException(id + ": a deviation needs a scenario or a check that shows it");
        }
    }

    /** Shows the deviation on a target: returns what the target did, or throws when it no longer deviates. */
    @FunctionalInterface
    public interface Check {
        String run(MeshUnderTest target) throws Exception;
    }
}
