package dev.meshroute.conformance.steps;

import dev.meshroute.conformance.target.k8s.KubeTarget;
import io.cucumber.java.After;

/** On the Kubernetes targets, deletes a scenario's namespaces after it, whether it passed or failed. */
public final class KubeCleanupHooks {

    private final World world;

    public KubeCleanupHooks(World world) {
        this.world = world;
    }

    @After
    public void deleteScenarioNamespaces() {
        if (dev.meshroute.conformance.target.Targets.get() instanceof KubeTarget kube) {
            kube.cleanupScenario();
        }
    }
}
