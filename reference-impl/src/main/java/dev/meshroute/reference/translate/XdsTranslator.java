package dev.meshroute.reference.translate;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import dev.meshroute.reference.coverage.RouteOrigin;
import dev.meshroute.reference.model.SourceLocation;
import dev.meshroute.reference.model.CorsPolicy;
import dev.meshroute.reference.model.Destination;
import dev.meshroute.reference.model.Gateway;
import dev.meshroute.reference.model.Hosts;
import dev.meshroute.reference.model.HeaderOperations;
import dev.meshroute.reference.model.HttpDirectResponse;
import dev.meshroute.reference.model.HttpFault;
import dev.meshroute.reference.model.HttpMatchRequest;
import dev.meshroute.reference.model.HttpMirror;
import dev.meshroute.reference.model.HttpRedirect;
import dev.meshroute.reference.model.HttpRewrite;
import dev.meshroute.reference.model.HttpRoute;
import dev.meshroute.reference.model.HttpRouteDestination;
import dev.meshroute.reference.model.MeshConfig;
import dev.meshroute.reference.model.Service;
import dev.meshroute.reference.model.ServicePort;
import dev.meshroute.reference.model.StringMatch;
import dev.meshroute.reference.model.Subset;
import dev.meshroute.reference.model.VirtualService;
import dev.meshroute.reference.mutants.Mutant;
import dev.meshroute.reference.registry.DestinationRuleIndex;
import dev.meshroute.reference.registry.Pod;
import dev.meshroute.reference.registry.ServiceRegistry;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultDelay;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Translates accepted Istio configuration into Envoy v3 resources for one client sidecar, the way
 * istiod does ({@code pilot/pkg/networking/core/route/route.go}, {@code httproute.go},
 * {@code cluster_builder.go}; SEMANTICS.md sections 1-3). A pure function: no I/O, no clocks.
 */
public final class XdsTranslator {

    /**
     * Where RDS and EDS come from: the ADS stream, with no initial fetch timeout (0 s: a listener or cluster waits for
     * its route configuration or endpoints as long as it takes, instead of Envoy's default 15 s after which it would
     * start without them), as istiod writes both ({@code listener_builder.go} {@code buildHTTPConnectionManager},
     * {@code cluster_builder.go} {@code maybeApplyEdsConfig}: {@code InitialFetchTimeout: durationpb.New(0)}).
     */
    private static final ConfigSource ADS = ConfigSource.newBuilder()
            .setAds(AggregatedConfigSource.getDefaultInstance())
            .setInitialFetchTimeout(com.google.protobuf.Duration.getDefaultInstance())
            .setResourceApiVersion(io.envoyproxy.envoy.config.core.v3.ApiVersion.V3)
            .build();

    /**
     * How to translate beyond what istiod does; {@link #ISTIOD} is exactly istiod.
     *
     * @param randomValueHeader if not null, Envoy's {@code weighted_clusters.header_name} on every weighted
     *                          route: a request carrying that header picks its weighted cluster by the header's
     *                          value instead of a random one (as {@code random_value} in Envoy's
     *                          router_check_tool). Istio never sets it; a test harness does, to check bucket
     *                          boundaries exactly. Requests without the header are not affected.
     * @param mutant            a deliberate bug, for the suite's self-test only
     */
    public record Options(String randomValueHeader, Mutant mutant) {
        public static final Options ISTIOD = new Options(null, Mutant.NONE);
    }

    private final MeshConfig config;
    private final ClientProxy proxy;
    private final ServiceRegistry registry;
    private final DestinationRuleIndex destinationRules;
    private final Options options;
    /** Each rule's origin by where it was written, so rules merged from a delegate keep theirs (route coverage). */
    private Map<SourceLocation, RouteOrigin> ruleOrigins;
    /** The VirtualServices by namespace/name (the first of a name), for the rule a route origin names. */
    private Map<String, VirtualService> virtualServicesByName;
    /** The routes of the previous translation for this proxy, to reuse; null: translate every route. */
    private RouteMemo memo;

    XdsTranslator(MeshConfig config, List<Pod> pods, ClientProxy proxy, Options options) {
        this.config = config;
        this.proxy = proxy;
        this.registry = new ServiceRegistry(config, pods);
        this.destinationRules = new DestinationRuleIndex(options.mutant() != Mutant.DESTINATION_RULE_EXPORT_TO_IGNORED
                ? config.destinationRules()
                : config.destinationRules().stream().map(dr -> new dev.meshroute.reference.model.DestinationRule(
                        dr.meta(), dr.location(), dr.host(), dr.subsets())).toList());
        this.options = options;
    }

    /** The resources istiod would push to {@code proxy}. */
    public static XdsResources translate(MeshConfig config, List<Pod> pods, ClientProxy proxy) {
        return translate(config, pods, proxy, Options.ISTIOD);
    }

    public static XdsResources translate(MeshConfig config, List<Pod> pods, ClientProxy proxy, Options options) {
        return new XdsTranslator(config, pods, proxy, options).translate();
    }

