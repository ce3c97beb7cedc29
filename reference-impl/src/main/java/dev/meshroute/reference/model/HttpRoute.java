package dev.meshroute.reference.model;

import java.util.List;

/** One rule of a VirtualService's ordered {@code http} list. An empty {@code match} list matches everything. */
public record HttpRoute(String name, List<HttpMatchRequest> match, List<HttpRouteDestination> route,
                        SourceLocation location) {

    public HttpRoute {
        match = List.copyOf(match);
        route = List.copyOf(route);
    }
}
