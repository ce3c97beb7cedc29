package dev.meshroute.reference.translate;

import dev.meshroute.reference.dataplane.HttpRequestHead;
import dev.meshroute.reference.dataplane.RouteDecision;
import dev.meshroute.reference.dataplane.RouteTable;
import dev.meshroute.reference.mesh.ReferenceMesh;
import dev.meshroute.reference.model.Gateway;
import dev.meshroute.reference.model.MeshConfig;
import dev.meshroute.reference.model.SourceLocation;
import dev.meshroute.reference.mutants.Mutant;
import dev.meshroute.reference.registry.Pod;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.meshroute.reference.testsupport.Fixtures.DR_V1_V2;
import static dev.meshroute.reference.testsupport.Fixtures.FQDN;
import static dev.meshroute.reference.testsupport.Fixtures.SERVICE;
import static dev.meshroute.reference.testsupport.Fixtures.config;
import static dev.meshroute.reference.testsupport.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway proxy's listeners and routes (SEMANTICS.md 6.3 and 7; istio/istio gateway.go
 * buildGatewayHTTPRouteConfig, route.go SortVHostRoutes, host/names.go Intersection and NamesForNamespace,
 * model/gateway.go sanitizeServerHostNamespace, push_context.go mergeGateways).
 */
class GatewayRoutesTest {

    private static final String V1 = "outbound|80|v1|" + FQDN;
    private static final String V2 = "outbound|80|v2|" + FQDN;
    private static final List<Pod> PODS = List.of(pod("v1-a", "v1", 9001), pod("v2-a", "v2", 9002));

    private static String gateway(String name, String selector, String serverYaml) {
        return """
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata:
                  name: %s
                  namespace: istio-system
                spec:
                  selector: %s
                  servers:
                %s""".formatted(name, selector, serverYaml.stripTrailing().indent(2));
    }

    private static String server(int port, String hosts) {
        return """
                - port: {number: %d, name: http-%d, protocol: HTTP}
                  hosts: %s
                """.formatted(port, port, hosts);
    }

    private static final String GW = gateway("gw", "{istio: ingressgateway}", server(80, "[\"*.example.com\"]"));

