package dev.meshroute.reference.coverage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.meshroute.reference.model.HttpMatchRequest;
import dev.meshroute.reference.model.HttpRoute;
import dev.meshroute.reference.model.HttpRouteDestination;
import dev.meshroute.reference.model.MeshConfig;
import dev.meshroute.reference.model.SourceLocation;
import dev.meshroute.reference.model.StringMatch;
import dev.meshroute.reference.model.VirtualService;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Route coverage, as Envoy's router_check_tool reports it for its tests, over VirtualService entries: every
 * {@code http} rule, every {@code match} entry of a rule and every {@code route} destination of the configurations
 * seen, and how many requests exercised each. Entries from several configurations add up (the same entry seen
 * twice counts its hits together). Thread-safe.
 */
public final class CoverageReport {

    private final Map<String, CoverageEntry> entries = new LinkedHashMap<>();

    /**
     * The entries of every VirtualService of {@code config} that {@code include} accepts, with their hits from
     * {@link CoverageRecorder#drain()}. A root rule that delegates has no entries of its own: its delegate's rules
     * stand for it.
     */
    public static List<CoverageEntry> entries(MeshConfig config, Map<String, Long> hits,
                                              Predicate<VirtualService> include) {
        List<CoverageEntry> out = new ArrayList<>();
        for (VirtualService vs : config.virtualServices()) {
            if (!include.test(vs)) {
                continue;
            }
            String name = vs.meta().qualifiedName();
            String source = vs.location() == null ? "" : vs.location().file();
            for (int r = 0; r < vs.http().size(); r++) {
                HttpRoute rule = vs.http().get(r);
                if (rule.delegate() != null) {
                    continue;
                }
                out.add(entry(source, name, r, null, null, rule.name() == null ? "" : "\"" + rule.name() + "\""
                        + action(rule), rule.location(), hits));
                for (int m = 0; m < rule.match().size(); m++) {
                    HttpMatchRequest match = rule.match().get(m);
                    out.add(entry(source, name, r, m, null, describe(match), match.location(), hits));
                }
                if (rule.redirect() == null && rule.directResponse() == null) {
                    for (int d = 0; d < rule.route().size(); d++) {
                        HttpRouteDestination dest = rule.route().get(d);
                        out.add(entry(source, name, r, null, d, describe(dest), dest.location(), hits));
                    }
                }
            }
        }
        return out;
    }

    private static String action(HttpRoute rule) {
        return rule.redirect() != null ? " (redirect)" : rule.directResponse() != null ? " (direct response)" : "";
    }

    private static CoverageEntry entry(String source, String vs, int rule, Integer match, Integer dest,
                                       String description, SourceLocation at, Map<String, Long> hits) {
        String location = at == null ? source : at.toString();
        return new CoverageEntry(source, vs, rule, match, dest, description, location,
                hits.getOrDefault(CoverageRecorder.key(vs, rule, match, dest), 0L));
    }

    private static String describe(HttpMatchRequest m) {
        List<String> parts = new ArrayList<>();
        if (m.name() != null) {
            parts.add("\"" + m.name() + "\"");
        }
        add(parts, "uri", m.uri());
        add(parts, "scheme", m.scheme());
        add(parts, "method", m.method());
        add(parts, "authority", m.authority());
        if (m.headers() != null) {
            m.headers().forEach((k, v) -> add(parts, "headers." + k, v));
        }
        if (m.withoutHeaders() != null) {
            m.withoutHeaders().forEach((k, v) -> add(parts, "withoutHeaders." + k, v));
        }
        if (m.queryParams() != null) {
            m.queryParams().forEach((k, v) -> add(parts, "queryParams." + k, v));
        }
        if (m.port() != null) {
            parts.add("port " + m.port());
        }
        if (m.sourceLabels() != null && !m.sourceLabels().isEmpty()) {
            parts.add("sourceLabels " + m.sourceLabels());
        }
        if (m.sourceNamespace() != null) {
            parts.add("sourceNamespace " + m.sourceNamespace());
        }
        if (m.gateways() != null && !m.gateways().isEmpty()) {
            parts.add("gateways " + m.gateways());
        }
        return parts.isEmpty() ? "{}" : String.join(", ", parts);
    }

