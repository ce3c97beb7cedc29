package dev.meshroute.reference.model;

import java.util.List;

/** Istio's DestinationRule: the subsets of one host (traffic policies come with later issues). */
public record DestinationRule(ObjectMeta meta, SourceLocation location, String host, List<Subset> subsets)
        implements Resource {

    public DestinationRule {
        subsets = List.copyOf(subsets);
    }

    @Override
    public String kind() {
        return "DestinationRule";
    }
}
