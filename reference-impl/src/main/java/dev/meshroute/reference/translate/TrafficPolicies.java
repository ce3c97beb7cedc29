package dev.meshroute.reference.translate;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.UInt64Value;
import com.google.protobuf.util.Durations;
import dev.meshroute.reference.model.DestinationRule;
import dev.meshroute.reference.model.Subset;
import dev.meshroute.reference.model.TrafficPolicy;
import dev.meshroute.reference.mutants.Mutant;
import dev.meshroute.reference.registry.DestinationRuleIndex;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.type.v3.Percent;

/**
 * A DestinationRule's traffic policy as istiod turns it into Envoy configuration (SEMANTICS.md 5.1-5.3, 5.5):
 * the cluster's load balancer, circuit breakers and outlier detection ({@code cluster_traffic_policy.go}
 * {@code applyTrafficPolicy}), and the route's hash policy ({@code route.go} {@code HashForHTTPDestination},
 * {@code ConsistentHashToHashPolicy}).
 */
final class TrafficPolicies {

    /** Istio's default circuit breaker thresholds: effectively no limit ({@code getDefaultCircuitBreakerThresholds}). */
    static final int MAX_UINT32 = -1; // 4294967295 as an unsigned 32-bit value
    /** MeshConfig.connectTimeout's default. */
    static final long DEFAULT_CONNECT_TIMEOUT_MILLIS = 10_000;
    static final String HTTP_PROTOCOL_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

    private TrafficPolicies() {
    }

    /**
     * The policy for a host's cluster: the DestinationRules' top-level policy, with the subset's own parts replacing
     * it part by part ({@code util.MergeSubsetTrafficPolicy}).
     */
    static TrafficPolicy forCluster(DestinationRuleIndex.Consolidated rule, String subset, int port, Mutant mutant) {
        TrafficPolicy top = topLevel(rule, mutant);
        TrafficPolicy own = subsetPolicy(rule, subset);
        if (mutant == Mutant.SUBSET_POLICY_DEEP_MERGED) {
            return deepMerge(TrafficPolicy.forPort(top, null, port), own);
        }
        return TrafficPolicy.forPort(top, own, port);
    }

    private static TrafficPolicy subsetPolicy(DestinationRuleIndex.Consolidated rule, String subset) {
        if (subset == null || rule == null) {
            return null;
        }
        return rule.subsets().stream().filter(s -> s.name().equals(subset)).findFirst()
                .map(Subset::trafficPolicy).orElse(null);
    }

    private static TrafficPolicy.ConsistentHash hashOf(TrafficPolicy p) {
        return p == null || p.loadBalancer() == null ? null : p.loadBalancer().consistentHash();
    }

    /**
     * The top-level policy of the DestinationRule the client uses for the host (its namespace's, the service's
     * exported one, or the root namespace's; SEMANTICS.md 3.5): of rules merged there, the first one set (3.4).
     */
    private static TrafficPolicy topLevel(DestinationRuleIndex.Consolidated rule, Mutant mutant) {
        if (rule == null) {
            return null;
        }
        if (mutant != Mutant.LAST_TRAFFIC_POLICY_WINS) {
            return rule.trafficPolicy();
        }
        TrafficPolicy last = null;
        for (DestinationRule dr : rule.from()) {
            if (dr.trafficPolicy() != null) {
                last = dr.trafficPolicy();
            }
        }
        return last;
    }

    /** The SUBSET_POLICY_DEEP_MERGED mutant: a subset's load balancer fields are merged into the DR's, not swapped. */
    private static TrafficPolicy deepMerge(TrafficPolicy top, TrafficPolicy own) {
        TrafficPolicy merged = TrafficPolicy.mergeSubset(top, own);
        if (top == null || own == null || top.loadBalancer() == null || own.loadBalancer() == null) {
            return merged;
        }
        TrafficPolicy.LoadBalancer a = top.loadBalancer();
        TrafficPolicy.LoadBalancer b = own.loadBalancer();
        // the DR's simple algorithm survives a subset that only sets a hash, and the DR's hash one that sets simple
        TrafficPolicy.LoadBalancer lb = new TrafficPolicy.LoadBalancer(b.simple() != null ? b.simple() : a.simple(),
                b.consistentHash() != null ? b.consistentHash() : a.consistentHash(), b.location());
        return new TrafficPolicy(lb, merged.connectionPool(), merged.outlierDetection(), merged.location());
    }

    /** {@code applyTrafficPolicy} for an outbound cluster. */
    static void applyToCluster(Cluster.Builder c, TrafficPolicy policy, Mutant mutant) {
        TrafficPolicy.ConnectionPool pool = policy == null ? null : policy.connectionPool();
        TrafficPolicy.OutlierDetection outlier = policy == null ? null : policy.outlierDetection();
        TrafficPolicy.LoadBalancer lb = policy == null ? null : policy.loadBalancer();
        applyConnectionPool(c, pool);
        if (outlier != null && mutant != Mutant.OUTLIER_DETECTION_NEVER_EJECTS) {
            applyOutlierDetection(c, outlier);
        }
        applyLoadBalancer(c, lb);
    }

