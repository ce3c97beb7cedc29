package dev.meshroute.reference.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.BoolValue;
import dev.meshroute.reference.dataplane.HttpRequestHead;
import dev.meshroute.reference.dataplane.RouteTable;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Differential fuzzing of route matching: random route lists (path prefix/exact/regex with case sensitivity, header
 * matchers of every string kind with invert and treat-missing-as-empty, present matchers, query parameter
 * matchers) and random requests, decided by {@link RouteTable} (through its public API only) and by the plain linear
 * matcher below, written from Envoy's documentation and {@code HeaderUtility::matchHeaders} as SEMANTICS.md quotes
 * it: the first route whose every condition holds wins. Small alphabets make matches frequent.
 *
 * <p>The default build runs the seed corpus; {@code JAZZER_FUZZ=1} fuzzes (README).
 */
class RouteMatchFuzzTest {

    private static final String[] WORDS = {"", "a", "b", "ab", "A", "ba", "/a", "/"};
    private static final String[] REGEXES = {"a.*", ".*b", "[ab]+", "a", "(?i)a+", "/a.*", "/.*", ".*", "[^/]*", "b?"};
    private static final String[] HEADERS = {"x-a", "x-b"};

    @FuzzTest(maxDuration = "60s")
    void firstMatchWins_likeALinearMatcher(FuzzedDataProvider data) {
        int n = data.consumeInt(1, 6);
        List<Route> routes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            routes.add(route(data, i));
        }
        HttpRequestHead request = request(data);
        RouteConfiguration config = RouteConfiguration.newBuilder().setName("80")
                .addVirtualHosts(VirtualHost.newBuilder().setName("vh").addDomains("*").addAllRoutes(routes))
                .build();
        RouteTable table = RouteTable.compile(config, List.of("c"), Map.of(), () -> 0L);

