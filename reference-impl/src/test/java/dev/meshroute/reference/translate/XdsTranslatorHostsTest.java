package dev.meshroute.reference.translate;

import dev.meshroute.reference.registry.Pod;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static dev.meshroute.reference.testsupport.Fixtures.config;
import static dev.meshroute.reference.testsupport.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which VirtualService a service's virtual host gets, and which domains each virtual host keeps (SEMANTICS.md 3.6,
 * 6.1, 6.2; istio/istio route.go separateVSHostsAndServices, httproute.go BuildSidecarOutboundVirtualHosts).
 */
class XdsTranslatorHostsTest {

    private static final String APP = "my-app.default.svc.cluster.local";
    private static final String CANARY = "my-app-canary.default.svc.cluster.local";

    private static final String SERVICES = """
            apiVersion: v1
            kind: Service
            metadata: {name: my-app, namespace: default}
            spec:
              selector: {app: my-app}
              ports: [{name: http, port: 80}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: my-app-canary, namespace: default}
            spec:
              selector: {app: my-app, version: v2}
              ports: [{name: http, port: 80}]
            """;

    private static final List<Pod> PODS = List.of(pod("v1-a", "v1", 9001), pod("v2-a", "v2", 9002));

    /** A VirtualService whose single catch-all rule routes to {@code destination}. */
    private static String vs(String name, String namespace, String hosts, String destination) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: %s, namespace: %s}
                spec:
                  hosts: %s
                  http:
                  - route: [{destination: {host: %s}}]
                """.formatted(name, namespace, hosts, destination);
    }

    private static RouteConfiguration routes(String... docs) {
        String[] all = new String[docs.length + 1];
        all[0] = SERVICES;
        System.arraycopy(docs, 0, all, 1, docs.length);
        return XdsTranslator.translate(config(all), PODS, ClientProxy.DEFAULT).routes().stream()
                .filter(rc -> rc.getName().equals("80")).findFirst().orElseThrow();
    }

    private static Optional<VirtualHost> vhostWithDomain(RouteConfiguration rc, String domain) {
        return rc.getVirtualHostsList().stream().filter(v -> v.getDomainsList().contains(domain)).findFirst();
    }

    /** The cluster the first route of the virtual host holding {@code domain} sends to. */
    private static String clusterFor(RouteConfiguration rc, String domain) {
        VirtualHost vh = vhostWithDomain(rc, domain).orElseThrow(() -> new AssertionError("no domain " + domain));
        return vh.getRoutes(0).getRoute().getCluster();
    }

    @Test
    void wildcardHost_takesEveryServiceItCovers() {
        RouteConfiguration rc = routes(vs("wild", "default", "['*.default.svc.cluster.local']", CANARY));

        assertEquals("outbound|80||" + CANARY, clusterFor(rc, "my-app"));
        assertEquals("outbound|80||" + CANARY, clusterFor(rc, "my-app-canary"));
    }

    @Test
    void exactHost_beatsAnEarlierWildcard() {
        RouteConfiguration rc = routes(vs("wild", "default", "['*.svc.cluster.local']", APP),
                vs("exact", "default", "[my-app]", CANARY));

        assertEquals("outbound|80||" + CANARY, clusterFor(rc, "my-app"));
        // the wildcard still takes the service nobody names exactly
        assertEquals("outbound|80||" + APP, clusterFor(rc, "my-app-canary"));
    }

    @Test
    void longerWildcard_beatsAnEarlierShorterOne() {
        RouteConfiguration rc = routes(vs("broad", "default", "['*.svc.cluster.local']", APP),
                vs("narrow", "default", "['*.default.svc.cluster.local']", CANARY));

        assertEquals("outbound|80||" + CANARY, clusterFor(rc, "my-app"));
    }

    @Test
    void twoExactHosts_firstWins() {
        RouteConfiguration rc = routes(vs("first", "default", "[my-app]", CANARY),
                vs("second", "default", "[" + APP + "]", APP));

        assertEquals("outbound|80||" + CANARY, clusterFor(rc, "my-app"));
        assertEquals(1, rc.getVirtualHostsList().stream().filter(v -> v.getDomainsList().contains(APP)).count());
    }

    @Test
    void twoExactHosts_theFirstWithRoutesForThisProxyWins() {
        // the first yields no route for this client (sourceLabels), so it builds no virtual host at all
        String first = """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: first, namespace: default}
                spec:
                  hosts: [my-app]
                  http:
                  - match: [{sourceLabels: {app: other-client}}]
                    route: [{destination: {host: my-app-canary}}]
                """;
        RouteConfiguration rc = routes(first, vs("second", "default", "[my-app]", CANARY));

        assertEquals("outbound|80||" + CANARY, clusterFor(rc, "my-app"));
    }

    @Test
    void shortHost_resolvesInTheVirtualServiceNamespace() {
        RouteConfiguration rc = routes(vs("elsewhere", "other", "[my-app]", CANARY));

        assertEquals("outbound|80||" + APP, clusterFor(rc, "my-app"));
        assertEquals("outbound|80||" + CANARY, clusterFor(rc, "my-app.other.svc.cluster.local"));
    }

    @Test
    void dottedHost_isVerbatim_getsItsOwnVirtualHost_andTakesThatDomainFromTheService() {
        RouteConfiguration rc = routes(vs("dotted", "default", "[my-app.default]", CANARY));

        assertEquals("outbound|80||" + CANARY, clusterFor(rc, "my-app.default"));
        VirtualHost service = vhostWithDomain(rc, APP).orElseThrow();
        assertEquals(List.of(APP, "my-app", "my-app.default.svc"), service.getDomainsList());
        assertEquals("outbound|80||" + APP, service.getRoutes(0).getRoute().getCluster());
    }

    @Test
    void wildcardMatchingNoService_getsItsOwnVirtualHost() {
        RouteConfiguration rc = routes(vs("external", "default", "['*.example.com']", CANARY));

        assertEquals("outbound|80||" + CANARY, clusterFor(rc, "*.example.com"));
        assertEquals("outbound|80||" + APP, clusterFor(rc, "my-app"));
    }

    @Test
    void everyDomain_belongsToOneVirtualHost() {
        RouteConfiguration rc = routes(vs("dotted", "default", "[my-app.default]", CANARY),
                vs("wild", "default", "['*.default.svc.cluster.local']", CANARY),
                vs("exact", "default", "[my-app]", APP));

        List<String> all = rc.getVirtualHostsList().stream().flatMap(v -> v.getDomainsList().stream()).toList();
        assertEquals(all.size(), all.stream().distinct().count(), all.toString());
        assertTrue(all.contains("my-app.default") && all.contains("my-app") && all.contains(APP), all.toString());
    }
}
