package dev.meshroute.reference.check;

import dev.meshroute.reference.translate.ClientProxy;
import org.yaml.snakeyaml.nodes.Node;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The meshroute route test file: a list of requests, each with the outcome a mesh operator expects.
 * <pre>
 * tests:
 * - name: beta testers go to v2
 *   client: {namespace: default, labels: {app: web}}     # optional: the sidecar sending the request
 *   request: {host: my-app, port: 80, path: /, method: GET, headers: {user-agent: beta-tester}, randomValue: 3}
 *   expect:
 *     destination: {service: my-app, subset: v2}        # or cluster: outbound|80|v2|my-app...
 *     oneOf: [{service: my-app, subset: v1}, ...]         # a weighted route: exactly these may be picked
 *     status: 404                                         # a local reply; flag: NR, NC, UH, FI
 *     route: name, pathRewrite: /x, hostRewrite: h, redirect: http://h/p, headers: {x-added: v}
 * </pre>
 */
public final class MeshTestFile {

    /** A service and optional subset, as an operator names them (short name or FQDN). */
    public record Destination(String service, String subset, Integer port) {

        /** Whether an Istio cluster name {@code outbound|port|subset|fqdn} is this destination. */
        boolean matches(String cluster) {
            String[] parts = cluster == null ? new String[0] : cluster.split("\\|", -1);
            if (parts.length != 4 || !parts[0].equals("outbound")) {
                return false;
            }
            boolean host = parts[3].equals(service) || parts[3].startsWith(service + ".");
            boolean sub = (subset == null ? "" : subset).equals(parts[2]);
            return host && sub && (port == null || parts[1].equals(String.valueOf(port)));
        }

        @Override
        public String toString() {
            return service + (subset != null ? "/" + subset : "") + (port != null ? ":" + port : "");
        }
    }

    public record Request(String host, int port, String path, String method, Map<String, String> headers,
                          Long randomValue) {
    }

    /** What is expected; null fields are not checked. */
    public record Expect(String cluster, Destination destination, List<Destination> oneOf, Integer status,
                         String flag, String route, String pathRewrite, String hostRewrite, String redirect,
                         Map<String, String> headers) {
    }

    public record Test(String name, int line, ClientProxy client, Request request, Expect expect) {
    }

    private static final Set<String> TEST = Set.of("name", "client", "request", "expect");
    private static final Set<String> CLIENT = Set.of("namespace", "labels");
    private static final Set<String> REQUEST = Set.of("host", "port", "path", "method", "headers", "randomValue");
    private static final Set<String> EXPECT = Set.of("cluster", "destination", "oneOf", "status", "flag", "route",
            "pathRewrite", "hostRewrite", "redirect", "headers");
    private static final Set<String> DESTINATION = Set.of("service", "subset", "port");

    private MeshTestFile() {
    }

    /** Parses a test file; any problem is a {@link CheckInputException} with the file and line. */
    public static List<Test> parse(String file, String text) {
        Nodes n = new Nodes(file);
        Node root = n.parse(text);
        Map<String, Node> top = n.fields(root, "the test file", Set.of("tests"));
        if (!top.containsKey("tests")) {
            throw n.error(root, "the test file needs a 'tests' list");
        }
        List<Node> items = n.list(top.get("tests"), "tests");
        if (items.isEmpty()) {
            throw n.error(top.get("tests"), "'tests' is empty");
        }
        List<Test> tests = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (Node item : items) {
            Map<String, Node> f = n.fields(item, "a test", TEST);
            for (String required : List.of("name", "request", "expect")) {
                if (!f.containsKey(required)) {
                    throw n.error(item, "a test needs '" + required + "'");
                }
            }
            String name = n.scalar(f.get("name"), "name");
            if (!names.add(name)) {
                throw n.error(f.get("name"), "test name '" + name + "' is used twice");
            }
            ClientProxy client = f.containsKey("client") ? client(n, f.get("client")) : ClientProxy.DEFAULT;
            tests.add(new Test(name, Nodes.line(item), client, request(n, f.get("request")),
                    expect(n, f.get("expect"))));
        }
        return tests;
    }

    private static ClientProxy client(Nodes n, Node node) {
        Map<String, Node> f = n.fields(node, "client", CLIENT);
        return new ClientProxy(n.string(f, "namespace", "client", ClientProxy.DEFAULT.namespace()),
                f.containsKey("labels") ? n.stringMap(f.get("labels"), "client.labels")
                        : ClientProxy.DEFAULT.labels());
    }