        int expected = 0;
        for (int i = 0; i < routes.size(); i++) {
            if (Oracle.matches(routes.get(i).getMatch(), request)) {
                expected = i + 1;
                break;
            }
        }
        assertEquals(expected, table.explain(request).position(), () -> "routes " + routes + "\nrequest " + request);
    }

    private static String pick(FuzzedDataProvider data, String[] from) {
        return from[data.consumeInt(0, from.length - 1)];
    }

    private static Route route(FuzzedDataProvider data, int i) {
        RouteMatch.Builder m = RouteMatch.newBuilder();
        switch (data.consumeInt(0, 2)) {
            case 0 -> m.setPrefix("/" + pick(data, WORDS));
            case 1 -> m.setPath("/" + pick(data, WORDS));
            default -> m.setSafeRegex(RegexMatcher.newBuilder().setRegex(pick(data, REGEXES)));
        }
        if (data.consumeBoolean()) {
            m.setCaseSensitive(BoolValue.of(data.consumeBoolean()));
        }
        int headers = data.consumeInt(0, 2);
        for (int h = 0; h < headers; h++) {
            HeaderMatcher.Builder hm = HeaderMatcher.newBuilder().setName(pick(data, HEADERS))
                    .setInvertMatch(data.consumeBoolean()).setTreatMissingHeaderAsEmpty(data.consumeBoolean());
            int kind = data.consumeInt(0, 5);
            if (kind == 5) {
                hm.setPresentMatch(data.consumeBoolean());
            } else {
                hm.setStringMatch(stringMatcher(data, kind));
            }
            m.addHeaders(hm);
        }
        int query = data.consumeInt(0, 1);
        for (int q = 0; q < query; q++) {
            QueryParameterMatcher.Builder qm = QueryParameterMatcher.newBuilder().setName(pick(data, new String[] {"q", "r"}));
            if (data.consumeBoolean()) {
                qm.setPresentMatch(true);
            } else {
                qm.setStringMatch(stringMatcher(data, data.consumeInt(0, 4)));
            }
            m.addQueryParameters(qm);
        }
        return Route.newBuilder().setName("r" + i).setMatch(m).setRoute(RouteAction.newBuilder().setCluster("c"))
                .build();
    }

    private static StringMatcher stringMatcher(FuzzedDataProvider data, int kind) {
        StringMatcher.Builder sm = StringMatcher.newBuilder();
        String w = pick(data, WORDS);
        switch (kind) {
            case 0 -> sm.setExact(w);
            case 1 -> sm.setPrefix(w);
            case 2 -> sm.setSuffix(w);
            case 3 -> sm.setContains(w);
            default -> sm.setSafeRegex(RegexMatcher.newBuilder().setRegex(pick(data, REGEXES)));
        }
        if (kind < 4 && data.consumeBoolean()) {
            sm.setIgnoreCase(true);
        }
        return sm.build();
    }

    private static HttpRequestHead request(FuzzedDataProvider data) {
        StringBuilder path = new StringBuilder("/").append(pick(data, WORDS));
        if (data.consumeBoolean()) {
            path.append("/").append(pick(data, WORDS));
        }
        int params = data.consumeInt(0, 2);
        for (int p = 0; p < params; p++) {
            path.append(p == 0 ? '?' : '&').append(pick(data, new String[] {"q", "r"}));
            if (data.consumeBoolean()) {
                path.append('=').append(pick(data, new String[] {"", "a", "b", "ab", "A"}));
            }
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        int count = data.consumeInt(0, 3);
        for (int h = 0; h < count; h++) {
            headers.add(Map.entry(pick(data, HEADERS), pick(data, WORDS)));
        }
        return new HttpRequestHead("GET", path.toString(), "my-app", "http", headers);
    }

    /** The plain matcher: Envoy's route match semantics, one condition at a time. */
    static final class Oracle {

        static boolean matches(RouteMatch m, HttpRequestHead r) {
            return path(m, r) && m.getHeadersList().stream().allMatch(h -> header(h, r))
                    && m.getQueryParametersList().stream().allMatch(q -> query(q, r));
        }

        /** prefix on the whole :path; path and safe_regex on the path without its query; case_sensitive not for regex. */
        static boolean path(RouteMatch m, HttpRequestHead r) {
            boolean ignoreCase = m.hasCaseSensitive() && !m.getCaseSensitive().getValue();
            String full = r.path();
            String noQuery = full.contains("?") ? full.substring(0, full.indexOf('?')) : full;
            return switch (m.getPathSpecifierCase()) {
                case PREFIX -> ignoreCase ? full.toLowerCase(Locale.ROOT).startsWith(m.getPrefix().toLowerCase(Locale.ROOT))
                        : full.startsWith(m.getPrefix());
                case PATH -> ignoreCase ? noQuery.equalsIgnoreCase(m.getPath()) : noQuery.equals(m.getPath());
                case SAFE_REGEX -> com.google.re2j.Pattern.compile(m.getSafeRegex().getRegex()).matches(noQuery);
                default -> throw new IllegalStateException();
            };
        }

        /** HeaderUtility::matchHeaders: values joined with ","; absent and not treated as empty -> only present_match: false matches (inverted: only present_match: true). */
        static boolean header(HeaderMatcher h, HttpRequestHead r) {
            List<String> values = new ArrayList<>();
            for (Map.Entry<String, String> e : r.headers()) {
                if (e.getKey().equalsIgnoreCase(h.getName())) {
                    values.add(e.getValue());
                }
            }
            boolean present = h.getHeaderMatchSpecifierCase() == HeaderMatcher.HeaderMatchSpecifierCase.PRESENT_MATCH;
            if (values.isEmpty() && !h.getTreatMissingHeaderAsEmpty()) {
                return h.getInvertMatch() ? present && h.getPresentMatch() : present && !h.getPresentMatch();
            }
            String value = values.isEmpty() ? "" : String.join(",", values);
            boolean match = present ? h.getPresentMatch() : string(h.getStringMatch(), value);
            return match != h.getInvertMatch();
        }

        /** The first value of the parameter; absent -> no match; present_match -> any value. */
        static boolean query(QueryParameterMatcher q, HttpRequestHead r) {
            String query = r.path().contains("?") ? r.path().substring(r.path().indexOf('?') + 1) : null;
            if (query == null) {
                return false;
            }
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                if (name.equals(q.getName())) {
                    String value = eq < 0 ? "" : pair.substring(eq + 1);
                    return q.getPresentMatch() || string(q.getStringMatch(), value);
                }
            }
            return false;
        }

        static boolean string(StringMatcher m, String value) {
            boolean ic = m.getIgnoreCase();
            String v = ic ? value.toLowerCase(Locale.ROOT) : value;
            return switch (m.getMatchPatternCase()) {
                case EXACT -> v.equals(ic ? m.getExact().toLowerCase(Locale.ROOT) : m.getExact());
                case PREFIX -> v.startsWith(ic ? m.getPrefix().toLowerCase(Locale.ROOT) : m.getPrefix());
                case SUFFIX -> v.endsWith(ic ? m.getSuffix().toLowerCase(Locale.ROOT) : m.getSuffix());
                case CONTAINS -> v.contains(ic ? m.getContains().toLowerCase(Locale.ROOT) : m.getContains());
                case SAFE_REGEX -> com.google.re2j.Pattern.compile(m.getSafeRegex().getRegex()).matches(value);
                default -> throw new IllegalStateException();
            };
        }
    }
}