    /**
     * {@code applyConnectionPool}: every outbound cluster gets thresholds of MaxUint32 (Istio applies an empty
     * ConnectionPoolSettings when the policy has none); a setting above 0 replaces its threshold.
     */
    private static void applyConnectionPool(Cluster.Builder c, TrafficPolicy.ConnectionPool pool) {
        CircuitBreakers.Thresholds.Builder t = CircuitBreakers.Thresholds.newBuilder()
                .setMaxRetries(UInt32Value.of(MAX_UINT32))
                .setMaxRequests(UInt32Value.of(MAX_UINT32))
                .setMaxConnections(UInt32Value.of(MAX_UINT32))
                .setMaxPendingRequests(UInt32Value.of(MAX_UINT32))
                .setTrackRemaining(true);
        c.setConnectTimeout(Durations.fromMillis(DEFAULT_CONNECT_TIMEOUT_MILLIS));
        if (pool != null) {
            if (pool.http2MaxRequests() > 0) {
                t.setMaxRequests(UInt32Value.of(pool.http2MaxRequests()));
            }
            if (pool.http1MaxPendingRequests() > 0) {
                t.setMaxPendingRequests(UInt32Value.of(pool.http1MaxPendingRequests()));
            }
            if (pool.maxRetries() > 0) {
                t.setMaxRetries(UInt32Value.of(pool.maxRetries()));
            }
            if (pool.connectTimeoutMillis() != null) {
                c.setConnectTimeout(Durations.fromMillis(pool.connectTimeoutMillis()));
            }
            if (pool.maxConnections() > 0) {
                t.setMaxConnections(UInt32Value.of(pool.maxConnections()));
            }
            if (pool.idleTimeoutMillis() != null || pool.maxRequestsPerConnection() > 0) {
                HttpProtocolOptions.Builder common = HttpProtocolOptions.newBuilder();
                if (pool.idleTimeoutMillis() != null) {
                    common.setIdleTimeout(Durations.fromMillis(pool.idleTimeoutMillis()));
                }
                if (pool.maxRequestsPerConnection() > 0) {
                    common.setMaxRequestsPerConnection(UInt32Value.of(pool.maxRequestsPerConnection()));
                }
                var options = io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.newBuilder()
                        .setCommonHttpProtocolOptions(common)
                        .setExplicitHttpConfig(io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                                .ExplicitHttpConfig.newBuilder()
                                .setHttpProtocolOptions(Http1ProtocolOptions.getDefaultInstance()));
                c.putTypedExtensionProtocolOptions(HTTP_PROTOCOL_OPTIONS, Any.pack(options.build()));
            }
        }
        c.setCircuitBreakers(CircuitBreakers.newBuilder().addThresholds(t));
    }

    /**
     * {@code applyOutlierDetection}: success-rate ejection off; each consecutive-error count that is set becomes
     * Envoy's, enforced 100% when above 0; {@code minHealthPercent} becomes the panic threshold (0 disables panic).
     */
    private static void applyOutlierDetection(Cluster.Builder c, TrafficPolicy.OutlierDetection in) {
        OutlierDetection.Builder out = OutlierDetection.newBuilder().setEnforcingSuccessRate(UInt32Value.of(0));
        if (in.consecutive5xxErrors() != null) {
            int v = in.consecutive5xxErrors();
            out.setConsecutive5Xx(UInt32Value.of(v)).setEnforcingConsecutive5Xx(UInt32Value.of(v > 0 ? 100 : 0));
        }
        if (in.consecutiveGatewayErrors() != null) {
            int v = in.consecutiveGatewayErrors();
            out.setConsecutiveGatewayFailure(UInt32Value.of(v))
                    .setEnforcingConsecutiveGatewayFailure(UInt32Value.of(v > 0 ? 100 : 0));
        }
        if (in.intervalMillis() != null) {
            out.setInterval(Durations.fromMillis(in.intervalMillis()));
        }
        if (in.baseEjectionTimeMillis() != null) {
            out.setBaseEjectionTime(Durations.fromMillis(in.baseEjectionTimeMillis()));
        }
        if (in.maxEjectionPercent() > 0) {
            out.setMaxEjectionPercent(UInt32Value.of(in.maxEjectionPercent()));
        }
        c.setOutlierDetection(out);
        if (in.minHealthPercent() >= 0) {
            c.setCommonLbConfig(c.getCommonLbConfigBuilder()
                    .setHealthyPanicThreshold(Percent.newBuilder().setValue(in.minHealthPercent())));
        }
    }

