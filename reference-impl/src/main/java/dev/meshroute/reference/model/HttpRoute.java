package dev.meshroute.reference.model;

import java.util.List;

/**
 * One rule of a VirtualService's ordered {@code http} list. An empty {@code match} list matches everything.
 * Its action is exactly one of {@code route}, {@code redirect} (null when absent) or {@code directResponse}
 * (null when absent); validation enforces that. {@code rewrite} (null when absent) applies to forwarded requests.
 * {@code retries} null means Istio's default retry policy; {@code mirror} is the older single mirror (with
 * {@code mirrorPercentage}), {@code mirrors} the newer list; validation allows only one of them.
 * A rule of a root VirtualService may instead name a {@code delegate} (null when absent) whose rules replace it
 * ({@code translate/Delegation}).
 */
public record HttpRoute(String name, List<HttpMatchRequest> match, List<HttpRouteDestination> route,
                        HttpRedirect redirect, HttpDirectResponse directResponse, HttpRewrite rewrite,
                        Long timeoutMillis, HttpFault fault, HeaderOperations headers, CorsPolicy corsPolicy,
                        HttpRetry retries, HttpMirror mirror, List<HttpMirror> mirrors, SourceLocation location,
                        Delegate delegate) {

    public HttpRoute {
        match = List.copyOf(match);
        route = List.copyOf(route);
        mirrors = List.copyOf(mirrors);
    }

    /** What the rule mirrors: the older single {@code mirror} if set, else {@code mirrors}. */
    public List<HttpMirror> allMirrors() {
        return mirror != null ? List.of(mirror) : mirrors;
    }

    /** A rule that forwards to {@code route}. */
    public HttpRoute(String name, List<HttpMatchRequest> match, List<HttpRouteDestination> route,
                     SourceLocation location) {
        this(name, match, route, null, null, null, null, null, null, null, null, null, List.of(), location, null);
    }

    /** A rule without {@code delegate}. */
    public HttpRoute(String name, List<HttpMatchRequest> match, List<HttpRouteDestination> route,
                     HttpRedirect redirect, HttpDirectResponse directResponse, HttpRewrite rewrite,
                     Long timeoutMillis, HttpFault fault, HeaderOperations headers, CorsPolicy corsPolicy,
                     HttpRetry retries, HttpMirror mirror, List<HttpMirror> mirrors, SourceLocation location) {
        this(name, match, route, redirect, directResponse, rewrite, timeoutMillis, fault, headers, corsPolicy,
                retries, mirror, mirrors, location, null);
    }
}
