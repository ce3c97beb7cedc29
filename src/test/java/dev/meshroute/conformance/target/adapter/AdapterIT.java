package dev.meshroute.conformance.target.adapter;

import dev.meshroute.conformance.target.MeshUnderTest;
import dev.meshroute.conformance.target.ReferenceTarget;
import dev.meshroute.conformance.target.Targets;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.cucumber.junit.platform.engine.Constants.FILTER_TAGS_PROPERTY_NAME;
import static io.cucumber.junit.platform.engine.Constants.GLUE_PROPERTY_NAME;
import static io.cucumber.junit.platform.engine.Constants.PLUGIN_PUBLISH_QUIET_PROPERTY_NAME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectDirectory;
import static org.junit.platform.launcher.EngineFilter.includeEngines;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

/**
 * The adapter protocol's proof: the packaged reference jar runs as a separate process in {@code adapter} mode,
 * the scenarios run against it through {@link AdapterTarget}, and every scenario has the same outcome (passed,
 * skipped, failed) as against the reference in this JVM. The scenarios are those tagged
 * {@code -Dmeshroute.adapter.tags} (a Cucumber tag expression; default {@value #DEFAULT_TAGS}; {@code all} for every
 * scenario). The per-scenario table is written to {@code target/meshroute/adapter-comparison.md}.
 */
class AdapterIT {

    static final String DEFAULT_TAGS = "@rule-order or @validation or @analysis or @mirror or @gateway"
            + " or @deterministic-weights or @fault";

    private static final Path ROOT = Path.of(System.getProperty("meshroute.root", "."));
    private static final Path JAR = ROOT.resolve("reference-impl/target/meshroute-reference.jar");
    private static final Pattern ADAPTER_LINE = Pattern.compile("meshroute adapter \\(.*\\) on (http://\\S+?);");

