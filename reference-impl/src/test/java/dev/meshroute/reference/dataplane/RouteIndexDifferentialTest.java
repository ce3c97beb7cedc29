package dev.meshroute.reference.dataplane;

import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The indexed route lookup finds exactly the route the plain in-order scan finds (Envoy's first match wins), and
 * the virtual host lookup by length-grouped wildcards the one the rules pick: random route tables (exact, prefix,
 * regex paths, case-insensitive ones, header and query conditions) against random requests from the same
 * vocabulary, so that near-misses are common. Fixed seeds; {@code -Dmeshroute.differential.tables=N} runs more.
 */
class RouteIndexDifferentialTest {

    private static final int TABLES = Integer.getInteger("meshroute.differential.tables", 3_000);
    private static final int REQUESTS_PER_TABLE = 40;

    private static final String[] SEGMENTS = {"", "a", "ab", "api", "API", "v1", "v2", "x", "a.b", "%41", "İ", "K"};
    private static final String[] REGEXES = {"/api/v[0-9]+/.*", "/a.*", ".*", "/ab?", "/x|/a", "/v1/(a|b)",
            "(?i)/api.*", "/a{0,1}b", "/api/[a-z]+", "[/]a.*", "/ab+", "/a/b", "/a\\.b", "/api/", "^/v1.*$", "/v1/a?",
            "/\\w+", "/x/.+/a", "/API/.*", "/a*"};
    private static final String[] HEADERS = {"x-user", "x-env", ":method", ":authority"};
    private static final String[] VALUES = {"", "a", "ab", "GET", "POST", "api.example.com", "b"};

    @Test
    void indexedLookup_randomTables_sameRouteAsInOrderScan() {
        Random random = new Random(20261130L);
        int compared = 0;
        int matched = 0;
        for (int t = 0; t < TABLES; t++) {
            int size = 1 + random.nextInt(t % 10 == 0 ? 200 : 25);
            RouteConfiguration config = RouteConfiguration.newBuilder().setName("80")
                    .addVirtualHosts(VirtualHost.newBuilder().setName("vh").addDomains("*")
                            .addAllRoutes(randomRoutes(random, size)))
                    .build();
            RouteTable table = RouteTable.compile(config, List.of(), Map.of(), () -> 0L);
            for (int r = 0; r < REQUESTS_PER_TABLE; r++) {
                HttpRequestHead request = randomRequest(random);
                int linear = table.matchPosition(request, true);
                assertEquals(linear, table.matchPosition(request),
                        () -> "table " + config.getVirtualHosts(0).getRoutesList() + "\nrequest " + request);
                compared++;
                matched += linear >= 0 ? 1 : 0;
            }
        }
        // the generator must produce both outcomes often, or the comparison proves little
        assertEquals(true, matched > compared / 10 && matched < compared * 9 / 10, matched + " of " + compared);
    }

    /**
     * A table compiled taking over the previous table's virtual hosts (those compiled from the same proto object,
     * as the proxy does when it installs the RDS it already checked) decides every request as a table compiled
     * from scratch: random edit sequences (a route replaced, added or removed, a virtual host's domains or name
     * changed); the unchanged hosts are the same objects from step to step.
     */
    @Test
    void compileFromPrevious_randomEdits_decidesAsFromScratch() {
        Random random = new Random(20261201L);
        String[] domains = {"a.example", "b.example", "c.example", "*"};
        int reusedHosts = 0;
        for (int sequence = 0; sequence < 60; sequence++) {
            List<VirtualHost> hosts = new ArrayList<>();
            for (int h = 0; h < 3; h++) {
                hosts.add(VirtualHost.newBuilder().setName("vh" + h).addDomains(domains[h])
                        .addAllRoutes(randomRoutes(random, 1 + random.nextInt(30))).build());
            }
            RouteTable previous = null;
            for (int step = 0; step < 25; step++) {
                int h = random.nextInt(hosts.size());
                VirtualHost.Builder edited = hosts.get(h).toBuilder();
                switch (random.nextInt(6)) {
                    case 0, 1 -> {
                        if (edited.getRoutesCount() > 0) {
                            edited.setRoutes(random.nextInt(edited.getRoutesCount()), randomRoutes(random, 1).get(0));
                        }
                    }
                    case 2 -> edited.addRoutes(random.nextInt(edited.getRoutesCount() + 1), randomRoutes(random, 1).get(0));
                    case 3 -> {
                        if (edited.getRoutesCount() > 1) {
                            edited.removeRoutes(random.nextInt(edited.getRoutesCount()));
                        }
                    }
                    case 4 -> edited.clearDomains().addDomains(domains[random.nextInt(domains.length)] + (random.nextBoolean() ? "" : ".x"));
                    default -> edited.setName("vh" + random.nextInt(4));
                }
                hosts.set(h, edited.build());
                RouteConfiguration.Builder rc = RouteConfiguration.newBuilder().setName("80");
                Set<String> seen = new HashSet<>();
                for (VirtualHost vh : hosts) {
                    if (seen.addAll(vh.getDomainsList())) {
                        rc.addVirtualHosts(vh); // Envoy rejects a repeated domain; leave such a host out
                    }
                }
                RouteConfiguration config = rc.build();
                RouteTable scratch = RouteTable.compile(config, Map.of(), Map.of(), () -> 0L,
                        dev.meshroute.reference.mutants.Mutant.NONE);
                RouteTable incremental = RouteTable.compile(config, Map.of(), Map.of(), () -> 0L,
                        dev.meshroute.reference.mutants.Mutant.NONE, previous);
                for (VirtualHost vh : config.getVirtualHostsList()) {
                    String domain = vh.getDomains(0).equals("*") ? "other.example" : vh.getDomains(0);
                    assertEquals(scratch.routeNames(domain), incremental.routeNames(domain), domain);
                    reusedHosts += previous != null && previous.routeNames(domain).equals(scratch.routeNames(domain))
                            ? 1 : 0;
                }
                for (int r = 0; r < 40; r++) {
                    HttpRequestHead base = randomRequest(random);
                    String authority = random.nextInt(4) == 0 ? "other.example" : domains[random.nextInt(3)];
                    HttpRequestHead request = new HttpRequestHead(base.method(), base.path(), authority, "http",
                            base.headers());
                    assertEquals(scratch.explain(request), incremental.explain(request),
                            () -> "config " + config + "\nrequest " + request);
                }
                previous = incremental;
            }
        }
        // most steps leave most virtual hosts as they were: the reuse path must have been taken
        assertEquals(true, reusedHosts > 1000, "virtual hosts unchanged between steps: " + reusedHosts);
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
            "/api/v[0-9]+/.* => /api/v",
            "/ab? => /a",
            "/a{0,1}b => /",
            "/ab+ => /ab",
            "/x|/a => ''",
            "(?i)/api.* => ''",
            "^/v1.*$ => ''",
            "/a\\.b => /a",
            "/v1/(a|b) => ''",
            "/api/[a-z]+ => /api/",
            "'/a b#c' => '/a b#c'",
    })
    void literalPrefix_regex_charactersEveryMatchStartsWith(String regex, String prefix) {
        assertEquals(prefix, RouteIndex.literalPrefix(regex));
    }

    @Test
    void virtualHostLookup_randomDomains_envoyOrder() {
        Random random = new Random(7L);
        String[] labels = {"a", "b", "api", "example", "com", "x-1"};
        for (int t = 0; t < 500; t++) {
            RouteConfiguration.Builder rc = RouteConfiguration.newBuilder().setName("80");
            Set<String> seen = new HashSet<>();
            List<String> domains = new ArrayList<>();
            int hosts = 1 + random.nextInt(8);
            for (int h = 0; h < hosts; h++) {
                String d = switch (random.nextInt(4)) {
                    case 0 -> "*" + (random.nextBoolean() ? "." : "") + name(random, labels);
                    case 1 -> name(random, labels) + (random.nextBoolean() ? "." : "") + "*";
                    case 2 -> random.nextInt(3) == 0 ? "*" : name(random, labels);
                    default -> name(random, labels);
                };
                if (seen.add(d.toLowerCase(Locale.ROOT))) {
                    domains.add(d);
                    rc.addVirtualHosts(VirtualHost.newBuilder().setName("vh-" + d).addDomains(d)
                            .addRoutes(directResponse("r", RouteMatch.newBuilder().setPrefix("/"))));
                }
            }
            RouteTable table = RouteTable.compile(rc.build(), List.of(), Map.of(), () -> 0L);
            for (int r = 0; r < 30; r++) {
                String host = name(random, labels);
                HttpRequestHead request = new HttpRequestHead("GET", "/", host, "http", List.of(Map.entry("host", host)));
                String expected = oracleVirtualHost(domains, host);
                assertEquals(expected, table.explain(request).virtualHost(), () -> domains + " " + host);
            }
        }
    }

    /** Envoy's rules, spelled out: exact; longest suffix wildcard; longest prefix wildcard; "*". */
    private static String oracleVirtualHost(List<String> domains, String host) {
        String h = host.toLowerCase(Locale.ROOT);
        for (String d : domains) {
            if (d.toLowerCase(Locale.ROOT).equals(h)) {
                return "vh-" + d;
            }
        }
        String best = null;
        for (String original : domains) {
            String d = original.toLowerCase(Locale.ROOT);
            if (d.length() > 1 && d.startsWith("*") && h.length() > d.length() - 1 && h.endsWith(d.substring(1))
                    && (best == null || d.length() > best.length())) {
                best = original;
            }
        }
        if (best == null) {
            for (String original : domains) {
                String d = original.toLowerCase(Locale.ROOT);
                if (d.length() > 1 && d.endsWith("*") && h.length() > d.length() - 1
                        && h.startsWith(d.substring(0, d.length() - 1)) && (best == null || d.length() > best.length())) {
                    best = original;
                }
            }
        }
        if (best == null && domains.contains("*")) {
            best = "*";
        }
        return best == null ? null : "vh-" + best;
    }

    private static String name(Random random, String[] labels) {
        StringBuilder b = new StringBuilder(labels[random.nextInt(labels.length)]);
        for (int i = random.nextInt(3); i > 0; i--) {
            b.append('.').append(labels[random.nextInt(labels.length)]);
        }
        return random.nextInt(5) == 0 ? b.toString().toUpperCase(Locale.ROOT) : b.toString();
    }

    private static List<Route> randomRoutes(Random random, int size) {
        List<Route> routes = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            RouteMatch.Builder m = RouteMatch.newBuilder();
            switch (random.nextInt(10)) {
                case 0, 1, 2 -> m.setPath(randomPath(random, false));
                case 3, 4, 5 -> {
                    String p = randomPath(random, false);
                    // any prefix of a path, "/" and "" included
                    m.setPrefix(p.substring(0, random.nextInt(p.length() + 1)));
                }
                case 6, 7 -> m.setSafeRegex(RegexMatcher.newBuilder().setRegex(REGEXES[random.nextInt(REGEXES.length)]));
                default -> m.setPrefix(random.nextInt(4) == 0 ? "/" : "/v2");
            }
            if (random.nextInt(4) == 0) {
                m.setCaseSensitive(BoolValue.of(false));
            }
            for (int h = random.nextInt(5) == 0 ? 1 + random.nextInt(2) : 0; h > 0; h--) {
                m.addHeaders(randomHeader(random));
            }
            if (random.nextInt(6) == 0) {
                QueryParameterMatcher.Builder q = QueryParameterMatcher.newBuilder().setName(random.nextBoolean() ? "k" : "q");
                if (random.nextBoolean()) {
                    q.setPresentMatch(true);
                } else {
                    q.setStringMatch(StringMatcher.newBuilder().setExact(VALUES[random.nextInt(VALUES.length)]));
                }
                m.addQueryParameters(q);
            }
            routes.add(directResponse("r" + i, m));
        }
        return routes;
    }

    private static HeaderMatcher randomHeader(Random random) {
        HeaderMatcher.Builder h = HeaderMatcher.newBuilder().setName(HEADERS[random.nextInt(HEADERS.length)])
                .setInvertMatch(random.nextInt(4) == 0);
        String v = VALUES[random.nextInt(VALUES.length)];
        switch (random.nextInt(4)) {
            case 0 -> h.setPresentMatch(random.nextBoolean());
            case 1 -> h.setStringMatch(StringMatcher.newBuilder().setExact(v));
            case 2 -> h.setStringMatch(StringMatcher.newBuilder().setPrefix(v));
            default -> h.setStringMatch(StringMatcher.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex("a.*")));
        }
        return h.build();
    }

    private static Route directResponse(String name, RouteMatch.Builder match) {
        return Route.newBuilder().setName(name).setMatch(match)
                .setDirectResponse(DirectResponseAction.newBuilder().setStatus(200)).build();
    }

    private static String randomPath(Random random, boolean request) {
        StringBuilder b = new StringBuilder();
        for (int i = random.nextInt(4); i >= 0; i--) {
            b.append('/').append(SEGMENTS[random.nextInt(SEGMENTS.length)]);
        }
        if (random.nextInt(5) == 0) {
            b.append('/');
        }
        String path = b.toString();
        if (request && random.nextInt(4) == 0) {
            path = random.nextBoolean() ? path.toUpperCase(Locale.ROOT) : path.toLowerCase(Locale.ROOT);
        }
        return path;
    }

    private static HttpRequestHead randomRequest(Random random) {
        String path = randomPath(random, true);
        if (random.nextInt(3) == 0) {
            String[] queries = {"k=a", "q", "k=ab&q=b", "q=&k=", "x=1&k=GET", "k", "&k=a"};
            path = path + "?" + queries[random.nextInt(queries.length)];
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        headers.add(Map.entry("host", "api.example.com"));
        for (int i = random.nextInt(3); i > 0; i--) {
            headers.add(Map.entry(HEADERS[random.nextInt(2)], VALUES[random.nextInt(VALUES.length)]));
        }
        return new HttpRequestHead(random.nextBoolean() ? "GET" : "POST", path, "api.example.com", "http", headers);
    }
}