    /** {@code applyLoadBalancer} and {@code ApplyRingHashLoadBalancer}. */
    private static void applyLoadBalancer(Cluster.Builder c, TrafficPolicy.LoadBalancer lb) {
        TrafficPolicy.Simple simple = lb == null || lb.simple() == null ? TrafficPolicy.Simple.UNSPECIFIED : lb.simple();
        c.setLbPolicy(switch (simple) {
            case RANDOM -> Cluster.LbPolicy.RANDOM;
            case ROUND_ROBIN -> Cluster.LbPolicy.ROUND_ROBIN;
            // LEAST_CONN is an alias; PASSTHROUGH is rejected before translation
            default -> Cluster.LbPolicy.LEAST_REQUEST;
        });
        TrafficPolicy.ConsistentHash hash = lb == null ? null : lb.consistentHash();
        if (hash == null) {
            return;
        }
        if (hash.maglev()) {
            c.setLbPolicy(Cluster.LbPolicy.MAGLEV);
            if (hash.maglevTableSize() != 0) {
                c.setMaglevLbConfig(Cluster.MaglevLbConfig.newBuilder()
                        .setTableSize(UInt64Value.of(hash.maglevTableSize())));
            }
        } else if (hash.ringHash()) {
            c.setLbPolicy(Cluster.LbPolicy.RING_HASH);
            if (hash.ringHashMinimumRingSize() != 0) {
                c.setRingHashLbConfig(Cluster.RingHashLbConfig.newBuilder()
                        .setMinimumRingSize(UInt64Value.of(hash.ringHashMinimumRingSize())));
            }
        } else {
            c.setLbPolicy(Cluster.LbPolicy.RING_HASH);
            c.setRingHashLbConfig(Cluster.RingHashLbConfig.newBuilder().setMinimumRingSize(UInt64Value.of(
                    hash.minimumRingSize() != 0 ? hash.minimumRingSize() : 1024)));
        }
    }

    /**
     * {@code HashForHTTPDestination}: the subset's consistent hash if it sets one, else the DestinationRule's (so a
     * subset that only sets {@code simple} keeps the DR's hash policy on the route, which its non-hash cluster then
     * ignores). Null when there is none.
     */
    static TrafficPolicy.ConsistentHash hashForDestination(DestinationRuleIndex.Consolidated rule, String subset,
                                                           Integer destinationPort, Mutant mutant) {
        TrafficPolicy top = topLevel(rule, mutant);
        TrafficPolicy own = subsetPolicy(rule, subset);
        // port-level hashes count only when the destination names its port (portLevelSettingsConsistentHash)
        TrafficPolicy.ConsistentHash portHash = destinationPort == null || top == null ? null
                : hashOf(top.portLevel(destinationPort));
        TrafficPolicy.ConsistentHash subsetHash = hashOf(own);
        TrafficPolicy.ConsistentHash subsetPortHash = destinationPort == null || own == null ? null
                : hashOf(own.portLevel(destinationPort));
        if (subsetPortHash != null) {
            return subsetPortHash;
        }
        if (subsetHash != null) {
            return subsetHash;
        }
        return portHash != null ? portHash : hashOf(top);
    }

    /** {@code hashForService}: a service's default route hashes by the DestinationRule's (port-level) hash. */
    static TrafficPolicy.ConsistentHash hashForService(DestinationRuleIndex.Consolidated rule, int port,
                                                       Mutant mutant) {
        TrafficPolicy top = topLevel(rule, mutant);
        TrafficPolicy.ConsistentHash portHash = top == null ? null : hashOf(top.portLevel(port));
        return portHash != null ? portHash : hashOf(top);
    }

    /** {@code ConsistentHashToHashPolicy}, or null when there is no hash. */
    static RouteAction.HashPolicy hashPolicy(TrafficPolicy.ConsistentHash hash) {
        if (hash == null) {
            return null;
        }
        RouteAction.HashPolicy.Builder out = RouteAction.HashPolicy.newBuilder();
        if (hash.httpHeaderName() != null) {
            out.setHeader(RouteAction.HashPolicy.Header.newBuilder().setHeaderName(hash.httpHeaderName()));
        } else if (hash.httpCookie() != null) {
            RouteAction.HashPolicy.Cookie.Builder cookie = RouteAction.HashPolicy.Cookie.newBuilder()
                    .setName(hash.httpCookie().name());
            if (hash.httpCookie().path() != null) {
                cookie.setPath(hash.httpCookie().path());
            }
            if (hash.httpCookie().ttlMillis() != null) {
                cookie.setTtl(Durations.fromMillis(hash.httpCookie().ttlMillis()));
            }
            out.setCookie(cookie);
        } else if (hash.useSourceIp()) {
            out.setConnectionProperties(RouteAction.HashPolicy.ConnectionProperties.newBuilder().setSourceIp(true));
        } else if (hash.httpQueryParameterName() != null) {
            out.setQueryParameter(RouteAction.HashPolicy.QueryParameter.newBuilder()
                    .setName(hash.httpQueryParameterName()));
        } else {
            return null;
        }
        return out.build();
    }
}
