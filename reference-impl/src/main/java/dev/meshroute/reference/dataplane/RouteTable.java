package dev.meshroute.reference.dataplane;

import dev.meshroute.reference.mutants.Mutant;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The proxy's compiled, immutable view of one route configuration and the clusters it may use. It
 * decides a request the way Envoy's router does ({@code config_impl.cc} {@code findVirtualHost},
 * {@code matchRoute}; {@code router.cc} {@code decodeHeaders}); regexes are compiled once, here.
 */
public final class RouteTable implements Router {

    /** An endpoint of a cluster: where to connect, and the pod's name when the control plane sent it. */
    public record Endpoint(InetSocketAddress address, String podName) {
    }

    /** What a route changes before forwarding (Envoy prefix_rewrite, regex_rewrite, host_rewrite_literal). */
    private record Rewrite(String prefix, com.google.re2j.Pattern regex, String substitution, String host) {
    }

    private record CompiledRoute(String name, StringMatcher path, Rewrite rewrite, RedirectAction redirect,
                                 RouteDecision.LocalReply directResponse,
                                 List<HeaderCondition> headers, List<QueryCondition> query,
                                 List<String> clusters, long[] cumulativeWeights, String randomValueHeader,
                                 long timeoutMillis, Fault fault, HeaderMutation requestHeaders,
                                 HeaderMutation responseHeaders, List<HeaderMutation> clusterRequestHeaders,
                                 List<HeaderMutation> clusterResponseHeaders, Cors cors,
                                 List<RouteAction.HashPolicy> hashPolicies, RetryRule retry, List<Mirror> mirrors,
                                 Metadata metadata) {
    }

    /** A request_mirror_policy: the cluster that gets a copy, for this many requests per million. */
    private record Mirror(String cluster, long perMillion) {
    }

    /** Envoy's CORS filter for one route: allowed origins, and what a preflight is answered with. */
    private record Cors(List<StringMatcher> origins, Map<String, String> preflightHeaders,
                        Map<String, String> responseHeaders) {

        static Cors of(Route r) {
            Any config = r.getTypedPerFilterConfigMap().get(CORS_FILTER);
            if (config == null) {
                return null;
            }
            try {
                CorsPolicy p = config.unpack(CorsPolicy.class);
                List<StringMatcher> origins = p.getAllowOriginStringMatchList().stream()
                        .map(m -> StringMatcher.compile(m, Mutant.NONE)).toList();
                Map<String, String> preflight = new java.util.LinkedHashMap<>();
                putIfNotEmpty(preflight, "access-control-allow-methods", p.getAllowMethods());
                putIfNotEmpty(preflight, "access-control-allow-headers", p.getAllowHeaders());
                putIfNotEmpty(preflight, "access-control-max-age", p.getMaxAge());
                Map<String, String> response = new java.util.LinkedHashMap<>();
                putIfNotEmpty(response, "access-control-expose-headers", p.getExposeHeaders());
                if (p.getAllowCredentials().getValue()) {
                    preflight.put("access-control-allow-credentials", "true");
                    response.put("access-control-allow-credentials", "true");
                }
                return new Cors(origins, preflight, response);
            } catch (InvalidProtocolBufferException e) {
                throw new XdsRejection("route '" + r.getName() + "': the CORS policy cannot be decoded");
            }
        }

        private static void putIfNotEmpty(Map<String, String> m, String name, String value) {
            if (!value.isEmpty()) {
                m.put(name, value);
            }
        }

        boolean allows(String origin) {
            return origin != null && origins.stream().anyMatch(o -> o.matches(origin));
        }
    }

    static final String CORS_FILTER = "envoy.filters.http.cors";

    /**
     * Envoy's fault filter, per route: each part applies to a share of requests, in parts per million
     * (a FractionalPercent normalised); an unset share is 0, so the part never applies.
     */
    private record Fault(long delayMillis, long delayPerMillion, int abortStatus, long abortPerMillion) {

        static Fault of(Route r) {
            Any config = r.getTypedPerFilterConfigMap().get(FAULT_FILTER);
            if (config == null) {
                return null;
            }
            try {
                HTTPFault f = config.unpack(HTTPFault.class);
                return new Fault(Durations.toMillis(f.getDelay().getFixedDelay()), perMillion(f.getDelay().getPercentage()),
                        f.getAbort().getHttpStatus(), perMillion(f.getAbort().getPercentage()));
            } catch (InvalidProtocolBufferException e) {
                throw new XdsRejection("route '" + r.getName() + "': the fault filter config cannot be decoded");
            }
        }
    }

    /** A FractionalPercent as parts per million. */
    private static long perMillion(FractionalPercent p) {
        return switch (p.getDenominator()) {
            case HUNDRED -> p.getNumerator() * 10_000L;
            case TEN_THOUSAND -> p.getNumerator() * 100L;
            default -> p.getNumerator();
        };
    }

    static final String FAULT_FILTER = "envoy.filters.http.fault";

    /**
     * A virtual host; {@code attemptCountHeader}: include_request_attempt_count; {@code requireTls}: Envoy's
     * {@code require_tls} (ALL or EXTERNAL_ONLY) is set.
     */
    private record CompiledHost(VirtualHost source, String name, List<CompiledRoute> routes,
                                boolean attemptCountHeader, boolean requireTls, RouteIndex index,
                                RouteIndex.Test<HttpRequestHead> test) {
    }

