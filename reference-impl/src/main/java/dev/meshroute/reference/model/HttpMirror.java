package dev.meshroute.reference.model;

/**
 * Where an HTTP rule mirrors requests: one entry of {@code mirrors}, or the older {@code mirror} with its
 * {@code mirrorPercentage} / {@code mirrorPercent}. {@code percentage} null means it was not given (100%).
 */
public record HttpMirror(Destination destination, Double percentage, SourceLocation location) {
}
