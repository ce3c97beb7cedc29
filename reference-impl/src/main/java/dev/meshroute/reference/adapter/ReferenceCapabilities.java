package dev.meshroute.reference.adapter;

import java.util.Set;

/**
 * What the reference mesh implements, in the conformance suite's capability names, as the {@code adapter} command
 * declares it in {@code GET /v1/info}. The only list: the suite's in-process reference target
 * ({@code ReferenceTarget.CAPABILITIES}) is this set, so the two cannot drift.
 */
public final class ReferenceCapabilities {

    public static final Set<String> ALL = Set.of("rule-order", "header-regex", "weights",
            "deterministic-weights", "missing-subset", "validation", "analysis", "redirect", "direct-response",
            "rewrite", "timeout", "fault", "headers", "cors", "route-inspection",
            "matches", "uri-regex", "ignore-uri-case", "method", "scheme", "authority", "present-header",
            "without-headers", "query-params", "host-header-key", "source-selectors", "hosts", "delegate",
            "destination-rule-merge", "export-to",
            "http-query", "retries", "mirror", "gateway", "load-balancer", "consistent-hash",
            "connection-pool", "outlier-detection", "subset-traffic-policy", "port-level-settings");

    private ReferenceCapabilities() {
    }
}
