package dev.meshroute.conformance.target.grpc;

import dev.meshroute.conformance.deviations.KnownDeviation;

import java.util.List;

import static dev.meshroute.conformance.deviations.ScenarioRef.example;
import static dev.meshroute.conformance.deviations.ScenarioRef.scenario;

/**
 * The known-deviation register of the grpc-js target (@grpc/grpc-js-xds 1.14.1, @grpc/grpc-js 1.14.7): how grpc-js
 * differs from Envoy/Istio, with the evidence (paths are the npm packages' built sources, as installed from
 * grpc-js/package-lock.json) and the scenarios that show it. Every entry is re-run by KnownDeviationsIT on each
 * grpc-js run.
 */
public final class GrpcJsDeviations {

    private static final String RULE_ORDER = "features/rule-order/rule-order.feature";
    private static final String MATCHES = "features/matches/matches.feature";
    private static final String MISSING_SUBSET = "features/missing-subset/missing-subset.feature";

    public static final List<KnownDeviation> ALL = List.of(
            new KnownDeviation("grpc-js/no-route-is-unavailable",
                    "an RPC that matches no route fails with UNAVAILABLE \"Failed to route call to method /M\","
                            + " which is 503 in the HTTP vocabulary, with no response flag (the same message as for"
                            + " a missing cluster)",
                    "404, flag NR (router.cc NoRouteFound); a gRPC caller behind Envoy gets UNIMPLEMENTED",
                    List.of("@grpc/grpc-js-xds build/src/resolver-xds.js configSelector.invoke: no matching route"
                                    + " returns status UNAVAILABLE",
                            "@grpc/grpc-js build/src/resolving-call.js: 'Failed to route call to method ' + method"),
                    List.of(scenario(RULE_ORDER,
                                    "A request that matches no rule, with no catch-all, gets 404 NR from the proxy"),
                            example(MATCHES, "A VirtualService with one route left for this client has no fall-back:"
                                    + " the rest is 404 NR", "/other", "404 NR")),
                    null),
            new KnownDeviation("grpc-js/inverted-header-matches-absent",
                    "an inverted header matcher matches an RPC without that header (treat_missing_header_as_empty"
                            + " is ignored), so Istio's withoutHeaders {exact: \"\"} does not exclude such RPCs",
                    "Istio sets invert_match + treat_missing_header_as_empty for withoutHeaders (1.22+,"
                            + " istio/istio#49537): an absent header reads as \"\", matches exact \"\", inverted: no"
                            + " match",
                    List.of("@grpc/grpc-js-xds build/src/matcher.js HeaderMatcher: applyHelper returns false for an"
                            + " absent header, and apply() inverts it to true; treat_missing_header_as_empty is never"
                            + " read"),
                    List.of(scenario(MATCHES, "withoutHeaders exact \"\" also excludes a request without the header")),
                    null),
            new KnownDeviation("grpc-js/missing-cluster-stalls-the-channel",
                    "a route naming a cluster the control plane does not have keeps every RPC on that channel"
                            + " waiting for name resolution until its deadline (DEADLINE_EXCEEDED, 504 in the HTTP"
                            + " vocabulary): grpc-js does not give up on the missing cluster within 45 s",
                    "503, flag NC, for requests that pick the missing cluster only (router.cc ClusterNotFound);"
                            + " other routes keep working",
                    List.of("@grpc/grpc-js-xds build/src/xds-dependency-manager.js: a configuration is produced only"
                                    + " once every cluster of the route configuration has resolved",
                            "@grpc/grpc-js build/src/resolving-call.js: 'waiting for name resolution' on deadline"),
                    List.of(scenario(MISSING_SUBSET, "A route to an undefined subset is answered 503 NC by the proxy"),
                            scenario(MISSING_SUBSET, "A subset route without any DestinationRule is answered 503 NC"),
                            scenario(MISSING_SUBSET,
                                    "A typo in one of two weighted destinations fails only that destination's share"),
                            scenario(MISSING_SUBSET, "Routes that do not touch the bad subset keep working")),
                    null),
            new KnownDeviation("grpc-js/no-healthy-upstream-message",
                    "a cluster without endpoints fails the RPC with UNAVAILABLE \"priority policy has empty priority"
                            + " list\" (503, no response flag), not Envoy's 503 UH \"no healthy upstream\"",
                    "503, flag UH, body \"no healthy upstream\" (router.cc sendNoHealthyUpstreamResponse)",
                    List.of("@grpc/grpc-js-xds build/src/load-balancer-priority.js: 'priority policy has empty"
                            + " priority list'"),
                    List.of(scenario(MISSING_SUBSET,
                            "A subset whose labels select no pod is answered 503 UH \"no healthy upstream\"")),
                    null));

    private GrpcJsDeviations() {
    }
}
