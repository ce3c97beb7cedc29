package dev.meshroute.reference.dataplane;

import dev.meshroute.reference.mutants.Mutant;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The proxy's clusters across CDS updates: a cluster whose resource is unchanged keeps its state (outlier
 * ejections, round-robin turn, circuit breaker counts), a changed or new one starts afresh, a removed one is
 * forgotten. Touched only by the xDS client's thread.
 */
final class UpstreamClusters {

    private final LongSupplier clock;
    private final Mutant mutant;
    private Map<String, UpstreamCluster> current = Map.of();

    UpstreamClusters(LongSupplier clock, Mutant mutant) {
        this.clock = clock;
        this.mutant = mutant;
    }

    /** The state for each of {@code clusters}, reusing what is unchanged. */
    Map<String, UpstreamCluster> update(Iterable<Cluster> clusters) {
        Map<String, UpstreamCluster> next = new LinkedHashMap<>();
        for (Cluster c : clusters) {
            UpstreamCluster old = current.get(c.getName());
            next.put(c.getName(), old != null && old.config().equals(c) ? old : new UpstreamCluster(c, clock, mutant));
        }
        current = new HashMap<>(next);
        return next;
    }
}
