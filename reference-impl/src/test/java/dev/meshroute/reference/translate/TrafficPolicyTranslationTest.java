package dev.meshroute.reference.translate;

import dev.meshroute.reference.registry.Pod;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.meshroute.reference.testsupport.Fixtures.FQDN;
import static dev.meshroute.reference.testsupport.Fixtures.SERVICE;
import static dev.meshroute.reference.testsupport.Fixtures.config;
import static dev.meshroute.reference.testsupport.Fixtures.pod;
import static dev.meshroute.reference.testsupport.Fixtures.vs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DestinationRule trafficPolicy as istiod translates it (SEMANTICS.md 3.4, 5.1-5.3, 5.5). */
class TrafficPolicyTranslationTest {

    private static final String V1 = "outbound|80|v1|" + FQDN;
    private static final String V2 = "outbound|80|v2|" + FQDN;
    private static final String DEFAULT = "outbound|80||" + FQDN;
    private static final List<Pod> PODS = List.of(pod("v1-0", "v1", 9001), pod("v2-0", "v2", 9002));

    private static String dr(String name, String policy, String v2Policy) {
        return """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: %s
                spec:
                  host: my-app
                %s  subsets:
                  - name: v1
                    labels: {version: v1}
                  - name: v2
                    labels: {version: v2}
                %s""".formatted(name, policy == null ? "" : "  trafficPolicy: " + policy + "\n",
                v2Policy == null ? "" : "    trafficPolicy: " + v2Policy + "\n");
    }

    private static XdsResources translate(String... docs) {
        return XdsTranslator.translate(config(docs), PODS, ClientProxy.DEFAULT);
    }

    private static Cluster cluster(XdsResources x, String name) {
        return x.clusters().stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
    }

    private static RouteAction route(XdsResources x, int index) {
        VirtualHost vh = x.routes().stream().filter(r -> r.getName().equals("80")).findFirst().orElseThrow()
                .getVirtualHostsList().stream().filter(v -> v.getDomainsList().contains(FQDN)).findFirst()
                .orElseThrow();
        return vh.getRoutes(index).getRoute();
    }

    @Test
    void noPolicy_leastRequestTenSecondsAndLimitsOf2To32Minus1() {
        Cluster c = cluster(translate(SERVICE, dr("d", null, null)), V1);

        assertEquals(Cluster.LbPolicy.LEAST_REQUEST, c.getLbPolicy());
        assertEquals(10, c.getConnectTimeout().getSeconds());
        CircuitBreakers.Thresholds t = c.getCircuitBreakers().getThresholds(0);
        for (int v : List.of(t.getMaxConnections().getValue(), t.getMaxPendingRequests().getValue(),
                t.getMaxRequests().getValue(), t.getMaxRetries().getValue())) {
            assertEquals(4294967295L, Integer.toUnsignedLong(v));
        }
        assertFalse(c.hasOutlierDetection());
    }

    @Test
    void simple_eachAlgorithm() {
        assertEquals(Cluster.LbPolicy.ROUND_ROBIN,
                cluster(translate(SERVICE, dr("d", "{loadBalancer: {simple: ROUND_ROBIN}}", null)), V1).getLbPolicy());
        assertEquals(Cluster.LbPolicy.RANDOM,
                cluster(translate(SERVICE, dr("d", "{loadBalancer: {simple: RANDOM}}", null)), DEFAULT).getLbPolicy());
        assertEquals(Cluster.LbPolicy.LEAST_REQUEST,
                cluster(translate(SERVICE, dr("d", "{loadBalancer: {simple: LEAST_CONN}}", null)), V1).getLbPolicy());
    }

    @Test
    void consistentHash_ringOf1024AndAHashPolicyOnTheRoute() {
        XdsResources x = translate(SERVICE, dr("d", "{loadBalancer: {consistentHash: {httpHeaderName: x-user}}}",
                null), vs("vs", "- route: [{destination: {host: my-app, subset: v1}}]"));

        Cluster c = cluster(x, V1);
        assertEquals(Cluster.LbPolicy.RING_HASH, c.getLbPolicy());
        assertEquals(1024, c.getRingHashLbConfig().getMinimumRingSize().getValue());
        assertEquals("x-user", route(x, 0).getHashPolicy(0).getHeader().getHeaderName());
    }

