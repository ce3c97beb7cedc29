package dev.meshroute.reference.translate;

import dev.meshroute.reference.model.ObjectMeta;
import dev.meshroute.reference.model.SourceLocation;
import dev.meshroute.reference.model.VirtualService;
import dev.meshroute.reference.registry.Pod;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.type.matcher.v3.MetadataMatcher;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.meshroute.reference.testsupport.Fixtures.DR_V1_V2;
import static dev.meshroute.reference.testsupport.Fixtures.FQDN;
import static dev.meshroute.reference.testsupport.Fixtures.SERVICE;
import static dev.meshroute.reference.testsupport.Fixtures.config;
import static dev.meshroute.reference.testsupport.Fixtures.pod;
import static dev.meshroute.reference.testsupport.Fixtures.vs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parts of route generation the other translator tests leave out: which routes are catch-alls, which matches
 * apply to this sidecar, route names, which services and VirtualServices a port's route configuration takes, the
 * port of a destination without one, and Istio's host wildcards (SEMANTICS.md 1.1, 1.3, 1.5, 6.1; istio/istio
 * route.go IsCatchAllRoute, sourceMatchHTTP, TranslateRoute, GetDestinationCluster, host.Name.Matches).
 */
class XdsTranslatorRouteGenerationTest {

    private static final String V2 = "outbound|80|v2|" + FQDN;
    private static final String DEFAULT = "outbound|80||" + FQDN;
    private static final String OTHER = "other.default.svc.cluster.local";

    private static final List<Pod> PODS = List.of(pod("v1-a", "v1", 9001), pod("v2-a", "v2", 9002));

    /** Service other (namespace default) with the single port 9080. */
    private static final String OTHER_SERVICE = """
            apiVersion: v1
            kind: Service
            metadata:
              name: other
              namespace: default
            spec:
              selector:
                app: other
              ports:
              - name: http
                port: 9080
            """;

    private static XdsResources translate(String... docs) {
        return XdsTranslator.translate(config(docs), PODS, ClientProxy.DEFAULT);
    }

    private static Optional<RouteConfiguration> routeConfig(XdsResources r, int port) {
        return r.routes().stream().filter(rc -> rc.getName().equals(String.valueOf(port))).findFirst();
    }

    private static Optional<VirtualHost> vhost(XdsResources r, int port, String fqdn) {
        return routeConfig(r, port).orElseThrow().getVirtualHostsList().stream()
                .filter(v -> v.getDomainsList().contains(fqdn)).findFirst();
    }

    /** The routes of my-app on port 80. */
    private static List<Route> routes(String http) {
        return vhost(translate(SERVICE, DR_V1_V2, vs("vs", http)), 80, FQDN).orElseThrow().getRoutesList();
    }

    private static List<String> clusters(List<Route> routes) {
        return routes.stream().map(r -> r.getRoute().getCluster()).toList();
    }

    // ---- IsCatchAllRoute -------------------------------------------------------------------------

    private static Route withMatch(RouteMatch.Builder match) {
        return Route.newBuilder().setMatch(match).build();
    }

    @Test
    void isCatchAll_anyPathWithoutOtherMatchers_isCatchAll() {
        assertTrue(XdsTranslator.isCatchAll(withMatch(RouteMatch.newBuilder().setPrefix("/"))));
        assertTrue(XdsTranslator.isCatchAll(withMatch(RouteMatch.newBuilder().setPathSeparatedPrefix("/"))));
        assertTrue(XdsTranslator.isCatchAll(withMatch(RouteMatch.newBuilder()
                .setSafeRegex(RegexMatcher.newBuilder().setRegex(".*")))));
    }

    @Test
    void isCatchAll_narrowerPath_isNotCatchAll() {
        assertFalse(XdsTranslator.isCatchAll(withMatch(RouteMatch.newBuilder().setPrefix("/a"))));
        assertFalse(XdsTranslator.isCatchAll(withMatch(RouteMatch.newBuilder().setPrefix(""))));
        assertFalse(XdsTranslator.isCatchAll(withMatch(RouteMatch.newBuilder().setPathSeparatedPrefix("/a"))));
        assertFalse(XdsTranslator.isCatchAll(withMatch(RouteMatch.newBuilder()
                .setSafeRegex(RegexMatcher.newBuilder().setRegex("/.*")))));
        assertFalse(XdsTranslator.isCatchAll(withMatch(RouteMatch.newBuilder().setPath("/"))));
    }

