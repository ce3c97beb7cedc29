package dev.meshroute.conformance.cli;

import dev.meshroute.conformance.stats.SplitCheck;
import dev.meshroute.conformance.stats.SplitVerdict;
import dev.meshroute.conformance.target.BulkClient;
import dev.meshroute.conformance.target.Exchange;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runnable jar as a user runs it ({@code java -jar reference-impl/target/meshroute-reference.jar}):
 * {@code serve} with the guide's fixtures routes 90/10 and sends beta testers to v2; {@code validate}
 * reports problems on one line each, with file and line, and exits non-zero.
 */
class ReferenceJarIT {

    private static final Path ROOT = Path.of(System.getProperty("meshroute.root", "."));
    private static final Path JAR = ROOT.resolve("reference-impl/target/meshroute-reference.jar");
    private static final Pattern PROXY_LINE = Pattern.compile("proxy on http://127\\.0\\.0\\.1:(\\d+)");

    private static Process serve;
    private static final List<String> serveOutput = java.util.Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void startServe() throws IOException {
        assertTrue(Files.isRegularFile(JAR), "the build must have produced " + JAR);
        serve = new ProcessBuilder(java(), "-jar", JAR.toString(), "serve", "--config",
                ROOT.resolve("fixtures/guide").toString(), "--port", "0", "--xds-port", "0")
                .redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(serve.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    serveOutput.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    @AfterAll
    static void stopServe() throws InterruptedException {
        if (serve != null) {
            serve.destroy();
            serve.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int proxyPort() {
        AtomicInteger port = new AtomicInteger();
        Awaitility.await("serve prints its proxy address").atMost(Duration.ofSeconds(30)).until(() -> {
            for (String line : List.copyOf(serveOutput)) {
                Matcher m = PROXY_LINE.matcher(line);
                if (m.find()) {
                    port.set(Integer.parseInt(m.group(1)));
                    return true;
                }
            }
            assertTrue(serve.isAlive(), () -> "serve exited: " + serveOutput);
            return false;
        });
        return port.get();
    }

    @Test
    void serve_guideFixtures_splits90to10AndSendsBetaTestersToV2() {
        BulkClient client = new BulkClient(new InetSocketAddress("127.0.0.1", proxyPort()));
        Exchange.Request beta = new Exchange.Request("GET", "/", "my-app",
                List.of(Map.entry("user-agent", "Mozilla/5.0 beta-tester")));
        Awaitility.await("the guide's routes are live").atMost(Duration.ofSeconds(10))
                .until(() -> client.sendMany(beta, 1).get(0).reachedPod());

        List<Exchange.Response> betas = client.sendMany(beta, 50);
        assertTrue(betas.stream().allMatch(r -> "v2".equals(r.labels().get("version"))), betas::toString);

        Map<String, Integer> weights = new LinkedHashMap<>();
        weights.put("v1", 90);
        weights.put("v2", 10);
        SplitCheck check = SplitCheck.of(weights);
        Map<String, Long> counts = new LinkedHashMap<>();
        Exchange.Request plain = new Exchange.Request("GET", "/", "my-app.default.svc.cluster.local", List.of());
        for (Exchange.Response r : client.sendMany(plain, check.sampleSize())) {
            counts.merge(r.outcome(), 1L, Long::sum);
        }
        SplitVerdict verdict = check.check(counts, 0);
        assertTrue(verdict.passed(), verdict.describe());
    }

    @Test
    void validate_undefinedSubset_printsIst0101WithTheFileAndExits1(@TempDir Path dir) throws Exception {
        Files.copy(ROOT.resolve("fixtures/guide/my-app-workloads.yaml"), dir.resolve("workloads.yaml"));
        Files.copy(ROOT.resolve("fixtures/guide/my-app-dr.yaml"), dir.resolve("dr.yaml"));
        Files.copy(ROOT.resolve("fixtures/missing-subset/undefined-subset-vs.yaml"), dir.resolve("vs.yaml"));
        Result r = run("validate", dir.toString());
        assertEquals(1, r.exit, r.output);
        assertTrue(r.output.contains(dir.resolve("vs.yaml") + ":17: error [IST0101]"), r.output);
    }

    @Test
    void validate_badInputs_oneLineErrorEachAndNoStackTrace(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a-malformed.yaml"), "apiVersion: v1\nkind: Service\nmetadata: {name: x\n");
        Files.writeString(dir.resolve("b-regex.yaml"), """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: bad-regex}
                spec:
                  hosts: [my-app]
                  http:
                  - match: [{headers: {user-agent: {regex: "(?=beta)"}}}]
                    route: [{destination: {host: my-app}}]
                """);
        Files.writeString(dir.resolve("c-weight.yaml"), """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: bad-weight}
                spec:
                  hosts: [other]
                  http:
                  - route:
                    - {destination: {host: other, subset: a}, weight: -1}
                    - {destination: {host: other, subset: b}, weight: 2}
                """);
        Result r = run("validate", dir.toString());
        assertEquals(1, r.exit, r.output);
        assertFalse(r.output.contains("Exception") || r.output.contains("\tat "), r.output);
        assertTrue(r.output.contains(dir.resolve("a-malformed.yaml") + ":4: error: malformed YAML"), r.output);
        assertTrue(r.output.contains(dir.resolve("b-regex.yaml") + ":7: error VirtualService default/bad-regex: "
                + "spec.http[0].match[0].headers.user-agent.regex: \"(?=beta)\" is not a valid RE2 regex"), r.output);
        assertTrue(r.output.contains(dir.resolve("c-weight.yaml") + ":8: error VirtualService default/bad-weight: "
                + "spec.http[0].route[0].weight: weight -1 < 0"), r.output);
    }

    private record Result(int exit, String output) {
    }

    private static Result run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the command did not finish: " + command);
        return new Result(p.exitValue(), output);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
