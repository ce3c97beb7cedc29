package dev.meshroute.reference.translate;

import dev.meshroute.reference.coverage.RouteOrigin;
import dev.meshroute.reference.model.HttpMatchRequest;
import dev.meshroute.reference.model.HttpRoute;
import dev.meshroute.reference.model.MeshConfig;
import dev.meshroute.reference.model.ObjectMeta;
import dev.meshroute.reference.registry.Pod;
import io.envoyproxy.envoy.config.route.v3.Route;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The Envoy routes of the last translation, kept so that the next one reuses the route of every rule whose inputs
 * did not change: a push that edits one rule among 10,000 translates one rule. A route is reused only when
 * everything its translation reads is equal (by value) to what the earlier route was translated from:
 * <ul>
 *   <li>per route ({@link Key}): the rule (all of it, its source location included), the match entry, the listener
 *   port, the VirtualService's metadata (its namespace resolves destination hosts) and the route's origin (which
 *   VirtualService, rule and match it stands for, route coverage; computed from the whole configuration before the
 *   lookup);</li>
 *   <li>for all routes at once ({@link Context}): the rest of the configuration (Services, DestinationRules,
 *   workloads, Gateways), the running pods, the client proxy and the translation options. Any change there drops
 *   every route: it is cheap to compare and rare, and too much of a route depends on it (clusters, subsets,
 *   consistent hashes, retry policies) to track finer.</li>
 * </ul>
 * Routes not used by a translation are forgotten after it. One translation at a time (the mesh applies under its
 * lock). {@code XdsTranslatorMemoDifferentialTest} checks that a translation with a memo equals one from scratch.
 */
public final class RouteMemo {

    /** Everything a route's translation reads besides its own rule: equal contexts give equal routes. */
    record Context(MeshConfig configWithoutVirtualServices, List<Pod> pods, ClientProxy proxy,
                   XdsTranslator.Options options) {

        static Context of(MeshConfig config, List<Pod> pods, ClientProxy proxy, XdsTranslator.Options options) {
            return new Context(new MeshConfig(List.of(), config.destinationRules(), config.services(),
                    config.workloads(), config.gateways()), List.copyOf(pods), proxy, options);
        }
    }

    /** What one route was translated from, besides the {@link Context}. */
    record Key(ObjectMeta virtualService, HttpRoute rule, HttpMatchRequest match, int port, RouteOrigin origin) {
    }

    private Context context;
    private Map<Key, Route> previous = Map.of();
    private Map<Key, Route> current = new HashMap<>();

    /** Starts a translation in {@code next}: the routes of the last one stay usable only if its context was equal. */
    void begin(Context next) {
        if (!next.equals(context)) {
            previous = Map.of();
        }
        context = next;
        current = new HashMap<>();
    }

    /** The route translated earlier from {@code key}, else what {@code translate} makes of it now. */
    Route route(Key key, Supplier<Route> translate) {
        Route route = current.get(key);
        if (route == null) {
            route = previous.get(key);
            if (route == null) {
                route = translate.get();
            }
            current.put(key, route);
        }
        return route;
    }

    /** Ends a translation that completed: its routes are what the next one may reuse. */
    void end() {
        previous = current;
        current = new HashMap<>();
    }
}
