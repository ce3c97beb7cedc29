package dev.meshroute.reference.translate;

import dev.meshroute.reference.model.MeshConfig;
import dev.meshroute.reference.registry.Pod;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.meshroute.reference.testsupport.Fixtures.DR_V1_V2;
import static dev.meshroute.reference.testsupport.Fixtures.FQDN;
import static dev.meshroute.reference.testsupport.Fixtures.SERVICE;
import static dev.meshroute.reference.testsupport.Fixtures.config;
import static dev.meshroute.reference.testsupport.Fixtures.pod;
import static dev.meshroute.reference.testsupport.Fixtures.vs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class XdsTranslatorTest {

    private static final String V1 = "outbound|80|v1|" + FQDN;
    private static final String V2 = "outbound|80|v2|" + FQDN;
    private static final String DEFAULT = "outbound|80||" + FQDN;

    private static final List<Pod> PODS = List.of(pod("my-app-v1-0", "v1", 9001), pod("my-app-v2-0", "v2", 9002));

    private static XdsResources translate(String... docs) {
        return translate(PODS, docs);
    }

    private static XdsResources translate(List<Pod> pods, String... docs) {
        MeshConfig c = config(docs);
        return XdsTranslator.translate(c, pods, ClientProxy.DEFAULT);
    }

    private static RouteConfiguration routeConfig(XdsResources r, int port) {
        return r.routes().stream().filter(rc -> rc.getName().equals(String.valueOf(port))).findFirst()
                .orElseThrow(() -> new AssertionError("no route configuration " + port + " in " + r.routes()));
    }

    private static VirtualHost vhost(XdsResources r, int port, String fqdn) {
        return routeConfig(r, port).getVirtualHostsList().stream().filter(v -> v.getDomainsList().contains(fqdn))
                .findFirst().orElseThrow(() -> new AssertionError("no virtual host for " + fqdn));
    }

    private static List<Route> routes(XdsResources r) {
        return vhost(r, 80, FQDN).getRoutesList();
    }

    private static List<String> clusterNames(XdsResources r) {
        return r.clusters().stream().map(Cluster::getName).toList();
    }

    private static List<String> endpointPods(XdsResources r, String cluster) {
        ClusterLoadAssignment cla = r.endpoints().stream().filter(e -> e.getClusterName().equals(cluster)).findFirst()
                .orElseThrow(() -> new AssertionError("no assignment for " + cluster));
        return cla.getEndpointsList().stream().flatMap(l -> l.getLbEndpointsList().stream())
                .map(LbEndpoint::getEndpoint).map(e -> e.getHostname() + "@" + e.getAddress().getSocketAddress()
                        .getAddress() + ":" + e.getAddress().getSocketAddress().getPortValue())
                .sorted().toList();
    }

    private static String routeTo(String subset) {
        return """
                  route:
                  - destination:
                      host: my-app
                      subset: %s
                """.formatted(subset);
    }

    @Test
    void translate_clusterNames_followIstioOutboundFormat() {
        XdsResources r = translate(SERVICE, DR_V1_V2);

        assertEquals(List.of(DEFAULT, V1, V2), clusterNames(r));
        // every cluster is fed by EDS under its own name, and has an assignment
        assertEquals(clusterNames(r), r.endpoints().stream().map(ClusterLoadAssignment::getClusterName).toList());
        for (Cluster c : r.clusters()) {
            assertEquals(Cluster.DiscoveryType.EDS, c.getType());
            assertEquals(c.getName(), c.getEdsClusterConfig().getServiceName());
        }
    }

    @Test
    void translate_noVirtualService_defaultRouteToServiceCluster() {
        XdsResources r = translate(SERVICE, DR_V1_V2);

        List<Route> routes = routes(r);
        assertEquals(1, routes.size());
        assertEquals("/", routes.get(0).getMatch().getPrefix());
        assertEquals(DEFAULT, routes.get(0).getRoute().getCluster());
    }

    @Test
    void translate_listenerNamesItsRouteConfiguration() {
        XdsResources r = translate(SERVICE);

        assertEquals(1, r.listeners().size());
        assertEquals(80, r.listeners().get(0).getAddress().getSocketAddress().getPortValue());
        assertEquals(List.of("80"), r.routes().stream().map(RouteConfiguration::getName).toList());
    }

    /**
     * istiod writes RDS's and EDS's config source with {@code InitialFetchTimeout: 0} (listener_builder.go,
     * cluster_builder.go maybeApplyEdsConfig): wait for the route configuration and the endpoints however long they
     * take, not Envoy's default 15 s.
     */
    @Test
    void translate_rdsAndEdsComeFromAds_withNoInitialFetchTimeout() throws Exception {
        XdsResources r = translate(SERVICE, DR_V1_V2);

        var hcm = r.listeners().get(0).getFilterChains(0).getFilters(0).getTypedConfig()
                .unpack(io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.class);
        var rds = hcm.getRds().getConfigSource();
        assertTrue(rds.hasAds() && rds.hasInitialFetchTimeout(), rds.toString());
        assertEquals(com.google.protobuf.Duration.getDefaultInstance(), rds.getInitialFetchTimeout());
        for (Cluster c : r.clusters()) {
            var eds = c.getEdsClusterConfig().getEdsConfig();
            assertTrue(eds.hasAds() && eds.hasInitialFetchTimeout(), c.getName() + ": " + eds);
            assertEquals(com.google.protobuf.Duration.getDefaultInstance(), eds.getInitialFetchTimeout());
        }
    }

    @Test
    void translate_oneEnvoyRoutePerMatchEntry_inOrder() {
        XdsResources r = translate(SERVICE, DR_V1_V2, vs("vs", """
                - match:
                  - uri:
                      prefix: /b
                  - uri:
                      exact: /a
                %s- match:
                  - uri:
                      regex: /c.*
                %s""".formatted(routeTo("v1"), routeTo("v2"))));

        List<Route> routes = routes(r);
        assertEquals(3, routes.size(), routes.toString());
        assertEquals("/b", routes.get(0).getMatch().getPrefix());
        assertEquals(V1, routes.get(0).getRoute().getCluster());
        assertEquals("/a", routes.get(1).getMatch().getPath());
        assertEquals(V1, routes.get(1).getRoute().getCluster());
        assertEquals("/c.*", routes.get(2).getMatch().getSafeRegex().getRegex());
        assertEquals(V2, routes.get(2).getRoute().getCluster());
    }

    @Test
    void translate_ruleWithoutMatch_endsGeneration() {
        XdsResources r = translate(SERVICE, DR_V1_V2, vs("vs", """
                - route:
                  - destination:
                      host: my-app
                      subset: v1
                - match:
                  - uri:
                      exact: /special
                %s""".formatted(routeTo("v2"))));

        List<Route> routes = routes(r);
        assertEquals(1, routes.size(), routes.toString());
        assertEquals("/", routes.get(0).getMatch().getPrefix());
        assertEquals(V1, routes.get(0).getRoute().getCluster());
    }

    @Test
    void translate_catchAllPrefixWithoutHeaders_endsGenerationEvenInsideTheMatchList() {
        XdsResources r = translate(SERVICE, DR_V1_V2, vs("vs", """
                - match:
                  - uri:
                      prefix: /
                  - headers:
                      x-a:
                        exact: "1"
                %s- route:
                  - destination:
                      host: my-app
                      subset: v2
                """.formatted(routeTo("v1"))));

        List<Route> routes = routes(r);
        assertEquals(1, routes.size(), routes.toString());
        assertEquals(0, routes.get(0).getMatch().getHeadersCount());
    }

    @Test
    void translate_emptyMatchObject_isCatchAll() {
        XdsResources r = translate(SERVICE, DR_V1_V2, vs("vs", """
                - match:
                  - {}
                %s- route:
                  - destination:
                      host: my-app
                      subset: v2
                """.formatted(routeTo("v1"))));

        assertEquals(1, routes(r).size());
        assertEquals("/", routes(r).get(0).getMatch().getPrefix());
    }

    @Test
    void translate_prefixSlashWithHeader_isNotCatchAll() {
        XdsResources r = translate(SERVICE, DR_V1_V2, vs("vs", """
                - match:
                  - uri:
                      prefix: /
                    headers:
                      x-a:
                        exact: "1"
                %s- route:
                  - destination:
                      host: my-app
                      subset: v2
                """.formatted(routeTo("v1"))));

        List<Route> routes = routes(r);
        assertEquals(2, routes.size(), routes.toString());
        assertEquals(V1, routes.get(0).getRoute().getCluster());
        assertEquals(V2, routes.get(1).getRoute().getCluster());
    }

    @Test
    void translate_methodOnlyMatch_isNotCatchAllBecauseMethodIsAHeaderMatcher() {
        XdsResources r = translate(SERVICE, DR_V1_V2, vs("vs", """
                - match:
                  - method:
                      exact: GET
                %s- route:
                  - destination:
                      host: my-app
                      subset: v2
                """.formatted(routeTo("v1"))));

        assertEquals(2, routes(r).size());
    }

    @Test
    void translate_weightZeroEntries_droppedFromWeightedClusters() {
        XdsResources r = translate(SERVICE, DR_V1_V2 + "  - name: v3\n    labels:\n      version: v3\n", vs("vs", """
                - route:
                  - destination:
                      host: my-app
                      subset: v1
                    weight: 90
                  - destination:
                      host: my-app
                      subset: v2
                    weight: 0
                  - destination:
                      host: my-app
                      subset: v3
                    weight: 10
                """));

        WeightedCluster wc = routes(r).get(0).getRoute().getWeightedClusters();
        assertEquals(List.of(V1, "outbound|80|v3|" + FQDN),
                wc.getClustersList().stream().map(WeightedCluster.ClusterWeight::getName).toList());
        assertEquals(List.of(90, 10),
                wc.getClustersList().stream().map(c -> c.getWeight().getValue()).toList());
        assertFalse(wc.hasTotalWeight(), "Istio no longer sets total_weight (PR #43203)");
    }

    @Test
    void translate_singleDestinationWithWeightZero_becomesCluster() {
        XdsResources r = translate(SERVICE, DR_V1_V2, vs("vs", """
                - route:
                  - destination:
                      host: my-app
                      subset: v1
                    weight: 0
                """));

        Route route = routes(r).get(0);
        assertEquals(RouteAction.ClusterSpecifierCase.CLUSTER, route.getRoute().getClusterSpecifierCase());
        assertEquals(V1, route.getRoute().getCluster());
    }

    @Test
    void translate_undefinedSubset_routeStillEmittedButNoCluster() {
        XdsResources r = translate(SERVICE, DR_V1_V2, vs("vs", """
                - route:
                  - destination:
                      host: my-app
                      subset: v3
                """));

        String v3 = "outbound|80|v3|" + FQDN;
        assertEquals(v3, routes(r).get(0).getRoute().getCluster());
        assertFalse(clusterNames(r).contains(v3));
        assertTrue(r.endpoints().stream().noneMatch(e -> e.getClusterName().equals(v3)));
    }

    @Test
    void translate_routeConfiguration_doesNotValidateClusters() {
        RouteConfiguration rc = routeConfig(translate(SERVICE), 80);

        assertTrue(rc.hasValidateClusters());
        assertFalse(rc.getValidateClusters().getValue());
    }

    @Test
    void translate_headers_sortedByName() {
        XdsResources r = translate(SERVICE, DR_V1_V2, vs("vs", """
                - match:
                  - headers:
                      x-b:
                        exact: b
                      user-agent:
                        regex: .*beta.*
                      x-a:
                        prefix: a
                %s""".formatted(routeTo("v1"))));

        List<HeaderMatcher> hs = routes(r).get(0).getMatch().getHeadersList();
        assertEquals(List.of("user-agent", "x-a", "x-b"), hs.stream().map(HeaderMatcher::getName).toList());
        assertEquals(".*beta.*", hs.get(0).getStringMatch().getSafeRegex().getRegex());
        assertEquals("a", hs.get(1).getStringMatch().getPrefix());
        assertEquals("b", hs.get(2).getStringMatch().getExact());
        assertFalse(hs.get(0).getInvertMatch());
    }

    @Test
    void translate_withoutHeaders_invertedAndMissingTreatedAsEmpty() {
        XdsResources r = translate(SERVICE, DR_V1_V2, vs("vs", """
                - match:
                  - withoutHeaders:
                      x-bad:
                        exact: bad
                %s""".formatted(routeTo("v1"))));

        HeaderMatcher h = routes(r).get(0).getMatch().getHeaders(0);
        assertEquals("x-bad", h.getName());
        assertEquals("bad", h.getStringMatch().getExact());
        assertTrue(h.getInvertMatch());
        assertTrue(h.getTreatMissingHeaderAsEmpty());
    }

    @Test
    void translate_withoutHeadersPresentForm_invertedPresentMatchWithoutTreatMissing() {
        XdsResources r = translate(SERVICE, DR_V1_V2, vs("vs", """
                - match:
                  - withoutHeaders:
                      x-a: {}
                      x-b:
                        regex: '*'
                %s""".formatted(routeTo("v1"))));

        List<HeaderMatcher> hs = routes(r).get(0).getMatch().getHeadersList();
        assertEquals(2, hs.size());
        for (HeaderMatcher h : hs) {
            assertTrue(h.getPresentMatch(), h.toString());
            assertTrue(h.getInvertMatch(), h.toString());
            assertFalse(h.getTreatMissingHeaderAsEmpty(), h.toString());
        }
    }

    @Test
    void translate_emptyHeaderMatch_isPresentMatch() {
        XdsResources r = translate(SERVICE, DR_V1_V2, vs("vs", """
                - match:
                  - headers:
                      x-a: {}
                %s""".formatted(routeTo("v1"))));

        HeaderMatcher h = routes(r).get(0).getMatch().getHeaders(0);
        assertEquals(HeaderMatcher.HeaderMatchSpecifierCase.PRESENT_MATCH, h.getHeaderMatchSpecifierCase());
        assertTrue(h.getPresentMatch());
        assertFalse(h.getInvertMatch());
    }

    @Test
    void translate_methodAuthorityScheme_becomePseudoHeaderMatchers() {
        XdsResources r = translate(SERVICE, DR_V1_V2, vs("vs", """
                - match:
                  - method:
                      exact: GET
                    authority:
                      prefix: my-app
                    scheme:
                      exact: http
                %s""".formatted(routeTo("v1"))));

        Map<String, HeaderMatcher> byName = new HashMap<>();
        routes(r).get(0).getMatch().getHeadersList().forEach(h -> byName.put(h.getName(), h));
        assertEquals(3, byName.size(), byName.toString());
        assertEquals("GET", byName.get(":method").getStringMatch().getExact());
        assertEquals("my-app", byName.get(":authority").getStringMatch().getPrefix());
        assertEquals("http", byName.get(":scheme").getStringMatch().getExact());
    }

    @Test
    void translate_queryParams_stringMatchAndPresentMatch() {
        XdsResources r = translate(SERVICE, DR_V1_V2, vs("vs", """
                - match:
                  - queryParams:
                      v:
                        exact: "2"
                      debug: {}
                %s""".formatted(routeTo("v1"))));

        var qs = routes(r).get(0).getMatch().getQueryParametersList();
        assertEquals(2, qs.size());
        Map<String, QueryParameterMatcher> byName = new HashMap<>();
        qs.forEach(q -> byName.put(q.getName(), q));
        assertEquals("2", byName.get("v").getStringMatch().getExact());
        assertTrue(byName.get("debug").getPresentMatch());
    }

    @Test
    void translate_ignoreUriCase_setsCaseSensitiveFalse() {
        XdsResources r = translate(SERVICE, DR_V1_V2, vs("vs", """
                - match:
                  - uri:
                      prefix: /Foo
                    ignoreUriCase: true
                  - uri:
                      prefix: /Bar
                %s""".formatted(routeTo("v1"))));

        List<Route> routes = routes(r);
        assertTrue(routes.get(0).getMatch().hasCaseSensitive());
        assertFalse(routes.get(0).getMatch().getCaseSensitive().getValue());
        assertFalse(routes.get(1).getMatch().hasCaseSensitive(), "unset means Envoy's default, case-sensitive");
    }

    private static final String TWO_PORT_SERVICE = """
            apiVersion: v1
            kind: Service
            metadata:
              name: my-app
            spec:
              selector:
                app: my-app
              ports:
              - name: http
                port: 80
              - name: http-alt
                port: 9080
            """;

    @Test
    void translate_matchPortOtherThanListenerPort_dropsThatMatch() {
        XdsResources r = translate(TWO_PORT_SERVICE, DR_V1_V2, vs("vs", """
                - match:
                  - port: 9080
                    uri:
                      prefix: /p
                  - uri:
                      prefix: /q
                %s""".formatted(routeTo("v2"))));

        List<Route> on80 = vhost(r, 80, FQDN).getRoutesList();
        assertEquals(List.of("/q"), on80.stream().map(x -> x.getMatch().getPrefix()).toList());
        assertEquals(V2, on80.get(0).getRoute().getCluster());
        List<Route> on9080 = vhost(r, 9080, FQDN).getRoutesList();
        assertEquals(List.of("/p", "/q"), on9080.stream().map(x -> x.getMatch().getPrefix()).toList());
        assertEquals("outbound|9080|v2|" + FQDN, on9080.get(0).getRoute().getCluster());
    }

    @Test
    void translate_virtualServiceYieldingNoRouteForThePort_fallsBackToDefaultRoute() {
        XdsResources r = translate(TWO_PORT_SERVICE, DR_V1_V2, vs("vs", """
                - match:
                  - port: 9080
                %s""".formatted(routeTo("v2"))));

        List<Route> on80 = vhost(r, 80, FQDN).getRoutesList();
        assertEquals(1, on80.size());
        assertEquals("/", on80.get(0).getMatch().getPrefix());
        assertEquals(DEFAULT, on80.get(0).getRoute().getCluster());
        assertEquals("outbound|9080|v2|" + FQDN, vhost(r, 9080, FQDN).getRoutes(0).getRoute().getCluster());
    }

    @Test
    void translate_sourceLabelsNotMatchingTheProxy_dropsTheMatchAndFallsBack() {
        assertEquals(Map.of("app", "meshroute-client"), ClientProxy.DEFAULT.labels());
        XdsResources r = translate(SERVICE, DR_V1_V2, vs("vs", """
                - match:
                  - sourceLabels:
                      app: other
                %s""".formatted(routeTo("v2"))));

        List<Route> routes = routes(r);
        assertEquals(1, routes.size());
        assertEquals(DEFAULT, routes.get(0).getRoute().getCluster(), "served by the default route, not 404");
    }

    @Test
    void translate_sourceLabelsSubsetOfTheProxyLabels_keepsTheMatch() {
        XdsResources r = translate(SERVICE, DR_V1_V2, vs("vs", """
                - match:
                  - sourceLabels:
                      app: meshroute-client
                %s""".formatted(routeTo("v2"))));

        assertEquals(V2, routes(r).get(0).getRoute().getCluster());
    }

    @Test
    void translate_sameNamespaceService_domainsIncludeShortName() {
        XdsResources r = translate(SERVICE);

        List<String> domains = vhost(r, 80, FQDN).getDomainsList();
        assertTrue(domains.containsAll(List.of(FQDN, "my-app", "my-app.default", "my-app.default.svc")),
                domains.toString());
    }

    @Test
    void translate_otherNamespaceService_domainsWithoutShortName() {
        String reviews = """
                apiVersion: v1
                kind: Service
                metadata:
                  name: reviews
                  namespace: prod
                spec:
                  selector:
                    app: reviews
                  ports:
                  - port: 80
                """;
        XdsResources r = translate(reviews);

        List<String> domains = vhost(r, 80, "reviews.prod.svc.cluster.local").getDomainsList();
        assertTrue(domains.containsAll(List.of("reviews.prod", "reviews.prod.svc")), domains.toString());
        assertFalse(domains.contains("reviews"), domains.toString());
    }

    @Test
    void translate_subsetEndpoints_onlyPodsWithSubsetLabelsAndServiceSelector() {
        List<Pod> pods = List.of(
                pod("v1-a", "v1", 9001),
                pod("v1-b", "v1", 9002),
                pod("v2-a", "v2", 9003),
                pod("other-v1", "default", Map.of("app", "other", "version", "v1"), 9004),
                pod("elsewhere-v1", "prod", Map.of("app", "my-app", "version", "v1"), 9005));

        XdsResources r = translate(pods, SERVICE, DR_V1_V2);

        assertEquals(List.of("v1-a@127.0.0.1:9001", "v1-b@127.0.0.1:9002"), endpointPods(r, V1));
        assertEquals(List.of("v2-a@127.0.0.1:9003"), endpointPods(r, V2));
        assertEquals(List.of("v1-a@127.0.0.1:9001", "v1-b@127.0.0.1:9002", "v2-a@127.0.0.1:9003"),
                endpointPods(r, DEFAULT));
    }

    @Test
    void translate_subsetWithoutPods_clusterExistsWithNoEndpoints() {
        XdsResources r = translate(List.of(pod("v1-a", "v1", 9001)), SERVICE, DR_V1_V2);

        assertTrue(clusterNames(r).contains(V2));
        assertEquals(List.of(), endpointPods(r, V2));
    }
}
