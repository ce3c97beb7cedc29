package dev.meshroute.reference.model;

/**
 * A finding about the configuration: a shape or validation error (the resource is rejected), or an
 * analysis message with Istio's code (IST0101, ...), as {@code istioctl analyze} prints them.
 *
 * @param code     Istio's analysis code, or null for shape and validation findings
 * @param resource {@code Kind namespace/name}, or null when the problem is not inside one resource
 */
public record Diagnostic(Level level, String code, String resource, SourceLocation location, String message) {

    public enum Level { ERROR, WARNING, INFO }

    public static Diagnostic error(String resource, SourceLocation location, String message) {
        return new Diagnostic(Level.ERROR, null, resource, location, message);
    }

    public static Diagnostic warning(String resource, SourceLocation location, String message) {
        return new Diagnostic(Level.WARNING, null, resource, location, message);
    }

    public boolean isError() {
        return level == Level.ERROR;
    }

    /** One line: {@code file:line: error [IST0101] VirtualService default/x: message}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(location).append(": ").append(level.name().toLowerCase());
        if (code != null) {
            sb.append(" [").append(code).append(']');
        }
        if (resource != null) {
            sb.append(' ').append(resource);
        }
        return sb.append(": ").append(message).toString();
    }
}
