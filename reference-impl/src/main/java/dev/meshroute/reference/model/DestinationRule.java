package dev.meshroute.reference.model;

import java.util.List;

/**
 * Istio's DestinationRule: the subsets of one host and its top-level traffic policy (null when unset).
 *
 * @param exportTo the namespaces it is exported to as written ({@code .}, {@code *}, names); empty: Istio's
 *                 default, every namespace
 */
public record DestinationRule(ObjectMeta meta, SourceLocation location, String host, List<Subset> subsets,
                              List<String> exportTo, TrafficPolicy trafficPolicy) implements Resource {

    public DestinationRule {
        subsets = List.copyOf(subsets);
        exportTo = List.copyOf(exportTo);
    }

    /** A DestinationRule exported everywhere, without a traffic policy. */
    public DestinationRule(ObjectMeta meta, SourceLocation location, String host, List<Subset> subsets) {
        this(meta, location, host, subsets, List.of(), null);
    }

    /** A DestinationRule without a traffic policy. */
    public DestinationRule(ObjectMeta meta, SourceLocation location, String host, List<Subset> subsets,
                           List<String> exportTo) {
        this(meta, location, host, subsets, exportTo, null);
    }

    /** A DestinationRule exported everywhere. */
    public DestinationRule(ObjectMeta meta, SourceLocation location, String host, List<Subset> subsets,
                           TrafficPolicy trafficPolicy) {
        this(meta, location, host, subsets, List.of(), trafficPolicy);
    }

    @Override
    public String kind() {
        return "DestinationRule";
    }
}