    private final Map<String, CompiledHost> exactDomains = new HashMap<>();
    /** Every virtual host by name, so that the next table can take over those compiled from the same proto. */
    private final Map<String, CompiledHost> hostsByName = new HashMap<>();
    /** Wildcard domains by the length of their fixed part, longest first (one hash lookup per length). */
    private final WildcardDomains<CompiledHost> suffixDomains = new WildcardDomains<>();
    private final WildcardDomains<CompiledHost> prefixDomains = new WildcardDomains<>();
    private CompiledHost anyDomain;
    private final boolean ignorePort;
    private final Map<String, List<Endpoint>> clusters;
    /** The clusters' live state (load balancer, circuit breakers, outlier detection); empty: pick at random. */
    private final Map<String, UpstreamCluster> upstreams;
    private final RandomSource random;
    private final Mutant mutant;
    /** Told which route and cluster decided each request (route coverage); set once, before the table is used. */
    private volatile RouteObserver observer = RouteObserver.NONE;

    private RouteTable(RouteConfiguration config, Map<String, List<Endpoint>> clusters,
                       Map<String, UpstreamCluster> upstreams, RandomSource random, Mutant mutant,
                       RouteTable previous) {
        this.ignorePort = config.getIgnorePortInHostMatching();
        this.clusters = Map.copyOf(clusters);
        this.upstreams = Map.copyOf(upstreams);
        this.random = random;
        this.mutant = mutant;
        RouteTable reusable = previous != null && previous.mutant == mutant ? previous : null;
        Set<String> seen = new HashSet<>();
        for (VirtualHost vh : config.getVirtualHostsList()) {
            CompiledHost host = reuseOrCompile(vh, reusable);
            hostsByName.put(vh.getName(), host);
            for (String domain : vh.getDomainsList()) {
                String d = domain.toLowerCase(Locale.ROOT);
                // Envoy rejects any repeated domain, "*" and wildcards included (config_impl.cc RouteMatcher)
                if (!seen.add(d)) {
                    throw new XdsRejection("route configuration " + config.getName() + ": domain '" + d
                            + "' appears in more than one virtual host");
                }
                if (d.equals("*")) {
                    anyDomain = host;
                } else if (d.startsWith("*")) {
                    suffixDomains.put(d.substring(1), host);
                } else if (d.endsWith("*")) {
                    prefixDomains.put(d.substring(0, d.length() - 1), host);
                } else {
                    exactDomains.put(d, host);
                }
            }
        }
    }

    /**
     * Compiles a route configuration and the clusters known to the proxy.
     *
     * @param clusterNames every cluster CDS defined; a route to a name not in it is answered 503 NC
     * @param assignments  EDS assignments by cluster name; a cluster without endpoints is answered 503 UH
     * @throws XdsRejection when something cannot be compiled (the update is then NACKed)
     */
    public static RouteTable compile(RouteConfiguration config, Iterable<String> clusterNames,
                                     Map<String, ClusterLoadAssignment> assignments, RandomSource random) {
        return compile(config, clusterNames, assignments, random, Mutant.NONE);
    }

    /** As {@link #compile(RouteConfiguration, Iterable, Map, RandomSource)}, with a deliberate bug (tests only). */
    public static RouteTable compile(RouteConfiguration config, Iterable<String> clusterNames,
                                     Map<String, ClusterLoadAssignment> assignments, RandomSource random,
                                     Mutant mutant) {
        Map<String, List<Endpoint>> clusters = new HashMap<>();
        for (String name : clusterNames) {
            clusters.put(name, endpoints(assignments.get(name)));
        }
        return new RouteTable(config, clusters, Map.of(), random, mutant, null);
    }

    /**
     * As {@link #compile(RouteConfiguration, Iterable, Map, RandomSource, Mutant)}, with the clusters' live state:
     * endpoints are then chosen by each cluster's load balancer, past its ejected endpoints.
     *
     * @param upstreams every cluster CDS defined and that is routable, with its state
     */
    /**
     * Compiles a route configuration with the given CDS clusters, each with fresh state (load balancer, circuit
     * breakers, outlier detection on {@code clock}, in milliseconds), as a proxy that just received them.
     */
    public static RouteTable compileClusters(RouteConfiguration config, Iterable<Cluster> clusters,
                                             Map<String, ClusterLoadAssignment> assignments, RandomSource random,
                                             Mutant mutant, java.util.function.LongSupplier clock) {
        return compile(config, new UpstreamClusters(clock, mutant).update(clusters), assignments, random, mutant);
    }

    static RouteTable compile(RouteConfiguration config, Map<String, UpstreamCluster> upstreams,
                              Map<String, ClusterLoadAssignment> assignments, RandomSource random, Mutant mutant) {
        return compile(config, upstreams, assignments, random, mutant, null);
    }

