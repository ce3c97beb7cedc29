package dev.meshroute.reference.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.meshroute.reference.config.ConfigLoader;
import dev.meshroute.reference.config.ConfigStore;
import dev.meshroute.reference.dataplane.RandomSource;
import dev.meshroute.reference.dataplane.RouteTable;
import dev.meshroute.reference.model.Diagnostic;
import dev.meshroute.reference.model.MeshConfig;
import dev.meshroute.reference.model.Workload;
import dev.meshroute.reference.mutants.Mutant;
import dev.meshroute.reference.registry.Pod;
import dev.meshroute.reference.translate.ClientProxy;
import dev.meshroute.reference.translate.XdsResources;
import dev.meshroute.reference.translate.XdsTranslator;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the control plane's whole input path with arbitrary bytes as a YAML file: the YAML reader, validation
 * and analysis (ConfigStore), translation to xDS, and the proxy's compilation of what it would receive. The
 * properties: nothing throws (bad input is a diagnostic, never an exception); every diagnostic names the file and a
 * line and is one line; and what validation accepted translates into route configurations the proxy compiles
 * (istiod-generated config is never NACKed).
 *
 * <p>The default build runs the seed corpus ({@code src/test/resources/dev/meshroute/reference/fuzz/
 * ConfigPipelineFuzzTestInputs/pipeline/}) as a regression test; {@code JAZZER_FUZZ=1} fuzzes (README).
 */
class ConfigPipelineFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void pipeline(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        ConfigLoader.LoadResult load = ConfigLoader.loadText("fuzz.yaml", text);
        checkDiagnostics(load.diagnostics());
        ConfigStore.Outcome outcome = new ConfigStore().apply(load);
        checkDiagnostics(outcome.diagnostics());
        MeshConfig config = outcome.config();
        XdsResources x = XdsTranslator.translate(config, pods(config), ClientProxy.DEFAULT);
        Map<String, ClusterLoadAssignment> assignments = x.endpoints().stream()
                .collect(Collectors.toMap(ClusterLoadAssignment::getClusterName, Function.identity(), (a, b) -> a));
        for (RouteConfiguration rc : x.routes()) {
            // throws XdsRejection (a NACK) if the translation produced something the proxy cannot compile
            RouteTable.compileClusters(rc, x.clusters(), assignments, RandomSource.THREAD_LOCAL, Mutant.NONE, () -> 0L);
        }
    }

    private static void checkDiagnostics(List<Diagnostic> diagnostics) {
        for (Diagnostic d : diagnostics) {
            String s = d.toString();
            assertTrue(s.startsWith("fuzz.yaml:"), "a diagnostic without the file: " + s);
            assertFalse(d.message() == null || d.message().isBlank(), "an empty diagnostic: " + s);
        }
    }

    /** The pods a kubelet would run for the workloads (at most 3 replicas each), on unresolved addresses. */
    private static List<Pod> pods(MeshConfig config) {
        List<Pod> out = new ArrayList<>();
        int port = 20_000;
        for (Workload w : config.workloads()) {
            for (int i = 0; i < Math.min(3, w.replicas()); i++) {
                String name = w.kind().equals("Pod") ? w.meta().name() : w.meta().name() + "-" + i;
                out.add(new Pod(name, w.meta().namespace(), w.podLabels(),
                        InetSocketAddress.createUnresolved("127.0.0.1", port++)));
            }
        }
        return out;
    }
}
