package dev.meshroute.reference.model;

/**
 * Istio's {@code TrafficPolicy} (destination_rule.proto), the parts the reference implements: how the client
 * sidecar balances load over a destination's endpoints, how many connections and requests it lets through, and
 * when it ejects an endpoint. A null part is unset; SEMANTICS.md 5.5 says what a subset's policy does with it.
 */
public record TrafficPolicy(LoadBalancer loadBalancer, ConnectionPool connectionPool,
                            OutlierDetection outlierDetection, java.util.List<PortTrafficPolicy> portLevelSettings,
                            SourceLocation location) {

    public TrafficPolicy {
        portLevelSettings = java.util.List.copyOf(portLevelSettings);
    }

    /** A policy without port-level settings. */
    public TrafficPolicy(LoadBalancer loadBalancer, ConnectionPool connectionPool, OutlierDetection outlierDetection,
                         SourceLocation location) {
        this(loadBalancer, connectionPool, outlierDetection, java.util.List.of(), location);
    }

    /**
     * {@code TrafficPolicy.PortTrafficPolicy}: the policy for one destination port ({@code port.number}, null when
     * missing).
     */
    public record PortTrafficPolicy(Integer port, LoadBalancer loadBalancer, ConnectionPool connectionPool,
                                    OutlierDetection outlierDetection, SourceLocation location) {
    }

    /** {@code LoadBalancerSettings.SimpleLB}; LEAST_CONN is a deprecated alias of LEAST_REQUEST. */
    public enum Simple { UNSPECIFIED, LEAST_REQUEST, LEAST_CONN, ROUND_ROBIN, RANDOM, PASSTHROUGH }

    /**
     * {@code LoadBalancerSettings}: either {@code simple} or {@code consistentHash} (null when unset).
     */
    public record LoadBalancer(Simple simple, ConsistentHash consistentHash, SourceLocation location) {
    }

    /**
     * {@code ConsistentHashLB}: exactly one hash key ({@code httpHeaderName}, {@code httpCookie},
     * {@code useSourceIp}, {@code httpQueryParameterName}); the ring ({@code ringHash.minimumRingSize}, the
     * deprecated {@code minimumRingSize}) or {@code maglev.tableSize}. Sizes are 0 when unset.
     */
    public record ConsistentHash(String httpHeaderName, HttpCookie httpCookie, boolean useSourceIp,
                                 String httpQueryParameterName, long minimumRingSize, boolean ringHash,
                                 long ringHashMinimumRingSize, boolean maglev, long maglevTableSize,
                                 SourceLocation location) {

        /** How many hash keys are set (Istio's oneof allows one). */
        public int keyCount() {
            return (httpHeaderName != null ? 1 : 0) + (httpCookie != null ? 1 : 0) + (useSourceIp ? 1 : 0)
                    + (httpQueryParameterName != null ? 1 : 0);
        }
    }

    /** {@code ConsistentHashLB.HTTPCookie}; ttl is null when unset. */
    public record HttpCookie(String name, String path, Long ttlMillis) {
    }

    /**
     * {@code ConnectionPoolSettings}: TCP {@code maxConnections}, {@code connectTimeout}; HTTP
     * {@code http1MaxPendingRequests}, {@code http2MaxRequests}, {@code maxRequestsPerConnection},
     * {@code maxRetries}, {@code idleTimeout}. Counts are 0 when unset (Istio cannot tell unset from 0 either);
     * durations are null when unset.
     */
    public record ConnectionPool(boolean hasTcp, boolean hasHttp, int maxConnections, Long connectTimeoutMillis,
                                 int http1MaxPendingRequests, int http2MaxRequests, int maxRequestsPerConnection,
                                 int maxRetries, Long idleTimeoutMillis, SourceLocation location) {
    }

    /**
     * {@code OutlierDetection}. The two error counts are null when unset (they are wrapper types in the proto:
     * unset leaves Envoy's default, 0 disables); durations null when unset; percents 0 when unset.
     */
    public record OutlierDetection(Integer consecutive5xxErrors, Integer consecutiveGatewayErrors,
                                   int consecutiveErrors, Long intervalMillis, Long baseEjectionTimeMillis,
                                   int maxEjectionPercent, int minHealthPercent, SourceLocation location) {
    }

    /** True when no part is set (Istio: "traffic policy must have at least one field"). */
    public boolean isEmpty() {
        return loadBalancer == null && connectionPool == null && outlierDetection == null
                && portLevelSettings.isEmpty();
    }

    /**
     * {@code util.GetPortLevelTrafficPolicy}: the port-level entry for {@code port} as a whole policy (parts it
     * omits are unset, so defaults apply: nothing is inherited from the top level), or null when there is none.
     */
    public TrafficPolicy portLevel(int port) {
        for (PortTrafficPolicy p : portLevelSettings) {
            if (p.port() != null && p.port() == port) {
                return new TrafficPolicy(p.loadBalancer(), p.connectionPool(), p.outlierDetection(), p.location());
            }
        }
        return null;
    }

    /**
     * {@code util.MergeSubsetTrafficPolicy} (SEMANTICS.md 5.5): each part the subset sets replaces the
     * DestinationRule's part wholesale; a part it leaves unset is inherited.
     */
    public static TrafficPolicy mergeSubset(TrafficPolicy original, TrafficPolicy subset) {
        if (subset == null) {
            return original;
        }
        if (original == null) {
            return subset;
        }
        return new TrafficPolicy(
                subset.loadBalancer != null ? subset.loadBalancer : original.loadBalancer,
                subset.connectionPool != null ? subset.connectionPool : original.connectionPool,
                subset.outlierDetection != null ? subset.outlierDetection : original.outlierDetection,
                subset.location);
    }

    /**
     * {@code util.MergeSubsetTrafficPolicy} for one port: the DestinationRule's port-level entry replaces its
     * top-level policy; a subset's port-level entry for the port replaces everything (its omitted parts are unset);
     * otherwise the subset's parts replace the DestinationRule's part by part.
     */
    public static TrafficPolicy forPort(TrafficPolicy original, TrafficPolicy subset, int port) {
        TrafficPolicy top = original;
        if (original != null && original.portLevel(port) != null) {
            top = original.portLevel(port);
        }
        if (subset != null && subset.portLevel(port) != null) {
            return subset.portLevel(port);
        }
        return mergeSubset(top == null ? null : top.withoutPortLevelSettings(),
                subset == null ? null : subset.withoutPortLevelSettings());
    }

    private TrafficPolicy withoutPortLevelSettings() {
        return portLevelSettings.isEmpty() ? this
                : new TrafficPolicy(loadBalancer, connectionPool, outlierDetection, location);
    }
}
