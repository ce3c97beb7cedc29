package dev.meshroute.reference.mutants;

import dev.meshroute.reference.dataplane.HttpRequestHead;
import dev.meshroute.reference.dataplane.RandomSource;
import dev.meshroute.reference.dataplane.RouteDecision;
import dev.meshroute.reference.dataplane.RetryRule;
import dev.meshroute.reference.dataplane.RouteTable;
import dev.meshroute.reference.registry.Pod;
import dev.meshroute.reference.translate.ClientProxy;
import dev.meshroute.reference.translate.XdsResources;
import dev.meshroute.reference.translate.XdsTranslator;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.HashMap;
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
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Each {@link Mutant} is the bug its description claims: the same configuration and request, decided by the
 * reference ({@link Mutant#NONE}) and by the mutant, give the reference's decision (SEMANTICS.md) and the
 * mutant's different one. Proxy mutants are compiled into the route table fed by the reference control plane;
 * control-plane mutants translate the configuration, and the reference proxy decides with what they sent.
 */
class MutantBehaviourTest {

    private static final String V1 = "outbound|80|v1|" + FQDN;
    private static final String V2 = "outbound|80|v2|" + FQDN;
    private static final String V3 = "outbound|80|v3|" + FQDN;
    private static final String V4 = "outbound|80|v4|" + FQDN;
    private static final String V9 = "outbound|80|v9|" + FQDN;
    private static final String DEFAULT = "outbound|80||" + FQDN;

    /** Subsets v1, v2, v3 with one pod each, and v4 that selects no pod; v9 is defined nowhere. */
    private static final String DR = DR_V1_V2 + """
              - name: v3
                labels:
                  version: v3
              - name: v4
                labels:
                  version: v4
            """;

    private static final List<Pod> PODS = List.of(pod("v1-a", "v1", 9001), pod("v2-a", "v2", 9002),
            pod("v3-a", "v3", 9003));

    private static final String CATCH_ALL_TO_V1 = """
            - route:
              - destination: {host: my-app, subset: v1}
            """;

    // ---- building the two sides ------------------------------------------------------------------

    /** Each configuration is loaded and translated once per test (a new instance each: nothing outlives it). */
    private final Map<String, XdsResources> translations = new HashMap<>();

    private XdsResources translate(Mutant controlPlane, String http) {
        return translations.computeIfAbsent(controlPlane + "\n" + http, k -> XdsTranslator.translate(
                config(SERVICE, DR, vs("vs", http)), PODS, ClientProxy.DEFAULT,
                new XdsTranslator.Options(null, controlPlane)));
    }

    private static RouteTable compile(XdsResources x, Mutant proxy, RandomSource random) {
        RouteConfiguration rc = x.routes().stream().filter(r -> r.getName().equals("80")).findFirst().orElseThrow();
        Map<String, ClusterLoadAssignment> assignments = x.endpoints().stream()
                .collect(Collectors.toMap(ClusterLoadAssignment::getClusterName, Function.identity()));
        return RouteTable.compile(rc, x.clusters().stream().map(Cluster::getName).toList(), assignments, random,
                proxy);
    }

    /** A proxy built with {@code mutant}, fed by the reference control plane. */
    private RouteTable proxy(Mutant mutant, RandomSource random, String http) {
        return compile(translate(Mutant.NONE, http), mutant, random);
    }

    private RouteTable proxy(Mutant mutant, String http) {
        return proxy(mutant, () -> 0L, http);
    }

    /** The reference proxy, fed by a control plane built with {@code mutant}. */
    private RouteTable controlPlane(Mutant mutant, RandomSource random, String http) {
        return compile(translate(mutant, http), Mutant.NONE, random);
    }

    /** A request to my-app as the proxy hands it over: the Host line is among the (lower-cased) headers. */
    private static HttpRequestHead request(String host, String path, String... headers) {
        List<Map.Entry<String, String>> hs = new ArrayList<>();
        hs.add(Map.entry("host", host));
        for (int i = 0; i < headers.length; i += 2) {
            hs.add(Map.entry(headers[i], headers[i + 1]));
        }
        return new HttpRequestHead("GET", path, host, "http", hs);
    }

    private static HttpRequestHead get(String path, String... headers) {
        return request("my-app", path, headers);
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

    /** The subset the reference, and the proxy built with {@code mutant}, pick for an injected random value. */
    private void assertPicks(String http, Mutant mutant, long random, String reference, String mutated) {
        assertEquals(cluster(reference), outcome(proxy(Mutant.NONE, () -> random, http), get("/")), "reference");
        assertEquals(cluster(mutated), outcome(proxy(mutant, () -> random, http), get("/")), mutant.id());
    }

    /** The cluster of a subset of my-app on port 80. */
    private static String cluster(String subset) {
        return "outbound|80|" + subset + "|" + FQDN;
    }

    /** A rule with one match entry, to a subset of my-app. */
    private static String rule(String match, String subset) {
        return """
                - match:
                  - %s
                  route:
                  - destination: {host: my-app, subset: %s}
                """.formatted(match, subset);
    }

    private static String weighted(String subset1, int weight1, String subset2, int weight2) {
        return """
                - route:
                  - destination: {host: my-app, subset: %s}
                    weight: %d
                  - destination: {host: my-app, subset: %s}
                    weight: %d
                """.formatted(subset1, weight1, subset2, weight2);
    }

    private static String weighted(int w1, int w2, int w3) {
        return weighted("v1", w1, "v2", w2) + """
                  - destination: {host: my-app, subset: v3}
                    weight: %d
                """.formatted(w3);
    }

    private static VirtualHost vhost(XdsResources x) {
        return x.routes().stream().filter(r -> r.getName().equals("80")).findFirst().orElseThrow()
                .getVirtualHostsList().stream().filter(v -> v.getDomainsList().contains(FQDN)).findFirst()
                .orElseThrow();
    }

    private static List<String> endpointPods(XdsResources x, String cluster) {
        return x.endpoints().stream().filter(e -> e.getClusterName().equals(cluster)).findFirst().orElseThrow()
                .getEndpointsList().stream().flatMap(l -> l.getLbEndpointsList().stream())
                .map(LbEndpoint::getEndpoint).map(e -> e.getHostname()).sorted().toList();
    }

    // ---- the proxy's matching --------------------------------------------------------------------

    @Test
    void regexPartialMatch_headerRegexMatchesASubstring() {
        String http = rule("headers: {user-agent: {regex: beta-tester}}", "v2") + CATCH_ALL_TO_V1;
        HttpRequestHead request = get("/", "user-agent", "Mozilla/5.0 beta-tester");

        assertEquals(V1, outcome(proxy(Mutant.NONE, http), request));
        assertEquals(V2, outcome(proxy(Mutant.REGEX_PARTIAL_MATCH, http), request));
        // a value the whole regex matches is matched by both
        assertEquals(V2, outcome(proxy(Mutant.REGEX_PARTIAL_MATCH, http), get("/", "user-agent", "beta-tester")));
    }

    @Test
    void regexPartialMatch_uriRegexMatchesASubstringOfThePath() {
        String http = rule("uri: {regex: /foo}", "v2") + CATCH_ALL_TO_V1;

        assertEquals(V1, outcome(proxy(Mutant.NONE, http), get("/foo/bar")));
        assertEquals(V2, outcome(proxy(Mutant.REGEX_PARTIAL_MATCH, http), get("/foo/bar")));
    }

    @Test
    void regexCaseInsensitive_regexIgnoresCase() {
        String http = rule("headers: {end-user: {regex: 'jas.n'}}", "v2") + rule("uri: {regex: '/api/.*'}", "v3")
                + CATCH_ALL_TO_V1;

        assertEquals(V1, outcome(proxy(Mutant.NONE, http), get("/", "end-user", "JASON")));
        assertEquals(V2, outcome(proxy(Mutant.REGEX_CASE_INSENSITIVE, http), get("/", "end-user", "JASON")));
        assertEquals(V1, outcome(proxy(Mutant.NONE, http), get("/API/x")));
        assertEquals(V3, outcome(proxy(Mutant.REGEX_CASE_INSENSITIVE, http), get("/API/x")));
    }

    @Test
    void headerNameCaseSensitive_upperCaseMatcherNameNoLongerMatchesTheLowerCasedHeader() {
        String http = rule("headers: {X-User: {exact: v}}", "v2") + CATCH_ALL_TO_V1;

        // Envoy lower-cases a matcher's name (SEMANTICS.md 1.7); the proxy hands over lower-cased header names
        assertEquals(V2, outcome(proxy(Mutant.NONE, http), get("/", "x-user", "v")));
        assertEquals(V1, outcome(proxy(Mutant.HEADER_NAME_CASE_SENSITIVE, http), get("/", "x-user", "v")));
    }

    @Test
    void headerNameCaseSensitive_lowerCaseMatcherNameStillMatches() {
        String http = rule("headers: {x-user: {exact: v}}", "v2") + CATCH_ALL_TO_V1;

        assertEquals(V2, outcome(proxy(Mutant.HEADER_NAME_CASE_SENSITIVE, http), get("/", "x-user", "v")));
    }

    @Test
    void headerValueCaseInsensitive_exactValueIgnoresCase() {
        String http = rule("headers: {end-user: {exact: jason}}", "v2") + CATCH_ALL_TO_V1;

        assertEquals(V1, outcome(proxy(Mutant.NONE, http), get("/", "end-user", "Jason")));
        assertEquals(V2, outcome(proxy(Mutant.HEADER_VALUE_CASE_INSENSITIVE, http), get("/", "end-user", "Jason")));
        // the path is not a header: an exact uri stays case-sensitive
        String uri = rule("uri: {exact: /Login}", "v2") + CATCH_ALL_TO_V1;
        assertEquals(V1, outcome(proxy(Mutant.HEADER_VALUE_CASE_INSENSITIVE, uri), get("/login")));
    }

    @Test
    void headerValueCaseInsensitive_regexValueIgnoresCase() {
        String http = rule("headers: {end-user: {regex: 'ja.*'}}", "v2") + CATCH_ALL_TO_V1;

        assertEquals(V1, outcome(proxy(Mutant.NONE, http), get("/", "end-user", "JASON")));
        assertEquals(V2, outcome(proxy(Mutant.HEADER_VALUE_CASE_INSENSITIVE, http), get("/", "end-user", "JASON")));
        assertEquals(V1, outcome(proxy(Mutant.HEADER_VALUE_CASE_INSENSITIVE, http), get("/", "end-user", "JOHN")));
    }

    @Test
    void absentHeaderMatchesEmpty_absentHeaderMatchesAnEmptyExactValue() {
        String http = rule("headers: {x-token: {exact: ''}}", "v2") + CATCH_ALL_TO_V1;

        // SEMANTICS.md 1.7: exact "" matches only a header present with an empty value
        assertEquals(V1, outcome(proxy(Mutant.NONE, http), get("/")));
        assertEquals(V2, outcome(proxy(Mutant.ABSENT_HEADER_MATCHES_EMPTY, http), get("/")));
        assertEquals(V2, outcome(proxy(Mutant.NONE, http), get("/", "x-token", "")));
    }

    @Test
    void firstValueOnlyForRepeatedHeaders_secondLineIsIgnored() {
        String http = rule("headers: {x: {exact: '1'}}", "v2") + CATCH_ALL_TO_V1;
        HttpRequestHead request = get("/", "x", "1", "x", "2");

        // SEMANTICS.md 1.7: x: 1 and x: 2 are matched as "1,2"
        assertEquals(V1, outcome(proxy(Mutant.NONE, http), request));
        assertEquals(V2, outcome(proxy(Mutant.FIRST_VALUE_ONLY_FOR_REPEATED_HEADERS, http), request));
    }

    @Test
    void prefixSegmentAware_prefixNoLongerMatchesInsideASegment() {
        String http = rule("uri: {prefix: /foo}", "v2") + CATCH_ALL_TO_V1;

        // SEMANTICS.md 1.5: Istio's prefix is a plain string prefix: /foo matches /foobar
        assertEquals(V2, outcome(proxy(Mutant.NONE, http), get("/foobar")));
        assertEquals(V1, outcome(proxy(Mutant.PREFIX_SEGMENT_AWARE, http), get("/foobar")));
    }

    @Test
    void prefixSegmentAware_stillMatchesAtASlashBoundary() {
        RouteTable mutated = proxy(Mutant.PREFIX_SEGMENT_AWARE, rule("uri: {prefix: /foo}", "v2") + CATCH_ALL_TO_V1);
        RouteTable slash = proxy(Mutant.PREFIX_SEGMENT_AWARE, rule("uri: {prefix: /foo/}", "v2") + CATCH_ALL_TO_V1);

        assertEquals(V2, outcome(mutated, get("/foo")));
        assertEquals(V2, outcome(mutated, get("/foo/")));
        assertEquals(V2, outcome(mutated, get("/foo/bar")));
        assertEquals(V2, outcome(mutated, get("/foo?x=1")));
        assertEquals(V2, outcome(slash, get("/foo/bar")));
        assertEquals(V1, outcome(slash, get("/foobar")));
        assertEquals(V1, outcome(mutated, get("/fo")));
    }

    @Test
    void exactIncludesQuery_exactUriNoLongerMatchesWithAQueryString() {
        String http = rule("uri: {exact: /foo}", "v2") + rule("uri: {regex: /bar}", "v3") + CATCH_ALL_TO_V1;

        // SEMANTICS.md 1.5: exact is compared with the query string removed
        assertEquals(V2, outcome(proxy(Mutant.NONE, http), get("/foo?x=1")));
        assertEquals(V1, outcome(proxy(Mutant.EXACT_INCLUDES_QUERY, http), get("/foo?x=1")));
        assertEquals(V2, outcome(proxy(Mutant.EXACT_INCLUDES_QUERY, http), get("/foo")));
        // a regex uri is not affected
        assertEquals(V3, outcome(proxy(Mutant.EXACT_INCLUDES_QUERY, http), get("/bar?x=1")));
    }

    private static final String AND_MATCHES = rule("{uri: {prefix: /a}, headers: {x-u: {exact: j}}}", "v2")
            + rule("{headers: {x-h: {exact: '1'}}, queryParams: {q: {exact: '1'}}}", "v3") + CATCH_ALL_TO_V1;

    @ParameterizedTest(name = "{0} {1}={2}: reference {3}, mutant {4}")
    @CsvSource({
            // one condition of a match entry suffices for the mutant, all are needed (SEMANTICS.md 1.2)
            "/a,      -,   -, v1, v2",
            "/b,      x-u, j, v1, v2",
            "/?q=1,   -,   -, v1, v3",
            "/,       x-h, 1, v1, v3",
            // all conditions hold, or none does: the same decision
            "/a,      x-u, j, v2, v2",
            "/?q=1,   x-h, 1, v3, v3",
            "/b,      -,   -, v1, v1",
            "/b?q=2,  x-h, 2, v1, v1"})
    void orWithinMatch_oneConditionOfAMatchEntrySuffices(String path, String header, String value, String reference,
                                                         String mutant) {
        HttpRequestHead request = header.equals("-") ? get(path) : get(path, header, value);

        assertEquals(cluster(reference), outcome(proxy(Mutant.NONE, AND_MATCHES), request));
        assertEquals(cluster(mutant), outcome(proxy(Mutant.OR_WITHIN_MATCH, AND_MATCHES), request));
    }

    private static final String OVERLAPPING_PREFIXES = rule("uri: {prefix: /api}", "v1")
            + rule("uri: {prefix: /api/v2}", "v2") + rule("uri: {prefix: /other}", "v3");

    @Test
    void lastMatchWins_picksTheLastOfTwoMatchingRoutes() {
        // SEMANTICS.md 1.1: first match wins (#16134)
        assertEquals(V1, outcome(proxy(Mutant.NONE, OVERLAPPING_PREFIXES), get("/api/v2/x")));
        assertEquals(V2, outcome(proxy(Mutant.LAST_MATCH_WINS, OVERLAPPING_PREFIXES), get("/api/v2/x")));
        // with one matching route, or none, there is nothing to choose
        assertEquals(V1, outcome(proxy(Mutant.LAST_MATCH_WINS, OVERLAPPING_PREFIXES), get("/api/x")));
        assertEquals("404 NR", outcome(proxy(Mutant.LAST_MATCH_WINS, OVERLAPPING_PREFIXES), get("/none")));
    }

    @Test
    void longestPrefixWins_picksTheLongerOfTwoMatchingPrefixes() {
        assertEquals(V1, outcome(proxy(Mutant.NONE, OVERLAPPING_PREFIXES), get("/api/v2/x")));
        assertEquals(V2, outcome(proxy(Mutant.LONGEST_PREFIX_WINS, OVERLAPPING_PREFIXES), get("/api/v2/x")));
        assertEquals(V1, outcome(proxy(Mutant.LONGEST_PREFIX_WINS, OVERLAPPING_PREFIXES), get("/api/x")));
        assertEquals("404 NR", outcome(proxy(Mutant.LONGEST_PREFIX_WINS, OVERLAPPING_PREFIXES), get("/none")));
    }

    @Test
    void noRouteFallsBack_unmatchedRequestGoesToTheServiceDefaultCluster() {
        String http = rule("uri: {prefix: /api}", "v2");

        // SEMANTICS.md 1.3: no rule matches -> 404 NR, no fallback to the default route
        RouteDecision.LocalReply reply = assertInstanceOf(RouteDecision.LocalReply.class,
                proxy(Mutant.NONE, http).route(get("/other")));
        assertEquals(404, reply.status());
        assertEquals("NR", reply.responseFlags());
        RouteDecision.Forward forward = assertInstanceOf(RouteDecision.Forward.class,
                proxy(Mutant.NO_ROUTE_FALLS_BACK, http).route(get("/other")));
        assertEquals(DEFAULT, forward.cluster());
        assertNull(forward.routeName());
        // a request that matches is routed as before
        assertEquals(V2, outcome(proxy(Mutant.NO_ROUTE_FALLS_BACK, http), get("/api")));
    }

    private static final String REDIRECT_302 = """
            - match:
              - uri: {exact: /old}
              redirect:
                uri: /new
                redirectCode: 302
            """;

    @Test
    void redirectAlways301_redirectCodeIsIgnored() {
        // SEMANTICS.md 4.1: redirectCode 302 -> 302
        RouteDecision.LocalReply reference = assertInstanceOf(RouteDecision.LocalReply.class,
                proxy(Mutant.NONE, REDIRECT_302).route(get("/old")));
        RouteDecision.LocalReply mutated = assertInstanceOf(RouteDecision.LocalReply.class,
                proxy(Mutant.REDIRECT_ALWAYS_301, REDIRECT_302).route(get("/old")));
        assertEquals(302, reference.status());
        assertEquals(301, mutated.status());
        assertEquals(reference.headers(), mutated.headers());
    }

    @Test
    void redirectDropsQuery_replacedPathLosesTheQueryString() {
        // SEMANTICS.md 4.1: path_redirect keeps the original query string unless the new uri has one
        RouteDecision.LocalReply reference = assertInstanceOf(RouteDecision.LocalReply.class,
                proxy(Mutant.NONE, REDIRECT_302).route(get("/old?x=1")));
        RouteDecision.LocalReply mutated = assertInstanceOf(RouteDecision.LocalReply.class,
                proxy(Mutant.REDIRECT_DROPS_QUERY, REDIRECT_302).route(get("/old?x=1")));
        assertEquals("http://my-app/new?x=1", reference.headers().get("location"));
        assertEquals("http://my-app/new", mutated.headers().get("location"));
        assertEquals(302, mutated.status());
    }

    @Test
    void redirectDropsQuery_redirectWithoutARequestQueryOrWithItsOwnIsUnchanged() {
        String ownQuery = REDIRECT_302.replace("uri: /new", "uri: /new?y=2");
        String authorityOnly = REDIRECT_302.replace("uri: /new", "authority: other.example.com");

        for (Mutant m : List.of(Mutant.NONE, Mutant.REDIRECT_DROPS_QUERY)) {
            RouteDecision.LocalReply own = assertInstanceOf(RouteDecision.LocalReply.class,
                    proxy(m, ownQuery).route(get("/old?x=1")));
            RouteDecision.LocalReply kept = assertInstanceOf(RouteDecision.LocalReply.class,
                    proxy(m, authorityOnly).route(get("/old?x=1")));
            assertEquals("http://my-app/new?y=2", own.headers().get("location"), m.id());
            assertEquals("http://other.example.com/old?x=1", kept.headers().get("location"), m.id());
            RouteDecision.LocalReply noQuery = assertInstanceOf(RouteDecision.LocalReply.class,
                    proxy(m, REDIRECT_302).route(get("/old")));
            assertEquals("http://my-app/new", noQuery.headers().get("location"), m.id());
        }
    }

    /** The path a forwarded request is sent upstream with, or null when the route does not rewrite it. */
    private static String upstreamPath(RouteTable t, HttpRequestHead request) {
        return assertInstanceOf(RouteDecision.Forward.class, t.route(request)).path();
    }

    @Test
    void rewriteDropsQuery_rewrittenPathLosesTheQueryString() {
        String http = """
                - match:
                  - uri: {exact: /ratings}
                  rewrite: {uri: /v1/bookRatings}
                  route:
                  - destination: {host: my-app, subset: v1}
                """;

        // SEMANTICS.md 4.3: a rewrite keeps the query string
        assertEquals("/v1/bookRatings?x=1", upstreamPath(proxy(Mutant.NONE, http), get("/ratings?x=1")));
        assertEquals("/v1/bookRatings", upstreamPath(proxy(Mutant.REWRITE_DROPS_QUERY, http), get("/ratings?x=1")));
    }

    @Test
    void rewriteReplacesWholePath_prefixRewriteLosesTheRestOfThePath() {
        String http = """
                - match:
                  - uri: {prefix: /ratings}
                  rewrite: {uri: /v1/bookRatings}
                  route:
                  - destination: {host: my-app, subset: v1}
                """;

        // SEMANTICS.md 4.3: only the matched prefix is replaced
        assertEquals("/v1/bookRatings/5", upstreamPath(proxy(Mutant.NONE, http), get("/ratings/5")));
        RouteTable mutated = proxy(Mutant.REWRITE_REPLACES_WHOLE_PATH, http);
        assertEquals("/v1/bookRatings", upstreamPath(mutated, get("/ratings/5")));
    }

    @Test
    void missingSubset404_missingClusterAnswered404Not503() {
        String http = """
                - route:
                  - destination: {host: my-app, subset: v9}
                """;

        // SEMANTICS.md 3.1: 503 NC (validate_clusters' 404 is outdated)
        assertEquals("503 NC", outcome(proxy(Mutant.NONE, http), get("/")));
        RouteDecision.LocalReply reply = assertInstanceOf(RouteDecision.LocalReply.class,
                proxy(Mutant.MISSING_SUBSET_404, http).route(get("/")));
        assertEquals(404, reply.status());
        // a cluster that exists without endpoints is still 503 UH (SEMANTICS.md 3.2)
        assertEquals("503 UH", outcome(proxy(Mutant.MISSING_SUBSET_404, http.replace("v9", "v4")), get("/")));
    }

    @Test
    void hostHeaderKeyMatches_matcherOnHostReadsTheHostLine() {
        String http = rule("headers: {host: {exact: my-app}}", "v2") + CATCH_ALL_TO_V1;

        // SEMANTICS.md 1.7: a "host" header key never matches (#23083)
        assertEquals(V1, outcome(proxy(Mutant.NONE, http), get("/")));
        assertEquals(V2, outcome(proxy(Mutant.HOST_HEADER_KEY_MATCHES, http), get("/")));
    }

    @Test
    void authorityPortStripped_authorityMatcherSeesTheHostWithoutItsPort() {
        String http = rule("authority: {exact: my-app}", "v2") + CATCH_ALL_TO_V1;

        // SEMANTICS.md 1.5: authority is the raw Host value, port included
        assertEquals(V1, outcome(proxy(Mutant.NONE, http), request("my-app:80", "/")));
        assertEquals(V2, outcome(proxy(Mutant.AUTHORITY_PORT_STRIPPED, http), request("my-app:80", "/")));
        assertEquals(V2, outcome(proxy(Mutant.AUTHORITY_PORT_STRIPPED, http), request("my-app", "/")));
    }

    @Test
    void ignoreUriCaseForRegex_ignoreUriCaseMakesAUriRegexCaseInsensitive() {
        String http = rule("{uri: {regex: /login}, ignoreUriCase: true}", "v2") + rule("uri: {regex: /admin}", "v3")
                + CATCH_ALL_TO_V1;

        // SEMANTICS.md 1.5: Envoy ignores case_sensitive for safe_regex
        assertEquals(V1, outcome(proxy(Mutant.NONE, http), get("/LOGIN")));
        assertEquals(V2, outcome(proxy(Mutant.IGNORE_URI_CASE_FOR_REGEX, http), get("/LOGIN")));
        assertEquals(V2, outcome(proxy(Mutant.IGNORE_URI_CASE_FOR_REGEX, http), get("/login")));
        // a regex without ignoreUriCase stays case-sensitive
        assertEquals(V1, outcome(proxy(Mutant.IGNORE_URI_CASE_FOR_REGEX, http), get("/ADMIN")));
    }

    private static final String QUERY_RULES = rule("queryParams: {v: {exact: '2'}}", "v2")
            + rule("queryParams: {w: {}}", "v3") + CATCH_ALL_TO_V1;

    @Test
    void queryLastValue_repeatedParameterMatchedByItsLastValue() {
        // SEMANTICS.md 1.8: only the first value of a repeated key counts
        assertEquals(V1, outcome(proxy(Mutant.NONE, QUERY_RULES), get("/?v=1&v=2")));
        assertEquals(V2, outcome(proxy(Mutant.QUERY_LAST_VALUE, QUERY_RULES), get("/?v=1&v=2")));
        assertEquals(V2, outcome(proxy(Mutant.NONE, QUERY_RULES), get("/?v=2&v=1")));
        assertEquals(V1, outcome(proxy(Mutant.QUERY_LAST_VALUE, QUERY_RULES), get("/?v=2&v=1")));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"/?v=2, v2", "/?a=1&v=2, v2", "/?vv=2, v1", "/?w, v3", "/?w=, v3", "/?a=1&w=x, v3", "/?x=1, v1",
        "/, v1"})
    void queryLastValue_unrepeatedParametersDecidedAsByTheReference(String path, String subset) {
        assertEquals(cluster(subset), outcome(proxy(Mutant.NONE, QUERY_RULES), get(path)));
        assertEquals(cluster(subset), outcome(proxy(Mutant.QUERY_LAST_VALUE, QUERY_RULES), get(path)));
    }

    // ---- the proxy's weighted choice (SEMANTICS.md 2.3: random % total in consecutive intervals) -------------

    @ParameterizedTest(name = "90/10, random {0}: reference {1}, mutant {2}")
    @CsvSource({"0, v1, v1", "49, v1, v1", "50, v1, v2", "89, v1, v2", "90, v2, v2", "99, v2, v2", "150, v1, v2"})
    void weightsIgnored_twoDestinationsSplitInHalves(long random, String reference, String mutant) {
        String http = weighted("v1", 90, "v2", 10);

        assertPicks(http, Mutant.WEIGHTS_IGNORED, random, reference, mutant);
    }

    @ParameterizedTest(name = "10/20/30, random {0}: reference {1}, mutant {2}")
    @CsvSource({"9, v1, v1", "10, v2, v1", "19, v2, v1", "20, v2, v2", "29, v2, v2", "30, v3, v2", "39, v3, v2",
        "40, v3, v3", "59, v3, v3"})
    void weightsIgnored_threeDestinationsGetEqualThirds(long random, String reference, String mutant) {
        String http = weighted(10, 20, 30);

        assertPicks(http, Mutant.WEIGHTS_IGNORED, random, reference, mutant);
    }

    @ParameterizedTest(name = "90/10, random {0}: reference {1}, mutant {2}")
    @CsvSource({"0, v1, v1", "84, v1, v1", "85, v1, v2", "89, v1, v2", "90, v2, v2", "99, v2, v2", "185, v1, v2"})
    void weightsOffBy5Points_boundaryOf90To10MovesFrom90To85(long random, String reference, String mutant) {
        String http = weighted("v1", 90, "v2", 10);

        assertPicks(http, Mutant.WEIGHTS_OFF_BY_5_POINTS, random, reference, mutant);
    }

    @ParameterizedTest(name = "180/20, random {0}: reference {1}, mutant {2}")
    @CsvSource({"169, v1, v1", "170, v1, v2", "179, v1, v2", "180, v2, v2"})
    void weightsOffBy5Points_pointsArePercentOfTheTotalWeight(long random, String reference, String mutant) {
        // 5 points of a total of 200 are 10: the boundary moves from 180 to 170
        String http = weighted("v1", 180, "v2", 20);

        assertPicks(http, Mutant.WEIGHTS_OFF_BY_5_POINTS, random, reference, mutant);
    }

    @ParameterizedTest(name = "30/30/40, random {0}: reference {1}, mutant {2}")
    @CsvSource({"24, v1, v1", "25, v1, v2", "29, v1, v2", "30, v2, v2", "54, v2, v2", "55, v2, v3", "59, v2, v3",
        "60, v3, v3", "99, v3, v3"})
    void weightsOffBy5Points_middleDestinationKeepsItsShareButMoves(long random, String reference, String mutant) {
        // first share 30 -> 25, middle 30 -> 30 (now [25,55)), last 40 -> 45
        String http = weighted(30, 30, 40);

        assertPicks(http, Mutant.WEIGHTS_OFF_BY_5_POINTS, random, reference, mutant);
    }

    // ---- the control plane's translation ---------------------------------------------------------

    @Test
    void noCatchAllCut_rulesAfterARuleWithoutMatchAreStillGenerated() {
        String http = CATCH_ALL_TO_V1 + rule("uri: {exact: /special}", "v2");

        // SEMANTICS.md 1.1: a rule without match ends generation
        List<Route> reference = vhost(translate(Mutant.NONE, http)).getRoutesList();
        List<Route> mutated = vhost(translate(Mutant.NO_CATCH_ALL_CUT, http)).getRoutesList();
        assertEquals(List.of(V1), reference.stream().map(r -> r.getRoute().getCluster()).toList());
        assertEquals(List.of(V1, V2), mutated.stream().map(r -> r.getRoute().getCluster()).toList());
        assertEquals("/special", mutated.get(1).getMatch().getPath());
        // the extra route is unreachable: the first match still wins
        assertEquals(V1, outcome(controlPlane(Mutant.NO_CATCH_ALL_CUT, () -> 0L, http), get("/special")));
    }

    @Test
    void noCatchAllCut_matchesAfterACatchAllMatchAreStillGenerated() {
        String http = """
                - match:
                  - uri: {prefix: /}
                  - headers: {x-a: {exact: '1'}}
                  route:
                  - destination: {host: my-app, subset: v2}
                """ + CATCH_ALL_TO_V1;

        assertEquals(List.of(V2), vhost(translate(Mutant.NONE, http)).getRoutesList().stream()
                .map(r -> r.getRoute().getCluster()).toList());
        List<Route> mutated = vhost(translate(Mutant.NO_CATCH_ALL_CUT, http)).getRoutesList();
        assertEquals(List.of(V2, V2, V1), mutated.stream().map(r -> r.getRoute().getCluster()).toList());
        assertEquals("x-a", mutated.get(1).getMatch().getHeaders(0).getName());
    }

    @Test
    void weightZeroNotDropped_weightZeroDestinationStaysWithWeightOne() {
        String http = weighted("v1", 90, "v2", 0);

        // SEMANTICS.md 2.2: weight-0 entries are dropped
        assertEquals(List.of(V1 + "=90"), weights(translate(Mutant.NONE, http)));
        assertEquals(List.of(V1 + "=90", V2 + "=1"), weights(translate(Mutant.WEIGHT_ZERO_NOT_DROPPED, http)));
        // random 90: 90 % 90 = 0 is v1's; 90 % 91 = 90 is the weight-1 destination's
        assertEquals(V1, outcome(controlPlane(Mutant.NONE, () -> 90L, http), get("/")));
        assertEquals(V2, outcome(controlPlane(Mutant.WEIGHT_ZERO_NOT_DROPPED, () -> 90L, http), get("/")));
    }

    private static List<String> weights(XdsResources x) {
        return vhost(x).getRoutes(0).getRoute().getWeightedClusters().getClustersList().stream()
                .map(c -> c.getName() + "=" + c.getWeight().getValue()).toList();
    }

    @Test
    void weightZeroNotDropped_nonZeroWeightsUnchanged() {
        String http = weighted("v1", 30, "v2", 70);

        WeightedCluster reference = vhost(translate(Mutant.NONE, http)).getRoutes(0).getRoute().getWeightedClusters();
        assertEquals(reference,
                vhost(translate(Mutant.WEIGHT_ZERO_NOT_DROPPED, http)).getRoutes(0).getRoute().getWeightedClusters());
    }

    @Test
    void missingSubsetFallsBackToAnyPod_undefinedSubsetRoutesToTheWholeService() {
        String http = """
                - route:
                  - destination: {host: my-app, subset: v9}
                """;

        // SEMANTICS.md 3.1: the route names the missing cluster, answered 503 NC
        assertEquals(V9, vhost(translate(Mutant.NONE, http)).getRoutes(0).getRoute().getCluster());
        assertEquals("503 NC", outcome(controlPlane(Mutant.NONE, () -> 0L, http), get("/")));
        XdsResources mutated = translate(Mutant.MISSING_SUBSET_FALLS_BACK_TO_ANY_POD, http);
        assertEquals(DEFAULT, vhost(mutated).getRoutes(0).getRoute().getCluster());
        assertEquals(DEFAULT, outcome(controlPlane(Mutant.MISSING_SUBSET_FALLS_BACK_TO_ANY_POD, () -> 0L, http),
                get("/")));
    }

    @Test
    void missingSubsetFallsBackToAnyPod_definedSubsetKeepsItsCluster() {
        String http = """
                - route:
                  - destination: {host: my-app, subset: v1}
                """;

        XdsResources mutated = translate(Mutant.MISSING_SUBSET_FALLS_BACK_TO_ANY_POD, http);
        assertEquals(V1, vhost(mutated).getRoutes(0).getRoute().getCluster());
    }

    @Test
    void emptySubsetFallsBack_subsetWithoutPodsGetsEveryPodOfTheService() {
        String http = """
                - route:
                  - destination: {host: my-app, subset: v4}
                """;

        // SEMANTICS.md 3.2: a subset that selects no pod -> 503 UH, no healthy upstream
        assertEquals(List.of(), endpointPods(translate(Mutant.NONE, http), V4));
        assertEquals("503 UH", outcome(controlPlane(Mutant.NONE, () -> 0L, http), get("/")));
        XdsResources mutated = translate(Mutant.EMPTY_SUBSET_FALLS_BACK, http);
        assertEquals(List.of("v1-a", "v2-a", "v3-a"), endpointPods(mutated, V4));
        RouteDecision.Forward f = assertInstanceOf(RouteDecision.Forward.class,
                controlPlane(Mutant.EMPTY_SUBSET_FALLS_BACK, () -> 0L, http).route(get("/")));
        assertEquals(V4, f.cluster());
    }

    @Test
    void emptySubsetFallsBack_subsetWithPodsKeepsOnlyItsOwn() {
        XdsResources x = translate(Mutant.EMPTY_SUBSET_FALLS_BACK, CATCH_ALL_TO_V1);

        assertEquals(List.of("v1-a"), endpointPods(x, V1));
        assertEquals(List.of("v2-a"), endpointPods(x, V2));
    }

    @Test
    void zeroRoutesAnswer404_virtualServiceWithoutRoutesForThisPortAnswers404() {
        // the only match is for port 8080: on port 80 the VirtualService yields no route
        String http = rule("{port: 8080, uri: {prefix: /}}", "v2");

        // SEMANTICS.md 1.3: zero routes -> the service keeps its default route
        List<Route> reference = vhost(translate(Mutant.NONE, http)).getRoutesList();
        assertEquals(List.of(DEFAULT), reference.stream().map(r -> r.getRoute().getCluster()).toList());
        assertEquals(DEFAULT, outcome(controlPlane(Mutant.NONE, () -> 0L, http), get("/")));
        assertEquals(List.of(), vhost(translate(Mutant.ZERO_ROUTES_ANSWER_404, http)).getRoutesList());
        assertEquals("404 NR", outcome(controlPlane(Mutant.ZERO_ROUTES_ANSWER_404, () -> 0L, http), get("/")));
    }

    @Test
    void timeoutIgnored_routeTimeoutIsNotTranslated() {
        String http = """
                - timeout: 2s
                  route:
                  - destination: {host: my-app, subset: v1}
                """;
        // SEMANTICS.md 4.4: the rule's timeout becomes the Envoy route timeout
        assertEquals(2, vhost(translate(Mutant.NONE, http)).getRoutes(0).getRoute().getTimeout().getSeconds());
        assertEquals(0, vhost(translate(Mutant.TIMEOUT_IGNORED, http)).getRoutes(0).getRoute().getTimeout()
                .getSeconds());
    }

    @Test
    void faultWithoutPercentageAppliesToAll_omittedPercentageBecomesAHundred() throws Exception {
        String http = """
                - fault: {abort: {httpStatus: 418}}
                  route:
                  - destination: {host: my-app, subset: v1}
                """;
        // SEMANTICS.md 4.6: an omitted percentage is 0%, so the abort never happens
        assertEquals("v1-a", ((RouteDecision.Forward) controlPlane(Mutant.NONE, () -> 0L, http).route(get("/")))
                .podName());
        assertEquals("418 FI", outcome(controlPlane(Mutant.FAULT_WITHOUT_PERCENTAGE_APPLIES_TO_ALL, () -> 0L, http),
                get("/")));
    }

    // ---- retries and mirroring

    private static RouteDecision.Forward forward(RouteTable t) {
        return assertInstanceOf(RouteDecision.Forward.class, t.route(get("/")));
    }

    private static final String RETRY_503 = """
            - retries: {attempts: 3, retryOn: "503"}
              route:
              - destination: {host: my-app, subset: v1}
            """;

    @Test
    void noDefaultRetries_aRuleWithoutRetriesGetsNoPolicy() {
        // SEMANTICS.md 4.5: Istio's default policy, 2 retries on connect-failure and the like
        RetryRule reference = forward(controlPlane(Mutant.NONE, () -> 0L, CATCH_ALL_TO_V1)).attempts().retry();
        assertEquals(2, reference.numRetries());
        assertEquals(true, reference.retriesFailure(RetryRule.Failure.CONNECT));
        assertNull(forward(controlPlane(Mutant.NO_DEFAULT_RETRIES, () -> 0L, CATCH_ALL_TO_V1)).attempts().retry());
    }

    @Test
    void retryStatusCodesIgnored_a503IsNoLongerRetried() {
        // SEMANTICS.md 4.5: status codes in retryOn become retriable_status_codes
        assertEquals(true, forward(controlPlane(Mutant.NONE, () -> 0L, RETRY_503)).attempts().retry()
                .retriesResponse(503, null));
        assertEquals(false, forward(controlPlane(Mutant.RETRY_STATUS_CODES_IGNORED, () -> 0L, RETRY_503)).attempts()
                .retry().retriesResponse(503, null));
    }

    @Test
    void retriesIncludeFirstTry_oneRetryFewer() {
        // SEMANTICS.md 4.5: total tries = 1 + attempts
        assertEquals(3, forward(proxy(Mutant.NONE, RETRY_503)).attempts().retry().numRetries());
        assertEquals(2, forward(proxy(Mutant.RETRIES_INCLUDE_FIRST_TRY, RETRY_503)).attempts().retry().numRetries());
    }

    @Test
    void retrySameHost_aRetryMayGoBackToTheEndpointTried() {
        String http = """
                - route:
                  - destination: {host: my-app}
                """;
        // draws 0, 1, 2, ...: the first draw is the endpoint already tried
        java.util.concurrent.atomic.AtomicLong counter = new java.util.concurrent.atomic.AtomicLong();
        RouteTable reference = proxy(Mutant.NONE, counter::getAndIncrement, http);
        RouteDecision.Forward first = forward(reference);
        counter.set(0);
        RouteTable.Endpoint retry = reference.retryEndpoint(first.cluster(), first.attempts().retry(),
                java.util.Set.of(first.endpoint()));
        // SEMANTICS.md 4.5: previous_hosts makes a retry avoid the endpoint tried
        org.junit.jupiter.api.Assertions.assertNotEquals(first.endpoint(), retry.address());

        java.util.concurrent.atomic.AtomicLong mutantCounter = new java.util.concurrent.atomic.AtomicLong();
        RouteTable mutated = proxy(Mutant.RETRY_SAME_HOST, mutantCounter::getAndIncrement, http);
        RouteDecision.Forward mutantFirst = forward(mutated);
        mutantCounter.set(0);
        assertEquals(mutantFirst.endpoint(), mutated.retryEndpoint(mutantFirst.cluster(),
                mutantFirst.attempts().retry(), java.util.Set.of(mutantFirst.endpoint())).address());
    }

    @Test
    void mirrorZeroPercentMirrorsAll_anExplicitZeroMirrorsEveryRequest() {
        String http = """
                - route:
                  - destination: {host: my-app, subset: v1}
                  mirror: {host: my-app, subset: v2}
                  mirrorPercentage: {value: 0}
                """;
        // SEMANTICS.md 4.7: an explicit 0 means no mirroring
        assertEquals(List.of(), forward(controlPlane(Mutant.NONE, () -> 0L, http)).attempts().mirrors());
        assertEquals(1, forward(controlPlane(Mutant.MIRROR_ZERO_PERCENT_MIRRORS_ALL, () -> 0L, http)).attempts()
                .mirrors().size());
    }

    @Test
    void delegateRulesAppended_delegateRulesLandAfterTheRootCatchAll() {
        String root = vs("root", """
                - name: pp
                  match: [{uri: {prefix: /productpage}}]
                  delegate: {name: productpage}
                - name: rest
                  route:
                  - destination: {host: my-app, subset: v1}
                """);
        String delegate = """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: productpage
                spec:
                  http:
                  - name: v2
                    route:
                    - destination: {host: my-app, subset: v2}
                """;
        Map<Mutant, RouteTable> tables = new HashMap<>();
        for (Mutant m : List.of(Mutant.NONE, Mutant.DELEGATE_RULES_APPENDED)) {
            tables.put(m, compile(XdsTranslator.translate(config(SERVICE, DR, root, delegate), PODS,
                    ClientProxy.DEFAULT, new XdsTranslator.Options(null, m)), Mutant.NONE, () -> 0L));
        }
        // SEMANTICS.md 4.10: the delegating rule is replaced in place, so /productpage goes to the delegate's v2
        assertEquals(V2, outcome(tables.get(Mutant.NONE), get("/productpage/x")));
        assertEquals(V1, outcome(tables.get(Mutant.NONE), get("/other")));
        // appended after the root's catch-all, the delegate's rule is cut and never reached
        assertEquals(V1, outcome(tables.get(Mutant.DELEGATE_RULES_APPENDED), get("/productpage/x")));
    }

    // ---- DestinationRule resolution (SEMANTICS.md 3.4-3.6) ------------------------------------------

    private static final String REVIEWS = """
            apiVersion: v1
            kind: Service
            metadata: {name: reviews, namespace: prod}
            spec:
              selector: {app: reviews}
              ports: [{name: http, port: 80}]
            """;

    private static String reviewsDr(String name, String namespace, String host, String subsets, String extra) {
        return """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: %s, namespace: %s}
                spec:
                  host: %s
                  subsets: %s
                %s
                """.formatted(name, namespace, host, subsets, extra);
    }

    /** The subsets of the clusters the default-namespace client gets for reviews. */
    private static List<String> reviewsSubsetClusters(Mutant mutant, String... drs) {
        String[] docs = new String[drs.length + 1];
        docs[0] = REVIEWS;
        System.arraycopy(drs, 0, docs, 1, drs.length);
        XdsResources x = XdsTranslator.translate(config(docs), List.of(), ClientProxy.DEFAULT,
                new XdsTranslator.Options(null, mutant));
        List<String> out = new ArrayList<>();
        for (Cluster c : x.clusters()) {
            String[] parts = c.getName().split("\\|");
            if (!parts[2].isEmpty()) {
                out.add(parts[2]);
            }
        }
        return out;
    }

    @Test
    void destinationRulesMergedAcrossNamespaces_clientNamespaceRuleNoLongerHidesTheServiceNamespaceSubsets() {
        String[] drs = {reviewsDr("reviews", "prod", "reviews", "[{name: v1, labels: {version: v1}}]", ""),
                reviewsDr("reviews", "default", "reviews.prod.svc.cluster.local", "[]", "")};

        // SEMANTICS.md 3.5: the client's namespace has a rule for the host, used alone: no subset cluster
        assertEquals(List.of(), reviewsSubsetClusters(Mutant.NONE, drs));
        assertEquals(List.of("v1"), reviewsSubsetClusters(Mutant.DESTINATION_RULES_MERGED_ACROSS_NAMESPACES, drs));
    }

    @Test
    void destinationRuleExportToIgnored_privateRuleOfTheServiceNamespaceReachesOtherClients() {
        String dr = reviewsDr("reviews", "prod", "reviews", "[{name: v1, labels: {version: v1}}]", "  exportTo: ['.']");

        // SEMANTICS.md 3.6: exported to its own namespace only, so the default-namespace client has no subsets
        assertEquals(List.of(), reviewsSubsetClusters(Mutant.NONE, dr));
        assertEquals(List.of("v1"), reviewsSubsetClusters(Mutant.DESTINATION_RULE_EXPORT_TO_IGNORED, dr));
    }

    @Test
    void duplicateSubsetNewestWins_theNewerRulesLabelsSelectTheEndpoints() {
        String older = reviewsDr("b-older", "prod", "reviews", "[{name: v1, labels: {version: v1}}]", "")
                .replace("namespace: prod}", "namespace: prod, creationTimestamp: '2026-01-01T00:00:00Z'}");
        String newer = reviewsDr("a-newer", "prod", "reviews", "[{name: v1, labels: {version: v2}}]", "")
                .replace("namespace: prod}", "namespace: prod, creationTimestamp: '2026-02-01T00:00:00Z'}");
        List<Pod> pods = List.of(pod("reviews-v1", "prod", Map.of("app", "reviews", "version", "v1"), 9001),
                pod("reviews-v2", "prod", Map.of("app", "reviews", "version", "v2"), 9002));
        Function<Mutant, List<String>> v1Pods = m -> endpointPods(XdsTranslator.translate(
                config(REVIEWS, newer, older), pods, ClientProxy.DEFAULT, new XdsTranslator.Options(null, m)),
                "outbound|80|v1|reviews.prod.svc.cluster.local");

        // SEMANTICS.md 3.4: the first (oldest) definition of a subset name wins
        assertEquals(List.of("reviews-v1"), v1Pods.apply(Mutant.NONE));
        assertEquals(List.of("reviews-v2"), v1Pods.apply(Mutant.DUPLICATE_SUBSET_NEWEST_WINS));
    }

    // ---- the control plane's gateway translation ---------------------------------------------------

    /** A Gateway for *.example.com and two VirtualServices bound to it for one host: a catch-all, then /api. */
    private static final String[] GATEWAY_AND_TWO_VIRTUAL_SERVICES = {SERVICE, DR, """
            apiVersion: networking.istio.io/v1
            kind: Gateway
            metadata: {name: gw, namespace: istio-system}
            spec:
              selector: {istio: ingressgateway}
              servers:
              - port: {number: 80, name: http, protocol: HTTP}
                hosts: ["*.example.com"]
            """, """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: web}
            spec:
              hosts: [shop.example.com]
              gateways: [istio-system/gw]
              http:
              - route: [{destination: {host: my-app, subset: v1}}]
            """, """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: api}
            spec:
              hosts: [shop.example.com]
              gateways: [istio-system/gw]
              http:
              - match: [{uri: {prefix: /api}}]
                route: [{destination: {host: my-app, subset: v2}}]
            """};

    /** The reference ingress gateway proxy, fed by a control plane built with {@code mutant}. */
    private static RouteTable gateway(Mutant mutant) {
        XdsResources x = XdsTranslator.translateGateway(config(GATEWAY_AND_TWO_VIRTUAL_SERVICES), PODS,
                dev.meshroute.reference.mesh.ReferenceMesh.GATEWAY_PROXY, new XdsTranslator.Options(null, mutant));
        RouteConfiguration rc = x.routes().stream().filter(r -> r.getName().equals("http.80")).findFirst()
                .orElseThrow();
        Map<String, ClusterLoadAssignment> assignments = x.endpoints().stream()
                .collect(Collectors.toMap(ClusterLoadAssignment::getClusterName, Function.identity()));
        return RouteTable.compile(rc, x.clusters().stream().map(Cluster::getName).toList(), assignments, () -> 0L);
    }

    @Test
    void gatewayFirstVirtualServiceWins_laterVirtualServicesOfTheHostAreDropped() {
        // SEMANTICS.md 6.3: merged, the catch-all moved last, so /api reaches the second VirtualService
        assertEquals(V2, outcome(gateway(Mutant.NONE), request("shop.example.com", "/api")));
        assertEquals(V1, outcome(gateway(Mutant.GATEWAY_FIRST_VIRTUAL_SERVICE_WINS),
                request("shop.example.com", "/api")));
        assertEquals(List.of(""), gateway(Mutant.GATEWAY_FIRST_VIRTUAL_SERVICE_WINS).routeNames("shop.example.com"));
    }

    @Test
    void gatewayCatchAllNotMovedLast_earlierCatchAllHidesLaterRoutes() {
        assertEquals(V2, outcome(gateway(Mutant.NONE), request("shop.example.com", "/api")));
        assertEquals(V1, outcome(gateway(Mutant.GATEWAY_CATCH_ALL_NOT_MOVED_LAST),
                request("shop.example.com", "/api")));
        // both routes are there, in VirtualService order
        assertEquals(2, gateway(Mutant.GATEWAY_CATCH_ALL_NOT_MOVED_LAST).routeNames("shop.example.com").size());
    }

    // ---- trafficPolicy (SEMANTICS.md 3.4, 5.1-5.3, 5.5) --------------------------------------------------

    private static final List<Pod> THREE_V1_PODS = List.of(pod("v1-a", "v1", 9001), pod("v1-b", "v1", 9002),
            pod("v1-c", "v1", 9003), pod("v2-a", "v2", 9004));

    private static String policyDr(String name, String policy, String v2Policy) {
        return """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: %s
                spec:
                  host: my-app
                %s  subsets:
                  - name: v1
                    labels: {version: v1}
                  - name: v2
                    labels: {version: v2}
                %s""".formatted(name, policy == null ? "" : "  trafficPolicy: " + policy + "\n",
                v2Policy == null ? "" : "    trafficPolicy: " + v2Policy + "\n");
    }

    private static XdsResources translatePolicy(Mutant mutant, String... docs) {
        return XdsTranslator.translate(config(docs), THREE_V1_PODS, ClientProxy.DEFAULT,
                new XdsTranslator.Options(null, mutant));
    }

    private static Cluster clusterOf(XdsResources x, String name) {
        return x.clusters().stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
    }

    /** A proxy with live cluster state (load balancers, circuit breakers), built with {@code mutant}. */
    private static RouteTable statefulProxy(XdsResources x, Mutant mutant, RandomSource random) {
        RouteConfiguration rc = x.routes().stream().filter(r -> r.getName().equals("80")).findFirst().orElseThrow();
        Map<String, ClusterLoadAssignment> assignments = x.endpoints().stream()
                .collect(Collectors.toMap(ClusterLoadAssignment::getClusterName, Function.identity()));
        return RouteTable.compileClusters(rc, x.clusters(), assignments, random, mutant, () -> 0L);
    }

    @Test
    void consistentHashIgnoresKey_sameHeaderValueNoLongerSticksToOnePod() {
        XdsResources x = translatePolicy(Mutant.NONE, SERVICE,
                policyDr("d", "{loadBalancer: {consistentHash: {httpHeaderName: x-user}}}", null),
                vs("vs", CATCH_ALL_TO_V1));
        java.util.Set<String> reference = new java.util.TreeSet<>();
        java.util.Set<String> mutated = new java.util.TreeSet<>();
        for (long random = 0; random < 3; random++) {
            long r = random;
            reference.add(((RouteDecision.Forward) statefulProxy(x, Mutant.NONE, () -> r)
                    .route(get("/", "x-user", "alice"))).podName());
            mutated.add(((RouteDecision.Forward) statefulProxy(x, Mutant.CONSISTENT_HASH_IGNORES_KEY, () -> r)
                    .route(get("/", "x-user", "alice"))).podName());
        }
        // SEMANTICS.md 5.1: the same key reaches the same pod, whatever the random value
        assertEquals(1, reference.size(), reference.toString());
        assertEquals(java.util.Set.of("v1-a", "v1-b", "v1-c"), mutated);
    }

    @Test
    void circuitBreakerIgnored_requestsBeyondTheLimitsAreNotTurnedAway() {
        XdsResources x = translatePolicy(Mutant.NONE, SERVICE, policyDr("d",
                "{connectionPool: {tcp: {maxConnections: 1}, http: {http1MaxPendingRequests: 1}}}", null),
                vs("vs", CATCH_ALL_TO_V1));
        for (Mutant mutant : List.of(Mutant.NONE, Mutant.CIRCUIT_BREAKER_IGNORED)) {
            RouteDecision.Forward f = (RouteDecision.Forward) statefulProxy(x, mutant, () -> 0L).route(get("/"));
            List<String> log = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                int n = i;
                f.upstream().admit(() -> log.add("go " + n), () -> log.add("503 UO " + n));
            }
            // SEMANTICS.md 5.2: one connection, one pending request, the third overflows
            assertEquals(mutant == Mutant.NONE ? List.of("go 1", "503 UO 3") : List.of("go 1", "go 2", "go 3"), log,
                    mutant.id());
        }
    }

    @Test
    void subsetPolicyDeepMerged_subsetSimpleAlgorithmKeepsTheDestinationRulesHash() {
        String[] docs = {SERVICE, policyDr("d", "{loadBalancer: {consistentHash: {httpHeaderName: x-user}}}",
                "{loadBalancer: {simple: ROUND_ROBIN}}")};

        // SEMANTICS.md 5.5: the subset's loadBalancer replaces the DestinationRule's wholesale
        assertEquals(Cluster.LbPolicy.ROUND_ROBIN, clusterOf(translatePolicy(Mutant.NONE, docs), V2).getLbPolicy());
        assertEquals(Cluster.LbPolicy.RING_HASH,
                clusterOf(translatePolicy(Mutant.SUBSET_POLICY_DEEP_MERGED, docs), V2).getLbPolicy());
        assertEquals(clusterOf(translatePolicy(Mutant.NONE, docs), V1),
                clusterOf(translatePolicy(Mutant.SUBSET_POLICY_DEEP_MERGED, docs), V1), "a subset without a policy");
    }

    @Test
    void outlierDetectionNeverEjects_outlierDetectionIsNotTranslated() {
        String[] docs = {SERVICE, policyDr("d", "{outlierDetection: {consecutive5xxErrors: 1}}", null)};

        // SEMANTICS.md 5.3
        assertEquals(1, clusterOf(translatePolicy(Mutant.NONE, docs), V1).getOutlierDetection().getConsecutive5Xx()
                .getValue());
        assertEquals(false, clusterOf(translatePolicy(Mutant.OUTLIER_DETECTION_NEVER_EJECTS, docs), V1)
                .hasOutlierDetection());
    }

    @Test
    void lastTrafficPolicyWins_theLaterDestinationRulesPolicyApplies() {
        String later = policyDr("later", "{loadBalancer: {simple: ROUND_ROBIN}}", null)
                .replace("name: v1", "name: v5").replace("name: v2", "name: v6");
        String[] docs = {SERVICE, policyDr("first", "{loadBalancer: {simple: RANDOM}}", null), later};

        // SEMANTICS.md 3.4: the first non-nil top-level trafficPolicy wins wholesale
        assertEquals(Cluster.LbPolicy.RANDOM, clusterOf(translatePolicy(Mutant.NONE, docs), V1).getLbPolicy());
        assertEquals(Cluster.LbPolicy.ROUND_ROBIN,
                clusterOf(translatePolicy(Mutant.LAST_TRAFFIC_POLICY_WINS, docs), V1).getLbPolicy());
    }

    @Test
    void roundRobinPicksAtRandom_turnsFollowTheRandomValueInstead() {
        XdsResources x = translatePolicy(Mutant.NONE, SERVICE, policyDr("d", "{loadBalancer: {simple: ROUND_ROBIN}}",
                null), vs("vs", CATCH_ALL_TO_V1));
        RouteTable reference = statefulProxy(x, Mutant.NONE, () -> 0L);
        RouteTable mutated = statefulProxy(x, Mutant.ROUND_ROBIN_PICKS_AT_RANDOM, () -> 0L);
        List<String> turns = new ArrayList<>();
        List<String> draws = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            turns.add(((RouteDecision.Forward) reference.route(get("/"))).podName());
            draws.add(((RouteDecision.Forward) mutated.route(get("/"))).podName());
        }
        // SEMANTICS.md 5.1: ROUND_ROBIN takes turns
        assertEquals(List.of("v1-a", "v1-b", "v1-c"), turns);
        assertEquals(List.of("v1-a", "v1-a", "v1-a"), draws);
    }

    @Test
    void alwaysEjectsOneHost_aSmallClustersBrokenPodIsEjectedPastTheDefaultTenPercent() {
        XdsResources x = translatePolicy(Mutant.NONE, SERVICE, policyDr("d", "{outlierDetection: {consecutive5xxErrors:"
                + " 1}}", null), vs("vs", CATCH_ALL_TO_V1));
        for (Mutant mutant : List.of(Mutant.NONE, Mutant.ALWAYS_EJECTS_ONE_HOST)) {
            RouteDecision.Forward f = (RouteDecision.Forward) statefulProxy(x, mutant, () -> 0L).route(get("/"));
            RouteTable.Endpoint broken = new RouteTable.Endpoint(f.endpoint(), f.podName());
            f.upstream().admit(() -> { }, () -> { });
            f.upstream().finished(broken, 500, f.endpointCount());
            java.util.Set<String> pods = new java.util.TreeSet<>();
            for (long r = 0; r < 3; r++) {
                pods.add(podPicked(f.upstream(), r));
            }
            // Envoy: 1 of 3 endpoints is 33%, past the default max_ejection_percent of 10%: nothing is ejected
            assertEquals(mutant == Mutant.NONE, pods.contains(f.podName()), mutant.id() + " " + pods);
        }
    }

    private static String podPicked(dev.meshroute.reference.dataplane.UpstreamCluster upstream, long random) {
        return upstream.pick(List.of(new RouteTable.Endpoint(java.net.InetSocketAddress.createUnresolved("127.0.0.1",
                9001), "v1-a"), new RouteTable.Endpoint(java.net.InetSocketAddress.createUnresolved("127.0.0.1", 9002),
                "v1-b"), new RouteTable.Endpoint(java.net.InetSocketAddress.createUnresolved("127.0.0.1", 9003), "v1-c")),
                java.util.OptionalLong.empty(), () -> random).podName();
    }
}