    /**
     * As {@link #compile(RouteConfiguration, Map, Map, RandomSource, Mutant)}, taking over from {@code previous}
     * (null: none) every virtual host compiled from the same proto object (routes and index; see
     * {@link #reuseOrCompile}). Compiling a virtual host depends on nothing but its proto and the mutant, so the
     * result is what a compilation from scratch gives.
     */
    static RouteTable compile(RouteConfiguration config, Map<String, UpstreamCluster> upstreams,
                              Map<String, ClusterLoadAssignment> assignments, RandomSource random, Mutant mutant,
                              RouteTable previous) {
        Map<String, List<Endpoint>> clusters = new HashMap<>();
        for (Map.Entry<String, UpstreamCluster> e : upstreams.entrySet()) {
            Cluster c = e.getValue().config();
            String service = c.getEdsClusterConfig().getServiceName().isEmpty() ? c.getName()
                    : c.getEdsClusterConfig().getServiceName();
            clusters.put(e.getKey(), endpoints(assignments.get(service)));
        }
        return new RouteTable(config, clusters, upstreams, random, mutant, previous);
    }

    private static List<Endpoint> endpoints(ClusterLoadAssignment cla) {
        List<Endpoint> out = new ArrayList<>();
        if (cla == null) {
            return out;
        }
        for (LocalityLbEndpoints locality : cla.getEndpointsList()) {
            for (LbEndpoint lb : locality.getLbEndpointsList()) {
                var sa = lb.getEndpoint().getAddress().getSocketAddress();
                out.add(new Endpoint(InetSocketAddress.createUnresolved(sa.getAddress(), sa.getPortValue()),
                        lb.getEndpoint().getHostname().isEmpty() ? null : lb.getEndpoint().getHostname()));
            }
        }
        return List.copyOf(out);
    }

    /**
     * A virtual host of the previous table compiled from this very proto object, or a new compilation. The proxy
     * compiles a route configuration when it arrives (to NACK it at once if it is bad) and again, with the clusters,
     * once the whole version has arrived: the second time takes the first one's hosts. Only the same object counts:
     * comparing two protos field by field costs more than compiling them (10,000 exact-path routes: about 22 ms
     * for equals, 14 ms to compile), so an equal proto received in a later push is compiled again.
     */
    private CompiledHost reuseOrCompile(VirtualHost vh, RouteTable previous) {
        CompiledHost before = previous == null ? null : previous.hostsByName.get(vh.getName());
        return before != null && before.source() == vh ? before : compileHost(vh);
    }

    private CompiledHost compileHost(VirtualHost vh) {
        List<CompiledRoute> compiled = new ArrayList<>();
        // Istio gives every route of a host the same retry policy: compile each distinct one once
        Map<io.envoyproxy.envoy.config.route.v3.RetryPolicy, RetryRule> retryRules = new HashMap<>();
        for (Route r : vh.getRoutesList()) {
            compiled.add(compileRoute(vh, r, mutant, retryRules));
        }
        List<CompiledRoute> routes = List.copyOf(compiled);
        // the mutants change what a match is, so they keep the plain scan of every route
        RouteIndex index = mutant == Mutant.NONE ? RouteIndex.create(routes.stream().map(CompiledRoute::path).toList())
                : null;
        // the test holds the mutant, not this table: a later table reuses the host, and must not keep this one alive
        Mutant m = mutant;
        return new CompiledHost(vh, vh.getName(), routes,
                vh.getIncludeRequestAttemptCount(), vh.getRequireTls() != VirtualHost.TlsRequirementType.NONE,
                index, (position, request) -> matches(routes.get(position), request, m));
    }