    private static Request request(Nodes n, Node node) {
        Map<String, Node> f = n.fields(node, "request", REQUEST);
        if (!f.containsKey("host")) {
            throw n.error(node, "request needs 'host' (the Host header, e.g. my-app)");
        }
        String path = n.string(f, "path", "request", "/");
        if (!path.startsWith("/")) {
            throw n.error(f.get("path"), "request.path must start with '/', not '" + path + "'");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        if (f.containsKey("headers")) {
            n.stringMap(f.get("headers"), "request.headers").forEach((k, v) -> headers.put(k.toLowerCase(), v));
        }
        return new Request(n.scalar(f.get("host"), "request.host"),
                f.containsKey("port") ? (int) n.number(f.get("port"), "request.port", 1, 65535) : 80, path,
                n.string(f, "method", "request", "GET"), headers,
                f.containsKey("randomValue") ? n.number(f.get("randomValue"), "request.randomValue", 0,
                        Long.MAX_VALUE) : null);
    }

    private static Destination destination(Nodes n, Node node, String what) {
        Map<String, Node> f = n.fields(node, what, DESTINATION);
        if (!f.containsKey("service")) {
            throw n.error(node, what + " needs 'service'");
        }
        return new Destination(n.scalar(f.get("service"), what + ".service"), n.string(f, "subset", what, null),
                f.containsKey("port") ? (int) n.number(f.get("port"), what + ".port", 1, 65535) : null);
    }

    private static Expect expect(Nodes n, Node node) {
        Map<String, Node> f = n.fields(node, "expect", EXPECT);
        if (f.isEmpty()) {
            throw n.error(node, "expect is empty: name at least one outcome (destination, status, ...)");
        }
        int where = (f.containsKey("cluster") ? 1 : 0) + (f.containsKey("destination") ? 1 : 0)
                + (f.containsKey("oneOf") ? 1 : 0) + (f.containsKey("status") || f.containsKey("redirect") ? 1 : 0);
        if (where > 1) {
            throw n.error(node, "expect names more than one of cluster, destination, oneOf, status/redirect;"
                    + " a request has one outcome");
        }
        List<Destination> oneOf = null;
        if (f.containsKey("oneOf")) {
            oneOf = new ArrayList<>();
            for (Node d : n.list(f.get("oneOf"), "expect.oneOf")) {
                oneOf.add(destination(n, d, "expect.oneOf entry"));
            }
            if (oneOf.isEmpty()) {
                throw n.error(f.get("oneOf"), "expect.oneOf is empty");
            }
        }
        String flag = n.string(f, "flag", "expect", null);
        if (flag != null && !f.containsKey("status")) {
            throw n.error(f.get("flag"), "expect.flag needs expect.status (e.g. status: 404, flag: NR)");
        }
        return new Expect(n.string(f, "cluster", "expect", null),
                f.containsKey("destination") ? destination(n, f.get("destination"), "expect.destination") : null,
                oneOf, f.containsKey("status") ? (int) n.number(f.get("status"), "expect.status", 100, 599) : null,
                flag, n.string(f, "route", "expect", null), n.string(f, "pathRewrite", "expect", null),
                n.string(f, "hostRewrite", "expect", null), n.string(f, "redirect", "expect", null),
                f.containsKey("headers") ? n.stringMap(f.get("headers"), "expect.headers") : null);
    }

    /** Compares what the route table did with what the test expects. */
    static CheckResult compare(Test test, Observation o) {
        Expect e = test.expect();
        List<String> bad = new ArrayList<>();
        if (e.cluster() != null && !e.cluster().equals(o.cluster())) {
            bad.add("cluster: expected " + e.cluster() + ", actual " + actual(o));
        }
        if (e.destination() != null) {
            if (!e.destination().matches(o.cluster())) {
                bad.add("destination: expected " + e.destination() + ", actual " + actual(o));
            } else if (o.possible().size() > 1 && test.request().randomValue() == null) {
                bad.add("destination: expected only " + e.destination() + ", actual a split among "
                        + o.possible().keySet() + " (expect oneOf, or set request.randomValue)");
            }
        }
        if (e.oneOf() != null) {
            boolean same = o.cluster() != null && o.possible().size() == e.oneOf().size()
                    && o.possible().keySet().stream().allMatch(c -> e.oneOf().stream().anyMatch(d -> d.matches(c)))
                    && e.oneOf().stream().allMatch(d -> o.possible().keySet().stream().anyMatch(d::matches));
            if (!same) {
                bad.add("oneOf: expected " + e.oneOf() + ", actual "
                        + (o.cluster() == null ? actual(o) : o.possible().toString()));
            }
        }
        if (e.status() != null && (o.cluster() != null || o.status() != e.status())) {
            bad.add("status: expected " + e.status() + ", actual " + actual(o));
        }
        if (e.flag() != null && !e.flag().equals(o.flag())) {
            bad.add("flag: expected " + e.flag() + ", actual " + (o.flag() == null ? "none" : o.flag()));
        }
        if (e.route() != null && !e.route().equals(o.route())) {
            bad.add("route: expected '" + e.route() + "', actual " + (o.route() == null ? "none" : "'" + o.route()
                    + "'"));
        }
        if (e.pathRewrite() != null && !e.pathRewrite().equals(o.path())) {
            bad.add("pathRewrite: expected " + e.pathRewrite() + ", actual "
                    + (o.path() == null ? actual(o) : o.path()));
        }
        if (e.hostRewrite() != null && !e.hostRewrite().equals(o.authority())) {
            bad.add("hostRewrite: expected " + e.hostRewrite() + ", actual "
                    + (o.authority() == null ? actual(o) : o.authority()));
        }
        if (e.redirect() != null && !e.redirect().equals(o.location())) {
            bad.add("redirect: expected " + e.redirect() + ", actual "
                    + (o.location() == null ? actual(o) : o.location()));
        }
        if (e.headers() != null) {
            e.headers().forEach((name, value) -> {
                String actual = o.upstreamHeader(name);
                if (!value.equals(actual)) {
                    bad.add("header " + name + ": expected " + value + ", actual "
                            + (o.cluster() == null ? actual(o) : actual == null ? "absent" : actual));
                }
            });
        }
        return new CheckResult(test.name(), bad, o.describe());
    }

    private static String actual(Observation o) {
        return o.cluster() != null ? o.cluster() : o.status() + (o.flag() != null ? " " + o.flag() : "");
    }
}
