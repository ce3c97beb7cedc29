package dev.meshroute.reference.model;

import java.util.Map;

/**
 * Pods to run: a Deployment (its pod template's labels, {@code replicas} copies) or a single Pod.
 *
 * @param kind      {@code Deployment} or {@code Pod}
 * @param podLabels the labels every pod of this workload carries
 */
public record Workload(String kind, ObjectMeta meta, SourceLocation location, Map<String, String> podLabels,
                       int replicas) implements Resource {

    public Workload {
        podLabels = Map.copyOf(podLabels);
    }
}
