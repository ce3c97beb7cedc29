package dev.meshroute.reference.translate;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import dev.meshroute.reference.model.Service;
import dev.meshroute.reference.model.ServicePort;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a proxyless gRPC client needs on top of a sidecar's resources, as istiod's {@code grpcgen} serves it
 * ({@code pilot/pkg/networking/grpcgen/lds.go}, {@code rds.go}); the routes, clusters and endpoints themselves are
 * the sidecar's. A pure function, applied after {@link XdsTranslator}, which it does not change.
 *
 * <ul>
 *   <li><b>API listeners.</b> A client dialling {@code xds:///my-app.default.svc.cluster.local:80} asks LDS for
 *   exactly that name and wants a Listener whose {@code api_listener} is an HttpConnectionManager (RDS over ADS,
 *   the router filter last). One listener per name a client in the service's namespace may dial, always with the
 *   port: {@code fqdn:port}, and for a same-namespace client {@code name:port}, {@code name.ns:port},
 *   {@code name.ns.svc:port} ({@code lds.go newListenerNameFilter/tryFindFQDN} expands these to the service; a
 *   name without a port gets no listener: istiod names every listener {@code host:port}).</li>
 *   <li><b>One route configuration per service and port,</b> named {@code outbound|port||fqdn} (grpcgen's
 *   {@code clusterKey}), holding only the sidecar's virtual hosts for that service ({@code rds.go
 *   filterVirtualHostsForHostname}), each domain also with {@code :port}: a gRPC client picks the virtual host by
 *   its channel authority, port included, and istiod does not set {@code ignore_port_in_host_matching} for
 *   proxyless clients ({@code httproute.go SidecarIgnorePort}, {@code appendDomainPort}). The routes are the
 *   sidecar's routes, unchanged.</li>
 *   <li><b>Endpoint weights.</b> istiod gives every endpoint {@code load_balancing_weight} 1 and every locality the
 *   sum ({@code pilot/pkg/xds/endpoints/endpoint_builder.go}); gRPC drops a locality without a weight
 *   (grpc-java {@code XdsEndpointResource.parseLocalityLbEndpoints}: "Filter out localities without or with 0
 *   weight"). Weights the translation already set are kept.</li>
 * </ul>
 */
public final class GrpcListeners {

    private static final ConfigSource ADS = ConfigSource.newBuilder()
            .setAds(AggregatedConfigSource.getDefaultInstance())
            .setResourceApiVersion(ApiVersion.V3)
            .build();

    private GrpcListeners() {
    }

    /**
     * {@code sidecar} with the API listeners, per-service route configurations and endpoint weights proxyless gRPC
     * clients in {@code clientNamespace} need for {@code services}.
     */
    public static XdsResources forProxylessClients(XdsResources sidecar, List<Service> services,
                                                   String clientNamespace) {
        Map<String, RouteConfiguration> sidecarRoutes = sidecar.routes().stream()
                .collect(Collectors.toMap(RouteConfiguration::getName, Function.identity(), (a, b) -> a));
        List<Listener> listeners = new ArrayList<>(sidecar.listeners());
        List<RouteConfiguration> routes = new ArrayList<>(sidecar.routes());
        Set<String> listenerNames = new TreeSet<>();
        for (Service service : services) {
            for (ServicePort port : service.ports()) {
                String routeName = routeName(service, port.port());
                RouteConfiguration portRoutes = sidecarRoutes.get(String.valueOf(port.port()));
                routes.add(routeConfiguration(routeName, service.fqdn(), port.port(), portRoutes));
                for (String dialName : dialNames(service, port.port(), clientNamespace)) {
                    if (listenerNames.add(dialName)) {
                        listeners.add(apiListener(dialName, routeName));
                    }
                }
            }
        }
        List<ClusterLoadAssignment> endpoints = sidecar.endpoints().stream().map(GrpcListeners::withWeights).toList();
        List<Cluster> clusters = sidecar.clusters().stream().map(GrpcListeners::withGrpcDefaultLb).toList();
        return new XdsResources(listeners, routes, clusters, endpoints);
    }

    /**
     * grpcgen's {@code applyLoadBalancing}: an unset (or ROUND_ROBIN) load balancer leaves {@code lb_policy} unset,
     * gRPC's default round robin, where a sidecar gets LEAST_REQUEST; grpc-js rejects a cluster with LEAST_REQUEST
     * ("unsupported lb_policy"). The sidecar translation does not say whether LEAST_REQUEST was asked for, so it is
     * always cleared here (an explicit LEAST_REQUEST from a DestinationRule would stay in grpcgen).
     */
    static Cluster withGrpcDefaultLb(Cluster cluster) {
        return cluster.getLbPolicy() == Cluster.LbPolicy.LEAST_REQUEST
                ? cluster.toBuilder().clearLbPolicy().build() : cluster;
    }

    /** The route configuration a service's API listeners point at: {@code outbound|port||fqdn}. */
    public static String routeName(Service service, int port) {
        return ClusterNames.outbound(port, null, service.fqdn());
    }

    /**
     * The names a client in {@code clientNamespace} may dial for {@code service} on {@code port}, each with the
     * port: the FQDN always; the short forms only from the service's own namespace.
     */
    public static List<String> dialNames(Service service, int port, String clientNamespace) {
        List<String> names = new ArrayList<>();
        names.add(service.fqdn() + ":" + port);
        if (service.meta().namespace().equals(clientNamespace)) {
            String name = service.meta().name();
            String ns = service.meta().namespace();
            names.add(name + ":" + port);
            names.add(name + "." + ns + ":" + port);
            names.add(name + "." + ns + ".svc:" + port);
        }
        return names;
    }

    static Listener apiListener(String name, String routeName) {
        HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
                .setStatPrefix(name)
                .setRds(Rds.newBuilder().setConfigSource(ADS).setRouteConfigName(routeName))
                .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router")
                        .setTypedConfig(Any.pack(Router.getDefaultInstance())))
                .build();
        return Listener.newBuilder()
                .setName(name)
                .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm)))
                .build();
    }

    /**
     * The sidecar's virtual hosts for {@code fqdn} on {@code port}, with {@code domain:port} after every domain
     * that has no port yet. No sidecar route configuration for the port: no virtual host (the client then fails
     * its RPCs: "Failed to find virtual host matching hostname").
     */
    static RouteConfiguration routeConfiguration(String name, String fqdn, int port, RouteConfiguration sidecar) {
        RouteConfiguration.Builder rc = RouteConfiguration.newBuilder().setName(name);
        if (sidecar == null) {
            return rc.build();
        }
        for (VirtualHost vh : sidecar.getVirtualHostsList()) {
            if (!servesHost(vh, fqdn, port)) {
                continue;
            }
            Set<String> domains = new LinkedHashSet<>();
            for (String d : vh.getDomainsList()) {
                domains.add(d);
                if (!d.contains(":") && !d.equals("*")) {
                    domains.add(d + ":" + port);
                }
            }
            rc.addVirtualHosts(vh.toBuilder().clearDomains().addAllDomains(domains));
        }
        return rc.build();
    }

    /** {@code filterVirtualHostsForHostname}: the FQDN (with or without the port), or a wildcard covering it. */
    static boolean servesHost(VirtualHost vh, String fqdn, int port) {
        String host = fqdn.toLowerCase(Locale.ROOT);
        for (String d : vh.getDomainsList()) {
            String domain = d.toLowerCase(Locale.ROOT);
            if (domain.equals(host) || domain.equals(host + ":" + port)) {
                return true;
            }
            String domainHost = domain;
            int colon = domain.lastIndexOf(':');
            if (colon > 0) {
                if (!domain.substring(colon + 1).equals(String.valueOf(port))) {
                    continue;
                }
                domainHost = domain.substring(0, colon);
            }
            if (domainHost.equals("*") || (domainHost.startsWith("*.") && host.endsWith(domainHost.substring(1)))) {
                return true;
            }
        }
        return false;
    }

    static ClusterLoadAssignment withWeights(ClusterLoadAssignment cla) {
        ClusterLoadAssignment.Builder b = cla.toBuilder().clearEndpoints();
        for (LocalityLbEndpoints locality : cla.getEndpointsList()) {
            LocalityLbEndpoints.Builder l = locality.toBuilder().clearLbEndpoints();
            long sum = 0;
            for (LbEndpoint ep : locality.getLbEndpointsList()) {
                LbEndpoint weighted = ep.hasLoadBalancingWeight() ? ep
                        : ep.toBuilder().setLoadBalancingWeight(UInt32Value.of(1)).build();
                sum += weighted.getLoadBalancingWeight().getValue();
                l.addLbEndpoints(weighted);
            }
            if (!locality.hasLoadBalancingWeight() && sum > 0) {
                l.setLoadBalancingWeight(UInt32Value.of((int) Math.min(sum, Integer.MAX_VALUE)));
            }
            b.addEndpoints(l);
        }
        return b.build();
    }

    /**
     * Clusters a proxyless client's routes name that {@code resources} do not define, in name order. A gRPC client
     * waits for each of them until its resource-does-not-exist timer fires (15 s in grpc-java,
     * {@code XdsClientImpl.INITIAL_RESOURCE_FETCH_TIMEOUT_SEC}) before it routes by the configuration at all.
     */
    public static List<String> missingClusters(XdsResources resources, String routeConfigurationName) {
        Set<String> defined = resources.clusters().stream().map(Cluster::getName).collect(Collectors.toSet());
        Set<String> missing = new TreeSet<>();
        for (RouteConfiguration rc : resources.routes()) {
            if (!rc.getName().equals(routeConfigurationName)) {
                continue;
            }
            for (VirtualHost vh : rc.getVirtualHostsList()) {
                for (Route r : vh.getRoutesList()) {
                    if (!r.hasRoute()) {
                        continue;
                    }
                    if (r.getRoute().hasWeightedClusters()) {
                        for (WeightedCluster.ClusterWeight cw : r.getRoute().getWeightedClusters().getClustersList()) {
                            if (!defined.contains(cw.getName())) {
                                missing.add(cw.getName());
                            }
                        }
                    } else if (!r.getRoute().getCluster().isEmpty() && !defined.contains(r.getRoute().getCluster())) {
                        missing.add(r.getRoute().getCluster());
                    }
                }
            }
        }
        return List.copyOf(missing);
    }
}