    @Test
    void isCatchAll_anyPathWithAHeaderQueryOrMetadataMatcher_isNotCatchAll() {
        assertFalse(XdsTranslator.isCatchAll(withMatch(RouteMatch.newBuilder().setPrefix("/")
                .addHeaders(HeaderMatcher.newBuilder().setName("x").setPresentMatch(true)))));
        assertFalse(XdsTranslator.isCatchAll(withMatch(RouteMatch.newBuilder().setPathSeparatedPrefix("/")
                .addQueryParameters(QueryParameterMatcher.newBuilder().setName("q").setPresentMatch(true)))));
        assertFalse(XdsTranslator.isCatchAll(withMatch(RouteMatch.newBuilder()
                .setSafeRegex(RegexMatcher.newBuilder().setRegex(".*"))
                .addDynamicMetadata(MetadataMatcher.newBuilder().setFilter("envoy.filters.http.jwt_authn")))));
    }

    @Test
    void translate_regexDotStarMatch_endsGeneration() {
        List<Route> routes = routes("""
                - match:
                  - uri: {regex: '.*'}
                  route:
                  - destination: {host: my-app, subset: v2}
                - route:
                  - destination: {host: my-app, subset: v1}
                """);

        assertEquals(List.of(V2), clusters(routes));
    }

    // ---- route names: rule.name + "." + match.name (TranslateRoute) ------------------------------------

    @ParameterizedTest(name = "rule {0}, match {1} -> ''{2}''")
    @CsvSource(nullValues = "-", value = {
            "r, m, r.m",
            "r, -, r",
            "-, m, .m",
            "-, -, ''"})
    void translate_routeName_isRuleNameDotMatchName(String ruleName, String matchName, String expected) {
        String http = (ruleName == null ? "- " : "- name: " + ruleName + "\n  ")
                + "match:\n  - uri: {prefix: /a}\n" + (matchName == null ? "" : "    name: " + matchName + "\n")
                + "  route:\n  - destination: {host: my-app, subset: v1}\n";

        assertEquals(expected, routes(http).get(0).getName());
    }

    @Test
    void translate_ruleWithoutMatch_isNamedAfterTheRule() {
        List<Route> routes = routes("""
                - name: everything
                  route:
                  - destination: {host: my-app, subset: v1}
                """);

        assertEquals("everything", routes.get(0).getName());
    }

    @Test
    void translate_severalNamedMatches_eachRouteCarriesItsMatchName() {
        List<Route> routes = routes("""
                - name: r
                  match:
                  - name: first
                    uri: {prefix: /a}
                  - name: second
                    uri: {prefix: /b}
                  route:
                  - destination: {host: my-app, subset: v1}
                """);

        assertEquals(List.of("r.first", "r.second"), routes.stream().map(Route::getName).toList());
    }

    // ---- config-time selectors of a match (sourceMatchHTTP) --------------------------------------

    @Test
    void translate_matchGatewaysWithMesh_appliesAndIgnoresSourceLabels() {
        List<Route> routes = routes("""
                - match:
                  - gateways: [mesh]
                    sourceLabels: {app: other}
                    uri: {prefix: /a}
                  route:
                  - destination: {host: my-app, subset: v2}
                """);

        assertEquals(List.of(V2), clusters(routes));
        assertEquals("/a", routes.get(0).getMatch().getPrefix());
    }

    @Test
    void translate_matchGatewaysWithoutMesh_isDroppedForSidecars() {
        List<Route> routes = routes("""
                - match:
                  - gateways: [my-gateway]
                    uri: {prefix: /a}
                  - uri: {prefix: /b}
                  route:
                  - destination: {host: my-app, subset: v2}
                """);

        assertEquals(List.of("/b"), routes.stream().map(r -> r.getMatch().getPrefix()).toList());
    }

    @Test
    void translate_sourceNamespaceOfTheProxy_keepsTheMatch() {
        assertEquals("default", ClientProxy.DEFAULT.namespace());
        List<Route> routes = routes("""
                - match:
                  - sourceNamespace: default
                    uri: {prefix: /a}
                  route:
                  - destination: {host: my-app, subset: v2}
                """);

        assertEquals(List.of(V2), clusters(routes));
    }

    @Test
    void translate_sourceNamespaceOfAnotherNamespace_dropsTheMatchAndFallsBackToTheDefaultRoute() {
        List<Route> routes = routes("""
                - match:
                  - sourceNamespace: prod
                    uri: {prefix: /a}
                  route:
                  - destination: {host: my-app, subset: v2}
                """);

        assertEquals(List.of(DEFAULT), clusters(routes));
    }

    @Test
    void translate_matchPortOfTheListener_keepsTheMatch() {
        assertEquals(List.of(V2), clusters(routes("""
                - match:
                  - port: 80
                  route:
                  - destination: {host: my-app, subset: v2}
                """)));
    }

    // ---- VirtualService gateways and service ports -------------------------------------------------

