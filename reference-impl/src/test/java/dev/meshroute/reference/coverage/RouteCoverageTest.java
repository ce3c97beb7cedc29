package dev.meshroute.reference.coverage;

import dev.meshroute.reference.config.ConfigLoader;
import dev.meshroute.reference.config.ConfigStore;
import dev.meshroute.reference.dataplane.HttpRequestHead;
import dev.meshroute.reference.dataplane.RouteTable;
import dev.meshroute.reference.model.MeshConfig;
import dev.meshroute.reference.mutants.Mutant;
import dev.meshroute.reference.registry.Pod;
import dev.meshroute.reference.testsupport.Fixtures;
import dev.meshroute.reference.translate.ClientProxy;
import dev.meshroute.reference.translate.XdsResources;
import dev.meshroute.reference.translate.XdsTranslator;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.route.v3.Route;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The translator's route origins, read back by the proxy's route table and counted by the recorder. */
class RouteCoverageTest {

    private static final String RANDOM = "x-random";

    private static final String VS = Fixtures.vs("my-app", """
            - name: beta
              match:
              - headers: {end-user: {exact: jason}}
              - uri: {prefix: /beta}
              route:
              - destination: {host: my-app, subset: v2}
            - name: old
              match: [{uri: {prefix: /old}}]
              redirect: {uri: /new}
            - route:
              - {destination: {host: my-app, subset: v1}, weight: 90}
              - {destination: {host: my-app, subset: v1}, weight: 0}
              - {destination: {host: my-app, subset: v2}, weight: 10}
            """);

    private static MeshConfig accepted(String... docs) {
        ConfigStore.Outcome outcome = new ConfigStore().apply(ConfigLoader.loadText("test.yaml", Fixtures.docs(docs)));
        assertEquals(List.of(), Fixtures.errors(outcome.diagnostics()));
        return outcome.config();
    }

    private static RouteTable table(MeshConfig config, CoverageRecorder recorder) {
        List<Pod> pods = List.of(Fixtures.pod("my-app-v1", "v1", 9001), Fixtures.pod("my-app-v2", "v2", 9002));
        XdsResources x = XdsTranslator.translate(config, pods, ClientProxy.DEFAULT,
                new XdsTranslator.Options(RANDOM, Mutant.NONE));
        Map<String, ClusterLoadAssignment> assignments = x.endpoints().stream()
                .collect(Collectors.toMap(ClusterLoadAssignment::getClusterName, Function.identity(), (a, b) -> a));
        return RouteTable.compile(x.routes().get(0), x.clusters().stream().map(Cluster::getName).toList(),
                assignments, () -> 0L).observe(recorder);
    }

    private static HttpRequestHead get(String path, String... headers) {
        List<Map.Entry<String, String>> h = new ArrayList<>();
        h.add(Map.entry("host", "my-app"));
        for (int i = 0; i < headers.length; i += 2) {
            h.add(Map.entry(headers[i], headers[i + 1]));
        }
        return new HttpRequestHead("GET", path, "my-app", "http", h);
    }

    @Test
    void translator_namesEachRoutesVirtualServiceRuleMatchAndSentDestinations() {
        MeshConfig config = accepted(Fixtures.SERVICE, Fixtures.PODS_V1_V2, Fixtures.DR_V1_V2, VS);
        XdsResources x = XdsTranslator.translate(config, List.of(), ClientProxy.DEFAULT);
        List<Route> routes = x.routes().get(0).getVirtualHostsList().stream()
                .filter(vh -> vh.getName().startsWith("my-app")).findFirst().orElseThrow().getRoutesList();
        List<RouteOrigin> origins = routes.stream().map(r -> RouteOrigin.fromMetadata(r.getMetadata())).toList();
        assertEquals(List.of(new RouteOrigin("default/my-app", 0, 0, List.of(0)),
                new RouteOrigin("default/my-app", 0, 1, List.of(0)),
                new RouteOrigin("default/my-app", 1, 0, List.of()),
                // the weight-0 destination is never sent: the route's two clusters are destinations 0 and 2
                new RouteOrigin("default/my-app", 2, -1, List.of(0, 2))), origins);
        assertEquals("/apis/networking.istio.io/v1/namespaces/default/virtual-service/my-app",
                routes.get(0).getMetadata().getFilterMetadataOrThrow("istio").getFieldsOrThrow("config")
                        .getStringValue());
    }