    /**
     * As {@link #translate(MeshConfig, List, ClientProxy, Options)}, reusing from {@code memo} the routes of rules
     * whose inputs did not change since the translation that filled it (see {@link RouteMemo}); the result is equal
     * to a translation from scratch. Keep one memo per proxy.
     */
    public static XdsResources translate(MeshConfig config, List<Pod> pods, ClientProxy proxy, Options options,
                                         RouteMemo memo) {
        XdsTranslator translator = new XdsTranslator(config, pods, proxy, options);
        translator.memo = memo;
        memo.begin(RouteMemo.Context.of(config, pods, proxy, options));
        XdsResources out = translator.translate();
        memo.end();
        return out;
    }

    /**
     * The resources istiod would push to the gateway proxy {@code proxy} (labels and namespace of the gateway
     * pod): its listeners and routes come from the Gateways that select it ({@link GatewayRoutes}), its
     * clusters are the same as a sidecar's.
     */
    public static XdsResources translateGateway(MeshConfig config, List<Pod> pods, ClientProxy proxy,
                                                Options options) {
        return GatewayRoutes.translate(new XdsTranslator(config, pods, proxy, options), config, proxy);
    }

    Mutant mutant() {
        return options.mutant();
    }

    private XdsResources translate() {
        TreeSet<Integer> ports = new TreeSet<>();
        registry.services().forEach(s -> s.ports().forEach(p -> ports.add(p.port())));
        List<Listener> listeners = new ArrayList<>();
        List<RouteConfiguration> routes = new ArrayList<>();
        for (int port : ports) {
            listeners.add(listener(port, String.valueOf(port), "outbound_0.0.0.0_" + port));
            routes.add(routeConfiguration(port));
        }
        List<Cluster> clusters = new ArrayList<>();
        List<ClusterLoadAssignment> endpoints = new ArrayList<>();
        addClusters(clusters, endpoints);
        return new XdsResources(listeners, routes, clusters, endpoints);
    }

    /** Every service's default cluster and one cluster per subset, on each service port (cluster_builder.go). */
    void addClusters(List<Cluster> clusters, List<ClusterLoadAssignment> endpoints) {
        for (Service service : registry.services()) {
            for (ServicePort port : service.ports()) {
                addCluster(service, port.port(), null, Map.of(), clusters, endpoints);
                // only the subsets of the DestinationRule this client uses (SEMANTICS.md 3.5)
                for (Subset subset : subsets(service)) {
                    addCluster(service, port.port(), subset.name(), subset.labels(), clusters, endpoints);
                }
            }
        }
    }

    /** The DestinationRule this client uses for the service {@code fqdn} (SEMANTICS.md 3.4-3.6), or null. */
    private DestinationRuleIndex.Consolidated clientRule(String fqdn) {
        return registry.service(fqdn).flatMap(s -> destinationRules.forClient(proxy.namespace(), s)).orElse(null);
    }

    /** The subsets of the DestinationRule this client uses for {@code service} (SEMANTICS.md 3.4-3.6). */
    private List<Subset> subsets(Service service) {
        if (options.mutant() == Mutant.DESTINATION_RULES_MERGED_ACROSS_NAMESPACES) {
            return registry.subsets(service.fqdn());
        }
        var rule = destinationRules.forClient(proxy.namespace(), service);
        if (rule.isEmpty() || options.mutant() != Mutant.DUPLICATE_SUBSET_NEWEST_WINS) {
            return rule.map(DestinationRuleIndex.Consolidated::subsets).orElse(List.of());
        }
        java.util.Map<String, Subset> newestFirst = new java.util.LinkedHashMap<>();
        List<dev.meshroute.reference.model.DestinationRule> from = rule.get().from();
        for (int i = from.size() - 1; i >= 0; i--) {
            from.get(i).subsets().forEach(s -> newestFirst.putIfAbsent(s.name(), s));
        }
        return List.copyOf(newestFirst.values());
    }

    // ---- listeners -------------------------------------------------------------------------------

