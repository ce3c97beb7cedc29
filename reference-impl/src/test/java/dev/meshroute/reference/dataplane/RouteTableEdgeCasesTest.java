package dev.meshroute.reference.dataplane;

import com.google.protobuf.UInt32Value;
import dev.meshroute.reference.mutants.Mutant;
import dev.meshroute.reference.registry.Pod;
import dev.meshroute.reference.translate.ClientProxy;
import dev.meshroute.reference.translate.XdsResources;
import dev.meshroute.reference.translate.XdsTranslator;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.meshroute.reference.testsupport.Fixtures.DR_V1_V2;
import static dev.meshroute.reference.testsupport.Fixtures.FQDN;
import static dev.meshroute.reference.testsupport.Fixtures.SERVICE;
import static dev.meshroute.reference.testsupport.Fixtures.config;
import static dev.meshroute.reference.testsupport.Fixtures.pod;
import static dev.meshroute.reference.testsupport.Fixtures.vs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Route table decisions the other route table tests leave out: exact paths with {@code ignoreUriCase}, the
 * {@code weighted_clusters.header_name} random value, the limits of a weight sum and {@code :path} header
 * matchers (SEMANTICS.md 1.5, 1.7, 2.3).
 */
class RouteTableEdgeCasesTest {

    private static final String V1 = "outbound|80|v1|" + FQDN;
    private static final String V2 = "outbound|80|v2|" + FQDN;
    private static final String RANDOM_HEADER = "x-random-value";

    private static final List<Pod> PODS = List.of(pod("v1-a", "v1", 9001), pod("v2-a", "v2", 9002));

    private static RouteTable table(XdsTranslator.Options options, RandomSource random, String http) {
        XdsResources x = XdsTranslator.translate(config(SERVICE, DR_V1_V2, vs("vs", http)), PODS, ClientProxy.DEFAULT,
                options);
        RouteConfiguration rc = x.routes().stream().filter(r -> r.getName().equals("80")).findFirst().orElseThrow();
        Map<String, ClusterLoadAssignment> assignments = x.endpoints().stream()
                .collect(Collectors.toMap(ClusterLoadAssignment::getClusterName, Function.identity()));
        return RouteTable.compile(rc, x.clusters().stream().map(Cluster::getName).toList(), assignments, random);
    }

    private static RouteTable table(String http) {
        return table(XdsTranslator.Options.ISTIOD, () -> 0L, http);
    }

    private static HttpRequestHead get(String path, String... headers) {
        List<Map.Entry<String, String>> hs = new ArrayList<>();
        for (int i = 0; i < headers.length; i += 2) {
            hs.add(Map.entry(headers[i], headers[i + 1]));
        }
        return new HttpRequestHead("GET", path, "my-app", "http", hs);
    }

    private static String outcome(RouteTable t, HttpRequestHead request) {
        RouteDecision d = t.route(request);
        if (d instanceof RouteDecision.Forward f) {
            return f.cluster();
        }
        RouteDecision.LocalReply r = (RouteDecision.LocalReply) d;
        return r.status() + " " + r.responseFlags();
    }

    private static String ruleToV2(String match) {
        return """
                - match:
                  - %s
                  route:
                  - destination: {host: my-app, subset: v2}
                - route:
                  - destination: {host: my-app, subset: v1}
                """.formatted(match);
    }

    // ---- ignoreUriCase on an exact uri ---------------------------------------------------------

    @Test
    void route_exactUriWithIgnoreUriCase_matchesInAnyCase() {
        // SEMANTICS.md 1.5: "case will be ignored only in the case of exact and prefix"
        RouteTable t = table(ruleToV2("{uri: {exact: /Login}, ignoreUriCase: true}"));

        assertEquals(V2, outcome(t, get("/login")));
        assertEquals(V2, outcome(t, get("/LOGIN?x=1")));
        assertEquals(V1, outcome(t, get("/login/x")));
    }

    @Test
    void route_exactUriWithoutIgnoreUriCase_isCaseSensitive() {
        RouteTable t = table(ruleToV2("uri: {exact: /Login}"));

        assertEquals(V2, outcome(t, get("/Login")));
        assertEquals(V1, outcome(t, get("/login")));
    }

    // ---- the random value of a weighted choice ---------------------------------------------------

    private static final String WEIGHTED_90_10 = """
            - route:
              - destination: {host: my-app, subset: v1}
                weight: 90
              - destination: {host: my-app, subset: v2}
                weight: 10
            """;

    private static RouteTable weightedWithHeader(long random) {
        return table(new XdsTranslator.Options(RANDOM_HEADER, Mutant.NONE), () -> random, WEIGHTED_90_10);
    }

