package dev.meshroute.reference.model;

import java.util.List;

/**
 * Istio's {@code CorsPolicy}: which origins may call, and what the proxy answers to their preflights.
 *
 * @param maxAgeSeconds null when not set
 */
public record CorsPolicy(List<StringMatch> allowOrigins, List<String> allowMethods, List<String> allowHeaders,
                         List<String> exposeHeaders, Long maxAgeSeconds, Boolean allowCredentials,
                         SourceLocation location) {

    public CorsPolicy {
        allowOrigins = List.copyOf(allowOrigins);
        allowMethods = List.copyOf(allowMethods);
        allowHeaders = List.copyOf(allowHeaders);
        exposeHeaders = List.copyOf(exposeHeaders);
    }
}