    private static String vs(String name, String namespace, String hosts, String gateways, String http) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  hosts: %s
                  gateways: %s
                  http:
                %s""".formatted(name, namespace, hosts, gateways, http.stripTrailing().indent(2));
    }

    private static String to(String subset) {
        return "- route: [{destination: {host: my-app.default.svc.cluster.local, subset: %s}}]\n".formatted(subset);
    }

    private static String named(String name, String match, String subset) {
        return """
                - name: %s
                  match: [%s]
                  route: [{destination: {host: my-app.default.svc.cluster.local, subset: %s}}]
                """.formatted(name, match, subset);
    }

    private static XdsResources gatewayXds(Mutant mutant, String... docs) {
        MeshConfig config = config(docs);
        return XdsTranslator.translateGateway(config, PODS, ReferenceMesh.GATEWAY_PROXY,
                new XdsTranslator.Options(null, mutant));
    }

    private static XdsResources gatewayXds(String... docs) {
        String[] all = new String[docs.length + 2];
        all[0] = SERVICE;
        all[1] = DR_V1_V2;
        System.arraycopy(docs, 0, all, 2, docs.length);
        return gatewayXds(Mutant.NONE, all);
    }

    private static RouteConfiguration routes(XdsResources x, int port) {
        return x.routes().stream().filter(r -> r.getName().equals("http." + port)).findFirst().orElseThrow();
    }

    private static RouteTable table(XdsResources x) {
        Map<String, ClusterLoadAssignment> assignments = x.endpoints().stream()
                .collect(Collectors.toMap(ClusterLoadAssignment::getClusterName, Function.identity()));
        return RouteTable.compile(routes(x, 80), x.clusters().stream().map(Cluster::getName).toList(), assignments,
                () -> 0L);
    }

    private static String outcome(XdsResources x, String host, String path) {
        RouteDecision d = table(x).route(new HttpRequestHead("GET", path, host, "http", List.of(Map.entry("host",
                host))));
        if (d instanceof RouteDecision.Forward f) {
            return f.cluster();
        }
        RouteDecision.LocalReply r = (RouteDecision.LocalReply) d;
        return r.status() + " " + (r.responseFlags() != null ? r.responseFlags() : r.headers().get("location"));
    }

    private static List<String> domains(RouteConfiguration rc) {
        return rc.getVirtualHostsList().stream().flatMap(v -> v.getDomainsList().stream()).toList();
    }

    @Test
    void translateGateway_listenerPerServerPortWithItsRouteConfiguration() throws Exception {
        XdsResources x = gatewayXds(gateway("gw", "{istio: ingressgateway}", server(80, "[a.example.com]")
                + server(8080, "[b.example.com]")));

        assertEquals(List.of(80, 8080), x.listeners().stream()
                .map(l -> l.getAddress().getSocketAddress().getPortValue()).toList());
        Listener l = x.listeners().get(1);
        HttpConnectionManager hcm = l.getFilterChains(0).getFilters(0).getTypedConfig()
                .unpack(HttpConnectionManager.class);
        assertEquals("http.8080", hcm.getRds().getRouteConfigName());
        assertEquals(List.of("http.80", "http.8080"), x.routes().stream().map(RouteConfiguration::getName).toList());
        // the clusters are a sidecar's
        assertTrue(x.clusters().stream().anyMatch(c -> c.getName().equals(V2)));
    }

    @ParameterizedTest
    @CsvSource({"'{istio: ingressgateway}', 1", "'{}', 1", "'{istio: ingressgateway, app: istio-ingressgateway}', 1",
            "'{istio: egressgateway}', 0", "'{istio: ingressgateway, zone: a}', 0"})
    void translateGateway_gatewaySelectsProxiesWhoseLabelsIncludeItsSelector(String selector, int listeners) {
        XdsResources x = gatewayXds(gateway("gw", selector, server(80, "[a.example.com]")));

        assertEquals(listeners, x.listeners().size());
    }

    @Test
    void translateGateway_noVirtualServiceForAServer_blackholeVirtualHost() {
        XdsResources x = gatewayXds(GW);

        VirtualHost only = routes(x, 80).getVirtualHosts(0);
        assertEquals("blackhole:80", only.getName());
        assertEquals(List.of("*"), only.getDomainsList());
        assertEquals(0, only.getRoutesCount());
        assertEquals("404 NR", outcome(x, "a.example.com", "/"));
        assertTrue(routes(x, 80).getIgnorePortInHostMatching());
    }

    @Test
    void translateGateway_virtualHostPerSharedHostname() {
        XdsResources x = gatewayXds(GW, vs("shop", "default", "[shop.example.com, Blog.Example.com, other.org]",
                "[istio-system/gw]", to("v2")));

        assertEquals(List.of("blog.example.com:80", "shop.example.com:80"), routes(x, 80).getVirtualHostsList()
                .stream().map(VirtualHost::getName).toList());
        assertEquals(List.of("blog.example.com", "shop.example.com"), domains(routes(x, 80)));
        assertEquals(V2, outcome(x, "SHOP.example.com:31380", "/"));
        assertEquals("404 NR", outcome(x, "other.org", "/"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "[\"*.example.com\"]; [shop.example.com]; shop.example.com",
            "[shop.example.com]; [\"*.example.com\"]; shop.example.com",
            "[\"*\"]; [\"*.example.com\"]; *.example.com",
            "[\"*.example.com\"]; [\"*\"]; *.example.com",
            "[\"*.a.example.com\"]; [\"*.example.com\"]; *.a.example.com",
            "[\"*.example.com\"]; [example.com]; *",
            "[a.example.com, b.example.com]; [\"*\"]; a.example.com b.example.com"})
    void translateGateway_intersectionKeepsTheNarrowerName(String serverHosts, String vsHosts, String expected) {
        XdsResources x = gatewayXds(gateway("gw", "{}", server(80, serverHosts)),
                vs("shop", "default", vsHosts, "[istio-system/gw]", to("v2")));

        assertEquals(List.of(expected.split(" ")), domains(routes(x, 80)));
    }

    @ParameterizedTest
    @CsvSource({"prod/*.example.com, prod, shop.example.com", "prod/*.example.com, default, *",
            "*/*.example.com, default, shop.example.com", "./*.example.com, istio-system, shop.example.com",
            "./*.example.com, default, *", "*/*, default, shop.example.com"})
    void translateGateway_serverHostsForTheVirtualServiceNamespace(String serverHost, String namespace,
                                                                   String domain) {
        XdsResources x = gatewayXds(gateway("gw", "{}", server(80, "[\"" + serverHost + "\"]")),
                vs("shop", namespace, "[shop.example.com]", "[istio-system/gw]", to("v2")));

        assertEquals(List.of(domain), domains(routes(x, 80)));
    }

    @Test
    void translateGateway_virtualServicesOfOneHostMergedAndCatchAllsMovedLast() {
        XdsResources x = gatewayXds(GW,
                vs("web", "default", "[shop.example.com]", "[istio-system/gw]",
                        named("home", "{uri: {exact: /}}", "v1") + "- name: web\n  " + to("v1").substring(2)),
                vs("api", "default", "[shop.example.com]", "[istio-system/gw]",
                        named("api", "{uri: {prefix: /api}}", "v2") + "- name: api-all\n  " + to("v2").substring(2)));

        assertEquals(List.of("home", "api", "web", "api-all"), routes(x, 80).getVirtualHosts(0).getRoutesList()
                .stream().map(Route::getName).toList());
        assertEquals(V2, outcome(x, "shop.example.com", "/api/x"));
        assertEquals(V1, outcome(x, "shop.example.com", "/other"));
    }

    @Test
    void translateGateway_mutantsNotMergedAndCatchAllNotMoved() {
        String web = vs("web", "default", "[shop.example.com]", "[istio-system/gw]", to("v1"));
        String api = vs("api", "default", "[shop.example.com]", "[istio-system/gw]",
                named("api", "{uri: {prefix: /api}}", "v2"));

        assertEquals(V2, outcome(gatewayXds(GW, web, api), "shop.example.com", "/api"));
        assertEquals(V1, outcome(gatewayXds(Mutant.GATEWAY_FIRST_VIRTUAL_SERVICE_WINS, SERVICE, DR_V1_V2, GW, web,
                api), "shop.example.com", "/api"));
        assertEquals(V1, outcome(gatewayXds(Mutant.GATEWAY_CATCH_ALL_NOT_MOVED_LAST, SERVICE, DR_V1_V2, GW, web,
                api), "shop.example.com", "/api"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {"[istio-system/gw]; v2", "[gw]; 404", "[mesh]; 404",
            "[gw.istio-system.svc.cluster.local]; v2", "[gw.istio-system]; v2", "[other/gw, istio-system/gw]; v2"})
    void translateGateway_boundByResolvedGatewayName(String gateways, String expected) {
        XdsResources x = gatewayXds(GW, vs("shop", "default", "[shop.example.com]", gateways, to("v2")));

        assertEquals(expected.equals("v2") ? V2 : "404 NR", outcome(x, "shop.example.com", "/"));
    }

    @Test
    void translateGateway_matchGatewaysNarrowRulesAndIgnoreSourceLabels() {
        String http = named("gw-only", "{uri: {prefix: /a}, gateways: [istio-system/gw], sourceLabels: {app: x}}",
                "v2") + named("mesh-only", "{uri: {prefix: /b}, gateways: [mesh]}", "v2")
                + named("labels", "{uri: {prefix: /c}, sourceLabels: {istio: ingressgateway}}", "v2") + to("v1");
        XdsResources x = gatewayXds(GW, vs("shop", "default", "[shop.example.com]", "[istio-system/gw, mesh]", http));

        // sourceLabels are compared with the gateway pod's labels
        assertEquals(List.of("gw-only", "labels", ""), routes(x, 80).getVirtualHosts(0).getRoutesList().stream()
                .map(Route::getName).toList());
    }

    @Test
    void translateGateway_matchPortIsTheServerPort() {
        XdsResources x = gatewayXds(gateway("gw", "{}", server(80, "[a.example.com]") + server(8080,
                        "[a.example.com]")),
                vs("shop", "default", "[a.example.com]", "[istio-system/gw]",
                        named("on-8080", "{port: 8080}", "v2")));

        assertEquals("blackhole:80", routes(x, 80).getVirtualHosts(0).getName());
        assertEquals(List.of("on-8080"), routes(x, 8080).getVirtualHosts(0).getRoutesList().stream()
                .map(Route::getName).toList());
    }

    @Test
    void translateGateway_httpsRedirect_requireTlsOnEveryHostOfTheServer() {
        String gw = gateway("gw", "{}", """
                - port: {number: 80, name: http, protocol: HTTP}
                  hosts: [a.example.com, b.example.com]
                  tls: {httpsRedirect: true}
                """);
        XdsResources x = gatewayXds(gw, vs("shop", "default", "[a.example.com]", "[istio-system/gw]", to("v2")));

        List<VirtualHost> vhosts = routes(x, 80).getVirtualHostsList();
        assertEquals(List.of("a.example.com:80", "b.example.com:80"), vhosts.stream().map(VirtualHost::getName)
                .toList());
        assertTrue(vhosts.stream().allMatch(v -> v.getRequireTls() == VirtualHost.TlsRequirementType.ALL));
        assertEquals(1, vhosts.get(0).getRoutesCount());
        assertEquals("301 https://a.example.com:80/x?y=1", outcome(x, "a.example.com:80", "/x?y=1"));
        assertEquals("301 https://b.example.com/", outcome(x, "b.example.com", "/"));
    }

    @Test
    void translateGateway_virtualServiceWithoutGateways_notOnTheGateway() {
        XdsResources x = gatewayXds(GW, """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: shop
                spec:
                  hosts: [shop.example.com]
                  http:
                  - route: [{destination: {host: my-app, subset: v2}}]
                """);

        assertEquals("blackhole:80", routes(x, 80).getVirtualHosts(0).getName());
    }

    @Test
    void sanitize_starSlashStar_makesTheServerHostsJustStar() {
        Gateway.Server s = new Gateway.Server(80, "http", "HTTP", List.of("a.example.com", "*/*"), false, false,
                SourceLocation.UNKNOWN);

        assertEquals(List.of("*"), GatewayRoutes.sanitize(s, "istio-system").hosts());
    }

    @Test
    void resolveName_asIstiodResolvesGatewayNames() {
        assertEquals("mesh", Gateway.resolveName("mesh", "default"));
        assertEquals("default/gw", Gateway.resolveName("gw", "default"));
        assertEquals("default/gw", Gateway.resolveName("./gw", "default"));
        assertEquals("istio-system/gw", Gateway.resolveName("istio-system/gw", "default"));
        assertEquals("istio-system/gw", Gateway.resolveName("gw.istio-system.svc.cluster.local", "default"));
        assertEquals("istio-system/gw", Gateway.resolveName("gw.istio-system", "default"));
    }
}
