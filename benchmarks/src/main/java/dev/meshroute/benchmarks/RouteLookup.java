package dev.meshroute.benchmarks;

import dev.meshroute.reference.dataplane.HttpRequestHead;
import dev.meshroute.reference.dataplane.RouteDecision;
import dev.meshroute.reference.dataplane.RouteTable;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Route lookup in the reference proxy's {@link RouteTable}: one virtual host of {@code routes} routes, the request
 * matching the first or the last of them. Mixes: {@code exact-prefix} (alternately an exact path and a prefix),
 * {@code regex10} (the same with every tenth route a safe_regex "/svc-N/v[0-9]+/.*"), {@code headers} (every route
 * a prefix plus an exact x-tenant header, and the prefixes shared by ten routes each, so candidates are tested
 * one by one). {@code match} finds the route only; {@code route} is the proxy's whole decision (route, cluster,
 * endpoint, header mutations). Run with {@code -prof gc} for allocation per lookup (gc.alloc.rate.norm).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class RouteLookup {

    static final String HOST = "reviews.default.svc.cluster.local";
    static final String CLUSTER = "outbound|80||" + HOST;

    @Param({"1", "100", "1000", "10000"})
    public int routes;

    @Param({"exact-prefix", "regex10", "headers"})
    public String mix;

    @Param({"first", "last"})
    public String target;

    private RouteTable table;
    private HttpRequestHead request;

    @Setup
    public void setUp() {
        table = table(mix, routes);
        request = request(mix, "first".equals(target) ? 0 : routes - 1);
        int position = table.matchPosition(request);
        if (position != ("first".equals(target) ? 0 : routes - 1)) {
            throw new IllegalStateException("the request matches route " + position + ", not the " + target);
        }
    }

    @Benchmark
    public int match() {
        return table.matchPosition(request);
    }

    @Benchmark
    public RouteDecision route() {
        return table.route(request);
    }

    /** The route table of a mix, as the proxy compiles it from RDS. */
    static RouteTable table(String mix, int routes) {
        VirtualHost.Builder vh = VirtualHost.newBuilder().setName(HOST + ":80").addDomains(HOST)
                .addDomains(HOST + ":80").addDomains("reviews").addDomains("reviews:80");
        for (int i = 0; i < routes; i++) {
            vh.addRoutes(Route.newBuilder().setName("r" + i).setMatch(match(mix, i))
                    .setRoute(RouteAction.newBuilder().setCluster(CLUSTER)));
        }
        RouteConfiguration config = RouteConfiguration.newBuilder().setName("80").addVirtualHosts(vh).build();
        ClusterLoadAssignment cla = ClusterLoadAssignment.newBuilder().setClusterName(CLUSTER)
                .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder()
                        .setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder().setSocketAddress(
                                SocketAddress.newBuilder().setAddress("127.0.0.1").setPortValue(9080))))))
                .build();
        return RouteTable.compile(config, List.of(CLUSTER), Map.of(CLUSTER, cla), () -> 42L);
    }

    private static RouteMatch match(String mix, int i) {
        RouteMatch.Builder m = RouteMatch.newBuilder();
        switch (mix) {
            case "exact-prefix", "regex10" -> {
                if ("regex10".equals(mix) && i % 10 == 9) {
                    m.setSafeRegex(RegexMatcher.newBuilder().setRegex("/svc-" + i + "/v[0-9]+/.*"));
                } else if (i % 2 == 0) {
                    m.setPath("/svc-" + i + "/items");
                } else {
                    m.setPrefix("/svc-" + i + "/");
                }
            }
            case "headers" -> m.setPrefix("/svc-" + i / 10 + "/").addHeaders(HeaderMatcher.newBuilder()
                    .setName("x-tenant").setStringMatch(StringMatcher.newBuilder().setExact("t-" + i)));
            default -> throw new IllegalArgumentException("unknown mix " + mix);
        }
        return m.build();
    }

    /** A request that matches route {@code i} of the mix and none before it. */
    static HttpRequestHead request(String mix, int i) {
        String path = switch (mix) {
            case "exact-prefix", "regex10" -> "regex10".equals(mix) && i % 10 == 9 ? "/svc-" + i + "/v2/items/7"
                    : i % 2 == 0 ? "/svc-" + i + "/items" : "/svc-" + i + "/items/7";
            case "headers" -> "/svc-" + i / 10 + "/items/7";
            default -> throw new IllegalArgumentException("unknown mix " + mix);
        };
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        headers.add(Map.entry("host", HOST));
        headers.add(Map.entry("user-agent", "curl/8.5.0"));
        headers.add(Map.entry("accept", "*/*"));
        headers.add(Map.entry("x-tenant", "t-" + i));
        headers.add(Map.entry("x-request-id", "8f2c1e0a-4b7d-4c1e-9a55-3f6d2b9e7c10"));
        return new HttpRequestHead("GET", path + "?page=2", HOST, "http", headers);
    }
}
