package dev.meshroute.reference.model;

/** Istio's {@code Destination}: a service host, an optional subset and an optional port. */
public record Destination(String host, String subset, Integer port, SourceLocation location) {
}
