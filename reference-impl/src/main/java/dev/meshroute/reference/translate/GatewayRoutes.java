package dev.meshroute.reference.translate;

import dev.meshroute.reference.model.Gateway;
import dev.meshroute.reference.model.Hosts;
import dev.meshroute.reference.model.MeshConfig;
import dev.meshroute.reference.model.VirtualService;
import dev.meshroute.reference.mutants.Mutant;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The listeners and routes istiod generates for a gateway proxy ({@code pilot/pkg/networking/core/gateway.go}
 * {@code buildGatewayListeners}, {@code buildGatewayHTTPRouteConfig}; {@code model/gateway.go}
 * {@code MergeGateways}; SEMANTICS.md 6.3 and 7).
 *
 * <p>The Gateways whose selector is a subset of the proxy's labels are merged: one listener and one route
 * configuration ({@code http.<port>}) per server port, holding every plain-text HTTP server on that port. A
 * VirtualService bound to a server's gateway applies to that server only for the hosts it shares with the
 * server ({@code host.Names.Intersection}, server hosts taken for the VirtualService's namespace); each such
 * hostname gets one virtual host, and every VirtualService bound to the same host is merged into it, in
 * order; catch-all routes are then moved to the end ({@code SortVHostRoutes}).
 */
final class GatewayRoutes {

    private GatewayRoutes() {
    }

    static XdsResources translate(XdsTranslator translator, MeshConfig config, ClientProxy proxy) {
        // servers by port, in Gateway order then server order (MergeGateways); each with its gateway's name
        Map<Integer, List<Map.Entry<String, Gateway.Server>>> serversByPort = new TreeMap<>();
        for (Gateway gw : config.gateways()) {
            if (!proxy.labels().entrySet().containsAll(gw.selector().entrySet())) {
                continue;
            }
            for (Gateway.Server server : gw.servers()) {
                serversByPort.computeIfAbsent(server.portNumber(), p -> new ArrayList<>())
                        .add(Map.entry(gw.gatewayName(), sanitize(server, gw.meta().namespace())));
            }
        }
        List<Listener> listeners = new ArrayList<>();
        List<RouteConfiguration> routes = new ArrayList<>();
        serversByPort.forEach((port, servers) -> {
            String routeName = "http." + port;
            listeners.add(XdsTranslator.listener(port, routeName, "outbound_0.0.0.0_" + port));
            routes.add(routeConfiguration(translator, config, routeName, port, servers));
        });
        List<Cluster> clusters = new ArrayList<>();
        List<ClusterLoadAssignment> endpoints = new ArrayList<>();
        translator.addClusters(clusters, endpoints);
        return new XdsResources(listeners, routes, clusters, endpoints);
    }

    /**
     * {@code sanitizeServerHostNamespace}: {@code ./host} becomes {@code <gateway namespace>/host}, {@code
     * *}{@code /host} becomes {@code host}, and {@code *}{@code /*} makes the server's hosts just {@code *}.
     */
    static Gateway.Server sanitize(Gateway.Server server, String namespace) {
        List<String> hosts = new ArrayList<>();
        for (String h : server.hosts()) {
            if (h.equals("*/*")) {
                hosts = new ArrayList<>(List.of("*"));
                break;
            }
            if (h.startsWith("./")) {
                hosts.add(namespace + h.substring(1));
            } else if (h.startsWith("*/")) {
                hosts.add(h.substring(2));
            } else {
                hosts.add(h);
            }
        }
        return new Gateway.Server(server.portNumber(), server.portName(), server.protocol(), hosts, server.tls(),
                server.httpsRedirect(), server.location());
    }

    private static RouteConfiguration routeConfiguration(XdsTranslator translator, MeshConfig config,
                                                         String routeName, int port,
                                                         List<Map.Entry<String, Gateway.Server>> servers) {
        Mutant mutant = translator.mutant();
        Map<String, VirtualHost.Builder> vhosts = new LinkedHashMap<>();
        for (Map.Entry<String, Gateway.Server> entry : servers) {
            String gatewayName = entry.getKey();
            Gateway.Server server = entry.getValue();
            for (VirtualService vs : boundTo(gatewayName, config.virtualServices())) {
                List<String> shared = intersection(namesForNamespace(server.hosts(), vs.meta().namespace()),
                        vs.hosts().stream().map(h -> Hosts.resolve(h, vs.meta().namespace())).toList());
                if (shared.isEmpty()) {
                    continue;
                }
                List<Route> vsRoutes = translator.httpRoutes(vs, port, gatewayName);
                if (vsRoutes.isEmpty()) {
                    continue; // "no routes matched": this VirtualService contributes nothing to this server
                }
                for (String hostname : shared) {
                    String h = hostname.toLowerCase(Locale.ROOT);
                    VirtualHost.Builder vh = vhosts.get(h);
                    if (vh == null) {
                        // gateway.go: IncludeRequestAttemptCount, as on sidecar virtual hosts
                        vhosts.put(h, VirtualHost.newBuilder().setName(h + ":" + port).addDomains(h)
                                .setIncludeRequestAttemptCount(true).addAllRoutes(vsRoutes));
                    } else if (mutant != Mutant.GATEWAY_FIRST_VIRTUAL_SERVICE_WINS) {
                        vh.addAllRoutes(vsRoutes);
                    }
                    if (server.httpsRedirect()) {
                        vhosts.get(h).setRequireTls(VirtualHost.TlsRequirementType.ALL);
                    }
                }
            }
            // a server that redirects to https gets a virtual host for each of its hosts, routes or not
            if (server.httpsRedirect()) {
                for (String hostname : server.hosts()) {
                    String h = hostname.toLowerCase(Locale.ROOT);
                    vhosts.computeIfAbsent(h, k -> VirtualHost.newBuilder().setName(k + ":" + port).addDomains(k)
                                    .setIncludeRequestAttemptCount(true)).setRequireTls(VirtualHost.TlsRequirementType.ALL);
                }
            }
        }
        RouteConfiguration.Builder rc = RouteConfiguration.newBuilder()
                .setName(routeName)
                .setValidateClusters(com.google.protobuf.BoolValue.of(false))
                // gateways ignore the Host port when choosing a virtual host, as sidecars do
                .setIgnorePortInHostMatching(true)
                .setMaxDirectResponseBodySizeBytes(com.google.protobuf.UInt32Value.of(1024 * 1024));
        if (vhosts.isEmpty()) {
            // "Empty route list will cause Envoy to 404 NR any requests"
            return rc.addVirtualHosts(VirtualHost.newBuilder().setName("blackhole:" + port).addDomains("*")).build();
        }
        List<VirtualHost> sorted = new ArrayList<>();
        for (VirtualHost.Builder vh : vhosts.values()) {
            List<Route> ordered = mutant == Mutant.GATEWAY_CATCH_ALL_NOT_MOVED_LAST
                    ? vh.getRoutesList() : sortVirtualHostRoutes(vh.getRoutesList());
            sorted.add(vh.clearRoutes().addAllRoutes(ordered).build());
        }
        sorted.sort(Comparator.comparing(VirtualHost::getName));
        return rc.addAllVirtualHosts(sorted).build();
    }

    /**
     * {@code VirtualServicesForGateway}: the VirtualServices whose {@code gateways} name this gateway once
     * resolved in their namespace, in configuration order.
     */
    static List<VirtualService> boundTo(String gatewayName, List<VirtualService> all) {
        return all.stream().filter(vs -> vs.gateways().stream()
                .anyMatch(g -> Gateway.resolveName(g, vs.meta().namespace()).equals(gatewayName))).toList();
    }

    /**
     * {@code host.NamesForNamespace}: the server hosts visible to a VirtualService in {@code namespace}; a host
     * {@code ns/name} counts only for namespace {@code ns} (or any namespace when {@code ns} is {@code *}).
     */
    static List<String> namesForNamespace(List<String> hosts, String namespace) {
        List<String> out = new ArrayList<>();
        for (String h : hosts) {
            int slash = h.indexOf('/');
            if (slash < 0) {
                out.add(h);
            } else {
                String ns = h.substring(0, slash);
                if (ns.equals(namespace) || ns.equals("*")) {
                    out.add(h.substring(slash + 1));
                }
            }
        }
        return out;
    }

    /**
     * {@code host.Names.Intersection}: for each pair of names where one is covered by the other, the narrower
     * one, once ({@code a.example.com} and {@code *.example.com} give {@code a.example.com}).
     */
    static List<String> intersection(List<String> serverHosts, List<String> vsHosts) {
        List<String> out = new ArrayList<>();
        for (String s : serverHosts) {
            for (String v : vsHosts) {
                String narrower = subsetOf(s, v) ? s : subsetOf(v, s) ? v : null;
                if (narrower != null && !out.contains(narrower)) {
                    out.add(narrower);
                }
            }
        }
        return out;
    }

    /** {@code host.Name.SubsetOf}: every name {@code a} matches is matched by {@code b} too. */
    static boolean subsetOf(String a, String b) {
        boolean aWild = a.startsWith("*");
        boolean bWild = b.startsWith("*");
        if (aWild) {
            return bWild && a.length() >= b.length() && a.substring(1).endsWith(b.substring(1));
        }
        return bWild ? a.endsWith(b.substring(1)) : a.equals(b);
    }

    /** {@code SortVHostRoutes}: catch-all routes move to the end; the others keep their relative order. */
    static List<Route> sortVirtualHostRoutes(List<Route> routes) {
        List<Route> out = new ArrayList<>();
        List<Route> catchAll = new ArrayList<>();
        for (Route r : routes) {
            (XdsTranslator.isCatchAll(r) ? catchAll : out).add(r);
        }
        out.addAll(catchAll);
        return out;
    }
}
