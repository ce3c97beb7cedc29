package dev.meshroute.reference.model;

import java.util.List;

/**
 * Istio's DestinationRule: the subsets of one host and its top-level traffic policy (null when unset).
 */
public record DestinationRule(ObjectMeta meta, SourceLocation location, String host, List<Subset> subsets,
                              TrafficPolicy trafficPolicy) implements Resource {

    public DestinationRule {
        subsets = List.copyOf(subsets);
    }

    /** A DestinationRule without a traffic policy. */
    public DestinationRule(ObjectMeta meta, SourceLocation location, String host, List<Subset> subsets) {
        this(meta, location, host, subsets, null);
    }

    @Override
    public String kind() {
        return "DestinationRule";
    }
}
