package dev.meshroute.reference.model;

/** Istio's {@code HTTPDirectResponse}: the proxy answers with this status and body itself. */
public record HttpDirectResponse(int status, String body, SourceLocation location) {
}
