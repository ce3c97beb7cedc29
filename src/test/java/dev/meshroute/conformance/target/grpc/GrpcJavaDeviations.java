package dev.meshroute.conformance.target.grpc;

import dev.meshroute.conformance.deviations.KnownDeviation;
import dev.meshroute.conformance.deviations.ScenarioRef;

import java.util.List;

import static dev.meshroute.conformance.deviations.ScenarioRef.example;
import static dev.meshroute.conformance.deviations.ScenarioRef.scenario;

/**
 * The known-deviation register of the grpc-java target (io.grpc:grpc-xds 1.85.1): how grpc-java differs from
 * Envoy/Istio, with the evidence and what shows it. Source paths are grpc/grpc-java's, read at the 1.85 development
 * line; every entry is re-run by KnownDeviationsIT on each grpc-java run.
 */
public final class GrpcJavaDeviations {

    private static final String RULE_ORDER = "features/rule-order/rule-order.feature";
    private static final String MATCHES = "features/matches/matches.feature";
    private static final String MISSING_SUBSET = "features/missing-subset/missing-subset.feature";
    private static final String DELEGATE = "features/delegate/delegate.feature";

    public static final List<KnownDeviation> ALL = List.of(
            new KnownDeviation("grpc-java/no-route-is-unavailable",
                    "an RPC that matches no route fails with UNAVAILABLE \"Could not find xDS route matching RPC\","
                            + " which is 503 in the HTTP vocabulary (flag NR from that message)",
                    "404, flag NR (router.cc NoRouteFound); a gRPC caller behind Envoy gets UNIMPLEMENTED,"
                            + " Envoy's httpToGrpcStatus(404)",
                    List.of("grpc-java xds/src/main/java/io/grpc/xds/XdsNameResolver.java ConfigSelector.selectConfig:"
                                    + " Status.UNAVAILABLE.withDescription(\"Could not find xDS route matching RPC\")",
                            "gRFC A28 (xDS traffic splitting and routing): no matching route fails the RPC with"
                                    + " UNAVAILABLE",
                            "envoy source/common/grpc/status.cc Utility::httpToGrpcStatus (404 -> Unimplemented)"),
                    List.of(scenario(RULE_ORDER,
                                    "A request that matches no rule, with no catch-all, gets 404 NR from the proxy"),
                            example(MATCHES, "A VirtualService with one route left for this client has no fall-back:"
                                    + " the rest is 404 NR", "/other", "404 NR"),
                            example(DELEGATE, "Two teams own the rules under their prefixes", "/other", "404 NR"),
                            example(DELEGATE, "A delegate rule whose match does not fit under the root's is dropped;"
                                    + " its siblings still apply", "/other", "404 NR"),
                            new ScenarioRef(DELEGATE, "A delegate's match keeps the root's conditions and adds its own",
                                    List.of(List.of("/productpage/v1/a", "dev", "jason", "404 NR"),
                                            List.of("/other", "prod", "jason", "404 NR")))),
                    null),
            new KnownDeviation("grpc-java/missing-header-not-empty",
                    "treat_missing_header_as_empty is not implemented: an inverted header condition never matches"
                            + " a request without the header, so Istio's withoutHeaders with a value does not match"
                            + " requests that lack the header",
                    "Istio sets invert_match + treat_missing_header_as_empty for withoutHeaders (Istio 1.22+,"
                            + " istio/istio#49537): an absent header reads as \"\", \"\" != \"bad\", inverted: match",
                    List.of("grpc-java xds/src/main/java/io/grpc/xds/internal/MatcherParser.java parseHeaderMatcher"
                                    + " never reads treat_missing_header_as_empty",
                            "grpc-java xds/src/main/java/io/grpc/xds/internal/Matchers.java HeaderMatcher.matches:"
                                    + " a null value returns present() != null && present() == inverted()",
                            "envoy source/common/http/header_utility.cc HeaderUtility::matchHeaders"),
                    List.of(scenario(MATCHES, "withoutHeaders with a value matches a request that does not carry the"
                            + " header at all")),
                    null),
            new KnownDeviation("grpc-java/no-healthy-upstream-message",
                    "a cluster without endpoints fails the RPC with UNAVAILABLE \"No usable endpoint from cluster:"
                            + " NAME\" (503, flag UH from that message), not Envoy's body \"no healthy upstream\"",
                    "503, flag UH, body \"no healthy upstream\" (router.cc sendNoHealthyUpstreamResponse)",
                    List.of("grpc-java xds/src/main/java/io/grpc/xds/CdsLoadBalancer2.java: Status.UNAVAILABLE"
                            + ".withDescription(\"No usable endpoint from cluster: \" + clusterName)"),
                    List.of(scenario(MISSING_SUBSET,
                            "A subset whose labels select no pod is answered 503 UH \"no healthy upstream\"")),
                    null),
            new KnownDeviation("grpc-java/case-sensitive-unset-is-false",
                    "a RouteMatch whose case_sensitive is unset (every uri exact or prefix Istio generates without"
                            + " ignoreUriCase) matches the path ignoring case",
                    "case_sensitive defaults to true (route_components.proto RouteMatch.case_sensitive: \"The"
                            + " default is true\"); exact and prefix are case-sensitive (SEMANTICS.md 1.6)",
                    List.of("grpc-java xds/src/main/java/io/grpc/xds/XdsRouteConfigureResource.java"
                                    + " parsePathMatcher: boolean caseSensitive = proto.getCaseSensitive().getValue()"
                                    + " (an unset BoolValue reads false)",
                            "grpc-java xds/src/main/java/io/grpc/xds/RoutingUtils.java matchPath"),
                    List.of(), GrpcJavaChecks::unsetCaseSensitiveIsFalse),
            new KnownDeviation("grpc-java/range-end-inclusive",
                    "a header range_match includes its end (xDS level only: no Istio StringMatch produces a range)",
                    "Int64Range is half-open, [start, end) (envoy/type/v3/range.proto; HeaderMatcher.range_match)",
                    List.of("grpc-java xds/src/main/java/io/grpc/xds/internal/Matchers.java HeaderMatcher.matches:"
                            + " numValue >= range().start() && numValue <= range().end()"),
                    List.of(), GrpcJavaChecks::rangeMatchIncludesTheEnd));

    private GrpcJavaDeviations() {
    }
}