    private static void add(List<String> parts, String field, StringMatch sm) {
        if (sm != null) {
            parts.add(field + " " + sm);
        }
    }

    private static String describe(HttpRouteDestination d) {
        if (d.destination() == null) {
            return "";
        }
        var dest = d.destination();
        return "-> " + dest.host() + (dest.subset() == null ? "" : " subset " + dest.subset())
                + (dest.port() == null ? "" : " port " + dest.port())
                + (d.weight() == null ? "" : " weight " + d.weight());
    }

    /** Adds entries: one already known gets their hits added. */
    public synchronized CoverageReport add(Collection<CoverageEntry> more) {
        for (CoverageEntry e : more) {
            entries.merge(e.key(), e, (a, b) -> a.withHits(a.hits() + b.hits()));
        }
        return this;
    }

    public synchronized List<CoverageEntry> entries() {
        return List.copyOf(entries.values());
    }

    public synchronized int total() {
        return entries.size();
    }

    public synchronized int covered() {
        return (int) entries.values().stream().filter(e -> e.hits() > 0).count();
    }

    /** Covered entries as a percentage of all; 100 when there are none (nothing was left unexercised). */
    public synchronized double percent() {
        return entries.isEmpty() ? 100.0 : 100.0 * covered() / entries.size();
    }

    /** The entries no request exercised, in the order they were seen. */
    public synchronized List<CoverageEntry> uncovered() {
        return entries.values().stream().filter(e -> e.hits() == 0).toList();
    }

    /** {@code route coverage: 87.3% of 412 rule/match/destination entries}, as printed on the console. */
    public synchronized String summaryLine() {
        return String.format(Locale.ROOT, "route coverage: %.1f%% of %d rule/match/destination entries (%d not"
                + " exercised)", percent(), total(), total() - covered());
    }

    /**
     * Why coverage fails {@code failUnder} (a percentage, 0-100), or empty when it is met. Coverage is compared
     * unrounded, so 87.34% does not meet 87.35 even though both print as 87.3%.
     */
    public synchronized Optional<String> belowThreshold(double failUnder) {
        if (percent() >= failUnder) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "route coverage %.2f%% is below the required %s%% (%d of %d"
                + " rule/match/destination entries exercised; %d never were)", percent(), plain(failUnder),
                covered(), total(), total() - covered()));
    }

    /** A threshold as given ({@code 80}, {@code 87.5} or {@code 87.5%}); a clear message when it is none. */
    public static double parseThreshold(String text, String what) {
        String t = text == null ? "" : text.trim();
        if (t.endsWith("%")) {
            t = t.substring(0, t.length() - 1).trim();
        }
        double v;
        try {
            v = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": '" + text + "' is not a percentage (e.g. 80 or 87.5)");
        }
        if (!(v >= 0 && v <= 100)) {
            throw new IllegalArgumentException(what + ": " + text + " is not between 0 and 100");
        }
        return v;
    }

    private static String plain(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    /** The report as a JSON-ready tree: totals, totals by kind, and every entry with its hits. */
    public synchronized Map<String, Object> toJsonTree() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", "meshroute-route-coverage/1");
        root.put("percent", Math.round(percent() * 100) / 100.0);
        root.put("entries", total());
        root.put("covered", covered());
        Map<String, Object> byKind = new LinkedHashMap<>();
        for (String kind : List.of("rule", "match", "destination")) {
            List<CoverageEntry> of = entries.values().stream().filter(e -> e.kind().equals(kind)).toList();
            byKind.put(kind, Map.of("entries", of.size(), "covered", of.stream().filter(e -> e.hits() > 0).count()));
        }
        root.put("byKind", byKind);
        List<Map<String, Object>> list = new ArrayList<>();
        for (CoverageEntry e : entries.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", e.kind());
            m.put("source", e.source());
            m.put("virtualService", e.virtualService());
            m.put("rule", e.rule());
            if (e.match() != null) {
                m.put("match", e.match());
            }
            if (e.destination() != null) {
                m.put("destination", e.destination());
            }
            m.put("description", e.description());
            m.put("location", e.location());
            m.put("hits", e.hits());
            list.add(m);
        }
        root.put("items", list);
        return root;
    }

    public String toJson() {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toJsonTree());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the coverage report as JSON", e);
        }
    }
}
