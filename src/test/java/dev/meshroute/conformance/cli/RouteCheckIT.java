package dev.meshroute.conformance.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged jar's {@code check} command (issue #8, offline route check) as a user runs it: the repository's
 * examples pass (meshroute tests on the guide's Istio config, and an Envoy router_check_tool test file), a wrong
 * expectation exits 1 showing expected and actual, a malformed test file exits 2 with file and line.
 */
class RouteCheckIT {

    private static final Path ROOT = Path.of(System.getProperty("meshroute.root", "."));
    private static final Path JAR = ROOT.resolve("reference-impl/target/meshroute-reference.jar");
    private static final Path EXAMPLES = ROOT.resolve("examples/route-check");

    @BeforeAll
    static void jarExists() {
        assertTrue(Files.isRegularFile(JAR), "the build must have produced " + JAR);
    }

    @Test
    void guideExamplePasses() throws Exception {
        Result r = run("check", "--config", ROOT.resolve("fixtures/guide").toString(), "--tests",
                EXAMPLES.resolve("guide-tests.yaml").toString());
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("PASS  beta testers go to v2  -> outbound|80|v2|my-app.default.svc.cluster.local"),
                r.output);
        assertTrue(r.output.contains("6 tests: 6 passed, 0 failed"), r.output);
        assertFalse(r.output.contains("FAIL"), r.output);
    }

    @Test
    void envoyRouterCheckToolExamplePasses() throws Exception {
        Result r = run("check", "--envoy-routes", EXAMPLES.resolve("envoy-routes.yaml").toString(), "--tests",
                EXAMPLES.resolve("envoy-tests.yaml").toString());
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("PASS  random value 70 is in shop-v2's 30  -> shop-v2 (virtual host www, route 4)"),
                r.output);
        assertTrue(r.output.contains("7 tests: 7 passed, 0 failed"), r.output);
    }

    @Test
    void aWrongExpectationExits1WithExpectedAndActual(@TempDir Path dir) throws Exception {
        Path tests = Files.writeString(dir.resolve("wrong.yaml"), """
                tests:
                - name: beta testers go to v1
                  request: {host: my-app, headers: {user-agent: beta-tester}}
                  expect: {destination: {service: my-app, subset: v1}}
                - name: unknown host
                  request: {host: nowhere}
                  expect: {status: 404, flag: NR}
                """);
        Result r = run("check", "--config", ROOT.resolve("fixtures/guide").toString(), "--tests", tests.toString());
        assertEquals(1, r.exit, r.output);
        assertTrue(r.output.contains("FAIL  beta testers go to v1  destination: expected my-app/v1, actual"
                + " outbound|80|v2|my-app.default.svc.cluster.local  -> outbound|80|v2|my-app.default.svc.cluster.local"
                + " (virtual host my-app.default.svc.cluster.local:80, route 1)"), r.output);
        assertTrue(r.output.contains("PASS  unknown host"), r.output);
        assertTrue(r.output.contains("2 tests: 1 passed, 1 failed"), r.output);

        Path envoy = Files.writeString(dir.resolve("envoy-wrong.yaml"), """
                tests:
                - test_name: shop
                  input: {authority: www.example.com, path: /shop, method: GET, random_value: 99}
                  validate: {cluster_name: shop-v1}
                """);
        Result e = run("check", "--envoy-routes", EXAMPLES.resolve("envoy-routes.yaml").toString(), "--tests",
                envoy.toString());
        assertEquals(1, e.exit, e.output);
        assertTrue(e.output.contains("FAIL  shop  cluster_name: expected 'shop-v1', actual 'shop-v2'"), e.output);
    }

    @Test
    void malformedTestFilesExit2WithFileAndLine(@TempDir Path dir) throws Exception {
        Path tests = Files.writeString(dir.resolve("broken.yaml"), """
                tests:
                - name: a
                  request: {host: my-app
                  expect: {status: 404}
                """);
        Result r = run("check", "--config", ROOT.resolve("fixtures/guide").toString(), "--tests", tests.toString());
        assertEquals(2, r.exit, r.output);
        assertTrue(r.output.startsWith("meshroute: " + tests + ":4: malformed YAML"), r.output);
        assertEquals(1, r.output.lines().count(), r.output);

        Path unsupported = Files.writeString(dir.resolve("unsupported.yaml"), """
                tests:
                - test_name: a
                  input: {authority: www.example.com, path: /, method: GET}
                  validate: {virtual_cluster_name: other}
                """);
        Result u = run("check", "--envoy-routes", EXAMPLES.resolve("envoy-routes.yaml").toString(), "--tests",
                unsupported.toString());
        assertEquals(2, u.exit, u.output);
        assertEquals("meshroute: " + unsupported + ":4: validate field 'virtual_cluster_name' is not supported by"
                + " meshroute check", u.output.strip());
    }

    private record Result(int exit, String output) {
    }

    private static Result run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the command did not finish: " + command);
        return new Result(p.exitValue(), output);
    }
}
