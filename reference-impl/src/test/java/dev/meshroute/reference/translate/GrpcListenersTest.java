package dev.meshroute.reference.translate;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.meshroute.reference.model.MeshConfig;
import dev.meshroute.reference.model.Service;
import dev.meshroute.reference.registry.Pod;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.meshroute.reference.testsupport.Fixtures.DR_V1_V2;
import static dev.meshroute.reference.testsupport.Fixtures.FQDN;
import static dev.meshroute.reference.testsupport.Fixtures.SERVICE;
import static dev.meshroute.reference.testsupport.Fixtures.config;
import static dev.meshroute.reference.testsupport.Fixtures.pod;
import static dev.meshroute.reference.testsupport.Fixtures.vs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GrpcListenersTest {

    private static final List<Pod> PODS = List.of(pod("my-app-v1-0", "v1", 9001), pod("my-app-v2-0", "v2", 9002));
    private static final String ROUTE_NAME = "outbound|80||" + FQDN;

    private static final String OTHER_NAMESPACE_SERVICE = """
            apiVersion: v1
            kind: Service
            metadata: {name: remote, namespace: other}
            spec:
              selector: {app: remote}
              ports: [{name: grpc, port: 7070}]
            """;

    private static XdsResources grpc(String... docs) {
        MeshConfig c = config(docs);
        XdsResources sidecar = XdsTranslator.translate(c, PODS, ClientProxy.DEFAULT);
        return GrpcListeners.forProxylessClients(sidecar, c.services(), "default");
    }

    private static Listener listener(XdsResources r, String name) {
        return r.listeners().stream().filter(l -> l.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no listener " + name + " in "
                        + r.listeners().stream().map(Listener::getName).toList()));
    }

    private static RouteConfiguration route(XdsResources r, String name) {
        return r.routes().stream().filter(rc -> rc.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no route configuration " + name));
    }

    @Test
    void everySameNamespaceDialName_withItsPort_getsAnApiListener() {
        XdsResources r = grpc(SERVICE, DR_V1_V2);
        for (String name : List.of(FQDN + ":80", "my-app:80", "my-app.default:80", "my-app.default.svc:80")) {
            assertTrue(listener(r, name).hasApiListener(), name);
        }
        Set<String> names = r.listeners().stream().map(Listener::getName).collect(Collectors.toSet());
        assertFalse(names.contains("my-app"), "istiod names every gRPC listener host:port (lds.go)");
        assertFalse(names.contains(FQDN), "istiod names every gRPC listener host:port (lds.go)");
    }

    @Test
    void aServiceOfAnotherNamespace_isDialledByItsFqdnOnly() {
        XdsResources r = grpc(SERVICE, OTHER_NAMESPACE_SERVICE);
        listener(r, "remote.other.svc.cluster.local:7070");
        Set<String> names = r.listeners().stream().map(Listener::getName).collect(Collectors.toSet());
        assertFalse(names.contains("remote:7070"));
        assertFalse(names.contains("remote.other:7070"), "tryFindFQDN expands only the client's own namespace");
    }

    @Test
    void theApiListener_isAnRdsHttpConnectionManager_endingWithTheRouter() throws InvalidProtocolBufferException {
        HttpConnectionManager hcm = listener(grpc(SERVICE), "my-app:80").getApiListener().getApiListener()
                .unpack(HttpConnectionManager.class);
        assertTrue(hcm.getRds().getConfigSource().hasAds());
        assertEquals(ROUTE_NAME, hcm.getRds().getRouteConfigName());
        assertEquals("envoy.filters.http.router", hcm.getHttpFilters(hcm.getHttpFiltersCount() - 1).getName());
        assertTrue(hcm.getHttpFilters(hcm.getHttpFiltersCount() - 1).getTypedConfig().is(Router.class));
    }

    @Test
    void theServiceRouteConfiguration_holdsTheSidecarRoutes_withPortDomains() {
        XdsResources r = grpc(SERVICE, DR_V1_V2, vs("my-app", """
                - match: [{headers: {x-a: {exact: "1"}}}]
                  route: [{destination: {host: my-app, subset: v2}}]
                - route: [{destination: {host: my-app, subset: v1}}]
                """));
        RouteConfiguration sidecar = route(r, "80");
        VirtualHost sidecarHost = sidecar.getVirtualHosts(0);
        RouteConfiguration rc = route(r, ROUTE_NAME);
        assertEquals(1, rc.getVirtualHostsCount());
        VirtualHost vh = rc.getVirtualHosts(0);
        assertEquals(sidecarHost.getRoutesList(), vh.getRoutesList(), "the routes are the sidecar's, unchanged");
        assertEquals(List.of(FQDN, FQDN + ":80", "my-app", "my-app:80", "my-app.default", "my-app.default:80",
                "my-app.default.svc", "my-app.default.svc:80"), vh.getDomainsList());
    }

    @Test
    void onlyTheServicesOwnVirtualHost_isInItsRouteConfiguration() {
        XdsResources r = grpc(SERVICE, OTHER_NAMESPACE_SERVICE, """
                apiVersion: v1
                kind: Service
                metadata: {name: other-app, namespace: default}
                spec:
                  selector: {app: other-app}
                  ports: [{name: http, port: 80}]
                """);
        RouteConfiguration rc = route(r, ROUTE_NAME);
        assertEquals(1, rc.getVirtualHostsCount());
        assertTrue(rc.getVirtualHosts(0).getDomainsList().contains(FQDN));
    }

    @Test
    void endpointsGetIstiodsWeights_oneEach_andTheirSumPerLocality() {
        XdsResources r = grpc(SERVICE, DR_V1_V2);
        ClusterLoadAssignment all = r.endpoints().stream()
                .filter(cla -> cla.getClusterName().equals("outbound|80||" + FQDN)).findFirst().orElseThrow();
        LocalityLbEndpoints locality = all.getEndpoints(0);
        assertEquals(2, locality.getLoadBalancingWeight().getValue());
        locality.getLbEndpointsList().forEach(ep -> assertEquals(1, ep.getLoadBalancingWeight().getValue()));
    }

    @Test
    void aClusterWithoutEndpoints_staysEmpty() {
        XdsResources r = grpc(SERVICE, """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: my-app}
                spec:
                  host: my-app
                  subsets: [{name: canary, labels: {version: v9}}]
                """);
        ClusterLoadAssignment canary = r.endpoints().stream()
                .filter(cla -> cla.getClusterName().equals("outbound|80|canary|" + FQDN)).findFirst().orElseThrow();
        assertEquals(0, canary.getEndpointsCount());
    }

    @Test
    void missingClusters_areTheRoutedClustersNoResourceDefines() {
        XdsResources r = grpc(SERVICE, DR_V1_V2, vs("my-app", """
                - match: [{headers: {x-a: {exact: "1"}}}]
                  route: [{destination: {host: my-app, subset: v3}}]
                - route:
                  - {destination: {host: my-app, subset: v1}, weight: 50}
                  - {destination: {host: my-app, subset: v1-typo}, weight: 50}
                """));
        assertEquals(List.of("outbound|80|v1-typo|" + FQDN, "outbound|80|v3|" + FQDN),
                GrpcListeners.missingClusters(r, ROUTE_NAME));
        assertEquals(List.of(), GrpcListeners.missingClusters(grpc(SERVICE, DR_V1_V2), ROUTE_NAME));
    }

    @Test
    void dialNames_putThePortOnEveryForm() {
        Service s = config(SERVICE).services().get(0);
        assertEquals(List.of(FQDN + ":80", "my-app:80", "my-app.default:80", "my-app.default.svc:80"),
                GrpcListeners.dialNames(s, 80, "default"));
        assertEquals(List.of(FQDN + ":80"), GrpcListeners.dialNames(s, 80, "other"));
    }

    @Test
    void theSidecarResources_areStillServed() {
        XdsResources r = grpc(SERVICE, DR_V1_V2);
        XdsResources sidecar = XdsTranslator.translate(config(SERVICE, DR_V1_V2), PODS, ClientProxy.DEFAULT);
        assertTrue(r.listeners().containsAll(sidecar.listeners()));
        assertTrue(r.routes().containsAll(sidecar.routes()));
        // the same clusters, except that gRPC's default round robin replaces the sidecar's LEAST_REQUEST (grpcgen)
        assertEquals(sidecar.clusters().stream().map(c -> c.toBuilder().clearLbPolicy().build()).toList(),
                r.clusters());
    }

    @Test
    void clusters_leaveLbPolicyUnsetForGrpcsDefaultRoundRobin() {
        XdsResources r = grpc(SERVICE, DR_V1_V2);
        assertTrue(r.clusters().stream().allMatch(c -> c.getLbPolicy() == Cluster.LbPolicy.ROUND_ROBIN),
                r.clusters().toString());
        assertTrue(r.clusters().stream().noneMatch(c -> c.toString().contains("LEAST_REQUEST")));
    }
}
