package dev.meshroute.reference.robustness;

import dev.meshroute.reference.config.ConfigLoader;
import dev.meshroute.reference.config.ConfigStore;
import dev.meshroute.reference.dataplane.HttpRequestHead;
import dev.meshroute.reference.dataplane.RouteDecision;
import dev.meshroute.reference.dataplane.RouteTable;
import dev.meshroute.reference.model.Diagnostic;
import dev.meshroute.reference.model.MeshConfig;
import dev.meshroute.reference.model.Workload;
import dev.meshroute.reference.registry.Pod;
import dev.meshroute.reference.testsupport.Fixtures;
import dev.meshroute.reference.translate.ClientProxy;
import dev.meshroute.reference.translate.XdsResources;
import dev.meshroute.reference.translate.XdsTranslator;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bad-input corpus ({@code src/test/resources/bad-inputs/NNN-name.yaml}, issue #10): each file goes through
 * the real loader, validation and analysis, as {@code meshroute-reference validate} runs them, applied to a
 * running {@link ConfigStore} together with the routing guide's valid configuration. Each must give exactly the
 * diagnostics in its {@code NNN-name.expected} file (file, line, what is wrong, what to do), never an exception,
 * never a hang, and the guide's routes must still translate and route exactly as before.
 *
 * <p>Run with {@code -Dmeshroute.corpus.record=true} to (re)write the {@code .expected} files from what the
 * reference prints; review every changed line before committing it.
 */
class BadInputCorpusTest {

    static final Path CORPUS = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
            .resolve("src/test/resources/bad-inputs");
    private static final boolean RECORD = Boolean.getBoolean("meshroute.corpus.record");
    /** A hang guard, not a speed requirement: every input here loads in milliseconds. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(60);

    static Stream<Path> corpus() throws IOException {
        try (Stream<Path> files = Files.list(CORPUS)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @Test
    void corpus_hasAtLeastOneHundredInputs() throws IOException {
        assertTrue(corpus().count() >= 100, "the corpus must keep at least 100 bad inputs");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void badInput_givesItsExactDiagnostics_andTheValidConfigurationStaysInForce(Path file) throws IOException {
        Path expectedFile = file.resolveSibling(file.getFileName().toString().replace(".yaml", ".expected"));
        Checked checked = assertTimeoutPreemptively(HANG_GUARD, () -> applyWithGuide(ConfigLoader.loadFile(file),
                file.toString()));
        List<String> actual = checked.badFileLines();
        if (RECORD) {
            Files.writeString(expectedFile, String.join("\n", actual) + "\n", StandardCharsets.UTF_8);
        }
        assertTrue(Files.exists(expectedFile), "no " + expectedFile.getFileName() + "; record it (see the class comment)");
        List<String> expected = Files.readAllLines(expectedFile, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank()).toList();
        assertEquals(expected, actual, "diagnostics of " + file.getFileName());
        checked.assertClear();
    }

    // ---- huge and hostile inputs, generated here rather than committed

    @Test
    void aFileOverEightMebibytes_isRefusedUnread(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path huge = dir.resolve("huge.yaml");
        String doc = Fixtures.SERVICE.replace("my-app", "svc-%d") + "---\n";
        StringBuilder sb = new StringBuilder(9 << 20);
        for (int i = 0; sb.length() <= 8 << 20; i++) {
            sb.append(doc.replace("%d", Integer.toString(i)));
        }
        Files.writeString(huge, sb);
        Checked checked = assertTimeoutPreemptively(HANG_GUARD,
                () -> applyWithGuide(ConfigLoader.loadFile(huge), huge.toString()));
        assertEquals(List.of("huge.yaml: error: file is larger than 8 MiB; split it into smaller files"),
                checked.badFileLines());
        checked.assertClear();
    }

    @Test
    void oneThousandDocuments_loadAndAnErrorInTheLastOneNamesItsLine() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 1_000; i++) {
            sb.append(Fixtures.SERVICE.replace("name: my-app", "name: svc-" + i)).append("---\n");
        }
        int line = (int) sb.chars().filter(c -> c == '\n').count() + 4;
        sb.append("apiVersion: v1\nkind: Service\nmetadata:\n  name: last\nspec:\n  ports:\n  - port: eighty\n");
        int portLine = line + 3;
        Checked checked = assertTimeoutPreemptively(HANG_GUARD,
                () -> applyWithGuide(ConfigLoader.loadText("many.yaml", sb.toString()), "many.yaml"));
        assertEquals(List.of("many.yaml:" + portLine + ": error Service default/last: spec.ports[0].port: expected an"
                + " integer, found 'eighty'"), checked.badFileLines());
        assertEquals(1_000 + 1, checked.outcome().config().services().size(), "every valid Service is accepted");
        checked.assertClear();
    }

    @Test
    void aDeeplyNestedDocument_isRefusedWithItsLine() {
        String text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: deep\n  labels: " + "[".repeat(10_000)
                + "]".repeat(10_000) + "\n";
        Checked checked = assertTimeoutPreemptively(HANG_GUARD,
                () -> applyWithGuide(ConfigLoader.loadText("deep.yaml", text), "deep.yaml"));
        assertEquals(List.of("deep.yaml:1: error: malformed YAML: a document nests lists and mappings deeper than 50"
                + " levels; flatten it; documents after this point in the file were not read"), checked.badFileLines());
        checked.assertClear();
    }

    @Test
    void anAliasBomb_isRefusedWithoutExpandingIt() {
        StringBuilder sb = new StringBuilder("apiVersion: v1\nkind: Pod\nmetadata:\n  name: bomb\n  annotations:\n");
        sb.append("    a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (int i = 1; i < 10; i++) {
            sb.append("    a").append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 9; j++) {
                sb.append(j == 0 ? "" : ",").append("*a").append(i - 1);
            }
            sb.append("]\n");
        }
        Checked checked = assertTimeoutPreemptively(HANG_GUARD,
                () -> applyWithGuide(ConfigLoader.loadText("bomb.yaml", sb.toString()), "bomb.yaml"));
        List<String> lines = checked.badFileLines();
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("bomb.yaml:"), lines.get(0));
        assertEquals("bomb.yaml:1: error: malformed YAML: more than 50 aliases (*name) to lists or mappings in one"
                + " document, refused as a possible alias bomb; write the values out; documents after this point in"
                + " the file were not read", lines.get(0));
        checked.assertClear();
    }

    @Test
    void aDocumentOfFourMillionCharacters_isRefusedWithAClearMessage() {
        String text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: long\n  annotations:\n    x: |\n"
                + ("      " + "a".repeat(1000) + "\n").repeat(4_000);
        Checked checked = assertTimeoutPreemptively(HANG_GUARD,
                () -> applyWithGuide(ConfigLoader.loadText("long.yaml", text), "long.yaml"));
        assertEquals(List.of("long.yaml:1: error: malformed YAML: a document is longer than 3145728 characters;"
                + " split it into smaller documents; documents after this point in the file were not read"),
                checked.badFileLines());
        checked.assertClear();
    }

    @Test
    void aLineOfOneMebibyte_isRefusedBeforeTheQuadraticScan() {
        String text = Fixtures.SERVICE + "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: wide\n  labels:\n"
                + "    x: " + "a".repeat(1 << 20) + "\n";
        int line = Fixtures.SERVICE.split("\n").length + 7;
        Checked checked = assertTimeoutPreemptively(HANG_GUARD,
                () -> applyWithGuide(ConfigLoader.loadText("wide.yaml", text), "wide.yaml"));
        assertEquals(List.of("wide.yaml:" + line + ": error: line is longer than 65536 characters; break the value"
                + " over several lines (a block scalar, |) or move it out of the file; the file was not read"),
                checked.badFileLines());
        checked.assertClear();
    }

    @Test
    void tenThousandHostsWithOneDuplicate_isFoundWithoutQuadraticBlowUp() {
        StringBuilder hosts = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            hosts.append("  - h").append(i).append(".example.com\n");
        }
        hosts.append("  - h42.example.com\n");
        String text = "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: many-hosts\nspec:\n"
                + "  hosts:\n" + hosts + "  http:\n  - route:\n    - destination:\n        host: h1.example.com\n";
        Checked checked = assertTimeoutPreemptively(HANG_GUARD,
                () -> applyWithGuide(ConfigLoader.loadText("hosts.yaml", text), "hosts.yaml"));
        assertEquals(List.of("hosts.yaml:1: error VirtualService default/many-hosts: spec.hosts: duplicate hosts in"
                + " virtual service: h42.example.com"), checked.badFileLines());
        checked.assertClear();
    }

    @Test
    void aDirectResponseBodyOverOneMebibyte_isRejected() {
        String text = "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: big-body\nspec:\n"
                + "  hosts:\n  - big.example.com\n  http:\n  - directResponse:\n      status: 200\n      body:\n"
                + "        string: |\n" + ("          " + "x".repeat(1023) + "\n").repeat(1025);
        Checked checked = assertTimeoutPreemptively(HANG_GUARD,
                () -> applyWithGuide(ConfigLoader.loadText("body.yaml", text), "body.yaml"));
        assertEquals(List.of("body.yaml:10: error VirtualService default/big-body: spec.http[0].directResponse.body:"
                + " larger than 1 MiB, the limit Envoy is given (max_direct_response_body_size_bytes)"),
                checked.badFileLines());
        checked.assertClear();
    }

    @Test
    void aRegexOverIstiosLengthLimit_isRejected() {
        String text = "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: long-regex\nspec:\n"
                + "  hosts:\n  - long.example.com\n  http:\n  - match:\n    - uri:\n        regex: \"" + "a".repeat(1025)
                + "\"\n    route:\n    - destination:\n        host: long.example.com\n";
        Checked checked = assertTimeoutPreemptively(HANG_GUARD,
                () -> applyWithGuide(ConfigLoader.loadText("regex.yaml", text), "regex.yaml"));
        assertEquals(List.of("regex.yaml:11: error VirtualService default/long-regex: spec.http[0].match[0].uri.regex:"
                + " regex is 1025 characters long; Istio allows at most 1024"), checked.badFileLines());
        checked.assertClear();
    }

    // ---- the check itself

    /** The guide's routes as the sidecar holds them, and the decisions for two requests. */
    private static final Path GUIDE = Fixtures.guideDir();

    /** The guide as loaded, and its routes when it alone is applied: the same for every input, so computed once. */
    private static final ConfigLoader.LoadResult GUIDE_LOAD = ConfigLoader.loadDirectory(GUIDE);
    private static final List<String> GUIDE_ROUTES = routes(new ConfigStore().apply(GUIDE_LOAD).config());

    private static Checked applyWithGuide(ConfigLoader.LoadResult bad, String badFile) {
        ConfigStore store = new ConfigStore();
        ConfigStore.Outcome before = store.apply(GUIDE_LOAD);
        assertFalse(before.hasErrors(), "the guide itself must be valid: " + before.diagnostics());
        ConfigStore.Outcome after = store.apply(ConfigLoader.merge(List.of(GUIDE_LOAD, bad)));
        return new Checked(badFile, before, after, GUIDE_ROUTES, routes(after.config()));
    }

    record Checked(String badFile, ConfigStore.Outcome before, ConfigStore.Outcome outcome, List<String> routesBefore,
                   List<String> routesAfter) {

        /** The diagnostics located in the bad file, each as {@code validate} prints it, the path cut to its name. */
        List<String> badFileLines() {
            String name = Path.of(badFile).getFileName().toString();
            return outcome.diagnostics().stream().filter(d -> d.location() != null
                            && d.location().file().equals(badFile))
                    .map(d -> d.toString().replace(badFile, name)).toList();
        }

        void assertClear() {
            List<Diagnostic> mine = outcome.diagnostics().stream().filter(d -> d.location() != null
                    && d.location().file().equals(badFile)).toList();
            assertTrue(mine.stream().anyMatch(Diagnostic::isError), "a bad input must give an error: " + mine);
            for (Diagnostic d : mine) {
                String line = d.toString();
                assertFalse(line.contains("\n"), "one line each: " + line);
                assertFalse(((d.resource() == null ? "" : d.resource()) + " " + d.message()).matches(".*\\bnull\\b.*"), "no 'null' in a message: "
                        + line);
                assertFalse(line.contains("Exception") || line.contains("\tat "), "no exception text: " + line);
                assertTrue(d.message().length() > 10, "a message that says something: " + line);
            }
            List<String> othersBefore = before.diagnostics().stream().map(Object::toString).toList();
            List<String> othersAfter = outcome.diagnostics().stream().filter(d -> d.location() == null
                    || !d.location().file().equals(badFile)).map(Object::toString).toList();
            assertEquals(othersBefore, othersAfter, "the bad file must not change what is said about the valid files");
            assertTrue(outcome.config().virtualServices().stream().anyMatch(v -> v.meta().name().equals("my-app-vs")),
                    "the guide's VirtualService stays in force");
            assertEquals(routesBefore, routesAfter, "the guide's routes translate and route as before");
        }
    }

    private static List<String> routes(MeshConfig config) {
        List<Pod> pods = new ArrayList<>();
        for (Workload w : config.workloads()) {
            for (int i = 0; i < w.replicas(); i++) {
                int n = pods.size() + 1;
                pods.add(new Pod(w.meta().name() + "-" + i, w.meta().namespace(), w.podLabels(),
                        InetSocketAddress.createUnresolved("10.0.0." + n, 8080)));
            }
        }
        XdsResources x = XdsTranslator.translate(config, pods, ClientProxy.DEFAULT);
        RouteConfiguration rc = x.routes().stream().filter(r -> r.getName().equals("80")).findFirst().orElseThrow();
        Map<String, ClusterLoadAssignment> assignments = x.endpoints().stream()
                .collect(Collectors.toMap(ClusterLoadAssignment::getClusterName, Function.identity(), (a, b) -> a));
        List<String> out = new ArrayList<>();
        for (long random : new long[] {0, 95}) {
            RouteTable table = RouteTable.compile(rc, x.clusters().stream().map(Cluster::getName).toList(),
                    assignments, () -> random);
            out.add("routes: " + table.routeNames(Fixtures.FQDN));
            out.add("default(" + random + "): " + describe(table.route(request("curl/8"))));
            out.add("beta(" + random + "): " + describe(table.route(request("Mozilla beta-tester"))));
        }
        return out;
    }

    private static HttpRequestHead request(String userAgent) {
        return new HttpRequestHead("GET", "/", "my-app", "http", List.of(Map.entry("host", "my-app"),
                Map.entry("user-agent", userAgent)));
    }

    private static String describe(RouteDecision decision) {
        if (decision instanceof RouteDecision.Forward f) {
            return "forward " + f.routeName() + " -> " + f.cluster();
        }
        RouteDecision.LocalReply r = (RouteDecision.LocalReply) decision;
        return "local " + r.status() + " " + r.responseFlags();
    }
}
