package dev.meshroute.reference.model;

import java.util.Map;

/** A named subset of a service's endpoints, selected by pod labels. */
public record Subset(String name, Map<String, String> labels, SourceLocation location) {

    public Subset {
        labels = Map.copyOf(labels);
    }
}
