package dev.meshroute.reference.model;

import java.util.Map;

/**
 * A named subset of a service's endpoints, selected by pod labels, with its own traffic policy (null when unset;
 * SEMANTICS.md 5.5).
 */
public record Subset(String name, Map<String, String> labels, SourceLocation location, TrafficPolicy trafficPolicy) {

    public Subset {
        labels = Map.copyOf(labels);
    }

    /** A subset without a traffic policy. */
    public Subset(String name, Map<String, String> labels, SourceLocation location) {
        this(name, labels, location, null);
    }
}
