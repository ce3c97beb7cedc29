package dev.meshroute.reference.dataplane;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * How the proxy picks a virtual host from the Host header: Envoy's {@code RouteMatcher::findVirtualHost} and
 * {@code VirtualHost.domains} (SEMANTICS.md 6.1, 6.2): exact domain, then the longest suffix wildcard, then the
 * longest prefix wildcard, then {@code *}; a wildcard never matches the empty string; the Host is lower-cased,
 * and its port is ignored only with {@code ignore_port_in_host_matching}. A domain must be unique across all
 * virtual hosts, and only one may be {@code *}, or the configuration fails to load (NACK).
 */
class RouteTableHostLookupTest {

    /**
     * A route configuration with one virtual host per entry, named after its key and listing the given domains;
     * each has one catch-all route to a cluster of the virtual host's name, which has one endpoint.
     */
    private static RouteTable table(boolean ignorePort, Map<String, List<String>> vhosts) {
        RouteConfiguration.Builder rc = RouteConfiguration.newBuilder().setName("80")
                .setIgnorePortInHostMatching(ignorePort);
        Map<String, ClusterLoadAssignment> assignments = new LinkedHashMap<>();
        int port = 9001;
        for (Map.Entry<String, List<String>> vh : vhosts.entrySet()) {
            rc.addVirtualHosts(VirtualHost.newBuilder().setName(vh.getKey()).addAllDomains(vh.getValue())
                    .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
                            .setRoute(RouteAction.newBuilder().setCluster(vh.getKey()))));
            assignments.put(vh.getKey(), ClusterLoadAssignment.newBuilder().setClusterName(vh.getKey())
                    .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder()
                            .setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder().setSocketAddress(
                                    SocketAddress.newBuilder().setAddress("127.0.0.1").setPortValue(port++))))))
                    .build());
        }
        return RouteTable.compile(rc.build(), assignments.keySet(), assignments, () -> 0L);
    }

    /** Virtual hosts in the order given: name, domains, name, domains, ... (one domain each). */
    private static RouteTable table(String... nameAndDomain) {
        Map<String, List<String>> vhosts = new LinkedHashMap<>();
        for (int i = 0; i < nameAndDomain.length; i += 2) {
            vhosts.put(nameAndDomain[i], List.of(nameAndDomain[i + 1]));
        }
        return table(true, vhosts);
    }

    /** The virtual host (= cluster) a request with this Host goes to, or "404 NR". */
    private static String vhostFor(RouteTable t, String host) {
        RouteDecision d = t.route(new HttpRequestHead("GET", "/", host, "http", List.of(Map.entry("host", host))));
        if (d instanceof RouteDecision.Forward f) {
            return f.cluster();
        }
        RouteDecision.LocalReply r = (RouteDecision.LocalReply) d;
        return r.status() + " " + r.responseFlags();
    }

    private static final RouteTable ALL_KINDS = table(
            "any", "*",
            "prefix", "api.*",
            "suffix", "*.example.com",
            "exact", "api.example.com");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "api.example.com, exact", // exact beats every wildcard, whatever the order
            "www.example.com, suffix",
            "api.example.org, prefix",
            "api.example.com:8080, exact",
            "API.Example.COM, exact",
            "example.com, any", // *.example.com needs the dot
            "other.org, any"})
    void route_domainKinds_exactThenSuffixThenPrefixThenStar(String host, String vhost) {
        assertEquals(vhost, vhostFor(ALL_KINDS, host));
    }

    @Test
    void route_suffixAndPrefixWildcardBothMatch_suffixWins() {
        RouteTable t = table("prefix", "www.*", "suffix", "*.example.com");

        assertEquals("suffix", vhostFor(t, "www.example.com"));
    }

    @Test
    void route_suffixWildcard_needsAtLeastOneCharacterBeforeTheSuffix() {
        // route_components.proto VirtualHost.domains: "*-bar.foo.com will match baz-bar.foo.com but not -bar.foo.com"
        RouteTable t = table("bar", "*-bar.foo.com");

        assertEquals("bar", vhostFor(t, "baz-bar.foo.com"));
        assertEquals("bar", vhostFor(t, "b-bar.foo.com"));
        assertEquals("404 NR", vhostFor(t, "-bar.foo.com"));
        assertEquals("404 NR", vhostFor(t, "bar.foo.com"));
    }

    @Test
    void route_prefixWildcard_needsAtLeastOneCharacterAfterThePrefix() {
        RouteTable t = table("foo", "foo.*");

        assertEquals("foo", vhostFor(t, "foo.bar"));
        assertEquals("foo", vhostFor(t, "foo.b"));
        assertEquals("404 NR", vhostFor(t, "foo."));
        assertEquals("404 NR", vhostFor(t, "foobar"));
        assertEquals("404 NR", vhostFor(t, "x.foo.bar"));
    }

    @Test
    void route_longestSuffixWildcard_winsWhateverTheOrder() {
        RouteTable shortFirst = table("com", "*.com", "example", "*.example.com");
        RouteTable longFirst = table("example", "*.example.com", "com", "*.com");

        for (RouteTable t : List.of(shortFirst, longFirst)) {
            assertEquals("example", vhostFor(t, "a.example.com"));
            assertEquals("com", vhostFor(t, "a.other.com"));
        }
    }

    @Test
    void route_longestPrefixWildcard_winsWhateverTheOrder() {
        RouteTable shortFirst = table("foo", "foo.*", "foobar", "foo.bar.*");
        RouteTable longFirst = table("foobar", "foo.bar.*", "foo", "foo.*");

        for (RouteTable t : List.of(shortFirst, longFirst)) {
            assertEquals("foobar", vhostFor(t, "foo.bar.baz"));
            assertEquals("foo", vhostFor(t, "foo.baz"));
        }
    }

    @Test
    void route_star_takesEveryHostNoOtherDomainMatches() {
        RouteTable t = table("app", "my-app", "any", "*");

        assertEquals("app", vhostFor(t, "my-app"));
        assertEquals("any", vhostFor(t, "unknown"));
        assertEquals("any", vhostFor(t, ""));
    }

    @Test
    void route_noStarAndNoDomainMatches_404NR() {
        assertEquals("404 NR", vhostFor(table("app", "my-app"), "unknown"));
    }

    @Test
    void route_upperCaseDomains_matchLowerCaseHosts() {
        RouteTable t = table("exact", "My-App", "suffix", "*.Example.COM", "prefix", "API.*");

        assertEquals("exact", vhostFor(t, "my-app"));
        assertEquals("suffix", vhostFor(t, "www.example.com"));
        assertEquals("prefix", vhostFor(t, "api.local"));
    }

    @Test
    void route_withoutIgnorePort_thePortIsPartOfTheHost() {
        Map<String, List<String>> vhosts = new LinkedHashMap<>();
        vhosts.put("app", List.of("my-app"));
        vhosts.put("app80", List.of("my-app:80"));
        RouteTable t = table(false, vhosts);

        assertEquals("app", vhostFor(t, "my-app"));
        assertEquals("app80", vhostFor(t, "my-app:80"));
        assertEquals("404 NR", vhostFor(t, "my-app:8080"));
    }

    @Test
    void route_ignorePort_stripsThePortButNotPartOfAnIpv6Address() {
        RouteTable t = table("v6", "[::1]", "app", "my-app");

        assertEquals("app", vhostFor(t, "my-app:8080"));
        assertEquals("v6", vhostFor(t, "[::1]:80"));
        assertEquals("v6", vhostFor(t, "[::1]"));
    }

    // ---- domains must be unique across the route configuration ---------------------------------

    @ParameterizedTest(name = "{0}")
    @CsvSource({"*", "*.example.com", "foo.*", "my-app", "MY-APP"})
    void compile_domainInTwoVirtualHosts_throwsXdsRejection(String second) {
        Map<String, List<String>> vhosts = new LinkedHashMap<>();
        vhosts.put("first", List.of(second.toLowerCase(Locale.ROOT)));
        vhosts.put("second", List.of(second));

        assertThrows(XdsRejection.class, () -> table(true, vhosts));
    }

    @Test
    void compile_distinctDomainsOfEveryKind_compile() {
        Map<String, List<String>> vhosts = new LinkedHashMap<>();
        vhosts.put("a", List.of("*", "*.example.com", "foo.*", "my-app"));
        vhosts.put("b", List.of("*.a.example.com", "foo.bar.*", "my-app.default"));

        RouteTable t = table(true, vhosts);
        assertEquals("b", vhostFor(t, "x.a.example.com"));
        assertEquals("a", vhostFor(t, "x.b.example.com"));
    }
}
