package dev.meshroute.reference.check;

import org.yaml.snakeyaml.nodes.Node;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Envoy router_check_tool's test file ({@code test/tools/router_check/validation.proto}: {@code tests} of
 * {@code test_name}, {@code input}, {@code validate}), for the fields that map onto the reference route table's
 * decision; the others are rejected as not supported. A validate field that is present is checked, an empty
 * string meaning "none" (as in Envoy: {@code cluster_name: ""} expects no cluster).
 */
public final class EnvoyTestFile {

    /** A request_header_matches entry: a header name with an exact, prefix, suffix or contains value, or presence. */
    public record HeaderMatch(String name, String kind, String value, Boolean present, boolean invert) {

        boolean matches(String actual) {
            boolean ok;
            if (present != null) {
                ok = (actual != null) == present;
            } else if (actual == null) {
                ok = false;
            } else {
                ok = switch (kind) {
                    case "exact" -> actual.equals(value);
                    case "prefix" -> actual.startsWith(value);
                    case "suffix" -> actual.endsWith(value);
                    case "contains" -> actual.contains(value);
                    default -> throw new IllegalStateException(kind);
                };
            }
            return ok != invert;
        }

        @Override
        public String toString() {
            return (invert ? "not " : "") + name + (present != null ? (present ? " present" : " absent")
                    : " " + kind + " '" + value + "'");
        }
    }

    public record Input(String authority, String path, String method, long randomValue, boolean ssl,
                        boolean internal, List<Map.Entry<String, String>> headers) {
    }

    /** The expected values; null: not checked. */
    public record Validate(String clusterName, String virtualHostName, String hostRewrite, String pathRewrite,
                           String pathRedirect, Integer codeRedirect, List<HeaderMatch> requestHeaderMatches) {
    }

    public record Test(String name, int line, Input input, Validate validate) {
    }

    private static final Set<String> INPUT = Set.of("authority", "path", "method", "random_value", "ssl", "internal",
            "additional_request_headers");
    private static final Set<String> INPUT_UNSUPPORTED = Set.of("additional_response_headers", "runtime",
            "dynamic_metadata", "additional_headers");
    private static final Set<String> VALIDATE = Set.of("cluster_name", "virtual_host_name", "host_rewrite",
            "path_rewrite", "path_redirect", "code_redirect", "request_header_matches", "request_header_fields");
    private static final Set<String> VALIDATE_UNSUPPORTED = Set.of("virtual_cluster_name",
            "response_header_matches", "response_header_fields", "header_fields", "custom_header_fields",
            "dynamic_metadata");
    private static final Set<String> HEADER_MATCHER = Set.of("name", "string_match", "exact_match", "prefix_match",
            "suffix_match", "contains_match", "present_match", "invert_match");
    private static final Set<String> STRING_MATCH = Set.of("exact", "prefix", "suffix", "contains");

    private EnvoyTestFile() {
    }

    public static List<Test> parse(String file, String text) {
        Nodes n = new Nodes(file);
        Node root = n.parse(text);
        Map<String, Node> top = n.fields(root, "the router_check_tool test file", Set.of("tests"));
        if (!top.containsKey("tests")) {
            throw n.error(root, "the router_check_tool test file needs a 'tests' list");
        }
        List<Node> items = n.list(top.get("tests"), "tests");
        if (items.isEmpty()) {
            throw n.error(top.get("tests"), "'tests' is empty");
        }
        List<Test> tests = new ArrayList<>();
        for (Node item : items) {
            Map<String, Node> f = n.fields(item, "a test", Set.of("test_name", "input", "validate"));
            for (String required : List.of("test_name", "input", "validate")) {
                if (!f.containsKey(required)) {
                    throw n.error(item, "a test needs '" + required + "'");
                }
            }
            String name = n.scalar(f.get("test_name"), "test_name");
            if (name.isEmpty()) {
                throw n.error(f.get("test_name"), "test_name is empty");
            }
            tests.add(new Test(name, Nodes.line(item), input(n, f.get("input")), validate(n, f.get("validate"))));
        }
        return tests;
    }