    private static CompiledRoute compileRoute(VirtualHost vh, Route r, Mutant mutant,
                                              Map<io.envoyproxy.envoy.config.route.v3.RetryPolicy, RetryRule> retryRules) {
        RouteMatch m = r.getMatch();
        boolean caseSensitive = !m.hasCaseSensitive() || m.getCaseSensitive().getValue();
        StringMatcher path;
        switch (m.getPathSpecifierCase()) {
            case PREFIX -> path = StringMatcher.literal(StringMatcher.Kind.PREFIX, m.getPrefix(), !caseSensitive);
            case PATH -> path = StringMatcher.literal(StringMatcher.Kind.EXACT, m.getPath(), !caseSensitive);
            // case_sensitive is ignored for safe_regex (route_components.proto RouteMatch.case_sensitive)
            case SAFE_REGEX -> path = !caseSensitive && mutant == Mutant.IGNORE_URI_CASE_FOR_REGEX
                    ? StringMatcher.regex(m.getSafeRegex().getRegex(), mutant).ignoringCase()
                    : StringMatcher.regex(m.getSafeRegex().getRegex(), mutant);
            default -> throw new XdsRejection("virtual host " + vh.getName() + " route '" + r.getName()
                    + "': unsupported path specifier " + m.getPathSpecifierCase());
        }
        List<HeaderCondition> headers = m.getHeadersList().stream().map(h -> HeaderCondition.compile(h, mutant))
                .toList();
        List<QueryCondition> query = m.getQueryParametersList().stream().map(q -> QueryCondition.compile(q, mutant))
                .toList();
        if (r.hasRedirect()) {
            return new CompiledRoute(r.getName(), path, null, r.getRedirect(), null, headers, query, List.of(),
                    new long[0], null, 0, null, HeaderMutation.NONE, HeaderMutation.NONE, List.of(), List.of(),
                    null, List.of(), null, List.of(), r.getMetadata());
        }
        if (r.hasDirectResponse()) {
            DirectResponseAction d = r.getDirectResponse();
            String body = d.hasBody() ? d.getBody().getInlineString() : "";
            return new CompiledRoute(r.getName(), path, null, null,
                    new RouteDecision.LocalReply(r.getName(), d.getStatus(), body, null), headers, query, List.of(),
                    new long[0], null, 0, null, HeaderMutation.NONE, HeaderMutation.NONE, List.of(), List.of(),
                    null, List.of(), null, List.of(), r.getMetadata());
        }
        if (!r.hasRoute()) {
            throw new XdsRejection("virtual host " + vh.getName() + " route '" + r.getName()
                    + "': unsupported action " + r.getActionCase());
        }
        List<String> clusters = new ArrayList<>();
        List<HeaderMutation> clusterRequest = new ArrayList<>();
        List<HeaderMutation> clusterResponse = new ArrayList<>();
        long[] cumulative;
        String randomValueHeader = null;
        switch (r.getRoute().getClusterSpecifierCase()) {
            case CLUSTER -> {
                clusters.add(r.getRoute().getCluster());
                cumulative = new long[] {1};
                clusterRequest.add(HeaderMutation.NONE);
                clusterResponse.add(HeaderMutation.NONE);
            }
            case WEIGHTED_CLUSTERS -> {
                List<WeightedCluster.ClusterWeight> weights = r.getRoute().getWeightedClusters().getClustersList();
                String header = r.getRoute().getWeightedClusters().getHeaderName();
                randomValueHeader = header.isEmpty() ? null : header;
                cumulative = new long[weights.size()];
                long total = 0;
                for (int i = 0; i < weights.size(); i++) {
                    total += Integer.toUnsignedLong(weights.get(i).getWeight().getValue()); // uint32
                    cumulative[i] = total;
                    clusters.add(weights.get(i).getName());
                    clusterRequest.add(HeaderMutation.compile(weights.get(i).getRequestHeadersToAddList(),
                            weights.get(i).getRequestHeadersToRemoveList()));
                    clusterResponse.add(HeaderMutation.compile(weights.get(i).getResponseHeadersToAddList(),
                            weights.get(i).getResponseHeadersToRemoveList()));
                }
                if (total == 0 || total > 0xFFFFFFFFL) {
                    throw new XdsRejection("virtual host " + vh.getName() + " route '" + r.getName()
                            + "': sum of weights in the weighted_cluster must be greater than 0 and fit 32 bits");
                }
            }
            default -> throw new XdsRejection("virtual host " + vh.getName() + " route '" + r.getName()
                    + "': unsupported cluster specifier " + r.getRoute().getClusterSpecifierCase());
        }
        return new CompiledRoute(r.getName(), path, rewrite(r), null, null, headers, query,
                List.copyOf(clusters), cumulative, randomValueHeader,
                r.getRoute().hasTimeout() ? Durations.toMillis(r.getRoute().getTimeout()) : 0, Fault.of(r),
                HeaderMutation.compile(r.getRequestHeadersToAddList(), r.getRequestHeadersToRemoveList()),
                HeaderMutation.compile(r.getResponseHeadersToAddList(), r.getResponseHeadersToRemoveList()),
                clusterRequest, clusterResponse, Cors.of(r), List.copyOf(r.getRoute().getHashPolicyList()),
                r.getRoute().hasRetryPolicy()
                        ? retryRules.computeIfAbsent(r.getRoute().getRetryPolicy(), p -> retryRule(p, mutant)) : null,
                r.getRoute().getRequestMirrorPoliciesList().stream()
                        .map(p -> new Mirror(p.getCluster(), p.hasRuntimeFraction()
                                ? perMillion(p.getRuntimeFraction().getDefaultValue()) : 1_000_000))
                        .toList(), r.getMetadata());
    }

    private static RetryRule retryRule(io.envoyproxy.envoy.config.route.v3.RetryPolicy policy, Mutant mutant) {
        RetryRule rule = RetryRule.compile(policy);
        if (mutant == Mutant.RETRIES_INCLUDE_FIRST_TRY) {
            return new RetryRule(Math.max(0, rule.numRetries() - 1), rule.retryOn(), rule.statusCodes(),
                    rule.perTryTimeoutMillis(), rule.avoidPreviousHosts(), rule.hostSelectionAttempts(),
                    rule.baseIntervalMillis());
        }
        return rule;
    }

    private static Rewrite rewrite(Route r) {
        var action = r.getRoute();
        String prefix = action.getPrefixRewrite().isEmpty() ? null : action.getPrefixRewrite();
        com.google.re2j.Pattern regex = null;
        String substitution = null;
        if (action.hasRegexRewrite()) {
            regex = StringMatcher.regex(action.getRegexRewrite().getPattern().getRegex(), Mutant.NONE).regex();
            substitution = re2jSubstitution(action.getRegexRewrite().getSubstitution());
        }
        String host = action.getHostRewriteLiteral().isEmpty() ? null : action.getHostRewriteLiteral();
        return prefix == null && regex == null && host == null ? null : new Rewrite(prefix, regex, substitution, host);
    }