    @Test
    void routeTable_reportsTheMatchedRouteAndThePickedCluster() {
        MeshConfig config = accepted(Fixtures.SERVICE, Fixtures.PODS_V1_V2, Fixtures.DR_V1_V2, VS);
        CoverageRecorder recorder = new CoverageRecorder();
        RouteTable table = table(config, recorder);
        table.route(get("/beta/x"));
        table.route(get("/beta/y"));
        table.route(get("/old"));
        table.route(get("/", RANDOM, "95")); // 95 % 100 falls in v2's interval [90, 100)
        assertEquals(2, recorder.hits("default/my-app", 0, null, null));
        assertEquals(0, recorder.hits("default/my-app", 0, 0, null));
        assertEquals(2, recorder.hits("default/my-app", 0, 1, null));
        assertEquals(2, recorder.hits("default/my-app", 0, null, 0));
        assertEquals(1, recorder.hits("default/my-app", 1, 0, null));
        assertEquals(1, recorder.hits("default/my-app", 2, null, null));
        assertEquals(0, recorder.hits("default/my-app", 2, null, 0));
        assertEquals(1, recorder.hits("default/my-app", 2, null, 2), "cluster 1 of the route is destination 2");

        CoverageReport report = new CoverageReport().add(CoverageReport.entries(config, recorder.drain(), vs -> true));
        // rule 0: rule + 2 matches + 1 destination; rule 1: rule + match; rule 2: rule + 3 destinations
        assertEquals(10, report.total());
        assertEquals(List.of("VirtualService default/my-app rule 0 match 0", "VirtualService default/my-app rule 2"
                + " destination 0", "VirtualService default/my-app rule 2 destination 1"), report.uncovered().stream()
                .map(e -> e.toString().substring(0, e.toString().indexOf(':'))).toList());
        assertEquals(0, recorder.hits("default/my-app", 0, null, null), "drained");
    }

    @Test
    void routeTable_withoutAnObserver_routesAsBefore_andDefaultRoutesAreNotCounted() {
        MeshConfig config = accepted(Fixtures.SERVICE, Fixtures.PODS_V1_V2, Fixtures.DR_V1_V2);
        CoverageRecorder recorder = new CoverageRecorder();
        RouteTable table = table(config, recorder);
        assertFalse(table.route(get("/")) instanceof dev.meshroute.reference.dataplane.RouteDecision.LocalReply);
        assertEquals(Map.of(), recorder.drain(), "a service's default route belongs to no VirtualService");
    }

    @Test
    void delegatedRules_countForTheDelegate() {
        String root = Fixtures.vs("root", """
                - match: [{uri: {prefix: /shop}}]
                  delegate: {name: shop}
                - route: [{destination: {host: my-app, subset: v1}}]
                """);
        String delegate = """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: shop}
                spec:
                  http:
                  - name: cart
                    match: [{uri: {prefix: /shop/cart}}]
                    route: [{destination: {host: my-app, subset: v2}}]
                """;
        MeshConfig config = accepted(Fixtures.SERVICE, Fixtures.PODS_V1_V2, Fixtures.DR_V1_V2, root, delegate);
        CoverageRecorder recorder = new CoverageRecorder();
        RouteTable table = table(config, recorder);
        table.route(get("/shop/cart/1"));
        table.route(get("/home"));
        assertEquals(1, recorder.hits("default/shop", 0, null, null));
        assertEquals(1, recorder.hits("default/shop", 0, null, 0));
        assertEquals(1, recorder.hits("default/root", 1, null, 0));
        List<CoverageEntry> entries = CoverageReport.entries(config, recorder.drain(), vs -> true);
        assertTrue(entries.stream().noneMatch(e -> e.virtualService().equals("default/root") && e.rule() == 0),
                "the delegating root rule has no entries of its own");
    }
}
