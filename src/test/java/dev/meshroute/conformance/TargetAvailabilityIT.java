package dev.meshroute.conformance;

import dev.meshroute.conformance.target.MeshUnderTest;
import dev.meshroute.conformance.target.Targets;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fails the run when the requested target cannot run here. Its scenarios are then all skipped with the
 * reason, and a run whose every scenario was skipped must not look like a pass. (The default target,
 * the bundled reference, is always available.)
 */
class TargetAvailabilityIT {

    @Test
    void requestedTarget_canRunHere() {
        MeshUnderTest target = Targets.get();
        assertTrue(target.unavailable().isEmpty(), () -> "target '" + Targets.selected() + "' was requested but "
                + "cannot run here: " + target.unavailable().orElse("") + "; its scenarios were skipped, not passed. "
                + howToRun(Targets.selected()));
    }

    /** What the target needs and where the README tells how to run it. */
    static String howToRun(String target) {
        return switch (target) {
            case "envoy" -> "The envoy target needs a Docker engine (it pulls envoyproxy/envoy with Testcontainers): "
                    + "on such a machine run `mvn -B verify -Dmeshroute.target=envoy` (README, 'Certify real Envoy').";
            case "istio" -> "The istio target needs a Docker engine (k3s and Istio in Testcontainers, about 1.5 GB of "
                    + "images): on such a machine run `mvn -B verify -Dmeshroute.target=istio` (README, 'Certify real "
                    + "Istio'), or use -Dmeshroute.target=cluster with a kubeconfig of a cluster running Istio.";
            case "cluster" -> "The cluster target needs a reachable Kubernetes cluster with Istio: pass "
                    + "-Dmeshroute.kubeconfig=PATH or set KUBECONFIG (README, 'Certify real Istio').";
            case "grpc-js" -> "The grpc-js target needs Node.js 18+ and the packages of grpc-js/package-lock.json: run "
                    + "`mvn -B verify -Dmeshroute.target=grpc-js` online so the build runs `npm ci` (README, 'Certify "
                    + "proxyless gRPC (grpc-js)').";
            default -> "See the README's table of targets for what this target needs.";
        };
    }
}