    /** RE2's {@code \1} group references, as Envoy takes them, in re2j's {@code $1} form. */
    static String re2jSubstitution(String re2) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < re2.length(); i++) {
            char c = re2.charAt(i);
            if (c == '\\' && i + 1 < re2.length() && Character.isDigit(re2.charAt(i + 1))) {
                out.append('$').append(re2.charAt(++i));
            } else if (c == '\\' && i + 1 < re2.length() && re2.charAt(i + 1) == '\\') {
                out.append("\\\\");
                i++;
            } else if (c == '$') {
                out.append("\\$");
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * Envoy's {@code finalizePathHeader}: a prefix rewrite replaces the matched prefix (for an exact or regex
     * match, the whole path without its query); a regex rewrite substitutes in the path without its query.
     */
    private String rewritePath(CompiledRoute route, HttpRequestHead request) {
        Rewrite rw = route.rewrite();
        String query = request.query().isEmpty() || mutant == Mutant.REWRITE_DROPS_QUERY ? "" : "?" + request.query();
        if (rw.prefix() != null) {
            if (route.path().kind() == StringMatcher.Kind.PREFIX && mutant != Mutant.REWRITE_REPLACES_WHOLE_PATH) {
                return rw.prefix() + request.path().substring(route.path().value().length());
            }
            return rw.prefix() + query;
        }
        if (rw.regex() != null) {
            return rw.regex().matcher(request.pathWithoutQuery()).replaceAll(rw.substitution()) + query;
        }
        return null;
    }

    /**
     * The names of the routes, in order, of the virtual host a request with this Host would use (empty when
     * no virtual host matches): what the proxy was told, for checks on the translation itself.
     */
    public List<String> routeNames(String authority) {
        CompiledHost host = findVirtualHost(authority);
        return host == null ? List.of() : host.routes().stream().map(CompiledRoute::name).toList();
    }

    /**
     * Where a request lands without deciding it (for offline checks): the virtual host's name, the matched
     * route's name (null when none) and position in the virtual host (1-based; 0 when none), and the clusters that
     * route may pick with their weights (empty for a redirect or direct response; one entry for a single cluster).
     */
    public record Explain(String virtualHost, String route, int position, Map<String, Long> weights) {
    }

    public Explain explain(HttpRequestHead request) {
        CompiledHost host = findVirtualHost(request.authority());
        if (host == null) {
            return new Explain(null, null, 0, Map.of());
        }
        CompiledRoute route = host.requireTls() && !"https".equals(request.scheme()) ? null : firstMatch(host, request);
        if (route == null) {
            return new Explain(host.name(), null, 0, Map.of());
        }
        Map<String, Long> weights = new java.util.LinkedHashMap<>();
        long previous = 0;
        for (int i = 0; i < route.clusters().size(); i++) {
            long weight = route.cumulativeWeights()[i] - previous;
            previous = route.cumulativeWeights()[i];
            if (weight > 0) {
                weights.merge(route.clusters().get(i), weight, Long::sum);
            }
        }
        int position = 1;
        while (host.routes().get(position - 1) != route) {
            position++;
        }
        return new Explain(host.name(), route.name(), position, weights);
    }

    /** Reports every route this table chooses to {@code observer} from now on; returns this table. */
    public RouteTable observe(RouteObserver observer) {
        this.observer = observer;
        return this;
    }

    @Override
    public RouteDecision route(HttpRequestHead request) {
        CompiledHost host = findVirtualHost(request.authority());
        if (host == null) {
            return RouteDecision.LocalReply.noRoute();
        }
        if (host.requireTls() && !"https".equals(request.scheme())) {
            // Envoy's SSL redirect, before any route is matched (Http::Utility::createSslRedirectPath): 301 to
            // https with the Host and the path as sent
            return new RouteDecision.LocalReply(null, 301, "", null,
                    Map.of("location", "https://" + request.authority() + request.path()));
        }
        CompiledRoute chosen = switch (mutant) {
            case LAST_MATCH_WINS -> lastMatch(host, request);
            case LONGEST_PREFIX_WINS -> longestMatch(host, request);
            default -> firstMatch(host, request);
        };
        if (chosen != null) {
            observer.matched(chosen.metadata());
            return decide(host, chosen, request);
        }
        if (mutant == Mutant.NO_ROUTE_FALLS_BACK) {
            // vhost names are "<fqdn>:<port>": fall back to the service's default cluster
            int colon = host.name().lastIndexOf(':');
            String fallback = "outbound|" + host.name().substring(colon + 1) + "||" + host.name().substring(0, colon);
            return decideCluster(null, fallback, request);
        }
        return RouteDecision.LocalReply.noRoute();
    }

    /**
     * The position (0-based) in its virtual host of the route a request matches, -1 when no virtual host or route
     * matches (a virtual host that requires TLS matches no plain-text request); decides nothing else.
     */
    public int matchPosition(HttpRequestHead request) {
        return matchPosition(request, false);
    }

    /** As {@link #matchPosition(HttpRequestHead)}, testing every route in order when {@code linear} (a test oracle). */
    int matchPosition(HttpRequestHead request, boolean linear) {
        CompiledHost host = findVirtualHost(request.authority());
        if (host == null || host.requireTls() && !"https".equals(request.scheme())) {
            return -1;
        }
        return linear ? linearPosition(host, request) : firstPosition(host, request);
    }

    /** Envoy: routes are tried in order and the first that matches is used (the index finds the same one). */
    private CompiledRoute firstMatch(CompiledHost host, HttpRequestHead request) {
        int position = firstPosition(host, request);
        return position < 0 ? null : host.routes().get(position);
    }

    private int firstPosition(CompiledHost host, HttpRequestHead request) {
        return host.index() != null ? host.index().firstMatch(request.path(), request, host.test())
                : linearPosition(host, request);
    }

    private int linearPosition(CompiledHost host, HttpRequestHead request) {
        List<CompiledRoute> routes = host.routes();
        for (int i = 0; i < routes.size(); i++) {
            if (matches(routes.get(i), request)) {
                return i;
            }
        }
        return -1;
    }

    private CompiledRoute lastMatch(CompiledHost host, HttpRequestHead request) {
        CompiledRoute last = null;
        for (CompiledRoute route : host.routes()) {
            last = matches(route, request) ? route : last;
        }
        return last;
    }

    private CompiledRoute longestMatch(CompiledHost host, HttpRequestHead request) {
        CompiledRoute best = null;
        for (CompiledRoute route : host.routes()) {
            if (matches(route, request) && (best == null || route.path().value().length() > best.path().value().length())) {
                best = route;
            }
        }
        return best;
    }

    /** Envoy's virtual host lookup: exact domain, then longest suffix wildcard, then prefix wildcard, then "*". */
    private CompiledHost findVirtualHost(String authority) {
        String host = authority == null ? "" : authority.toLowerCase(Locale.ROOT);
        if (ignorePort) {
            int colon = host.lastIndexOf(':');
            if (colon > 0 && host.indexOf(']') < colon) {
                host = host.substring(0, colon);
            }
        }
        CompiledHost exact = exactDomains.get(host);
        if (exact != null) {
            return exact;
        }
        // the longest wildcard first, as Envoy does; the wildcard stands for at least one character
        CompiledHost wildcard = suffixDomains.longestSuffixOf(host);
        if (wildcard == null) {
            wildcard = prefixDomains.longestPrefixOf(host);
        }
        return wildcard != null ? wildcard : anyDomain;
    }

    private boolean matches(CompiledRoute route, HttpRequestHead request) {
        return matches(route, request, mutant);
    }

    private static boolean matches(CompiledRoute route, HttpRequestHead request, Mutant mutant) {
        if (mutant == Mutant.OR_WITHIN_MATCH) {
            return anyConditionMatches(route, request, mutant);
        }
        if (!pathMatches(route, request, mutant)) {
            return false;
        }
        for (HeaderCondition h : route.headers()) {
            if (!h.matches(request)) {
                return false;
            }
        }
        for (QueryCondition q : route.query()) {
            if (!q.matches(request)) {
                return false;
            }
        }
        return true;
    }

    /** The OR_WITHIN_MATCH mutant: any one condition suffices ("/" stands for "no path condition"). */
    private static boolean anyConditionMatches(CompiledRoute route, HttpRequestHead request, Mutant mutant) {
        boolean noPathCondition = route.path().kind() == StringMatcher.Kind.PREFIX && "/".equals(route.path().value());
        if (noPathCondition && route.headers().isEmpty() && route.query().isEmpty()) {
            return true;
        }
        return !noPathCondition && pathMatches(route, request, mutant)
                || route.headers().stream().anyMatch(h -> h.matches(request))
                || route.query().stream().anyMatch(q -> q.matches(request));
    }

    /** Exact and regex paths are compared without the query string; a prefix against the whole :path. */
    private static boolean pathMatches(CompiledRoute route, HttpRequestHead request, Mutant mutant) {
        StringMatcher p = route.path();
        if (p.kind() == StringMatcher.Kind.PREFIX) {
            if (mutant == Mutant.PREFIX_SEGMENT_AWARE) {
                String path = request.pathWithoutQuery();
                return path.equals(p.value()) || p.value().endsWith("/") && p.matches(path)
                        || path.startsWith(p.value() + "/");
            }
            return p.matches(request.path());
        }
        if (p.kind() == StringMatcher.Kind.EXACT && mutant == Mutant.EXACT_INCLUDES_QUERY) {
            return p.matches(request.path());
        }
        if (p.kind() == StringMatcher.Kind.EXACT && !p.ignoreCase()) {
            // equals(pathWithoutQuery()) without the substring
            String path = request.path();
            int q = path.indexOf('?');
            return (q < 0 ? path.length() : q) == p.value().length() && path.startsWith(p.value());
        }
        return p.matches(request.pathWithoutQuery());
    }

    private RouteDecision decide(CompiledHost host, CompiledRoute route, HttpRequestHead request) {
        if (route.directResponse() != null) {
            return route.directResponse();
        }
        if (route.redirect() != null) {
            return redirect(route.name(), route.redirect(), request, mutant);
        }
        HeaderMutation corsHeaders = HeaderMutation.NONE;
        if (route.cors() != null) {
            List<String> origins = request.headerValues("origin");
            String origin = origins.isEmpty() ? null : origins.get(0);
            if (route.cors().allows(origin)) {
                if (request.method().equals("OPTIONS")
                        && !request.headerValues("access-control-request-method").isEmpty()) {
                    // a preflight from an allowed origin is answered here and never forwarded
                    Map<String, String> headers = new java.util.LinkedHashMap<>();
                    headers.put("access-control-allow-origin", origin);
                    headers.putAll(route.cors().preflightHeaders());
                    return new RouteDecision.LocalReply(route.name(), 200, "", null, headers);
                }
                List<HeaderMutation.Op> ops = new ArrayList<>();
                ops.add(new HeaderMutation.Op("access-control-allow-origin", origin, false));
                route.cors().responseHeaders().forEach((k, v) -> ops.add(new HeaderMutation.Op(k, v, false)));
                corsHeaders = new HeaderMutation(ops, List.of());
            }
        }
        long delay = 0;
        Fault fault = route.fault();
        if (fault != null) {
            // Envoy's fault filter runs before the router: an aborted request never reaches a cluster
            if (fault.abortPerMillion() > 0 && Long.remainderUnsigned(random.nextLong(), 1_000_000) < fault.abortPerMillion()) {
                return RouteDecision.LocalReply.faultAbort(route.name(), fault.abortStatus());
            }
            if (fault.delayPerMillion() > 0 && Long.remainderUnsigned(random.nextLong(), 1_000_000) < fault.delayPerMillion()) {
                delay = fault.delayMillis();
            }
        }
        int picked = pickCluster(route, request);
        observer.picked(route.metadata(), picked);
        RouteDecision decision = decideCluster(route, route.clusters().get(picked), request);
        // Envoy evaluates a weighted cluster's header operations first, then the route's
        HeaderMutation requestHeaders = route.clusterRequestHeaders().get(picked).then(route.requestHeaders());
        HeaderMutation responseHeaders = route.clusterResponseHeaders().get(picked).then(route.responseHeaders())
                .then(corsHeaders);
        if (decision instanceof RouteDecision.Forward f && !f.responseHeaders().isEmpty()) {
            responseHeaders = responseHeaders.then(f.responseHeaders()); // a generated hash cookie
        }
        if (decision instanceof RouteDecision.Forward f) {
            return new RouteDecision.Forward(f.routeName(), f.cluster(), f.endpoint(), f.podName(),
                    route.rewrite() == null ? null : rewritePath(route, request),
                    route.rewrite() == null ? null : route.rewrite().host(), route.timeoutMillis(), delay,
                    requestHeaders, responseHeaders, f.upstream(), f.endpointCount(),
                    new RouteDecision.Attempts(route.retry(), host.attemptCountHeader(), mirrorEndpoints(route)));
        }
        return decision;
    }

    /**
     * Envoy's redirect ({@code RouteEntryImplBase::newUri}): scheme, host, port and path each replaced when the
     * action names them; a replaced path keeps the request's query unless it brings its own.
     */
    static RouteDecision.LocalReply redirect(String routeName, RedirectAction action, HttpRequestHead request,
                                             Mutant mutant) {
        String scheme = action.getSchemeRedirect().isEmpty() ? request.scheme() : action.getSchemeRedirect();
        String host = action.getHostRedirect().isEmpty() ? request.authority() : action.getHostRedirect();
        if (action.getPortRedirect() != 0) {
            host = withoutPort(host) + ":" + action.getPortRedirect();
        } else if (!action.getSchemeRedirect().isEmpty()) {
            // a scheme change drops the port that was the old scheme's default
            String port = host.contains(":") ? host.substring(host.lastIndexOf(':') + 1) : "";
            if (scheme.equals("https") && port.equals("80") || scheme.equals("http") && port.equals("443")) {
                host = withoutPort(host);
            }
        }
        String path = request.path();
        if (!action.getPathRedirect().isEmpty()) {
            path = action.getPathRedirect();
            if (!path.contains("?") && !request.query().isEmpty() && mutant != Mutant.REDIRECT_DROPS_QUERY) {
                path = path + "?" + request.query();
            }
        }
        int status = mutant == Mutant.REDIRECT_ALWAYS_301 ? 301 : switch (action.getResponseCode()) {
            case FOUND -> 302;
            case SEE_OTHER -> 303;
            case TEMPORARY_REDIRECT -> 307;
            case PERMANENT_REDIRECT -> 308;
            default -> 301;
        };
        return new RouteDecision.LocalReply(routeName, status, "", null,
                Map.of("location", scheme + "://" + host + path));
    }

    private static String withoutPort(String host) {
        int colon = host.lastIndexOf(':');
        return colon > 0 && host.indexOf(']') < colon ? host.substring(0, colon) : host;
    }

    /**
     * One endpoint of each mirror cluster this request is shadowed to: each policy draws its own chance; a
     * cluster the proxy does not know, or one without endpoints, gets no copy ("Shadowing will not be triggered
     * if the primary cluster does not exist").
     */
    private List<java.net.InetSocketAddress> mirrorEndpoints(CompiledRoute route) {
        List<java.net.InetSocketAddress> out = new ArrayList<>();
        for (Mirror m : route.mirrors()) {
            if (Long.remainderUnsigned(random.nextLong(), 1_000_000) >= m.perMillion()) {
                continue;
            }
            List<Endpoint> endpoints = clusters.get(m.cluster());
            if (endpoints != null && !endpoints.isEmpty()) {
                out.add(endpoints.get((int) Long.remainderUnsigned(random.nextLong(), endpoints.size())).address());
            }
        }
        return out;
    }

    /**
     * Another endpoint of {@code cluster} for a retry: with the previous_hosts predicate, up to
     * {@code hostSelectionAttempts} draws look for one not in {@code tried} (the last draw is used if all were
     * tried, as Envoy does); without it, any endpoint. Null when the cluster is gone or empty.
     */
    @Override
    public Endpoint retryEndpoint(String cluster, RetryRule retry, java.util.Set<java.net.InetSocketAddress> tried) {
        List<Endpoint> endpoints = clusters.get(cluster);
        if (endpoints == null || endpoints.isEmpty()) {
            return null;
        }
        UpstreamCluster upstream = upstreams.get(cluster);
        Endpoint pick = null;
        int draws = retry.avoidPreviousHosts() && mutant != Mutant.RETRY_SAME_HOST ? retry.hostSelectionAttempts() : 1;
        for (int i = 0; i < draws; i++) {
            // the cluster's own load balancer (and outlier detection) when the proxy has its state
            pick = upstream != null ? upstream.pick(endpoints, java.util.OptionalLong.empty(), random)
                    : endpoints.get((int) Long.remainderUnsigned(random.nextLong(), endpoints.size()));
            if (pick == null || !tried.contains(pick.address())) {
                break;
            }
        }
        return pick;
    }

    @Override
    public long nextRandom() {
        return random.nextLong();
    }

    private RouteDecision decideCluster(CompiledRoute route, String cluster, HttpRequestHead request) {
        String routeName = route == null ? null : route.name();
        List<Endpoint> endpoints = clusters.get(cluster);
        if (endpoints == null) {
            return mutant == Mutant.MISSING_SUBSET_404
                    ? new RouteDecision.LocalReply(routeName, 404, "", "NC")
                    : RouteDecision.LocalReply.noCluster(routeName);
        }
        if (endpoints.isEmpty()) {
            return RouteDecision.LocalReply.noHealthyUpstream(routeName);
        }
        UpstreamCluster upstream = upstreams.get(cluster);
        if (upstream == null) {
            Endpoint endpoint = endpoints.get((int) Long.remainderUnsigned(random.nextLong(), endpoints.size()));
            return new RouteDecision.Forward(routeName, cluster, endpoint.address(), endpoint.podName());
        }
        HashPolicies.Hash hash = upstream.usesHash() && route != null
                ? HashPolicies.compute(route.hashPolicies(), request) : HashPolicies.Hash.NONE;
        Endpoint endpoint = upstream.pick(endpoints, hash.value(), random);
        if (endpoint == null) {
            return RouteDecision.LocalReply.noHealthyUpstream(routeName); // every endpoint ejected, panic mode off
        }
        return new RouteDecision.Forward(routeName, cluster, endpoint.address(), endpoint.podName(), null, null, 0, 0,
                HeaderMutation.NONE, hash.setCookie(), upstream, endpoints.size());
    }

    /**
     * {@code WeightedClusterSpecifier}: {@code random % total} falls into consecutive weight intervals, in
     * list order. The random value comes from the {@code header_name} header when the route names one and
     * the request carries exactly one parsable unsigned value; otherwise it is drawn per request.
     */
    private int pickCluster(CompiledRoute route, HttpRequestHead request) {
        if (route.clusters().size() == 1) {
            return 0;
        }
        long[] cumulative = mutatedWeights(route.cumulativeWeights());
        long random = randomValue(route, request);
        long total = route.cumulativeWeights()[route.cumulativeWeights().length - 1];
        long selected = mutant == Mutant.WEIGHTS_OFF_BY_5_POINTS
                // the same position in the 20-times finer intervals: random % total scaled, plus a finer digit
                ? Long.remainderUnsigned(random, total) * 20
                        + Long.remainderUnsigned(Long.divideUnsigned(random, total), 20)
                : Long.remainderUnsigned(random, total);
        for (int i = 0; i < cumulative.length; i++) {
            if (selected < cumulative[i]) {
                return i;
            }
        }
        throw new IllegalStateException("unreachable: " + selected);
    }

    private long[] mutatedWeights(long[] cumulative) {
        int k = cumulative.length;
        long total = cumulative[k - 1];
        long[] out = cumulative.clone();
        if (mutant == Mutant.WEIGHTS_IGNORED) {
            for (int i = 0; i < k; i++) {
                out[i] = (i + 1) * total / k;
            }
        } else if (mutant == Mutant.WEIGHTS_OFF_BY_5_POINTS) {
            // the first interval loses 5 points of the total, the last gains them, the others only move; the
            // intervals are scaled by 20 so that 5 points is a whole number even for weights like 1 and 3
            long shift = total;
            for (int i = 0; i < k; i++) {
                out[i] = i == k - 1 ? total * 20 : Math.max(0, cumulative[i] * 20 - shift);
            }
        }
        return out;
    }

    private long randomValue(CompiledRoute route, HttpRequestHead request) {
        if (route.randomValueHeader() != null) {
            List<String> values = request.headerValues(route.randomValueHeader());
            if (values.size() == 1) {
                try {
                    return Long.parseUnsignedLong(values.get(0).trim());
                } catch (NumberFormatException e) {
                    // as Envoy: an unparsable value falls back to a random one
                }
            }
        }
        return random.nextLong();
    }
}
