package dev.meshroute.reference.model;

/**
 * One weighted destination of a rule. {@code weight} is null when omitted (Istio then treats it as 0,
 * which only matters when there are several destinations).
 */
public record HttpRouteDestination(Destination destination, Integer weight, HeaderOperations headers,
                                   SourceLocation location) {

    public HttpRouteDestination(Destination destination, Integer weight, SourceLocation location) {
        this(destination, weight, null, location);
    }

    public int weightOrZero() {
        return weight == null ? 0 : weight;
    }
}
