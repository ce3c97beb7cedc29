package dev.meshroute.reference.analysis;

import dev.meshroute.reference.model.Diagnostic;
import dev.meshroute.reference.model.HttpMatchRequest;
import dev.meshroute.reference.model.HttpRoute;
import dev.meshroute.reference.model.StringMatch;
import dev.meshroute.reference.model.VirtualService;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * IST0130 VirtualServiceUnreachableRule and IST0131 VirtualServiceIneffectiveMatch: Istio's
 * {@code analyzeUnreachableHTTPRules} ({@code pkg/config/validation/virtualservice.go}; the webhook warns with it
 * and {@code istioctl analyze} turns the warnings into these codes). It is syntactic, not a proof: a match is dead
 * when an earlier rule has the identical match (names ignored, as {@code asJSON} drops them), or, for {@code uri}
 * prefix matches only, when an earlier prefix match "covers" it by Istio's string-prefix comparison
 * ({@code coveredValidation}, reproduced with its quirks). A rule after a rule without matches is dead too.
 */
final class UnreachableRules {

    private static final String EXACT = "exact:";
    private static final String PREFIX = "prefix:";

    private UnreachableRules() {
    }

    /** One prefix-matched entry, as {@code OverlappingMatchValidationForHTTPRoute}. */
    private record PrefixMatch(String routeStr, String matchStr, String prefix, int port, String method,
                               String authority, Map<String, String> headers, Map<String, String> queryParams,
                               Map<String, String> withoutHeaders, HttpMatchRequest match) {
    }

    static void analyze(VirtualService vs, List<Diagnostic> out) {
        List<HttpRoute> rules = vs.http();
        Map<MatchKey, Integer> matchesEncountered = new HashMap<>();
        int emptyMatchEncountered = -1;
        List<PrefixMatch> prefixMatches = new ArrayList<>();
        for (int rulen = 0; rulen < rules.size(); rulen++) {
            HttpRoute rule = rules.get(rulen);
            if (rule.match().isEmpty()) {
                if (emptyMatchEncountered >= 0) {
                    unreachable(vs, rule, rulen, "only the last rule can have no matches", out);
                }
                emptyMatchEncountered = rulen;
                continue;
            }
            int duplicates = 0;
            for (int matchn = 0; matchn < rule.match().size(); matchn++) {
                HttpMatchRequest match = rule.match().get(matchn);
                if (emptyMatchEncountered >= 0) {
                    // reported once per match, as Istio does
                    unreachable(vs, rule, rulen, "route without matches defined before", out);
                    continue;
                }
                MatchKey key = key(match);
                Integer dupn = matchesEncountered.get(key);
                if (dupn != null) {
                    ineffective(vs, match, routeName(rule, rulen), requestName(match, matchn),
                            routeName(rules.get(dupn), dupn), out);
                    duplicates++;
                    continue;
                }
                matchesEncountered.put(key, rulen);
                PrefixMatch p = prefixMatch(rule, rulen, match, matchn);
                if (p != null) {
                    prefixMatches.add(p);
                }
            }
            if (duplicates == rule.match().size()) {
                unreachable(vs, rule, rulen, "all matches used by prior rules", out);
            }
        }
        for (int i = 0; i < prefixMatches.size(); i++) {
            PrefixMatch a = prefixMatches.get(i);
            for (int j = i + 1; j < prefixMatches.size(); j++) {
                PrefixMatch b = prefixMatches.get(j);
                if (b.prefix().equals(a.prefix())) {
                    continue; // an identical match was reported above
                }
                if (covered(a, b)) {
                    ineffective(vs, b.match(), b.routeStr(), b.matchStr() + " of prefix " + b.prefix(),
                            a.matchStr() + " of prefix " + a.prefix() + " on " + a.routeStr(), out);
                }
            }
        }
    }

    private static void unreachable(VirtualService vs, HttpRoute rule, int rulen, String reason, List<Diagnostic> out) {
        out.add(new Diagnostic(Diagnostic.Level.WARNING, "IST0130", vs.key(), rule.location(),
                "VirtualService rule " + routeName(rule, rulen) + " not used (" + reason + ")."));
    }

    private static void ineffective(VirtualService vs, HttpMatchRequest match, String ruleno, String matchno,
                                    String dupno, List<Diagnostic> out) {
        out.add(new Diagnostic(Diagnostic.Level.INFO, "IST0131", vs.key(), match.location(),
                "VirtualService rule " + ruleno + " match " + matchno
                        + " is not used (duplicate/overlapping match in rule " + dupno + ")."));
    }

