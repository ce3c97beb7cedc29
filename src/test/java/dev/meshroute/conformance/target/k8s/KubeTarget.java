package dev.meshroute.conformance.target.k8s;

import dev.meshroute.conformance.target.ConfigSource;
import dev.meshroute.conformance.target.Exchange;
import dev.meshroute.conformance.target.Finding;
import dev.meshroute.conformance.target.MeshUnderTest;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A real Istio mesh on Kubernetes as the suite's target: the common part of the istio (k3s in Docker) and
 * cluster (an existing cluster) targets. The outcome of a scenario here is Istio's own, so these runs are what
 * settles the {@code @unverified} scenarios (see {@link VerificationResults}).
 */
public abstract class KubeTarget implements MeshUnderTest {

    /**
     * What a real Istio mesh does that the suite can observe with Istio's echo server and a curl client. Left out,
     * with the reason: deterministic-weights (the reference's random-value header is not Istio's), analysis
     * (istioctl analyze is not run), route-inspection (config_dump not read), mirror (Istio's echo server keeps no
     * log of what it received), gateway (the ingress gateway is not wired to a client yet), retries, timeout and
     * outlier-detection (they need the suite's echo directives x-echo-status / x-echo-delay-ms and the status
     * label, which Istio's echo server does not honour), headers (the suite's upstream x-echo-pod header does not
     * exist, so removing it would pass vacuously), source-selectors (the client pod's labels are not the
     * reference's), scheme and host-header-key (not checked against how curl sends them), connection-pool (the
     * client sends one request at a time, so nothing can overflow a pool).
     */
    public static final Set<String> CAPABILITIES = Set.of("rule-order", "header-regex", "weights", "missing-subset",
            "validation", "redirect", "direct-response", "rewrite", "fault", "cors", "matches", "uri-regex",
            "ignore-uri-case", "method", "authority", "present-header", "without-headers", "query-params", "hosts",
            "delegate", "destination-rule-merge", "export-to", "http-query", "load-balancer", "consistent-hash",
            "subset-traffic-policy", "port-level-settings");

    private final String unavailable;
    private final KubeMesh mesh;

    protected KubeTarget(String unavailable, KubeMesh mesh) {
        this.unavailable = unavailable;
        this.mesh = mesh;
        if (unavailable == null) {
            KubeMesh.sizeConvergenceForRealClusters();
        }
    }

    @Override
    public Optional<String> unavailable() {
        return Optional.ofNullable(unavailable);
    }

    @Override
    public Set<String> capabilities() {
        return unavailable == null ? CAPABILITIES : Set.of();
    }

    @Override
    public Applied apply(List<ConfigSource> sources) throws Exception {
        long start = System.nanoTime();
        Applied created = mesh.create(sources);
        mesh.awaitReady();
        return new Applied(created.findings(), Duration.ofNanos(System.nanoTime() - start));
    }

    /** Istio's analysis (istioctl analyze) is not run on these targets: they do not declare analysis. */
    @Override
    public List<Finding> analyze(List<ConfigSource> sources) {
        throw new UnsupportedOperationException(name() + " does not run istioctl analyze (analysis)");
    }

    @Override
    public Exchange.Response send(Exchange.Request request) {
        return mesh.send(request, 1).get(0);
    }

    @Override
    public List<Exchange.Response> sendMany(Exchange.Request request, int count) {
        return mesh.send(request, count);
    }

    @Override
    public List<Exchange.Response> sendOneAtATime(Exchange.Request request, int count) {
        return mesh.send(request, count); // curl in a loop: one request in flight at a time
    }

    /** Deletes what the last scenario created (called after every scenario, failed or not). */
    public void cleanupScenario() {
        if (mesh != null) {
            mesh.cleanup();
        }
    }

    @Override
    public void close() {
        if (mesh != null) {
            mesh.close();
        }
    }
}
