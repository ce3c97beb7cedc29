package dev.meshroute.reference.model;

/**
 * Istio's {@code StringMatch}: exact, prefix or RE2 regex; {@link Kind#PRESENT} is the empty object
 * {@code {}} that Istio translates to Envoy's {@code present_match}.
 */
public record StringMatch(Kind kind, String value, SourceLocation location) {

    public enum Kind { EXACT, PREFIX, REGEX, PRESENT }

    @Override
    public String toString() {
        return kind == Kind.PRESENT ? "{}" : kind.name().toLowerCase() + ": \"" + value + "\"";
    }
}
