package dev.meshroute.reference.model;

/**
 * Istio's {@code HTTPRedirect}: answer with a 3xx and a Location instead of forwarding.
 *
 * @param uri          replaces the whole path (null: keep it)
 * @param authority    replaces the host (null: keep it)
 * @param port         replaces the port (null: none given)
 * @param scheme       {@code http} or {@code https} (null: keep it)
 * @param redirectCode 0 means the default, 301
 */
public record HttpRedirect(String uri, String authority, Integer port, String scheme, int redirectCode,
                           SourceLocation location) {
}
