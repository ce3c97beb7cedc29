package dev.meshroute.conformance.target;

/**
 * A validation error or analysis message as a target reports it.
 *
 * @param level    {@code error}, {@code warning} or {@code info}
 * @param code     Istio's analysis code (IST0101, ...), or null for validation and shape errors
 * @param resource {@code Kind namespace/name}, or null
 * @param file     the file it was found in (a {@link ConfigSource#name()})
 * @param line     1-based, or 0 when unknown
 */
public record Finding(String level, String code, String resource, String file, int line, String message) {

    public boolean isRejection() {
        return level.equals("error") && code == null;
    }

    @Override
    public String toString() {
        return file + ":" + line + ": " + level + (code == null ? "" : " [" + code + "]")
                + (resource == null ? "" : " " + resource) + ": " + message;
    }
}