    private static Input input(Nodes n, Node node) {
        Map<String, Node> f = n.fields(node, "input", INPUT, INPUT_UNSUPPORTED);
        for (String required : List.of("authority", "path", "method")) {
            if (!f.containsKey(required) || n.scalar(f.get(required), "input." + required).isEmpty()) {
                throw n.error(node, "input needs '" + required + "'");
            }
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        if (f.containsKey("additional_request_headers")) {
            for (Node h : n.list(f.get("additional_request_headers"), "input.additional_request_headers")) {
                Map<String, Node> hf = n.fields(h, "a header", Set.of("key", "value"));
                if (!hf.containsKey("key")) {
                    throw n.error(h, "a header needs 'key'");
                }
                headers.add(Map.entry(n.scalar(hf.get("key"), "key").toLowerCase(),
                        n.string(hf, "value", "header", "")));
            }
        }
        return new Input(n.scalar(f.get("authority"), "input.authority"), n.scalar(f.get("path"), "input.path"),
                n.scalar(f.get("method"), "input.method"),
                f.containsKey("random_value") ? n.number(f.get("random_value"), "input.random_value", 0,
                        Long.MAX_VALUE) : 0,
                f.containsKey("ssl") && n.bool(f.get("ssl"), "input.ssl"),
                f.containsKey("internal") && n.bool(f.get("internal"), "input.internal"), headers);
    }

    private static Validate validate(Nodes n, Node node) {
        Map<String, Node> f = n.fields(node, "validate", VALIDATE, VALIDATE_UNSUPPORTED);
        if (f.isEmpty()) {
            throw n.error(node, "validate is empty: name at least one field to check");
        }
        List<HeaderMatch> matches = null;
        if (f.containsKey("request_header_matches")) {
            matches = new ArrayList<>();
            for (Node m : n.list(f.get("request_header_matches"), "validate.request_header_matches")) {
                matches.add(headerMatch(n, m));
            }
        }
        if (f.containsKey("request_header_fields")) {
            // the older form: key and value, compared exactly
            matches = matches == null ? new ArrayList<>() : matches;
            for (Node h : n.list(f.get("request_header_fields"), "validate.request_header_fields")) {
                Map<String, Node> hf = n.fields(h, "a request_header_fields entry", Set.of("key", "value"));
                if (!hf.containsKey("key")) {
                    throw n.error(h, "a request_header_fields entry needs 'key'");
                }
                matches.add(new HeaderMatch(n.scalar(hf.get("key"), "key"), "exact",
                        n.string(hf, "value", "request_header_fields", ""), null, false));
            }
        }
        return new Validate(n.string(f, "cluster_name", "validate", null),
                n.string(f, "virtual_host_name", "validate", null), n.string(f, "host_rewrite", "validate", null),
                n.string(f, "path_rewrite", "validate", null), n.string(f, "path_redirect", "validate", null),
                f.containsKey("code_redirect") ? (int) n.number(f.get("code_redirect"), "validate.code_redirect", 0,
                        599) : null, matches);
    }

    private static HeaderMatch headerMatch(Nodes n, Node node) {
        Map<String, Node> f = n.fields(node, "a request_header_matches entry", HEADER_MATCHER);
        if (!f.containsKey("name")) {
            throw n.error(node, "a request_header_matches entry needs 'name'");
        }
        String name = n.scalar(f.get("name"), "name");
        boolean invert = f.containsKey("invert_match") && n.bool(f.get("invert_match"), "invert_match");
        List<String> kinds = f.keySet().stream().filter(k -> !k.equals("name") && !k.equals("invert_match")).toList();
        if (kinds.size() != 1) {
            throw n.error(node, "header '" + name + "': give exactly one of string_match, exact_match, prefix_match,"
                    + " suffix_match, contains_match, present_match");
        }
        String kind = kinds.get(0);
        Node value = f.get(kind);
        if (kind.equals("present_match")) {
            return new HeaderMatch(name, null, null, n.bool(value, "present_match"), invert);
        }
        if (kind.equals("string_match")) {
            Map<String, Node> sf = n.fields(value, "string_match", STRING_MATCH, Set.of("safe_regex", "ignore_case"));
            if (sf.size() != 1) {
                throw n.error(value, "string_match needs exactly one of exact, prefix, suffix, contains");
            }
            String k = sf.keySet().iterator().next();
            return new HeaderMatch(name, k, n.scalar(sf.get(k), "string_match." + k), null, invert);
        }
        return new HeaderMatch(name, kind.substring(0, kind.indexOf('_')), n.scalar(value, kind), null, invert);
    }

    /**
     * Compares as router_check_tool does ({@code router.cc}): cluster, virtual host, path and host read "" unless a
     * route that forwards matched (Envoy's route entry); redirect path and code read "" and 0 unless a redirect or
     * direct response route matched (its direct response entry).
     */
    static CheckResult compare(Test test, Observation o) {
        Validate v = test.validate();
        List<String> bad = new ArrayList<>();
        boolean forwarded = o.cluster() != null;
        check(bad, "cluster_name", v.clusterName(), forwarded ? o.cluster() : "");
        check(bad, "virtual_host_name", v.virtualHostName(), forwarded ? o.virtualHost() : "");
        check(bad, "host_rewrite", v.hostRewrite(), forwarded ? o.authority() : "");
        check(bad, "path_rewrite", v.pathRewrite(), forwarded ? o.path() : "");
        check(bad, "path_redirect", v.pathRedirect(), o.location() == null ? "" : o.location());
        if (v.codeRedirect() != null) {
            int actual = o.directResponse() ? o.status() : 0;
            if (actual != v.codeRedirect()) {
                bad.add("code_redirect: expected " + v.codeRedirect() + ", actual " + actual);
            }
        }
        if (v.requestHeaderMatches() != null) {
            for (HeaderMatch m : v.requestHeaderMatches()) {
                String actual = o.upstreamHeader(m.name());
                if (!m.matches(actual)) {
                    bad.add("request header: expected " + m + ", actual " + (actual == null ? "absent" : actual));
                }
            }
        }
        return new CheckResult(test.name(), bad, o.describe());
    }

    private static void check(List<String> bad, String field, String expected, String actual) {
        if (expected != null && !expected.equals(actual)) {
            bad.add(field + ": expected '" + expected + "', actual '" + actual + "'");
        }
    }
}
