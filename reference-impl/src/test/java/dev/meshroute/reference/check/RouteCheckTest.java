package dev.meshroute.reference.check;

import dev.meshroute.reference.cli.Main;
import dev.meshroute.reference.config.ConfigLoader;
import dev.meshroute.reference.config.ConfigStore;
import dev.meshroute.reference.model.MeshConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouteCheckTest {

    private static final String MESH = """
            apiVersion: v1
            kind: Service
            metadata: {name: reviews, namespace: default}
            spec:
              selector: {app: reviews}
              ports: [{name: http, port: 80}]
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: reviews-v1, namespace: default}
            spec:
              replicas: 1
              selector: {matchLabels: {app: reviews, version: v1}}
              template: {metadata: {labels: {app: reviews, version: v1}}}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: reviews-v2, namespace: default}
            spec:
              replicas: 1
              selector: {matchLabels: {app: reviews, version: v2}}
              template: {metadata: {labels: {app: reviews, version: v2}}}
            ---
            apiVersion: networking.istio.io/v1beta1
            kind: DestinationRule
            metadata: {name: reviews, namespace: default}
            spec:
              host: reviews
              subsets:
              - {name: v1, labels: {version: v1}}
              - {name: v2, labels: {version: v2}}
            ---
            apiVersion: networking.istio.io/v1beta1
            kind: VirtualService
            metadata: {name: reviews, namespace: default}
            spec:
              hosts: [reviews]
              http:
              - name: old
                match: [{uri: {prefix: /old}}]
                redirect: {uri: /new}
              - name: api
                match: [{uri: {prefix: /api/}}]
                rewrite: {uri: /v2/, authority: reviews-api}
                headers:
                  request:
                    set: {x-api: "yes"}
                route:
                - destination: {host: reviews, subset: v2}
              - name: split
                route:
                - destination: {host: reviews, subset: v1}
                  weight: 75
                - destination: {host: reviews, subset: v2}
                  weight: 25
            """;

    private static MeshConfig mesh() {
        ConfigStore.Outcome outcome = new ConfigStore().apply(ConfigLoader.loadText("mesh.yaml", MESH));
        assertFalse(outcome.hasErrors(), outcome.diagnostics().toString());
        return outcome.config();
    }

    private static List<CheckResult> istio(String tests) {
        return RouteCheck.istio(mesh(), MeshTestFile.parse("tests.yaml", tests));
    }

    @Test
    void meshTestsPassWhenTheRouteTableAgrees() {
        List<CheckResult> results = istio("""
                tests:
                - name: redirect
                  request: {host: reviews, path: /old/x}
                  expect: {status: 301, redirect: "http://reviews/new", route: old}
                - name: rewrite and headers
                  request: {host: reviews, path: /api/list}
                  expect:
                    destination: {service: reviews, subset: v2}
                    route: api
                    pathRewrite: /v2/list
                    hostRewrite: reviews-api
                    headers: {x-api: "yes"}
                - name: split
                  request: {host: reviews.default.svc.cluster.local, path: /}
                  expect:
                    oneOf: [{service: reviews, subset: v2}, {service: reviews.default.svc.cluster.local, subset: v1}]
                - name: fixed random value at the boundary
                  request: {host: reviews, randomValue: 75}
                  expect: {cluster: "outbound|80|v2|reviews.default.svc.cluster.local"}
                - name: below the boundary
                  request: {host: reviews, randomValue: 174}
                  expect: {destination: {service: reviews, subset: v1, port: 80}}
                - name: no virtual host
                  request: {host: ratings}
                  expect: {status: 404, flag: NR}
                """);
        results.forEach(r -> assertTrue(r.passed(), r.line()));
        assertEquals(6, results.size());
        assertTrue(results.get(1).line().contains("route 2 'api'"), results.get(1).line());
    }

    @Test
    void eachMismatchShowsExpectedAndActual() {
        List<CheckResult> results = istio("""
                tests:
                - name: wrong subset
                  request: {host: reviews, path: /api/x}
                  expect: {destination: {service: reviews, subset: v1}, pathRewrite: /api/x, headers: {x-api: "no"}}
                - name: one destination for a split
                  request: {host: reviews}
                  expect: {destination: {service: reviews, subset: v1}}
                - name: wrong set
                  request: {host: reviews}
                  expect: {oneOf: [{service: reviews, subset: v1}]}
                - name: forwarded, not a 404
                  request: {host: reviews}
                  expect: {status: 404, flag: NR}
                - name: wrong route name
                  request: {host: reviews, path: /old}
                  expect: {route: api, redirect: "http://reviews/elsewhere"}
                """);
        results.forEach(r -> assertFalse(r.passed(), r.line()));
        assertEquals(List.of("destination: expected reviews/v1, actual outbound|80|v2|reviews.default.svc.cluster.local",
                "pathRewrite: expected /api/x, actual /v2/x", "header x-api: expected no, actual yes"),
                results.get(0).mismatches());
        assertTrue(results.get(1).mismatches().get(0).contains("a split among"), results.get(1).line());
        assertTrue(results.get(2).mismatches().get(0).startsWith("oneOf: expected [reviews/v1], actual {"),
                results.get(2).line());
        assertEquals(List.of("status: expected 404, actual outbound|80|v1|reviews.default.svc.cluster.local",
                "flag: expected NR, actual none"), results.get(3).mismatches());
        assertEquals(List.of("route: expected 'api', actual 'old'",
                "redirect: expected http://reviews/elsewhere, actual http://reviews/new"), results.get(4).mismatches());
        assertTrue(results.get(0).line().startsWith("FAIL  wrong subset  destination: expected"), results.get(0).line());
    }

    @Test
    void badMeshTestFilesNameFileAndLine() {
        assertEquals("t.yaml:3: malformed YAML: expected ',' or '}', but got :",
                message(() -> MeshTestFile.parse("t.yaml", "tests:\n- name: a\n  request: {host: a b: c}\n")));
        assertEquals("t.yaml:4: unknown field 'expected' in a test (known: client, expect, name, request)",
                sorted(message(() -> MeshTestFile.parse("t.yaml",
                        "tests:\n- name: a\n  request: {host: a}\n  expected: {status: 404}\n"))));
        assertEquals("t.yaml:3: request needs 'host' (the Host header, e.g. my-app)",
                message(() -> MeshTestFile.parse("t.yaml", "tests:\n- name: a\n  request: {path: /}\n"
                        + "  expect: {status: 404}\n")));
        assertEquals("t.yaml:4: expect.status must be a whole number, not 'missing'",
                message(() -> MeshTestFile.parse("t.yaml", "tests:\n- name: a\n  request: {host: a}\n"
                        + "  expect: {status: missing}\n")));
        assertTrue(message(() -> MeshTestFile.parse("t.yaml", "tests:\n- name: a\n  request: {host: a}\n"
                + "  expect: {status: 404, destination: {service: a}}\n")).startsWith("t.yaml:4: expect names more"));
        assertEquals("t.yaml:4: expect.flag needs expect.status (e.g. status: 404, flag: NR)",
                message(() -> MeshTestFile.parse("t.yaml", "tests:\n- name: a\n  request: {host: a}\n"
                        + "  expect: {flag: NR}\n")));
        assertEquals("t.yaml:1: unknown field 'x' in the test file (known: tests)",
                message(() -> MeshTestFile.parse("t.yaml", "x: 1\n")));
        assertEquals("t.yaml:1: 'tests' is empty", message(() -> MeshTestFile.parse("t.yaml", "tests: []\n")));
    }

    /** The known-field list is printed from a set; sort it so the assertion does not depend on set order. */
    private static String sorted(String message) {
        int open = message.indexOf("(known: ");
        if (open < 0) {
            return message;
        }
        String[] names = message.substring(open + 8, message.length() - 1).split(", ");
        java.util.Arrays.sort(names);
        return message.substring(0, open) + "(known: " + String.join(", ", names) + ")";
    }

    private static String message(org.junit.jupiter.api.function.Executable e) {
        return assertThrows(CheckInputException.class, e).getMessage();
    }

    private static final String ROUTES = """
            virtual_hosts:
            - name: www
              domains: [www.example.com]
              routes:
              - match: {prefix: /shop}
                route:
                  weighted_clusters:
                    clusters: [{name: a, weight: 1}, {name: b, weight: 3}]
                request_headers_to_add: [{header: {key: x-shop, value: "1"}}]
              - match: {prefix: /r}
                redirect: {host_redirect: other.example.com, response_code: FOUND}
              - match: {prefix: /}
                route: {cluster: www, prefix_rewrite: /index/}
            """;

    private static List<CheckResult> envoy(String tests) {
        return RouteCheck.envoy("routes.yaml", RouteCheck.routeConfiguration("routes.yaml", ROUTES),
                EnvoyTestFile.parse("tests.yaml", tests));
    }

    @Test
    void envoyTestsFollowRouterCheckToolFields() {
        List<CheckResult> results = envoy("""
                tests:
                - test_name: weight a is random value 0 mod 4
                  input: {authority: www.example.com, path: /shop, method: GET, random_value: 4}
                  validate:
                    cluster_name: a
                    virtual_host_name: www
                    request_header_matches: [{name: x-shop, string_match: {exact: "1"}}, {name: x-no, present_match: false}]
                - test_name: weight b is 1 to 3
                  input: {authority: www.example.com, path: /shop, method: GET, random_value: 7}
                  validate:
                    cluster_name: b
                    path_rewrite: /shop
                    host_rewrite: www.example.com
                    request_header_fields: [{key: x-shop, value: "1"}, {key: host, value: www.example.com}]
                - test_name: redirect
                  input: {authority: www.example.com, path: /r/1, method: GET, ssl: true}
                  validate:
                    cluster_name: ""
                    virtual_host_name: ""
                    path_rewrite: ""
                    path_redirect: "https://other.example.com/r/1"
                    code_redirect: 302
                - test_name: rewrite
                  input: {authority: www.example.com, path: /x, method: GET}
                  validate: {cluster_name: www, path_rewrite: /index/x, path_redirect: "", code_redirect: 0}
                - test_name: no virtual host
                  input: {authority: nowhere, path: /, method: GET}
                  validate: {cluster_name: "", virtual_host_name: ""}
                """);
        results.forEach(r -> assertTrue(r.passed(), r.line()));
        List<CheckResult> failing = envoy("""
                tests:
                - test_name: wrong
                  input: {authority: www.example.com, path: /shop, method: GET, random_value: 1}
                  validate: {cluster_name: a, request_header_matches: [{name: x-shop, string_match: {prefix: "2"}}]}
                """);
        assertEquals(List.of("cluster_name: expected 'a', actual 'b'",
                "request header: expected x-shop prefix '2', actual 1"), failing.get(0).mismatches());
    }

    @Test
    void unsupportedEnvoyFieldsAreRejectedByName() {
        assertEquals("t.yaml:4: validate field 'virtual_cluster_name' is not supported by meshroute check",
                message(() -> EnvoyTestFile.parse("t.yaml", "tests:\n- test_name: a\n"
                        + "  input: {authority: a, path: /, method: GET}\n  validate: {virtual_cluster_name: x}\n")));
        assertEquals("t.yaml:3: input field 'runtime' is not supported by meshroute check",
                message(() -> EnvoyTestFile.parse("t.yaml", "tests:\n- test_name: a\n"
                        + "  input: {authority: a, path: /, method: GET, runtime: x}\n  validate: {cluster_name: x}\n")));
        assertEquals("t.yaml:3: input needs 'method'", message(() -> EnvoyTestFile.parse("t.yaml",
                "tests:\n- test_name: a\n  input: {authority: a, path: /}\n  validate: {cluster_name: x}\n")));
        assertTrue(message(() -> RouteCheck.routeConfiguration("r.json", "{\"virtual_hosts\": [{\"nme\": 1}]}"))
                .startsWith("r.json: not an Envoy v3 RouteConfiguration: "));
        assertEquals("r.yaml: the route configuration is rejected: virtual host v route '': unsupported cluster"
                        + " specifier CLUSTER_HEADER",
                message(() -> RouteCheck.envoy("r.yaml", RouteCheck.routeConfiguration("r.yaml", """
                        virtual_hosts:
                        - {name: v, domains: ["*"], routes: [{match: {prefix: /}, route: {cluster_header: x}}]}
                        """), EnvoyTestFile.parse("t.yaml", "tests:\n- test_name: a\n"
                        + "  input: {authority: a, path: /, method: GET}\n  validate: {cluster_name: x}\n"))));
    }

    @Test
    void theCommandExitsZeroOneOrTwo(@TempDir Path dir) throws IOException {
        Path config = Files.createDirectory(dir.resolve("config"));
        Files.writeString(config.resolve("mesh.yaml"), MESH);
        Path pass = Files.writeString(dir.resolve("pass.yaml"),
                "tests:\n- name: ok\n  request: {host: reviews, path: /api/}\n  expect: {destination: {service: reviews,"
                        + " subset: v2}}\n");
        Path fail = Files.writeString(dir.resolve("fail.yaml"),
                "tests:\n- name: ok\n  request: {host: reviews, path: /api/}\n  expect: {destination: {service: reviews,"
                        + " subset: v1}}\n");
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "tests:\n- name: ok\n  request: [\n");
        assertEquals("0", run("check", "--config", config.toString(), "--tests", pass.toString())[0]);
        String[] failed = run("check", "--config", config.toString(), "--tests", fail.toString());
        assertEquals("1", failed[0]);
        assertTrue(failed[1].contains("FAIL  ok  destination: expected reviews/v1, actual outbound|80|v2|"), failed[1]);
        String[] broken = run("check", "--config", config.toString(), "--tests", bad.toString());
        assertEquals("2", broken[0]);
        assertTrue(broken[2].startsWith("meshroute: " + bad + ":4: malformed YAML"), broken[2]);
        assertEquals(1, broken[2].lines().count(), broken[2]);
        assertEquals("2", run("check", "--tests", pass.toString())[0]);
    }

    @Test
    void coverage_countsWhatTheTestsExercised_andFailUnderFailsBelowIt(@TempDir Path dir) throws IOException {
        Path config = Files.createDirectory(dir.resolve("config"));
        Files.writeString(config.resolve("mesh.yaml"), MESH);
        Path tests = Files.writeString(dir.resolve("tests.yaml"), """
                tests:
                - name: api
                  request: {host: reviews, path: /api/}
                  expect: {destination: {service: reviews, subset: v2}}
                - name: v1 share
                  request: {host: reviews, path: /, randomValue: 10}
                  expect: {destination: {service: reviews, subset: v1}}
                """);
        RouteCheck.Covered covered = RouteCheck.istioWithCoverage(config, tests);
        assertTrue(covered.results().stream().allMatch(CheckResult::passed));
        // rules: old (rule + match), api (rule + match + destination), split (rule + 2 destinations)
        assertEquals(8, covered.coverage().total());
        assertEquals(5, covered.coverage().covered());
        assertEquals(List.of("rule 0", "match 0", "destination 1"), covered.coverage().uncovered().stream()
                .map(e -> e.kind() + " " + (e.match() != null ? e.match() : e.destination() != null
                        ? e.destination() : e.rule())).toList());

        String[] plain = run("check", "--config", config.toString(), "--tests", tests.toString());
        assertFalse(plain[1].contains("route coverage"), "coverage only when asked");
        String[] reported = run("check", "--config", config.toString(), "--tests", tests.toString(), "--coverage");
        assertEquals("0", reported[0]);
        assertTrue(reported[1].contains("route coverage: 62.5% of 8 rule/match/destination entries (3 not exercised)"),
                reported[1]);
        assertTrue(reported[1].contains("  never exercised: destination VirtualService default/reviews rule 2"
                + " destination 1: -> reviews subset v2 weight 25 ("), reported[1]);
        Path json = dir.resolve("coverage.json");
        String[] below = run("check", "--config", config.toString(), "--tests", tests.toString(), "--fail-under",
                "70", "--coverage-json", json.toString());
        assertEquals("1", below[0]);
        assertEquals("meshroute: route coverage 62.50% is below the required 70% (5 of 8 rule/match/destination"
                + " entries exercised; 3 never were)\n", below[2].replace("\r", ""));
        assertTrue(Files.readString(json).contains("\"covered\" : 5"), Files.readString(json));
        assertEquals("0", run("check", "--config", config.toString(), "--tests", tests.toString(), "--fail-under",
                "62.5")[0]);
        String[] badThreshold = run("check", "--config", config.toString(), "--tests", tests.toString(),
                "--fail-under", "most");
        assertEquals("2", badThreshold[0]);
        assertEquals("meshroute: --fail-under: 'most' is not a percentage (e.g. 80 or 87.5)", badThreshold[2].trim());
        String[] envoy = run("check", "--envoy-routes", json.toString(), "--tests", tests.toString(), "--coverage");
        assertEquals("2", envoy[0]);
        assertTrue(envoy[2].contains("it needs --config DIR"), envoy[2]);
    }

    /** Exit code, stdout, stderr. */
    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit;
        try (PrintWriter o = new PrintWriter(out, true); PrintWriter e = new PrintWriter(err, true)) {
            exit = Main.run(args, o, e);
        }
        return new String[] {String.valueOf(exit), out.toString(), err.toString()};
    }
}
