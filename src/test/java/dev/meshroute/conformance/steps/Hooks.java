package dev.meshroute.conformance.steps;

import io.cucumber.java.Before;
import io.cucumber.java.Scenario;
import org.opentest4j.TestAbortedException;

import java.util.List;
import java.util.Set;

/** Per-scenario setup: a scenario whose capability the target does not declare is skipped, with the reason. */
public final class Hooks {

    /** Tags that name a capability; other tags (profiles, versions, @unverified) do not gate a scenario. */
    public static final Set<String> CAPABILITY_TAGS = Set.of("rule-order", "header-regex", "weights",
            "deterministic-weights", "missing-subset", "validation", "analysis", "redirect", "direct-response", "rewrite", "timeout", "fault", "headers", "cors", "route-inspection",
            "matches", "uri-regex", "ignore-uri-case", "method", "scheme", "authority", "present-header",
            "without-headers", "query-params", "host-header-key", "source-selectors", "hosts", "delegate",
            "destination-rule-merge", "export-to",
            // a request path with a query string (an RPC path has none: proxyless gRPC targets lack it)
            "http-query", "retries", "mirror",
            // an ingress gateway configured by Gateway resources
            "gateway",
            // DestinationRule trafficPolicy (SEMANTICS.md 5.1-5.3, 5.5)
            "load-balancer", "consistent-hash", "connection-pool", "outlier-detection", "subset-traffic-policy",
            "port-level-settings",
            // a client that sends HTTP/1.0 request lines
            "http10");

    private final World world;

    /** The capabilities among a scenario's tags ({@code @weights}, ...) that {@code declared} lacks, in tag order. */
    public static List<String> missingCapabilities(java.util.Collection<String> tags, Set<String> declared) {
        return tags.stream()
                .map(t -> t.startsWith("@") ? t.substring(1) : t)
                .filter(CAPABILITY_TAGS::contains)
                .filter(c -> !declared.contains(c))
                .distinct()
                .toList();
    }

    public Hooks(World world) {
        this.world = world;
    }

    @Before(order = 0)
    public void checkCapabilities(Scenario scenario) {
        world.scenario = scenario;
        world.target.unavailable().ifPresent(reason -> {
            throw new TestAbortedException("target " + world.target.name() + " cannot run: " + reason);
        });
        List<String> missing = missingCapabilities(scenario.getSourceTagNames(), world.target.capabilities());
        if (!missing.isEmpty()) {
            // Cucumber on the JUnit Platform reports an aborted scenario as skipped, never as passed.
            throw new TestAbortedException("target " + world.target.name() + " does not declare "
                    + String.join(", ", missing));
        }
    }
}
