package dev.meshroute.reference.dataplane;

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
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
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
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouteTableTest {

    private static final String V1 = "outbound|80|v1|" + FQDN;
    private static final String V2 = "outbound|80|v2|" + FQDN;
    private static final String V3 = "outbound|80|v3|" + FQDN;

    /** Subsets v1, v2, v3 with pods, and v4 without any pod. */
    private static final String DR = DR_V1_V2 + """
              - name: v3
                labels:
                  version: v3
              - name: v4
                labels:
                  version: v4
            """;

    private static final List<Pod> PODS = List.of(pod("v1-a", "v1", 9001), pod("v1-b", "v1", 9002),
            pod("v2-a", "v2", 9003), pod("v3-a", "v3", 9004));

    private static RouteTable table(RandomSource random, String http) {
        XdsResources x = XdsTranslator.translate(config(SERVICE, DR, vs("vs", http)), PODS, ClientProxy.DEFAULT);
        RouteConfiguration rc = x.routes().stream().filter(r -> r.getName().equals("80")).findFirst().orElseThrow();
        Map<String, ClusterLoadAssignment> assignments = x.endpoints().stream()
                .collect(Collectors.toMap(ClusterLoadAssignment::getClusterName, Function.identity()));
        return RouteTable.compile(rc, x.clusters().stream().map(Cluster::getName).toList(), assignments, random);
    }

    private static RouteTable table(String http) {
        return table(() -> 0L, http);
    }

    /** A request to my-app; headers are given as name, value pairs (lower-case names, as the proxy hands them). */
    private static HttpRequestHead get(String path, String... headers) {
        return request("my-app", path, headers);
    }

    private static HttpRequestHead request(String authority, String path, String... headers) {
        List<Map.Entry<String, String>> hs = new ArrayList<>();
        for (int i = 0; i < headers.length; i += 2) {
            hs.add(Map.entry(headers[i], headers[i + 1]));
        }
        return new HttpRequestHead("GET", path, authority, "http", hs);
    }

    /** The cluster a request is forwarded to, or "404 NR" / "503 NC" ... for a local reply. */
    private static String outcome(RouteTable t, HttpRequestHead request) {
        RouteDecision d = t.route(request);
        if (d instanceof RouteDecision.Forward f) {
            return f.cluster();
        }
        RouteDecision.LocalReply r = (RouteDecision.LocalReply) d;
        return r.status() + " " + r.responseFlags();
    }

    private static String rule(String matchYaml, String subset) {
        return """
                - match:
                  - %s
                  route:
                  - destination:
                      host: my-app
                      subset: %s
                """.formatted(matchYaml.replace("\n", "\n    "), subset);
    }

    @Test
    void route_firstMatchWins_notLongestPrefix() {
        RouteTable t = table(rule("uri: {prefix: /api}", "v1") + rule("uri: {prefix: /api/v2}", "v2"));

        assertEquals(V1, outcome(t, get("/api/v2/x")));
    }

    @Test
    void route_exactPath_ignoresQueryString() {
        RouteTable t = table(rule("uri: {exact: /foo}", "v1"));

        assertEquals(V1, outcome(t, get("/foo?x=1")));
        assertEquals(V1, outcome(t, get("/foo")));
        assertEquals("404 NR", outcome(t, get("/foo/")));
    }

    @Test
    void route_prefix_isNotSegmentAware() {
        RouteTable t = table(rule("uri: {prefix: /foo}", "v1"));

        assertEquals(V1, outcome(t, get("/foobar")));
        assertEquals(V1, outcome(t, get("/foo?x")));
        assertEquals("404 NR", outcome(t, get("/fo")));
    }

    @Test
    void route_headerRegex_isFullMatch() {
        RouteTable t = table(rule("headers: {user-agent: {regex: beta-tester}}", "v2"));

        assertEquals("404 NR", outcome(t, get("/", "user-agent", "Mozilla beta-tester")));
        assertEquals(V2, outcome(t, get("/", "user-agent", "beta-tester")));
    }

    @Test
    void route_uriRegex_isFullMatchWithoutQuery() {
        RouteTable t = table(rule("uri: {regex: /foo}", "v1") + rule("uri: {regex: '/bar.*'}", "v2"));

        assertEquals("404 NR", outcome(t, get("/foo/bar")));
        assertEquals(V1, outcome(t, get("/foo?q=1")));
        assertEquals(V2, outcome(t, get("/bar/x")));
    }

    @Test
    void route_guideRegex_routesBetaTestersToV2() {
        RouteTable t = table(rule("headers: {user-agent: {regex: '.*beta-tester.*'}}", "v2"));

        assertEquals(V2, outcome(t, get("/", "user-agent", "Mozilla/5.0 beta-tester")));
        assertEquals("404 NR", outcome(t, get("/", "user-agent", "Mozilla/5.0")));
    }

    @Test
    void route_absentHeader_neverMatchesAValueMatcher() {
        RouteTable t = table(rule("headers: {x: {regex: '.*'}}", "v1"));

        assertEquals("404 NR", outcome(t, get("/")));
        assertEquals(V1, outcome(t, get("/", "x", "")));
    }

    @Test
    void route_presentMatch_anyValueIncludingEmptyButNotAbsent() {
        RouteTable t = table(rule("headers: {x: {}}", "v1"));

        assertEquals(V1, outcome(t, get("/", "x", "")));
        assertEquals(V1, outcome(t, get("/", "x", "anything")));
        assertEquals("404 NR", outcome(t, get("/")));
    }

    @Test
    void route_withoutHeaders_absentHeaderMatchesAndForbiddenValueDoesNot() {
        RouteTable t = table(rule("withoutHeaders: {x: {exact: bad}}", "v1"));

        assertEquals(V1, outcome(t, get("/")));
        assertEquals(V1, outcome(t, get("/", "x", "ok")));
        assertEquals("404 NR", outcome(t, get("/", "x", "bad")));
    }

    @Test
    void route_withoutHeadersPresentForm_matchesOnlyWhenAbsent() {
        RouteTable t = table(rule("withoutHeaders: {x: {}}", "v1"));

        assertEquals(V1, outcome(t, get("/")));
        assertEquals("404 NR", outcome(t, get("/", "x", "any")));
    }

    @Test
    void route_repeatedHeaders_joinedWithComma() {
        RouteTable t = table(rule("headers: {x: {exact: '1'}}", "v1") + rule("headers: {x: {regex: '1,2'}}", "v2"));

        assertEquals(V2, outcome(t, get("/", "x", "1", "x", "2")));
        assertEquals(V1, outcome(t, get("/", "x", "1")));
    }

    @Test
    void route_headerMatcherName_isCaseInsensitive() {
        RouteTable t = table(rule("headers: {X-User: {exact: v}}", "v1"));

        assertEquals(V1, outcome(t, get("/", "x-user", "v")));
    }

    @Test
    void route_headerValues_areCaseSensitive() {
        RouteTable t = table(rule("headers: {end-user: {exact: jason}}", "v1"));

        assertEquals(V1, outcome(t, get("/", "end-user", "jason")));
        assertEquals("404 NR", outcome(t, get("/", "end-user", "Jason")));
    }

    @Test
    void route_method_isCaseSensitivePseudoHeader() {
        RouteTable t = table(rule("method: {exact: GET}", "v1"));

        assertEquals(V1, outcome(t, get("/")));
        assertEquals("404 NR", outcome(t, new HttpRequestHead("HEAD", "/", "my-app", "http", List.of())));
        assertEquals("404 NR", outcome(t, new HttpRequestHead("get", "/", "my-app", "http", List.of())));
    }

    @Test
    void route_queryParameter_onlyFirstValueCounts() {
        RouteTable t = table(rule("queryParams: {v: {exact: '2'}}", "v1"));

        assertEquals(V1, outcome(t, get("/?v=2")));
        assertEquals(V1, outcome(t, get("/?a=1&v=2&v=1")));
        assertEquals("404 NR", outcome(t, get("/?v=1&v=2")));
        assertEquals("404 NR", outcome(t, get("/?V=2")));
    }

    @Test
    void route_queryParameterRegex_isFullMatch() {
        RouteTable t = table(rule("queryParams: {q: {regex: '\\d+'}}", "v1"));

        assertEquals(V1, outcome(t, get("/?q=123")));
        assertEquals("404 NR", outcome(t, get("/?q=a123")));
    }

    @Test
    void route_ignoreUriCase_appliesToPrefixButNotRegex() {
        RouteTable t = table(rule("uri: {prefix: /Foo}\nignoreUriCase: true", "v1")
                + rule("uri: {regex: /bar}\nignoreUriCase: true", "v2"));

        assertEquals(V1, outcome(t, get("/fOO/x")));
        assertEquals("404 NR", outcome(t, get("/BAR")));
        assertEquals(V2, outcome(t, get("/bar")));
    }

    @Test
    void route_noRuleMatches_404NoFallbackToDefault() {
        RouteTable t = table(rule("uri: {prefix: /api}", "v1"));

        RouteDecision d = t.route(get("/other"));

        RouteDecision.LocalReply r = assertInstanceOf(RouteDecision.LocalReply.class, d);
        assertEquals(404, r.status());
        assertEquals("NR", r.responseFlags());
        assertEquals("", r.body());
    }

    @Test
    void route_hostWithPortAndUpperCase_selectsTheVirtualHost() {
        RouteTable t = table(rule("uri: {prefix: /}", "v1"));

        assertEquals(V1, outcome(t, request("MY-APP:8080", "/")));
        assertEquals(V1, outcome(t, request("My-App.Default.svc.cluster.local:80", "/")));
        assertEquals(V1, outcome(t, request("my-app.default", "/")));
    }

    @Test
    void route_unknownHost_404NR() {
        RouteTable t = table(rule("uri: {prefix: /}", "v1"));

        RouteDecision.LocalReply r = assertInstanceOf(RouteDecision.LocalReply.class,
                t.route(request("reviews", "/")));
        assertEquals(404, r.status());
        assertEquals("NR", r.responseFlags());
    }

    @Test
    void route_missingCluster_503NCWithEmptyBody() {
        RouteTable t = table(rule("uri: {prefix: /}", "v9"));

        RouteDecision.LocalReply r = assertInstanceOf(RouteDecision.LocalReply.class, t.route(get("/")));
        assertEquals(503, r.status());
        assertEquals("NC", r.responseFlags());
        assertEquals("", r.body());
    }

    @Test
    void route_clusterWithoutEndpoints_503UHNoHealthyUpstream() {
        RouteTable t = table(rule("uri: {prefix: /}", "v4"));

        RouteDecision.LocalReply r = assertInstanceOf(RouteDecision.LocalReply.class, t.route(get("/")));
        assertEquals(503, r.status());
        assertEquals("UH", r.responseFlags());
        assertEquals("no healthy upstream", r.body());
    }

    @Test
    void route_forward_picksAnEndpointOfTheChosenCluster() {
        RouteTable t = table(() -> 1L, rule("uri: {prefix: /}", "v1"));

        RouteDecision.Forward f = assertInstanceOf(RouteDecision.Forward.class, t.route(get("/")));
        assertTrue(List.of("v1-a", "v1-b").contains(f.podName()), f.toString());
        assertEquals("127.0.0.1", f.endpoint().getHostString());
        assertTrue(List.of(9001, 9002).contains(f.endpoint().getPort()), f.toString());
    }

    private static final String WEIGHTED_30_30_40 = """
            - route:
              - destination:
                  host: my-app
                  subset: v1
                weight: 30
              - destination:
                  host: my-app
                  subset: v2
                weight: 30
              - destination:
                  host: my-app
                  subset: v3
                weight: 40
            """;

    @ParameterizedTest(name = "random {0} -> {1}")
    @CsvSource({
            "115, v1", // 115 % 100 = 15 -> [0,30)
            "445, v2", // 45 -> [30,60)
            "560, v3", // 60 -> [60,100)
            "0, v1", "29, v1", "30, v2", "59, v2", "60, v3", "99, v3", "100, v1"})
    void route_weightedClusters_randomModuloTotalPicksConsecutiveInterval(long random, String subset) {
        RouteTable t = table(() -> random, WEIGHTED_30_30_40);

        assertEquals("outbound|80|" + subset + "|" + FQDN, outcome(t, get("/")));
    }

    @ParameterizedTest(name = "random {0} -> {1}")
    @CsvSource({"0, v1", "89, v1", "90, v3", "99, v3"})
    void route_weightZeroDestination_neverChosen(long random, String subset) {
        RouteTable t = table(() -> random, """
                - route:
                  - destination:
                      host: my-app
                      subset: v1
                    weight: 90
                  - destination:
                      host: my-app
                      subset: v2
                    weight: 0
                  - destination:
                      host: my-app
                      subset: v3
                    weight: 10
                """);

        assertEquals("outbound|80|" + subset + "|" + FQDN, outcome(t, get("/")));
    }

    @Test
    void route_weightedWithOneMissingSubset_onlyItsShareFailsNC() {
        RouteTable low = table(() -> 10L, WEIGHTED_30_30_40.replace("subset: v3", "subset: v9"));
        RouteTable high = table(() -> 70L, WEIGHTED_30_30_40.replace("subset: v3", "subset: v9"));

        assertEquals(V1, outcome(low, get("/")));
        assertEquals("503 NC", outcome(high, get("/")));
    }

    // ---- configurations the proxy must reject (NACK) -------------------------------------------

    private static RouteConfiguration withMatch(RouteMatch match) {
        return RouteConfiguration.newBuilder().setName("80").addVirtualHosts(VirtualHost.newBuilder()
                .setName("vh").addDomains("my-app")
                .addRoutes(Route.newBuilder().setMatch(match).setRoute(RouteAction.newBuilder().setCluster(V1))))
                .build();
    }

    @Test
    void compile_invalidRe2RegexInHeaderMatcher_throwsXdsRejection() {
        RouteConfiguration rc = withMatch(RouteMatch.newBuilder().setPrefix("/")
                .addHeaders(HeaderMatcher.newBuilder().setName("x").setStringMatch(StringMatcher.newBuilder()
                        .setSafeRegex(RegexMatcher.newBuilder().setRegex("(?=x)")))).build());

        assertThrows(XdsRejection.class, () -> RouteTable.compile(rc, List.of(V1), Map.of(), () -> 0L));
    }

    @Test
    void compile_invalidRe2RegexInPath_throwsXdsRejection() {
        RouteConfiguration rc = withMatch(RouteMatch.newBuilder()
                .setSafeRegex(RegexMatcher.newBuilder().setRegex("(a)\\1")).build());

        assertThrows(XdsRejection.class, () -> RouteTable.compile(rc, List.of(V1), Map.of(), () -> 0L));
    }

    @Test
    void compile_validHandBuiltConfig_compiles() {
        RouteConfiguration rc = withMatch(RouteMatch.newBuilder()
                .setSafeRegex(RegexMatcher.newBuilder().setRegex("/a.*")).build());

        RouteTable t = RouteTable.compile(rc, List.of(V1), Map.of(), () -> 0L);
        // V1 is a known cluster with no assignment: no endpoints
        assertEquals("503 UH", outcome(t, get("/abc")));
    }
}