    static Listener listener(int port, String routeName, String statPrefix) {
        HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
                .setStatPrefix(statPrefix)
                .setRds(Rds.newBuilder().setConfigSource(ADS).setRouteConfigName(routeName))
                // Istio's order: CORS, then fault, then the router; an aborted request never reaches a cluster
                .addHttpFilters(HttpFilter.newBuilder().setName(CORS_FILTER)
                        .setTypedConfig(Any.pack(io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors
                                .getDefaultInstance())))
                .addHttpFilters(HttpFilter.newBuilder().setName(FAULT_FILTER)
                        .setTypedConfig(Any.pack(HTTPFault.getDefaultInstance())))
                .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router")
                        .setTypedConfig(Any.pack(Router.getDefaultInstance())))
                .build();
        return Listener.newBuilder()
                .setName("0.0.0.0_" + port)
                .setAddress(Address.newBuilder().setSocketAddress(
                        SocketAddress.newBuilder().setAddress("0.0.0.0").setPortValue(port)))
                .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
                        .setName("envoy.filters.network.http_connection_manager")
                        .setTypedConfig(Any.pack(hcm))))
                .build();
    }

    // ---- routes ----------------------------------------------------------------------------------

    private RouteConfiguration routeConfiguration(int port) {
        // validate_clusters false: a route to a cluster that does not exist is accepted, and answered 503 NC
        // at request time (httproute.go).
        RouteConfiguration.Builder rc = RouteConfiguration.newBuilder()
                .setName(String.valueOf(port))
                .setValidateClusters(com.google.protobuf.BoolValue.of(false))
                // sidecars ignore the Host port when choosing a virtual host (Istio 1.16+; #41715)
                .setIgnorePortInHostMatching(true)
                // Istio allows direct response bodies up to 1 MiB (Envoy's default is 4 KiB)
                .setMaxDirectResponseBodySizeBytes(com.google.protobuf.UInt32Value.of(1024 * 1024));
        List<Service> services = registry.services().stream()
                .filter(s -> s.ports().stream().anyMatch(p -> p.port() == port)).toList();
        // Delegation first: istiod merges delegates into their roots before selecting VirtualServices
        List<VirtualService> meshVirtualServices = Delegation.apply(config.virtualServices(), options.mutant())
                .stream().filter(vs -> vs.gateways().isEmpty() || vs.gateways().contains("mesh")).toList();
        VirtualHosts hosts = new VirtualHosts(rc, port);
        // BuildSidecarVirtualHostWrapper: first the virtual hosts of VirtualServices, in order...
        Set<String> servicesWithVirtualService = new HashSet<>();
        for (VirtualService vs : meshVirtualServices) {
            List<Route> routes = httpRoutes(vs, port, Gateway.MESH);
            if (routes.isEmpty() && options.mutant() != Mutant.ZERO_ROUTES_ANSWER_404) {
                // "no routes matched" for this proxy and port: the VirtualService contributes nothing, and its
                // services keep their default route (route.go buildSidecarVirtualHostsForVirtualService).
                continue;
            }
            List<String> nonRegistryHosts = new ArrayList<>();
            List<Service> matched = new ArrayList<>();
            separateHostsAndServices(vs, services, meshVirtualServices, nonRegistryHosts, matched);
            if (matched.isEmpty() && port != 80) {
                continue; // only port 80 serves VirtualService hosts that name no service (the "gross HACK")
            }
            for (String host : nonRegistryHosts) {
                hosts.add(host, List.of(host), routes);
            }
            for (Service service : matched) {
                servicesWithVirtualService.add(service.fqdn());
                hosts.add(service.fqdn(), domains(service), routes);
            }
        }
        // ...then the default route of every service no VirtualService claimed.
        for (Service service : services) {
            if (!servicesWithVirtualService.contains(service.fqdn())) {
                hosts.add(service.fqdn(), domains(service), List.of(defaultRoute(service, port)));
            }
        }
        return rc.build();
    }

    /**
     * {@code BuildSidecarOutboundVirtualHosts}: a virtual host name ({@code host:port}) is used once, the first
     * time, and a domain belongs to the first virtual host that lists it ({@code dedupeDomains}); a virtual host
     * left without domains is dropped.
     */
    private static final class VirtualHosts {
        private final RouteConfiguration.Builder rc;
        private final int port;
        private final Set<String> names = new HashSet<>();
        private final Set<String> domains = new HashSet<>();

        VirtualHosts(RouteConfiguration.Builder rc, int port) {
            this.rc = rc;
            this.port = port;
        }

        void add(String hostname, Collection<String> candidateDomains, List<Route> routes) {
            String name = hostname + ":" + port;
            if (!names.add(name)) {
                return;
            }
            List<String> own = new ArrayList<>();
            for (String d : candidateDomains) {
                if (domains.add(d.toLowerCase(Locale.ROOT))) {
                    own.add(d);
                }
            }
            if (!own.isEmpty()) {
                // Istio sets include_request_attempt_count: upstreams see x-envoy-attempt-count
                rc.addVirtualHosts(VirtualHost.newBuilder().setName(name).addAllDomains(own).addAllRoutes(routes)
                        .setIncludeRequestAttemptCount(true));
            }
        }
    }

    /**
     * {@code separateVSHostsAndServices}: a VirtualService's hosts, resolved in its namespace (a name with a dot
     * is taken verbatim, SEMANTICS.md 3.6), are either services of this port or hosts that name no service. A
     * wildcard host takes only the services for which this VirtualService is the most specific match.
     */
    private void separateHostsAndServices(VirtualService vs, List<Service> services, List<VirtualService> all,
                                          List<String> nonRegistryHosts, List<Service> matched) {
        List<String> wildcards = new ArrayList<>();
        for (String written : vs.hosts()) {
            String host = Hosts.resolve(written, vs.meta().namespace());
            if (host.startsWith("*")) {
                wildcards.add(host);
                continue;
            }
            services.stream().filter(s -> s.fqdn().equals(host)).findFirst()
                    .ifPresentOrElse(matched::add, () -> nonRegistryHosts.add(host));
        }
        for (String wildcard : wildcards) {
            boolean any = false;
            for (Service service : services) {
                if (hostMatches(wildcard, service.fqdn())) {
                    any = true;
                    if (mostSpecificVirtualService(service.fqdn(), all) == vs) {
                        matched.add(service);
                    }
                }
            }
            if (!any) {
                nonRegistryHosts.add(wildcard);
            }
        }
    }

    /**
     * {@code computeWildcardHostVirtualServiceIndex} + {@code MostSpecificHostMatch} (istio/istio PR #48071,
     * Istio 1.21, cherry-picked to 1.19 and 1.20): the first VirtualService naming the service exactly; else the
     * one with the longest wildcard host matching it (the first of equal hosts).
     */
    static VirtualService mostSpecificVirtualService(String fqdn, List<VirtualService> virtualServices) {
        VirtualService best = null;
        String bestWildcard = null;
        for (VirtualService vs : virtualServices) {
            for (String written : vs.hosts()) {
                String host = Hosts.resolve(written, vs.meta().namespace());
                if (!host.startsWith("*")) {
                    if (host.equals(fqdn)) {
                        return vs; // every earlier VirtualService was searched through: this is the first exact one
                    }
                } else if (hostMatches(host, fqdn) && (bestWildcard == null || host.length() > bestWildcard.length())) {
                    best = vs;
                    bestWildcard = host;
                }
            }
        }
        return best;
    }

    /** Istio's {@code host.Name.Matches}: {@code *.example.com} matches any name ending in {@code .example.com}. */
    static boolean hostMatches(String pattern, String fqdn) {
        if (pattern.equals("*")) {
            return true;
        }
        if (pattern.startsWith("*.")) {
            return fqdn.endsWith(pattern.substring(1));
        }
        return pattern.equals(fqdn);
    }

    private Collection<String> domains(Service service) {
        String name = service.meta().name();
        String ns = service.meta().namespace();
        List<String> domains = new ArrayList<>();
        domains.add(service.fqdn());
        if (ns.equals(proxy.namespace())) {
            domains.add(name);
        }
        domains.add(name + "." + ns);
        domains.add(name + "." + ns + ".svc");
        return domains;
    }

    private Route defaultRoute(Service service, int port) {
        RouteAction.Builder action = routeAction().setCluster(ClusterNames.outbound(port, null, service.fqdn()));
        // buildSidecarVirtualHostForService: the DestinationRule's top-level consistent hash (hashForService)
        var hash = TrafficPolicies.hashPolicy(TrafficPolicies.hashForService(clientRule(service.fqdn()), port,
                options.mutant()));
        if (hash != null) {
            action.addHashPolicy(hash);
        }
        // BuildDefaultHTTPOutboundRoute: the same default retry policy as a rule without retries
        RetryPolicy retry = RetryPolicies.convert(null, hash != null, options.mutant());
        if (retry != null) {
            action.setRetryPolicy(retry);
        }
        return Route.newBuilder()
                .setName("default")
                .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setRoute(action)
                .build();
    }

    /**
     * {@code BuildHTTPRoutesForVirtualService}: one Envoy route per match entry, in order; a rule without
     * matches, or a generated catch-all route, ends generation (later rules can never match).
     */
    List<Route> httpRoutes(VirtualService vs, int port, String gatewayName) {
        List<Route> out = new ArrayList<>();
        for (HttpRoute rule : vs.http()) {
            if (rule.match().isEmpty()) {
                out.add(route(vs, rule, null, port));
                if (options.mutant() != Mutant.NO_CATCH_ALL_CUT) {
                    return out;
                }
                continue;
            }
            for (HttpMatchRequest match : rule.match()) {
                if (!appliesTo(match, vs, port, gatewayName)) {
                    continue;
                }
                Route r = route(vs, rule, match, port);
                out.add(r);
                if (isCatchAll(r) && options.mutant() != Mutant.NO_CATCH_ALL_CUT) {
                    return out;
                }
            }
        }
        return out;
    }

    /**
     * The config-time parts of a match ({@code port}, {@code gateways}, {@code sourceLabels}, ...) for the
     * listener {@code port} of this proxy, as the gateway {@code gatewayName} ({@code mesh} for a sidecar).
     */
    private boolean appliesTo(HttpMatchRequest match, VirtualService vs, int port, String gatewayName) {
        if (match.port() != null && match.port() != port) {
            return false;
        }
        if (!match.gateways().isEmpty()) {
            // sourceMatchHTTP: with match-level gateways, source labels and namespace are not evaluated.
            return match.gateways().stream()
                    .anyMatch(g -> Gateway.resolveName(g, vs.meta().namespace()).equals(gatewayName));
        }
        if (!proxy.labels().entrySet().containsAll(match.sourceLabels().entrySet())) {
            return false;
        }
        return match.sourceNamespace() == null || match.sourceNamespace().equals(proxy.namespace());
    }

    /** {@code IsCatchAllRoute}: prefix "/" (or regex ".*") with no header or query matchers. */
    static boolean isCatchAll(Route r) {
        RouteMatch m = r.getMatch();
        boolean anyPath = (m.hasPrefix() && m.getPrefix().equals("/"))
                || (m.hasPathSeparatedPrefix() && m.getPathSeparatedPrefix().equals("/"))
                || (m.hasSafeRegex() && m.getSafeRegex().getRegex().equals(".*"));
        return anyPath && m.getHeadersCount() == 0 && m.getQueryParametersCount() == 0
                && m.getDynamicMetadataCount() == 0;
    }

    private Route route(VirtualService vs, HttpRoute rule, HttpMatchRequest match, int port) {
        RouteOrigin origin = origin(vs, rule, match);
        if (memo == null) {
            return route(vs, rule, match, port, origin);
        }
        return memo.route(new RouteMemo.Key(vs.meta(), rule, match, port, origin),
                () -> route(vs, rule, match, port, origin));
    }

    /** Reads nothing but its arguments and what {@link RouteMemo.Context} holds (the memo relies on it). */
    private Route route(VirtualService vs, HttpRoute rule, HttpMatchRequest match, int port, RouteOrigin origin) {
        Route.Builder r = Route.newBuilder().setMatch(routeMatch(match)).setMetadata(origin.toMetadata());
        String name = rule.name();
        if (match != null && match.name() != null) {
            name = (name == null ? "" : name) + "." + match.name();
        }
        if (name != null) {
            r.setName(name);
        }
        if (rule.redirect() != null) {
            return r.setRedirect(redirect(rule.redirect())).build();
        }
        if (rule.directResponse() != null) {
            return r.setDirectResponse(directResponse(rule.directResponse())).build();
        }
        RouteAction.Builder action = withRewrite(action(vs, rule, port), rule.rewrite());
        if (rule.timeoutMillis() != null && options.mutant() != Mutant.TIMEOUT_IGNORED) {
            action.setTimeout(com.google.protobuf.util.Durations.fromMillis(rule.timeoutMillis()));
        }
        if (rule.fault() != null) {
            r.putTypedPerFilterConfig(FAULT_FILTER, Any.pack(fault(rule.fault(),
                    options.mutant() == Mutant.FAULT_WITHOUT_PERCENTAGE_APPLIES_TO_ALL ? 100.0 : null)));
        }
        if (rule.corsPolicy() != null) {
            r.putTypedPerFilterConfig(CORS_FILTER, Any.pack(cors(rule.corsPolicy())));
        }
        // TranslateHeadersOperations: the rule's operations, then (for a single destination) the destination's
        addHeaderOperations(r, rule.headers());
        if (rule.route().size() == 1) {
            addHeaderOperations(r, rule.route().get(0).headers());
        }
        String hostFromHeaders = hostFromHeaders(rule.headers());
        if (hostFromHeaders != null) {
            action.setHostRewriteLiteral(hostFromHeaders);
        }
        for (HttpMirror mirror : rule.allMirrors()) {
            Double percentage = mirror.percentage();
            if (percentage == null || percentage <= 0 && options.mutant() == Mutant.MIRROR_ZERO_PERCENT_MIRRORS_ALL) {
                percentage = 100.0; // MirrorPercent: no percentage means every request
            } else if (percentage <= 0) {
                continue; // an explicit 0 mirrors nothing
            }
            action.addRequestMirrorPolicies(RouteAction.RequestMirrorPolicy.newBuilder()
                    .setCluster(clusterFor(vs, mirror.destination(), port))
                    .setRuntimeFraction(RuntimeFractionalPercent.newBuilder().setDefaultValue(perMillion(percentage)))
                    .setTraceSampled(com.google.protobuf.BoolValue.of(false))
                    // Istio 1.28+ (DISABLE_SHADOW_HOST_SUFFIX, default true): the Host is not given "-shadow"
                    .setDisableShadowHostSuffixAppend(true));
        }
        // a single destination with a consistent hash keeps retries on the hashed host (no previous_hosts)
        boolean consistentHash = rule.route().size() == 1 && action.getHashPolicyCount() > 0;
        RetryPolicy retry = RetryPolicies.convert(rule.retries(), consistentHash, options.mutant());
        if (retry != null) {
            action.setRetryPolicy(retry);
        }
        return r.setRoute(action).build();
    }

    /** A {@code host} key in request set (or else add) is an authority rewrite, never a header (route.go). */
    private static String hostFromHeaders(HeaderOperations ops) {
        if (ops == null) {
            return null;
        }
        for (Map<String, String> m : List.of(ops.requestSet(), ops.requestAdd())) {
            for (Map.Entry<String, String> e : m.entrySet()) {
                if (e.getKey().equalsIgnoreCase("host") || e.getKey().equalsIgnoreCase(":authority")) {
                    return e.getValue();
                }
            }
        }
        return null;
    }

    private static void addHeaderOperations(Route.Builder r, HeaderOperations ops) {
        if (ops == null) {
            return;
        }
        r.addAllRequestHeadersToAdd(headerValueOptions(ops.requestSet(), ops.requestAdd()))
                .addAllRequestHeadersToRemove(ops.requestRemove())
                .addAllResponseHeadersToAdd(headerValueOptions(ops.responseSet(), ops.responseAdd()))
                .addAllResponseHeadersToRemove(ops.responseRemove());
    }

    private static void addHeaderOperations(WeightedCluster.ClusterWeight.Builder c, HeaderOperations ops) {
        if (ops == null) {
            return;
        }
        c.addAllRequestHeadersToAdd(headerValueOptions(ops.requestSet(), ops.requestAdd()))
                .addAllRequestHeadersToRemove(ops.requestRemove())
                .addAllResponseHeadersToAdd(headerValueOptions(ops.responseSet(), ops.responseAdd()))
                .addAllResponseHeadersToRemove(ops.responseRemove());
    }

    /**
     * set -> OVERWRITE_IF_EXISTS_OR_ADD, add -> APPEND_IF_EXISTS_OR_ADD, keys sorted; pseudo-headers and
     * {@code host} are left out (translateAppendHeaders).
     */
    private static List<HeaderValueOption> headerValueOptions(Map<String, String> set, Map<String, String> add) {
        List<HeaderValueOption> out = new ArrayList<>();
        new TreeMap<>(set).forEach((k, v) -> {
            if (!k.startsWith(":") && !k.equalsIgnoreCase("host")) {
                out.add(HeaderValueOption.newBuilder().setHeader(HeaderValue.newBuilder().setKey(k).setValue(v))
                        .setAppendAction(HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD).build());
            }
        });
        new TreeMap<>(add).forEach((k, v) -> {
            if (!k.startsWith(":") && !k.equalsIgnoreCase("host")) {
                out.add(HeaderValueOption.newBuilder().setHeader(HeaderValue.newBuilder().setKey(k).setValue(v))
                        .setAppendAction(HeaderValueOption.HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD).build());
            }
        });
        return out;
    }

    static final String FAULT_FILTER = "envoy.filters.http.fault";
    static final String CORS_FILTER = "envoy.filters.http.cors";

    /** {@code TranslateCORSPolicy}: origins as string matchers, lists joined with ",", max age in seconds. */
    static io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy cors(CorsPolicy in) {
        var out = io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy.newBuilder()
                .setAllowMethods(String.join(",", in.allowMethods()))
                .setAllowHeaders(String.join(",", in.allowHeaders()))
                .setExposeHeaders(String.join(",", in.exposeHeaders()))
                .setFilterEnabled(io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent.newBuilder()
                        .setDefaultValue(FractionalPercent.newBuilder().setNumerator(100)
                                .setDenominator(FractionalPercent.DenominatorType.HUNDRED)));
        in.allowOrigins().forEach(o -> out.addAllowOriginStringMatch(stringMatcher(o)));
        if (in.maxAgeSeconds() != null) {
            out.setMaxAge(String.valueOf(in.maxAgeSeconds()));
        }
        if (in.allowCredentials() != null) {
            out.setAllowCredentials(com.google.protobuf.BoolValue.of(in.allowCredentials()));
        }
        return out.build();
    }

    /**
     * {@code TranslateFault}: each percentage becomes parts per million; an omitted percentage becomes 0, so
     * that part never applies (Envoy's FaultAbort percentage defaults to 0 as well).
     */
    static HTTPFault fault(HttpFault in, Double omittedPercentage) {
        HTTPFault.Builder out = HTTPFault.newBuilder();
        if (in.delayMillis() != null) {
            out.setDelay(FaultDelay.newBuilder()
                    .setFixedDelay(com.google.protobuf.util.Durations.fromMillis(in.delayMillis()))
                    .setPercentage(perMillion(in.delayPercentage() != null ? in.delayPercentage() : omittedPercentage)));
        }
        if (in.abortStatus() != null) {
            FaultAbort.Builder abort = FaultAbort.newBuilder().setHttpStatus(in.abortStatus());
            Double percentage = in.abortPercentage() != null ? in.abortPercentage() : omittedPercentage;
            if (percentage != null) {
                abort.setPercentage(perMillion(percentage));
            }
            out.setAbort(abort);
        }
        return out.build();
    }

    private static FractionalPercent perMillion(Double percentage) {
        long numerator = percentage == null ? 0 : Math.round(percentage * 10_000);
        return FractionalPercent.newBuilder().setNumerator((int) numerator)
                .setDenominator(FractionalPercent.DenominatorType.MILLION).build();
    }

    /** uri -> prefix_rewrite, uriRegexRewrite -> regex_rewrite, authority -> host_rewrite_literal (route.go). */
    private static RouteAction.Builder withRewrite(RouteAction.Builder action, HttpRewrite rewrite) {
        if (rewrite == null) {
            return action;
        }
        if (rewrite.uri() != null && !rewrite.uri().isEmpty()) {
            action.setPrefixRewrite(rewrite.uri());
        }
        if (rewrite.regexMatch() != null) {
            action.setRegexRewrite(RegexMatchAndSubstitute.newBuilder()
                    .setPattern(RegexMatcher.newBuilder().setRegex(rewrite.regexMatch()))
                    .setSubstitution(rewrite.regexRewrite()));
        }
        if (rewrite.authority() != null && !rewrite.authority().isEmpty()) {
            action.setHostRewriteLiteral(rewrite.authority());
        }
        return action;
    }

    /** {@code ApplyRedirect}: uri -> path_redirect, authority -> host_redirect, and the 3xx code. */
    static RedirectAction redirect(HttpRedirect in) {
        RedirectAction.Builder out = RedirectAction.newBuilder();
        if (in.uri() != null && !in.uri().isEmpty()) {
            out.setPathRedirect(in.uri());
        }
        if (in.authority() != null && !in.authority().isEmpty()) {
            out.setHostRedirect(in.authority());
        }
        if (in.scheme() != null && !in.scheme().isEmpty()) {
            out.setSchemeRedirect(in.scheme());
        }
        if (in.port() != null) {
            out.setPortRedirect(in.port());
        }
        out.setResponseCode(switch (in.redirectCode()) {
            case 302 -> RedirectAction.RedirectResponseCode.FOUND;
            case 303 -> RedirectAction.RedirectResponseCode.SEE_OTHER;
            case 307 -> RedirectAction.RedirectResponseCode.TEMPORARY_REDIRECT;
            case 308 -> RedirectAction.RedirectResponseCode.PERMANENT_REDIRECT;
            default -> RedirectAction.RedirectResponseCode.MOVED_PERMANENTLY; // 0 and 301
        });
        return out.build();
    }

    /** {@code ApplyDirectResponse}: the status, and the body as an inline string. */
    static DirectResponseAction directResponse(HttpDirectResponse in) {
        DirectResponseAction.Builder out = DirectResponseAction.newBuilder().setStatus(in.status());
        if (in.body() != null) {
            out.setBody(DataSource.newBuilder().setInlineString(in.body()));
        }
        return out.build();
    }

    /**
     * The route's origin, as istiod's {@code util.BuildConfigInfoMetadata} names the VirtualService, plus the rule,
     * match and destination indexes (route coverage; see {@link RouteOrigin}). A rule merged from a delegate is the
     * delegate's rule (its match merged with the root's is -1 unless it is unchanged).
     */
    private RouteOrigin origin(VirtualService vs, HttpRoute rule, HttpMatchRequest match) {
        if (ruleOrigins == null) {
            Map<SourceLocation, RouteOrigin> byLocation = new HashMap<>();
            Set<SourceLocation> repeated = new HashSet<>();
            for (VirtualService v : config.virtualServices()) {
                for (int i = 0; i < v.http().size(); i++) {
                    SourceLocation at = v.http().get(i).location();
                    if (at != null && at.line() > 0 && byLocation.put(at, new RouteOrigin(v.meta().qualifiedName(), i,
                            -1, List.of())) != null) {
                        repeated.add(at);
                    }
                }
            }
            repeated.forEach(byLocation::remove);
            ruleOrigins = byLocation;
            virtualServicesByName = new HashMap<>();
            config.virtualServices().forEach(v -> virtualServicesByName.putIfAbsent(v.meta().qualifiedName(), v));
        }
        RouteOrigin known = rule.location() == null ? null : ruleOrigins.get(rule.location());
        String virtualService = known != null ? known.virtualService() : vs.meta().qualifiedName();
        int ruleIndex = known != null ? known.rule() : vs.http().indexOf(rule);
        HttpRoute written = java.util.Optional.ofNullable(virtualServicesByName.get(virtualService))
                .filter(v -> ruleIndex >= 0 && ruleIndex < v.http().size()).map(v -> v.http().get(ruleIndex))
                .orElse(rule);
        int matchIndex = match == null ? -1 : written.match().indexOf(match);
        List<Integer> destinations = new ArrayList<>();
        if (rule.redirect() == null && rule.directResponse() == null) {
            for (int i = 0; i < rule.route().size(); i++) {
                // as action(): one destination takes everything; of several, weight-0 ones are never sent
                if (rule.route().size() == 1 || rule.route().get(i).weightOrZero() > 0
                        || options.mutant() == Mutant.WEIGHT_ZERO_NOT_DROPPED) {
                    destinations.add(i);
                }
            }
        }
        return new RouteOrigin(virtualService, ruleIndex, matchIndex, destinations);
    }

    private RouteAction.Builder action(VirtualService vs, HttpRoute rule, int port) {
        RouteAction.Builder action = routeAction();
        List<HttpRouteDestination> destinations = rule.route();
        if (destinations.size() == 1) {
            // A single destination takes all traffic whatever its weight (applyHTTPRouteDestination).
            addHashPolicy(action, vs, destinations.get(0).destination());
            return action.setCluster(clusterFor(vs, destinations.get(0).destination(), port));
        }
        WeightedCluster.Builder weighted = WeightedCluster.newBuilder();
        if (options.randomValueHeader() != null) {
            weighted.setHeaderName(options.randomValueHeader());
        }
        for (HttpRouteDestination d : destinations) {
            int weight = d.weightOrZero();
            if (weight == 0) {
                if (options.mutant() != Mutant.WEIGHT_ZERO_NOT_DROPPED) {
                    continue; // weight-0 entries are dropped, never sent to Envoy
                }
                weight = 1;
            }
            WeightedCluster.ClusterWeight.Builder cluster = WeightedCluster.ClusterWeight.newBuilder()
                    .setName(clusterFor(vs, d.destination(), port))
                    .setWeight(UInt32Value.of(weight));
            addHeaderOperations(cluster, d.headers());
            weighted.addClusters(cluster);
            addHashPolicy(action, vs, d.destination()); // one hash policy per weighted destination that has one
        }
        return action.setWeightedClusters(weighted);
    }

    /** {@code processDestination}: the destination's consistent hash (SEMANTICS.md 5.1) as a route hash policy. */
    private void addHashPolicy(RouteAction.Builder action, VirtualService vs, Destination d) {
        if (d == null || d.host() == null) {
            return;
        }
        var hash = TrafficPolicies.hashPolicy(TrafficPolicies.hashForDestination(
                clientRule(Hosts.resolve(d.host(), vs.meta().namespace())), d.subset(), d.port(), options.mutant()));
        if (hash != null) {
            action.addHashPolicy(hash);
        }
    }

    /** {@code GetDestinationCluster}: no existence check, so a missing subset yields a missing cluster. */
    private String clusterFor(VirtualService vs, Destination d, int listenerPort) {
        String fqdn = Hosts.resolve(d.host(), vs.meta().namespace());
        int port = listenerPort;
        if (d.port() != null) {
            port = d.port();
        } else {
            Service service = registry.service(fqdn).orElse(null);
            if (service != null && service.ports().size() == 1) {
                port = service.ports().get(0).port();
            }
        }
        String subset = d.subset();
        if (options.mutant() == Mutant.MISSING_SUBSET_FALLS_BACK_TO_ANY_POD && registry.service(fqdn)
                .map(this::subsets).orElse(List.of()).stream()
                .noneMatch(s -> s.name().equals(d.subset()))) {
            subset = null;
        }
        return ClusterNames.outbound(port, subset, fqdn);
    }

    private static RouteAction.Builder routeAction() {
        // Istio disables Envoy's default 15 s route timeout unless the VirtualService sets one (setTimeout).
        return RouteAction.newBuilder().setTimeout(Duration.newBuilder().setSeconds(0));
    }

    /** {@code TranslateRouteMatch}. */
    static RouteMatch routeMatch(HttpMatchRequest match) {
        RouteMatch.Builder m = RouteMatch.newBuilder();
        if (match == null) {
            return m.setPrefix("/").build();
        }
        StringMatch uri = match.uri();
        if (uri == null || uri.kind() == StringMatch.Kind.PRESENT) {
            m.setPrefix("/");
        } else if (uri.kind() == StringMatch.Kind.EXACT) {
            m.setPath(uri.value());
        } else if (uri.kind() == StringMatch.Kind.PREFIX) {
            m.setPrefix(uri.value());
        } else {
            m.setSafeRegex(RegexMatcher.newBuilder().setRegex(uri.value()));
        }
        if (match.ignoreUriCase()) {
            m.setCaseSensitive(com.google.protobuf.BoolValue.of(false));
        }
        // Header matchers sorted by name, as Istio does; the pseudo-header matchers follow.
        new TreeMap<>(match.headers()).forEach((name, sm) -> m.addHeaders(headerMatcher(name, sm, false)));
        new TreeMap<>(match.withoutHeaders()).forEach((name, sm) -> m.addHeaders(headerMatcher(name, sm, true)));
        if (match.authority() != null) {
            m.addHeaders(headerMatcher(":authority", match.authority(), false));
        }
        if (match.method() != null) {
            m.addHeaders(headerMatcher(":method", match.method(), false));
        }
        if (match.scheme() != null) {
            m.addHeaders(headerMatcher(":scheme", match.scheme(), false));
        }
        new TreeMap<>(match.queryParams()).forEach((name, sm) -> {
            QueryParameterMatcher.Builder q = QueryParameterMatcher.newBuilder().setName(name);
            if (sm.kind() == StringMatch.Kind.PRESENT) {
                q.setPresentMatch(true);
            } else {
                q.setStringMatch(stringMatcher(sm));
            }
            m.addQueryParameters(q);
        });
        return m.build();
    }

    private static HeaderMatcher headerMatcher(String name, StringMatch sm, boolean inverted) {
        HeaderMatcher.Builder h = HeaderMatcher.newBuilder().setName(name);
        // canBeConvertedToPresentMatch: {} and regex "*" mean "present".
        boolean present = sm.kind() == StringMatch.Kind.PRESENT
                || (sm.kind() == StringMatch.Kind.REGEX && "*".equals(sm.value()));
        if (present) {
            h.setPresentMatch(true);
        } else {
            h.setStringMatch(stringMatcher(sm));
        }
        if (inverted) {
            h.setInvertMatch(true);
            if (!present) {
                h.setTreatMissingHeaderAsEmpty(true);
            }
        }
        return h.build();
    }

    private static StringMatcher stringMatcher(StringMatch sm) {
        return switch (sm.kind()) {
            case EXACT -> StringMatcher.newBuilder().setExact(sm.value()).build();
            case PREFIX -> StringMatcher.newBuilder().setPrefix(sm.value()).build();
            case REGEX -> StringMatcher.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex(sm.value()))
                    .build();
            case PRESENT -> throw new IllegalArgumentException("present is not a string matcher");
        };
    }

    // ---- clusters and endpoints ------------------------------------------------------------------

    private void addCluster(Service service, int port, String subset, Map<String, String> subsetLabels,
                            List<Cluster> clusters, List<ClusterLoadAssignment> endpoints) {
        String name = ClusterNames.outbound(port, subset, service.fqdn());
        Cluster.Builder cluster = Cluster.newBuilder()
                .setName(name)
                .setType(Cluster.DiscoveryType.EDS)
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ADS).setServiceName(name));
        // connect timeout, load balancer (LEAST_REQUEST when unset), circuit breakers, outlier detection
        TrafficPolicies.applyToCluster(cluster,
                TrafficPolicies.forCluster(clientRule(service.fqdn()), subset, port, options.mutant()), options.mutant());
        clusters.add(cluster.build());
        // Istio always sends a locality (ConvertLocality); grpc-js rejects endpoints without one
        LocalityLbEndpoints.Builder locality = LocalityLbEndpoints.newBuilder()
                .setLocality(io.envoyproxy.envoy.config.core.v3.Locality.getDefaultInstance());
        List<Pod> pods = registry.endpoints(service, subsetLabels);
        if (pods.isEmpty() && options.mutant() == Mutant.EMPTY_SUBSET_FALLS_BACK) {
            pods = registry.endpoints(service, Map.of());
        }
        for (Pod pod : pods) {
            locality.addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder()
                    .setHostname(pod.name())
                    .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
                            .setAddress(pod.address().getHostString())
                            .setPortValue(pod.address().getPort())))));
        }
        ClusterLoadAssignment.Builder cla = ClusterLoadAssignment.newBuilder().setClusterName(name);
        if (locality.getLbEndpointsCount() > 0) {
            cla.addEndpoints(locality);
        }
        endpoints.add(cla.build());
    }
}