    @ParameterizedTest(name = "header {0}, random {1} -> {2}")
    @CsvSource({
            // Envoy weighted_cluster_specifier: one parsable header value is the random value...
            "95,  0,  v2",
            "5,   95, v1",
            "89,  95, v1",
            "90,  0,  v2",
            "195, 0,  v2",
            // ...anything else falls back to the per-request random value
            "abc, 95, v2",
            "abc, 0,  v1",
            "-5,  0,  v1"})
    void route_randomValueHeader_choosesTheInterval(String header, long random, String subset) {
        RouteTable t = weightedWithHeader(random);

        assertEquals("outbound|80|" + subset + "|" + FQDN, outcome(t, get("/", RANDOM_HEADER, header)));
    }

    @Test
    void route_randomValueHeaderAbsentOrRepeated_usesTheRandomSource() {
        assertEquals(V2, outcome(weightedWithHeader(95), get("/")));
        assertEquals(V1, outcome(weightedWithHeader(0), get("/")));
        assertEquals(V1, outcome(weightedWithHeader(0), get("/", RANDOM_HEADER, "95", RANDOM_HEADER, "95")));
        assertEquals(V2, outcome(weightedWithHeader(95), get("/", RANDOM_HEADER, "5", RANDOM_HEADER, "5")));
    }

    @Test
    void route_noRandomValueHeaderConfigured_headerIsIgnored() {
        RouteTable t = table(XdsTranslator.Options.ISTIOD, () -> 0L, WEIGHTED_90_10);

        assertEquals(V1, outcome(t, get("/", RANDOM_HEADER, "95")));
    }

    // ---- the limits of a weight sum (SEMANTICS.md 2.3: greater than 0, at most 4294967295) ----------------

    private static RouteConfiguration weighted(long... weights) {
        WeightedCluster.Builder wc = WeightedCluster.newBuilder();
        for (int i = 0; i < weights.length; i++) {
            wc.addClusters(WeightedCluster.ClusterWeight.newBuilder().setName("c" + i)
                    .setWeight(UInt32Value.of((int) weights[i])));
        }
        return RouteConfiguration.newBuilder().setName("80").addVirtualHosts(VirtualHost.newBuilder().setName("vh")
                .addDomains("*").addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
                        .setRoute(RouteAction.newBuilder().setWeightedClusters(wc)))).build();
    }

    /** c0 is a known cluster without endpoints (503 UH), c1 an unknown one (503 NC). */
    private static RouteTable compile(RouteConfiguration rc, long random) {
        return RouteTable.compile(rc, List.of("c0"), Map.of(), () -> random);
    }

    @Test
    void compile_weightSumOf4294967295_compilesAndSplitsAtTheFirstWeight() {
        RouteConfiguration rc = weighted(4294967294L, 1);

        assertEquals("503 UH", outcome(compile(rc, 0), get("/")));
        assertEquals("503 UH", outcome(compile(rc, 4294967293L), get("/")));
        assertEquals("503 NC", outcome(compile(rc, 4294967294L), get("/")));
    }

    @Test
    void compile_weightsAbove2To31_areUnsigned() {
        // uint32 weights: 3000000000 is a weight, not a negative number
        RouteConfiguration rc = weighted(3_000_000_000L, 1_000_000_000L);

        assertEquals("503 UH", outcome(compile(rc, 2_999_999_999L), get("/")));
        assertEquals("503 NC", outcome(compile(rc, 3_000_000_000L), get("/")));
        assertEquals("503 UH", outcome(compile(rc, 4_000_000_000L), get("/")));
    }

    @Test
    void compile_weightSumAbove32Bits_throwsXdsRejection() {
        assertThrows(XdsRejection.class, () -> compile(weighted(4294967295L, 1), 0));
    }

    @Test
    void compile_weightSumZero_throwsXdsRejection() {
        assertThrows(XdsRejection.class, () -> compile(weighted(0, 0), 0));
    }

    // ---- pseudo-header matchers ------------------------------------------------------------------

    @Test
    void route_pathPseudoHeaderMatcher_seesThePathWithItsQuery() {
        RouteConfiguration rc = RouteConfiguration.newBuilder().setName("80").addVirtualHosts(VirtualHost.newBuilder()
                .setName("vh").addDomains("*").addRoutes(Route.newBuilder()
                        .setMatch(RouteMatch.newBuilder().setPrefix("/").addHeaders(HeaderMatcher.newBuilder()
                                .setName(":path").setStringMatch(StringMatcher.newBuilder().setExact("/a?x=1"))))
                        .setRoute(RouteAction.newBuilder().setCluster("c0")))).build();
        RouteTable t = RouteTable.compile(rc, List.of("c0"), Map.of(), () -> 0L);

        assertEquals("503 UH", outcome(t, get("/a?x=1")));
        assertEquals("404 NR", outcome(t, get("/a")));
    }
}
