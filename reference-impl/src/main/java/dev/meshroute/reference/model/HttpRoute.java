package dev.meshroute.reference.model;

import java.util.List;

/**
 * One rule of a VirtualService's ordered {@code http} list. An empty {@code match} list matches everything.
 * Its action is exactly one of {@code route}, {@code redirect} (null when absent) or {@code directResponse}
 * (null when absent); validation enforces that. {@code rewrite} (null when absent) applies to forwarded requests.
 * A rule of a root VirtualService may instead name a {@code delegate} (null when absent) whose rules replace it
 * ({@code translate/Delegation}).
 */
public record HttpRoute(String name, List<HttpMatchRequest> match, List<HttpRouteDestination> route,
                        HttpRedirect redirect, HttpDirectResponse directResponse, HttpRewrite rewrite,
                        Long timeoutMillis, HttpFault fault, HeaderOperations headers, CorsPolicy corsPolicy,
                        SourceLocation location, Delegate delegate) {

    public HttpRoute {
        match = List.copyOf(match);
        route = List.copyOf(route);
    }

    /** A rule that forwards to {@code route}. */
    public HttpRoute(String name, List<HttpMatchRequest> match, List<HttpRouteDestination> route,
                     SourceLocation location) {
        this(name, match, route, null, null, null, null, null, null, null, location, null);
    }

    /** A rule without {@code delegate}. */
    public HttpRoute(String name, List<HttpMatchRequest> match, List<HttpRouteDestination> route,
                     HttpRedirect redirect, HttpDirectResponse directResponse, HttpRewrite rewrite,
                     Long timeoutMillis, HttpFault fault, HeaderOperations headers, CorsPolicy corsPolicy,
                     SourceLocation location) {
        this(name, match, route, redirect, directResponse, rewrite, timeoutMillis, fault, headers, corsPolicy,
                location, null);
    }
}
