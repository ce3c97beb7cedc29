package dev.meshroute.reference.dataplane;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Envoy's CORS filter as the reference proxy applies it per route (SEMANTICS.md 4.9). */
class CorsTest {

    private static RouteTable table(CorsPolicy policy) {
        Route route = Route.newBuilder().setName("r").setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setRoute(RouteAction.newBuilder().setCluster("c"))
                .putTypedPerFilterConfig("envoy.filters.http.cors", Any.pack(policy)).build();
        ClusterLoadAssignment cla = ClusterLoadAssignment.newBuilder().setClusterName("c")
                .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder()
                        .setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder().setSocketAddress(
                                SocketAddress.newBuilder().setAddress("127.0.0.1").setPortValue(9001))))))
                .build();
        return RouteTable.compile(RouteConfiguration.newBuilder().setName("80").addVirtualHosts(
                VirtualHost.newBuilder().setName("v").addDomains("*").addRoutes(route)).build(),
                List.of("c"), Map.of("c", cla), () -> 0L);
    }

    private static final CorsPolicy POLICY = CorsPolicy.newBuilder()
            .addAllowOriginStringMatch(StringMatcher.newBuilder().setExact("https://a.example"))
            .addAllowOriginStringMatch(StringMatcher.newBuilder().setSafeRegex(
                    RegexMatcher.newBuilder().setRegex("https://[a-z]+\\.b\\.example")))
            .setAllowMethods("GET,POST").setAllowHeaders("x-user").setMaxAge("60").setExposeHeaders("x-e")
            .setAllowCredentials(BoolValue.of(true)).build();

    private static HttpRequestHead request(String method, String origin, boolean preflight) {
        List<Map.Entry<String, String>> headers = new java.util.ArrayList<>();
        if (origin != null) {
            headers.add(Map.entry("origin", origin));
        }
        if (preflight) {
            headers.add(Map.entry("access-control-request-method", "POST"));
        }
        return new HttpRequestHead(method, "/", "svc", "http", headers);
    }

    @Test
    void route_preflightFromAllowedOrigin_isAnsweredWithThePolicy() {
        RouteDecision.LocalReply reply = assertInstanceOf(RouteDecision.LocalReply.class,
                table(POLICY).route(request("OPTIONS", "https://a.example", true)));
        assertEquals(200, reply.status());
        assertEquals(Map.of("access-control-allow-origin", "https://a.example",
                "access-control-allow-methods", "GET,POST", "access-control-allow-headers", "x-user",
                "access-control-max-age", "60", "access-control-allow-credentials", "true"), reply.headers());
    }

    @Test
    void route_preflightFromOtherOrigin_isForwarded() {
        RouteDecision.Forward f = assertInstanceOf(RouteDecision.Forward.class,
                table(POLICY).route(request("OPTIONS", "https://evil.example", true)));
        assertTrue(f.responseHeaders().isEmpty(), f.responseHeaders().toString());
    }

    @Test
    void route_simpleRequestFromAllowedOrigin_getsAllowOriginOnTheResponse() {
        RouteDecision.Forward f = assertInstanceOf(RouteDecision.Forward.class,
                table(POLICY).route(request("GET", "https://x.b.example", false)));
        assertEquals(List.of(new HeaderMutation.Op("access-control-allow-origin", "https://x.b.example", false),
                new HeaderMutation.Op("access-control-expose-headers", "x-e", false),
                new HeaderMutation.Op("access-control-allow-credentials", "true", false)), f.responseHeaders().ops());
    }

    @Test
    void route_originRegexIsAFullMatch_andOptionsWithoutRequestMethodIsNoPreflight() {
        RouteTable t = table(POLICY);
        RouteDecision.Forward evil = assertInstanceOf(RouteDecision.Forward.class,
                t.route(request("GET", "https://x.b.example.evil", false)));
        assertTrue(evil.responseHeaders().isEmpty());
        assertInstanceOf(RouteDecision.Forward.class, t.route(request("OPTIONS", "https://a.example", false)));
        RouteDecision.Forward none = assertInstanceOf(RouteDecision.Forward.class,
                t.route(request("GET", null, false)));
        assertTrue(none.responseHeaders().isEmpty());
    }
}
