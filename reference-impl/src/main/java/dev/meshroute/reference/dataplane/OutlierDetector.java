package dev.meshroute.reference.dataplane;

import com.google.protobuf.util.Durations;
import dev.meshroute.reference.mutants.Mutant;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Envoy's outlier detection for one cluster, the consecutive-error detectors: an endpoint that answers
 * {@code consecutive_5xx} 5xx in a row (or {@code consecutive_gateway_failure} 502/503/504 in a row) is ejected for
 * {@code base_ejection_time} times the number of times it has been ejected, unless that would eject more than
 * {@code max_ejection_percent} of the endpoints (so with the default 10%, a cluster of fewer than 10 endpoints
 * ejects none, unless {@code always_eject_one_host}). A connection failure or timeout of the proxy counts as a
 * 503/504. The defaults are Envoy's (5 consecutive 5xx enforced, gateway failures counted but not enforced, 30 s,
 * 10%).
 *
 * <p>Envoy lets an ejected endpoint back at the next {@code interval} tick after its time is up; this detector lets
 * it back as soon as its time is up, which is never later. Thread-safe.
 */
final class OutlierDetector {

    private final long consecutive5xx;
    private final boolean enforce5xx;
    private final long consecutiveGateway;
    private final boolean enforceGateway;
    private final long baseEjectionMillis;
    private final long maxEjectionPercent;
    private final boolean alwaysEjectOne;
    private final LongSupplier clock;
    private final Map<RouteTable.Endpoint, State> states = new HashMap<>();

    private static final class State {
        int fiveXxInARow;
        int gatewayInARow;
        int ejections;
        long ejectedUntil = Long.MIN_VALUE;
    }

    private OutlierDetector(OutlierDetection od, LongSupplier clock, Mutant mutant) {
        this.consecutive5xx = od.hasConsecutive5Xx() ? od.getConsecutive5Xx().getValue() : 5;
        this.enforce5xx = !od.hasEnforcingConsecutive5Xx() || od.getEnforcingConsecutive5Xx().getValue() > 0;
        this.consecutiveGateway = od.hasConsecutiveGatewayFailure() ? od.getConsecutiveGatewayFailure().getValue() : 5;
        this.enforceGateway = od.hasEnforcingConsecutiveGatewayFailure()
                && od.getEnforcingConsecutiveGatewayFailure().getValue() > 0;
        this.baseEjectionMillis = od.hasBaseEjectionTime() ? Durations.toMillis(od.getBaseEjectionTime()) : 30_000;
        this.maxEjectionPercent = od.hasMaxEjectionPercent() ? od.getMaxEjectionPercent().getValue() : 10;
        this.alwaysEjectOne = od.getAlwaysEjectOneHost().getValue() || mutant == Mutant.ALWAYS_EJECTS_ONE_HOST;
        this.clock = clock;
    }

    /** The cluster's detector, or null when the cluster has no outlier detection. */
    static OutlierDetector of(Cluster cluster, LongSupplier clock) {
        return of(cluster, clock, Mutant.NONE);
    }

    /** As {@link #of(Cluster, LongSupplier)}, with a deliberate bug (tests only). */
    static OutlierDetector of(Cluster cluster, LongSupplier clock, Mutant mutant) {
        return cluster.hasOutlierDetection() ? new OutlierDetector(cluster.getOutlierDetection(), clock, mutant)
                : null;
    }

    /** The endpoints not ejected now, in their order. */
    synchronized List<RouteTable.Endpoint> healthy(List<RouteTable.Endpoint> endpoints) {
        long now = clock.getAsLong();
        List<RouteTable.Endpoint> out = new ArrayList<>(endpoints.size());
        for (RouteTable.Endpoint e : endpoints) {
            State s = states.get(e);
            if (s == null || s.ejectedUntil <= now) {
                out.add(e);
            }
        }
        return out;
    }

    /** Records the status of a response from {@code endpoint} (a proxy-made failure as its 503 or 504). */
    synchronized void record(RouteTable.Endpoint endpoint, int status, int endpointCount) {
        State s = states.computeIfAbsent(endpoint, e -> new State());
        if (status < 500) {
            s.fiveXxInARow = 0;
            s.gatewayInARow = 0;
            return;
        }
        s.fiveXxInARow++;
        boolean gateway = status == 502 || status == 503 || status == 504;
        s.gatewayInARow = gateway ? s.gatewayInARow + 1 : 0;
        long now = clock.getAsLong();
        if (s.ejectedUntil > now) {
            return; // already ejected: a late answer does not eject it again
        }
        boolean trip = enforce5xx && consecutive5xx > 0 && s.fiveXxInARow >= consecutive5xx
                || enforceGateway && consecutiveGateway > 0 && gateway && s.gatewayInARow >= consecutiveGateway;
        if (trip && mayEject(now, endpointCount)) {
            s.ejections++;
            s.ejectedUntil = now + baseEjectionMillis * s.ejections;
            s.fiveXxInARow = 0;
            s.gatewayInARow = 0;
        }
    }

    private boolean mayEject(long now, int endpointCount) {
        long ejected = states.values().stream().filter(st -> st.ejectedUntil > now).count();
        return 100.0 * (ejected + 1) / Math.max(1, endpointCount) <= maxEjectionPercent
                || alwaysEjectOne && ejected == 0;
    }
}
