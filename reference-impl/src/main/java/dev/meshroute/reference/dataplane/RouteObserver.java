package dev.meshroute.reference.dataplane;

import io.envoyproxy.envoy.config.core.v3.Metadata;

/**
 * Told by a {@link RouteTable} which route decided a request, for route coverage (as Envoy's router_check_tool
 * records the routes its tests reach). A route is known by its Envoy {@code metadata}, where the control plane says
 * where the route came from. Implementations are thread-safe and fast: they run on the proxy's event loops.
 */
public interface RouteObserver {

    RouteObserver NONE = new RouteObserver() {
    };

    /** A request matched the route with this metadata (it may still be redirected, answered or aborted). */
    default void matched(Metadata routeMetadata) {
    }

    /** The route then picked its {@code clusterIndex}-th cluster (0 for a single cluster) for the request. */
    default void picked(Metadata routeMetadata, int clusterIndex) {
    }
}
