package dev.meshroute.reference.dataplane;

import dev.meshroute.reference.registry.Pod;
import dev.meshroute.reference.translate.ClientProxy;
import dev.meshroute.reference.translate.XdsResources;
import dev.meshroute.reference.translate.XdsTranslator;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

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

/**
 * The match fields of features/matches, decided by the compiled route table the way the proxy decides them:
 * requests as {@link ProxyFrontendHandler#head} builds them, i.e. with the Host line among the headers.
 */
class RouteTableMatchesTest {

    private static final String V1 = "outbound|80|v1|" + FQDN;
    private static final String V2 = "outbound|80|v2|" + FQDN;

    private static final List<Pod> PODS = List.of(pod("v1-a", "v1", 9001), pod("v2-a", "v2", 9002));

    /** A rule with {@code match} to v2, then a catch-all to v1. */
    private static RouteTable table(String match) {
        String http = """
                - match:
                  - %s
                  route:
                  - destination: {host: my-app, subset: v2}
                - route:
                  - destination: {host: my-app, subset: v1}
                """.formatted(match);
        XdsResources x = XdsTranslator.translate(config(SERVICE, DR_V1_V2, vs("vs", http)), PODS, ClientProxy.DEFAULT);
        RouteConfiguration rc = x.routes().stream().filter(r -> r.getName().equals("80")).findFirst().orElseThrow();
        Map<String, ClusterLoadAssignment> assignments = x.endpoints().stream()
                .collect(Collectors.toMap(ClusterLoadAssignment::getClusterName, Function.identity()));
        return RouteTable.compile(rc, x.clusters().stream().map(Cluster::getName).toList(), assignments, () -> 0L);
    }

    /** A request as the proxy sees it: the Host line is a header too, and is the authority. */
    private static HttpRequestHead request(String method, String host, String path, String... headers) {
        List<Map.Entry<String, String>> hs = new ArrayList<>();
        hs.add(Map.entry("host", host));
        for (int i = 0; i < headers.length; i += 2) {
            hs.add(Map.entry(headers[i], headers[i + 1]));
        }
        return new HttpRequestHead(method, path, host, "http", hs);
    }

    private static String cluster(RouteTable t, HttpRequestHead request) {
        RouteDecision d = t.route(request);
        if (d instanceof RouteDecision.Forward f) {
            return f.cluster();
        }
        RouteDecision.LocalReply r = (RouteDecision.LocalReply) d;
        return r.status() + " " + r.responseFlags();
    }

    @ParameterizedTest
    @ValueSource(strings = {"headers: {host: {exact: my-app}}", "headers: {host: {prefix: my}}",
        "headers: {host: {regex: '.*'}}", "headers: {host: {}}", "headers: {Host: {exact: my-app}}"})
    void hostHeaderKey_neverMatches_evenWithTheHostLineAmongTheHeaders(String match) {
        RouteTable t = table(match);

        assertEquals(V1, cluster(t, request("GET", "my-app", "/")));
    }

    @Test
    void hostHeaderKey_inWithoutHeaders_isAbsentAndTreatedAsEmpty() {
        // inverted "exact: my-app" on a missing header treated as "": "" != my-app, so the condition holds
        assertEquals(V2, cluster(table("withoutHeaders: {host: {exact: my-app}}"), request("GET", "my-app", "/")));
        // inverted present match on a missing header: holds
        assertEquals(V2, cluster(table("withoutHeaders: {host: {}}"), request("GET", "my-app", "/")));
    }

    @Test
    void authority_isTheRawHost_portAndCaseIncluded() {
        RouteTable t = table("authority: {exact: my-app}");

        assertEquals(V2, cluster(t, request("GET", "my-app", "/")));
        assertEquals(V1, cluster(t, request("GET", "my-app:80", "/")));
        assertEquals(V1, cluster(t, request("GET", "MY-APP", "/")));
    }

    @Test
    void method_isExactAndCaseSensitive() {
        RouteTable t = table("method: {exact: GET}");

        assertEquals(V2, cluster(t, request("GET", "my-app", "/")));
        assertEquals(V1, cluster(t, request("HEAD", "my-app", "/")));
        assertEquals(V1, cluster(table("method: {exact: get}"), request("GET", "my-app", "/")));
    }

    @Test
    void scheme_isHttpForPlainRequests() {
        assertEquals(V2, cluster(table("scheme: {exact: http}"), request("GET", "my-app", "/")));
        assertEquals(V1, cluster(table("scheme: {exact: https}"), request("GET", "my-app", "/")));
    }

    @ParameterizedTest
    @CsvSource({"x-other, 1, v2", "x-env, ok, v2", "x-env, BAD, v2", "x-env, bad, v1"})
    void withoutHeaders_truthTable(String name, String value, String subset) {
        RouteTable t = table("withoutHeaders: {x-env: {exact: bad}}");

        assertEquals("outbound|80|" + subset + "|" + FQDN, cluster(t, request("GET", "my-app", "/", name, value)));
    }

    @Test
    void withoutHeaders_emptyExact_excludesAbsentAndEmpty() {
        RouteTable t = table("withoutHeaders: {x-token: {exact: ''}}");

        assertEquals(V1, cluster(t, request("GET", "my-app", "/")));
        assertEquals(V1, cluster(t, request("GET", "my-app", "/", "x-token", "")));
        assertEquals(V2, cluster(t, request("GET", "my-app", "/", "x-token", "abc")));
    }

    @Test
    void queryParams_firstValueOnly_keyCaseSensitive() {
        RouteTable t = table("queryParams: {v: {exact: '2'}}");

        assertEquals(V2, cluster(t, request("GET", "my-app", "/?v=2&v=1")));
        assertEquals(V1, cluster(t, request("GET", "my-app", "/?v=1&v=2")));
        assertEquals(V1, cluster(t, request("GET", "my-app", "/?V=2")));
    }

    @Test
    void ignoreUriCase_relaxesPrefixButNotRegex() {
        assertEquals(V2, cluster(table("{uri: {prefix: /Static/}, ignoreUriCase: true}"),
                request("GET", "my-app", "/STATIC/a")));
        assertEquals(V1, cluster(table("{uri: {regex: /Login}, ignoreUriCase: true}"),
                request("GET", "my-app", "/login")));
    }
}