    @Test
    void consistentHash_maglevAndCookieAndDefaultRoute() {
        XdsResources x = translate(SERVICE, dr("d", "{loadBalancer: {consistentHash: {httpCookie: {name: s, path: /,"
                + " ttl: 30s}, maglev: {tableSize: 1031}}}}", null));

        Cluster c = cluster(x, DEFAULT);
        assertEquals(Cluster.LbPolicy.MAGLEV, c.getLbPolicy());
        assertEquals(1031, c.getMaglevLbConfig().getTableSize().getValue());
        RouteAction.HashPolicy.Cookie cookie = route(x, 0).getHashPolicy(0).getCookie();
        assertEquals("s", cookie.getName());
        assertEquals("/", cookie.getPath());
        assertEquals(30, cookie.getTtl().getSeconds());
    }

    @Test
    void weightedRoute_oneHashPolicyPerDestinationThatHasOne() {
        XdsResources x = translate(SERVICE, dr("d", "{loadBalancer: {simple: RANDOM}}",
                "{loadBalancer: {consistentHash: {httpQueryParameterName: u}}}"), vs("vs", """
                - route:
                  - {destination: {host: my-app, subset: v1}, weight: 50}
                  - {destination: {host: my-app, subset: v2}, weight: 50}
                """));

        assertEquals(1, route(x, 0).getHashPolicyCount());
        assertEquals("u", route(x, 0).getHashPolicy(0).getQueryParameter().getName());
    }

    @Test
    void connectionPool_limitsAboveZeroReplaceTheDefaults() {
        Cluster c = cluster(translate(SERVICE, dr("d", "{connectionPool: {tcp: {maxConnections: 3, connectTimeout:"
                + " 250ms}, http: {http1MaxPendingRequests: 0, http2MaxRequests: 7, maxRequestsPerConnection: 1,"
                + " idleTimeout: 5s}}}", null)), V2);

        CircuitBreakers.Thresholds t = c.getCircuitBreakers().getThresholds(0);
        assertEquals(3, t.getMaxConnections().getValue());
        assertEquals(7, t.getMaxRequests().getValue());
        assertEquals(-1, t.getMaxPendingRequests().getValue(), "0 means the default, 2^32-1");
        assertEquals(250_000_000, c.getConnectTimeout().getNanos());
        assertTrue(c.getTypedExtensionProtocolOptionsMap().containsKey(TrafficPolicies.HTTP_PROTOCOL_OPTIONS));
    }

    @Test
    void connectionPool_maxRequestsPerConnectionAndIdleTimeoutAsProtocolOptions() throws Exception {
        Cluster c = cluster(translate(SERVICE, dr("d", "{connectionPool: {http: {maxRequestsPerConnection: 1,"
                + " idleTimeout: 5s}}}", null)), V1);

        HttpProtocolOptions o = c.getTypedExtensionProtocolOptionsMap().get(TrafficPolicies.HTTP_PROTOCOL_OPTIONS)
                .unpack(HttpProtocolOptions.class);
        assertEquals(1, o.getCommonHttpProtocolOptions().getMaxRequestsPerConnection().getValue());
        assertEquals(5, o.getCommonHttpProtocolOptions().getIdleTimeout().getSeconds());
        assertTrue(o.hasExplicitHttpConfig());
    }

    @Test
    void outlierDetection_asIstioSetsIt() {
        Cluster c = cluster(translate(SERVICE, dr("d", "{outlierDetection: {consecutive5xxErrors: 0,"
                + " consecutiveGatewayErrors: 2, interval: 5s, baseEjectionTime: 1m, maxEjectionPercent: 50}}", null)),
                V1);

        var od = c.getOutlierDetection();
        assertEquals(0, od.getEnforcingSuccessRate().getValue());
        assertTrue(od.hasConsecutive5Xx());
        assertEquals(0, od.getEnforcingConsecutive5Xx().getValue());
        assertEquals(2, od.getConsecutiveGatewayFailure().getValue());
        assertEquals(100, od.getEnforcingConsecutiveGatewayFailure().getValue());
        assertEquals(5, od.getInterval().getSeconds());
        assertEquals(60, od.getBaseEjectionTime().getSeconds());
        assertEquals(50, od.getMaxEjectionPercent().getValue());
        assertTrue(c.getCommonLbConfig().hasHealthyPanicThreshold());
        assertEquals(0.0, c.getCommonLbConfig().getHealthyPanicThreshold().getValue(), "panic mode off");
    }

    @Test
    void subsetPolicy_replacesEachPartItSetsWholesale_andInheritsTheRest() {
        XdsResources x = translate(SERVICE, dr("d", "{loadBalancer: {simple: RANDOM}, connectionPool: {tcp:"
                + " {maxConnections: 10}}}", "{loadBalancer: {consistentHash: {httpHeaderName: x}}}"));

        Cluster v2 = cluster(x, V2);
        assertEquals(Cluster.LbPolicy.RING_HASH, v2.getLbPolicy(), "no RANDOM leftovers");
        assertEquals(10, v2.getCircuitBreakers().getThresholds(0).getMaxConnections().getValue());
        Cluster v1 = cluster(x, V1);
        assertEquals(Cluster.LbPolicy.RANDOM, v1.getLbPolicy());
        assertEquals(10, v1.getCircuitBreakers().getThresholds(0).getMaxConnections().getValue());
    }