    /** {@code routeName}: the quoted name, or {@code #index}. */
    static String routeName(HttpRoute rule, int rulen) {
        return rule.name() != null && !rule.name().isEmpty() ? quote(rule.name()) : "#" + rulen;
    }

    private static String requestName(HttpMatchRequest match, int matchn) {
        return match.name() != null && !match.name().isEmpty() ? quote(match.name()) : "#" + matchn;
    }

    /** Go's {@code %q} for the names Istio accepts (no control characters). */
    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * Istio compares matches by their JSON without the name; this key holds the same fields, without the source
     * locations. Maps compare by their entries whatever their order, as JSON objects with sorted keys do.
     */
    record MatchKey(Sm uri, Sm scheme, Sm method, Sm authority, Map<String, Sm> headers,
                    Map<String, Sm> withoutHeaders, Map<String, Sm> queryParams, boolean ignoreUriCase, Integer port,
                    Map<String, String> sourceLabels, String sourceNamespace, List<String> gateways) {
    }

    /** A string match without its source location. */
    record Sm(StringMatch.Kind kind, String value) {
    }

    static MatchKey key(HttpMatchRequest m) {
        return new MatchKey(sm(m.uri()), sm(m.scheme()), sm(m.method()), sm(m.authority()), sms(m.headers()),
                sms(m.withoutHeaders()), sms(m.queryParams()), m.ignoreUriCase(), m.port(), m.sourceLabels(),
                m.sourceNamespace(), m.gateways());
    }

    private static Sm sm(StringMatch s) {
        return s == null ? null : new Sm(s.kind(), s.value());
    }

    private static Map<String, Sm> sms(Map<String, StringMatch> m) {
        if (m.isEmpty()) {
            return Map.of();
        }
        Map<String, Sm> out = new HashMap<>();
        m.forEach((k, v) -> out.put(k, sm(v)));
        return out;
    }

    /** {@code genMatchHTTPRoutes}: only matches with a uri prefix take part; no method counts as {@code GET}. */
    private static PrefixMatch prefixMatch(HttpRoute rule, int rulen, HttpMatchRequest m, int matchn) {
        if (m.uri() == null || m.uri().kind() != StringMatch.Kind.PREFIX || m.uri().value().isEmpty()) {
            return null;
        }
        String method = exactOrPrefix(m.method());
        if (method.isEmpty()) {
            method = EXACT + "GET";
        }
        return new PrefixMatch(routeName(rule, rulen), requestName(m, matchn), m.uri().value(),
                m.port() == null ? 0 : m.port(), method, exactOrPrefix(m.authority()), exactOrPrefix(m.headers()),
                exactOrPrefix(m.queryParams()), exactOrPrefix(m.withoutHeaders()), m);
    }

    /** {@code assignExactOrPrefix}: regex and present matches become the empty string. */
    private static String exactOrPrefix(StringMatch s) {
        if (s == null || s.value() == null || s.value().isEmpty()) {
            return "";
        }
        return switch (s.kind()) {
            case EXACT -> EXACT + s.value();
            case PREFIX -> PREFIX + s.value();
            default -> "";
        };
    }

    private static Map<String, String> exactOrPrefix(Map<String, StringMatch> m) {
        Map<String, String> out = new HashMap<>();
        m.forEach((k, v) -> out.put(k, exactOrPrefix(v)));
        return out;
    }

    /**
     * {@code coveredValidation}: the earlier prefix is a string prefix of the later one, the ports are equal, and
     * method, authority, headers, query parameters and withoutHeaders are equal or the EARLIER value starts with
     * the later one (Istio's comparison, which is the reverse of what coverage would need; kept as Istio has it).
     */
    private static boolean covered(PrefixMatch a, PrefixMatch b) {
        if (!b.prefix().startsWith(a.prefix()) || a.port() != b.port()) {
            return false;
        }
        return a.method().startsWith(b.method()) && a.authority().startsWith(b.authority())
                && mapCovered(a.headers(), b.headers()) && mapCovered(a.queryParams(), b.queryParams())
                && mapCovered(a.withoutHeaders(), b.withoutHeaders());
    }

    private static boolean mapCovered(Map<String, String> a, Map<String, String> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (Map.Entry<String, String> e : a.entrySet()) {
            String other = b.get(e.getKey());
            if (other == null || !e.getValue().startsWith(other)) {
                return false;
            }
        }
        return true;
    }
}
