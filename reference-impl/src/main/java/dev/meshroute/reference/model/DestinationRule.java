package dev.meshroute.reference.model;

import java.util.List;

/**
 * Istio's DestinationRule: the subsets of one host (traffic policies come with later issues).
 *
 * @param exportTo the namespaces it is exported to as written ({@code .}, {@code *}, names); empty: Istio's
 *                 default, every namespace
 */
public record DestinationRule(ObjectMeta meta, SourceLocation location, String host, List<Subset> subsets,
                              List<String> exportTo) implements Resource {

    public DestinationRule {
        subsets = List.copyOf(subsets);
        exportTo = List.copyOf(exportTo);
    }

    public DestinationRule(ObjectMeta meta, SourceLocation location, String host, List<Subset> subsets) {
        this(meta, location, host, subsets, List.of());
    }

    @Override
    public String kind() {
        return "DestinationRule";
    }
}
