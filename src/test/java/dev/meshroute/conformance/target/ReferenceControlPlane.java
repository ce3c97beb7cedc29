package dev.meshroute.conformance.target;

import dev.meshroute.reference.config.ConfigLoader;
import dev.meshroute.reference.config.ConfigStore;
import dev.meshroute.reference.mesh.ReferenceMesh;
import dev.meshroute.reference.model.Diagnostic;
import org.awaitility.Awaitility;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The reference control plane as targets use it: apply a scenario's YAML to a {@link ReferenceMesh},
 * wait until a given proxy (the bundled sidecar, or an Envoy fed by the same control plane) has ACKed
 * the version, and report findings in the suite's vocabulary.
 */
public final class ReferenceControlPlane {

    /** How long a proxy may take to ACK a pushed version before the scenario fails. */
    static final Duration LIVE_TIMEOUT = Duration.ofSeconds(
            Long.getLong("meshroute.reference.ack-timeout-seconds", 10));

    private ReferenceControlPlane() {
    }

    public static MeshUnderTest.Applied applyAndAwaitAck(ReferenceMesh mesh, String nodeId, List<ConfigSource> sources) {
        return applyAndAwaitAck(mesh, List.of(nodeId), sources);
    }

    /** As above, waiting for every proxy in {@code nodeIds} (a sidecar and an ingress gateway, say). */
    public static MeshUnderTest.Applied applyAndAwaitAck(ReferenceMesh mesh, List<String> nodeIds,
                                                         List<ConfigSource> sources) {
        String nodeId = String.join(" and ", nodeIds);
        mesh.forgetConfig();
        int nacksBefore = mesh.controlPlane().nacks().size();
        long start = System.nanoTime();
        ReferenceMesh.Applied applied = mesh.apply(load(sources));
        Awaitility.await("proxy " + nodeId + " ACKs configuration version " + applied.version())
                .atMost(LIVE_TIMEOUT)
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(2))
                .failFast("the proxy rejected (NACKed) the configuration",
                        () -> mesh.controlPlane().nacks().size() > nacksBefore)
                .until(() -> nodeIds.stream().allMatch(n -> mesh.controlPlane().isLive(n, applied.version())));
        return new MeshUnderTest.Applied(findings(applied.diagnostics()), Duration.ofNanos(System.nanoTime() - start));
    }

    public static List<Finding> analyze(List<ConfigSource> sources) {
        return findings(new ConfigStore().apply(load(sources)).diagnostics());
    }

    static ConfigLoader.LoadResult load(List<ConfigSource> sources) {
        return ConfigLoader.merge(sources.stream().map(s -> ConfigLoader.loadText(s.name(), s.yaml())).toList());
    }

    static List<Finding> findings(List<Diagnostic> diagnostics) {
        return diagnostics.stream().map(d -> new Finding(d.level().name().toLowerCase(Locale.ROOT), d.code(),
                d.resource(), d.location().file(), d.location().line(), d.message())).toList();
    }
}