    private static Process adapter;
    private static final List<String> output = java.util.Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void startAdapter() throws IOException {
        assertTrue(Files.isRegularFile(JAR), "the build must have produced " + JAR);
        adapter = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString(), "adapter", "--port", "0").redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(adapter.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    output.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    @AfterAll
    static void stopAdapter() throws InterruptedException {
        if (adapter != null) {
            adapter.destroy();
            if (!adapter.waitFor(10, TimeUnit.SECONDS)) {
                adapter.destroyForcibly();
            }
        }
    }

    private static URI adapterUrl() {
        AtomicReference<String> url = new AtomicReference<>();
        Awaitility.await("the adapter prints its address").atMost(Duration.ofSeconds(30)).until(() -> {
            for (String line : List.copyOf(output)) {
                Matcher m = ADAPTER_LINE.matcher(line);
                if (m.find()) {
                    url.set(m.group(1));
                    return true;
                }
            }
            assertTrue(adapter.isAlive(), () -> "the adapter exited: " + output);
            return false;
        });
        return URI.create(url.get());
    }

    @Test
    void referenceThroughTheAdapter_hasTheInProcessOutcomes() throws IOException {
        AdapterTarget viaAdapter = new AdapterTarget(new AdapterClient(adapterUrl(), Duration.ofSeconds(10)),
                Duration.ofSeconds(30));
        assertTrue(viaAdapter.unavailable().isEmpty(), () -> viaAdapter.unavailable().get());
        assertEquals(new java.util.TreeSet<>(dev.meshroute.reference.adapter.ReferenceCapabilities.ALL),
                new java.util.TreeSet<>(viaAdapter.capabilities()), "the adapter command declares other"
                        + " capabilities than the in-process reference: keep reference-impl's"
                        + " adapter/ReferenceCapabilities.java equal to ReferenceTarget.CAPABILITIES but http10");

        String tags = System.getProperty("meshroute.adapter.tags", DEFAULT_TAGS);
        long start = System.nanoTime();
        Map<String, String> inProcess = run(new ReferenceTarget(), tags);
        long inProcessMillis = (System.nanoTime() - start) / 1_000_000;
        start = System.nanoTime();
        Map<String, String> throughAdapter = run(viaAdapter, tags);
        long adapterMillis = (System.nanoTime() - start) / 1_000_000;

        String table = table(inProcess, throughAdapter, tags, inProcessMillis, adapterMillis);
        Path out = ROOT.resolve("target/meshroute/adapter-comparison.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table);
        System.out.println(table.lines().limit(10).collect(Collectors.joining("\n")));

        assertTrue(inProcess.values().stream().filter("passed"::equals).count() >= 10,
                () -> "too few scenarios passed in process to prove anything:\n" + table);
        String diff = diff(inProcess, throughAdapter);
        assertTrue(diff.isEmpty(), () -> "scenarios with another outcome through the adapter (all: " + out + "):\n"
                + diff);
    }

    /** Runs the selected scenarios against {@code target}: scenario id to passed, skipped or failed. */
    private static Map<String, String> run(MeshUnderTest target, String tags) {
        Map<String, String> outcomes = new TreeMap<>();
        Targets.use(target);
        try {
            var builder = request()
                    .selectors(selectDirectory(ROOT.resolve("features").toFile()))
                    .filters(includeEngines("cucumber"))
                    .configurationParameter(GLUE_PROPERTY_NAME, "dev.meshroute.conformance.steps")
                    .configurationParameter(PLUGIN_PUBLISH_QUIET_PROPERTY_NAME, "true")
                    .configurationParameter("cucumber.junit-platform.naming-strategy", "long");
            if (!tags.equals("all")) {
                builder.configurationParameter(FILTER_TAGS_PROPERTY_NAME, tags);
            }
            LauncherDiscoveryRequest request = builder.build();
            Launcher launcher = LauncherFactory.create();
            launcher.execute(request, new TestExecutionListener() {
                @Override
                public void executionSkipped(TestIdentifier id, String reason) {
                    if (id.isTest() && !reason.contains(FILTER_TAGS_PROPERTY_NAME)) {
                        outcomes.put(key(id), "skipped: " + reason);
                    }
                }

                @Override
                public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                    if (!id.isTest()) {
                        return;
                    }
                    String message = result.getThrowable().map(Throwable::getMessage).orElse("");
                    if (result.getStatus() == TestExecutionResult.Status.ABORTED
                            && message.contains(FILTER_TAGS_PROPERTY_NAME)) {
                        return; // not selected by the tag expression: not run at all
                    }
                    outcomes.put(key(id), switch (result.getStatus()) {
                        case SUCCESSFUL -> "passed";
                        case ABORTED -> "skipped: " + message;
                        case FAILED -> "failed: " + message.lines().findFirst().orElse("");
                    });
                }
            });
        } finally {
            target.close();
            Targets.use(null);
        }
        return outcomes;
    }

    /** The scenario's place (feature file, line, example row) and name: the same in both runs. */
    private static String key(TestIdentifier id) {
        String place = java.net.URLDecoder.decode(id.getUniqueId(), StandardCharsets.UTF_8)
                .replaceAll("^.*?/features/", "").replaceAll("\\]/\\[", " ")
                .replaceAll("[\\[\\]]", "");
        return place + " (" + id.getDisplayName() + ")";
    }

    private static String table(Map<String, String> inProcess, Map<String, String> adapter, String tags,
                                long inProcessMillis, long adapterMillis) {
        StringBuilder sb = new StringBuilder("# The reference in process and through the adapter protocol\n\n")
                .append("Scenarios: ").append(tags.equals("all") ? "all" : tags).append("\n\n")
                .append("| | in process | through the adapter |\n|---|---|---|\n");
        for (String outcome : List.of("passed", "skipped", "failed")) {
            sb.append("| ").append(outcome).append(" | ").append(count(inProcess, outcome)).append(" | ")
                    .append(count(adapter, outcome)).append(" |\n");
        }
        sb.append("| time | ").append(inProcessMillis / 1000.0).append(" s | ").append(adapterMillis / 1000.0)
                .append(" s |\n");
        sb.append("\n| scenario | in process | through the adapter |\n|---|---|---|\n");
        new java.util.TreeSet<>(union(inProcess, adapter)).forEach(k -> sb.append("| ").append(k).append(" | ")
                .append(inProcess.getOrDefault(k, "not run")).append(" | ").append(adapter.getOrDefault(k, "not run"))
                .append(" |\n"));
        return sb.toString();
    }

    /** Passed, skipped or failed, without the reason (which names the target). */
    private static Map<String, String> kinds(Map<String, String> outcomes) {
        Map<String, String> out = new TreeMap<>();
        outcomes.forEach((k, v) -> out.put(k, v.replaceAll("(?s):.*", "")));
        return out;
    }

    private static long count(Map<String, String> outcomes, String outcome) {
        return outcomes.values().stream().filter(v -> v.startsWith(outcome)).count();
    }

    private static java.util.Set<String> union(Map<String, String> a, Map<String, String> b) {
        java.util.Set<String> keys = new java.util.HashSet<>(a.keySet());
        keys.addAll(b.keySet());
        return keys;
    }

    private static String diff(Map<String, String> inProcess, Map<String, String> adapter) {
        return union(inProcess, adapter).stream().sorted()
                .filter(k -> !kinds(inProcess).getOrDefault(k, "not run").equals(kinds(adapter).getOrDefault(k, "not run")))
                .map(k -> "  " + k + ": in process " + inProcess.getOrDefault(k, "not run") + ", through the adapter "
                        + adapter.getOrDefault(k, "not run"))
                .collect(Collectors.joining("\n"));
    }
}
