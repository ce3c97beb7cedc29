package dev.meshroute.conformance.target;

/**
 * One YAML file a scenario applies: a fixture from {@code fixtures/} or a document written in the
 * scenario itself. {@code name} is what findings call the file.
 */
public record ConfigSource(String name, String yaml) {
}