    private static String meshVs(String gateways) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: vs
                spec:
                  hosts: [my-app]
                  gateways: %s
                  http:
                  - route:
                    - destination: {host: my-app, subset: v2}
                """.formatted(gateways);
    }

    @Test
    void translate_virtualServiceBoundOnlyToAGateway_doesNotApplyToSidecars() {
        XdsResources r = translate(SERVICE, DR_V1_V2, meshVs("[my-gateway]"));

        assertEquals(List.of(DEFAULT), clusters(vhost(r, 80, FQDN).orElseThrow().getRoutesList()));
    }

    @Test
    void translate_virtualServiceBoundToAGatewayAndMesh_appliesToSidecars() {
        XdsResources r = translate(SERVICE, DR_V1_V2, meshVs("[my-gateway, mesh]"));

        assertEquals(List.of(V2), clusters(vhost(r, 80, FQDN).orElseThrow().getRoutesList()));
    }

    @Test
    void translate_routeConfigurationOfAPort_hasOnlyTheServicesOfThatPort() {
        XdsResources r = translate(SERVICE, OTHER_SERVICE);

        assertTrue(vhost(r, 80, FQDN).isPresent());
        assertFalse(vhost(r, 80, OTHER).isPresent());
        assertTrue(vhost(r, 9080, OTHER).isPresent());
        assertFalse(vhost(r, 9080, FQDN).isPresent());
    }

    private static final String ROUTE_TO_OTHER = """
            - route:
              - destination: {host: other}
            """;

    @Test
    void translate_destinationWithoutPort_usesTheOnlyPortOfItsService() {
        // GetDestinationCluster: no destination port and a single service port -> that port, not the listener's
        XdsResources r = translate(SERVICE, OTHER_SERVICE, vs("vs", ROUTE_TO_OTHER));

        assertEquals(List.of("outbound|9080||" + OTHER), clusters(vhost(r, 80, FQDN).orElseThrow().getRoutesList()));
    }

    @Test
    void translate_destinationWithoutPortToAnUnknownHost_usesTheListenerPort() {
        assertEquals(List.of("outbound|80||" + OTHER), clusters(routes(ROUTE_TO_OTHER)));
    }

    @Test
    void translate_destinationWithoutPortToAServiceWithTwoPorts_usesTheListenerPort() {
        String twoPorts = OTHER_SERVICE + """
                  - name: http-alt
                    port: 80
                """;
        XdsResources r = translate(SERVICE, twoPorts, vs("vs", ROUTE_TO_OTHER));

        assertEquals(List.of("outbound|80||" + OTHER), clusters(vhost(r, 80, FQDN).orElseThrow().getRoutesList()));
    }

    @Test
    void translate_destinationWithPort_usesThatPort() {
        List<Route> routes = routes("""
                - route:
                  - destination: {host: my-app, port: {number: 8080}}
                """);

        assertEquals(List.of("outbound|8080||" + FQDN), clusters(routes));
    }

    // ---- Istio host wildcards (host.Name.Matches) ------------------------------------------------------

    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @CsvSource({
            "*,               anything.default.svc.cluster.local, true",
            "*.example.com,   a.example.com,   true",
            "*.example.com,   a.b.example.com, true",
            "*.example.com,   example.com,     false",
            "*.example.com,   a.example.org,   false",
            "*.example.com,   aexample.com,    false",
            "a.example.com,   a.example.com,   true",
            "a.example.com,   b.example.com,   false",
            "a.example.com,   x.a.example.com, false"})
    void hostMatches_pattern_matchesAsIstioHostNames(String pattern, String fqdn, boolean expected) {
        assertEquals(expected, XdsTranslator.hostMatches(pattern, fqdn));
    }

    private static VirtualService virtualService(String name, String... hosts) {
        return new VirtualService(new ObjectMeta(name, "default", Map.of()), SourceLocation.UNKNOWN, List.of(hosts),
                List.of(), List.of());
    }

    @Test
    void mostSpecificVirtualService_exactHostBeatsAnEarlierWildcard() {
        VirtualService wildcard = virtualService("wild", "*.default.svc.cluster.local");
        VirtualService exact = virtualService("exact", "my-app");

        assertSame(exact, XdsTranslator.mostSpecificVirtualService(FQDN, List.of(wildcard, exact)));
    }

    @Test
    void mostSpecificVirtualService_equalWildcards_firstWins() {
        VirtualService first = virtualService("first", "*.default.svc.cluster.local");
        VirtualService second = virtualService("second", "*.default.svc.cluster.local");

        assertSame(first, XdsTranslator.mostSpecificVirtualService(FQDN, List.of(first, second)));
    }

    @Test
    void mostSpecificVirtualService_noHostMatches_none() {
        VirtualService prod = virtualService("x", "*.prod.svc.cluster.local");

        assertNull(XdsTranslator.mostSpecificVirtualService(FQDN, List.of(prod)));
    }
}