    @Test
    void subsetSimple_keepsTheDestinationRulesHashPolicyOnTheRoute_butItsClusterDoesNotHash() {
        XdsResources x = translate(SERVICE, dr("d", "{loadBalancer: {consistentHash: {httpHeaderName: x}}}",
                "{loadBalancer: {simple: ROUND_ROBIN}}"), vs("vs", "- route: [{destination: {host: my-app, subset: v2}}]"));

        assertEquals(Cluster.LbPolicy.ROUND_ROBIN, cluster(x, V2).getLbPolicy());
        assertEquals("x", route(x, 0).getHashPolicy(0).getHeader().getHeaderName());
    }

    @Test
    void twoDestinationRules_theFirstTopLevelPolicyWinsWholesale() {
        String second = dr("second", "{loadBalancer: {simple: ROUND_ROBIN}, outlierDetection: {consecutive5xxErrors:"
                + " 1}}", null).replace("  subsets:\n  - name: v1\n    labels: {version: v1}\n  - name: v2\n"
                + "    labels: {version: v2}\n", "");
        XdsResources x = translate(SERVICE, dr("first", null, null), dr("firstpolicy", "{loadBalancer: {simple:"
                + " RANDOM}}", null).replace("name: v1", "name: v3").replace("name: v2", "name: v4"), second);

        Cluster c = cluster(x, V1);
        assertEquals(Cluster.LbPolicy.RANDOM, c.getLbPolicy());
        assertFalse(c.hasOutlierDetection(), "no field of a later DestinationRule's policy is merged in");
    }

    @Test
    void portLevelSettings_replaceTheTopLevelPolicyForThatPort_withDefaultsForWhatTheyOmit() {
        XdsResources x = translate(SERVICE, dr("d", "{loadBalancer: {simple: RANDOM}, outlierDetection:"
                + " {consecutive5xxErrors: 1}, portLevelSettings: [{port: {number: 80}, loadBalancer: {simple:"
                + " ROUND_ROBIN}}, {port: {number: 9090}, connectionPool: {tcp: {maxConnections: 1}}}]}", null));

        for (String name : List.of(DEFAULT, V1)) {
            Cluster c = cluster(x, name);
            assertEquals(Cluster.LbPolicy.ROUND_ROBIN, c.getLbPolicy(), name);
            assertFalse(c.hasOutlierDetection(), name + ": not inherited from the top level");
            assertEquals(-1, c.getCircuitBreakers().getThresholds(0).getMaxConnections().getValue(), name);
        }
    }

    @Test
    void subsetPortLevelSettings_replaceEverything_subsetTopLevelOverridesPartByPart() {
        XdsResources x = translate(SERVICE, dr("d", "{loadBalancer: {simple: RANDOM}, connectionPool: {tcp:"
                + " {maxConnections: 5}}}", "{portLevelSettings: [{port: {number: 80}, loadBalancer: {simple:"
                + " ROUND_ROBIN}}]}"));

        Cluster v2 = cluster(x, V2);
        assertEquals(Cluster.LbPolicy.ROUND_ROBIN, v2.getLbPolicy());
        assertEquals(-1, v2.getCircuitBreakers().getThresholds(0).getMaxConnections().getValue(),
                "the subset's port-level entry takes all parts, its omitted ones at their defaults");
        assertEquals(5, cluster(x, V1).getCircuitBreakers().getThresholds(0).getMaxConnections().getValue());
    }

    @Test
    void portLevelHash_onlyOnRoutesWhoseDestinationNamesThePort() {
        String policy = "{portLevelSettings: [{port: {number: 80}, loadBalancer: {consistentHash: {httpHeaderName:"
                + " x}}}]}";
        XdsResources withPort = translate(SERVICE, dr("d", policy, null),
                vs("vs", "- route: [{destination: {host: my-app, subset: v1, port: {number: 80}}}]"));
        XdsResources withoutPort = translate(SERVICE, dr("d", policy, null),
                vs("vs", "- route: [{destination: {host: my-app, subset: v1}}]"));

        assertEquals(Cluster.LbPolicy.RING_HASH, cluster(withoutPort, V1).getLbPolicy());
        assertEquals("x", route(withPort, 0).getHashPolicy(0).getHeader().getHeaderName());
        assertEquals(0, route(withoutPort, 0).getHashPolicyCount(), "HashForHTTPDestination needs destination.port");
    }
}
