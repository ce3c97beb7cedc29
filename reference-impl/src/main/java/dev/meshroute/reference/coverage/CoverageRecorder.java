package dev.meshroute.reference.coverage;

import dev.meshroute.reference.dataplane.RouteObserver;
import io.envoyproxy.envoy.config.core.v3.Metadata;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts, from what a proxy's route tables report, how many requests each VirtualService rule, match entry and
 * destination decided. Routes are known by their {@link RouteOrigin} metadata; routes without one (a service's
 * default route) are not counted. Thread-safe.
 */
public final class CoverageRecorder implements RouteObserver {

    private final Map<Metadata, RouteOrigin> origins = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> hits = new ConcurrentHashMap<>();

    @Override
    public void matched(Metadata routeMetadata) {
        RouteOrigin o = origin(routeMetadata);
        if (o != null) {
            count(key(o.virtualService(), o.rule(), null, null));
            if (o.match() >= 0) {
                count(key(o.virtualService(), o.rule(), o.match(), null));
            }
        }
    }

    @Override
    public void picked(Metadata routeMetadata, int clusterIndex) {
        RouteOrigin o = origin(routeMetadata);
        if (o != null && clusterIndex >= 0 && clusterIndex < o.destinations().size()) {
            count(key(o.virtualService(), o.rule(), null, o.destinations().get(clusterIndex)));
        }
    }

    private RouteOrigin origin(Metadata metadata) {
        if (metadata.getFilterMetadataCount() == 0) {
            return null;
        }
        RouteOrigin o = origins.get(metadata);
        if (o == null) {
            o = RouteOrigin.fromMetadata(metadata);
            if (o == null) {
                return null;
            }
            origins.put(metadata, o);
        }
        return o;
    }

    private void count(String key) {
        hits.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    /** How many requests reached the entry ({@code match} and {@code destination} null: the rule). */
    public long hits(String virtualService, int rule, Integer match, Integer destination) {
        LongAdder a = hits.get(key(virtualService, rule, match, destination));
        return a == null ? 0 : a.sum();
    }

    /** Every count so far, by {@code virtualService|rule|match|destination}, and starts again from nothing. */
    public synchronized Map<String, Long> drain() {
        Map<String, Long> out = new TreeMap<>();
        hits.forEach((k, v) -> out.put(k, v.sumThenReset()));
        hits.clear();
        return out;
    }

    static String key(String virtualService, int rule, Integer match, Integer destination) {
        return virtualService + "|" + rule + "|" + (match == null ? "" : match) + "|"
                + (destination == null ? "" : destination);
    }
}
