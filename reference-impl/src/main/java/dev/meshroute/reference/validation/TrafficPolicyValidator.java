package dev.meshroute.reference.validation;

import dev.meshroute.reference.model.Diagnostic;
import dev.meshroute.reference.model.SourceLocation;
import dev.meshroute.reference.model.TrafficPolicy;

import java.util.List;

/**
 * Istio's {@code validateTrafficPolicy}, {@code validateLoadBalancer}, {@code validateConnectionPool} and
 * {@code validateOutlierDetection} ({@code pkg/config/validation/validation.go}) for the parts the reference reads:
 * every error and warning, with Istio's wording.
 */
final class TrafficPolicyValidator {

    private final String resource;
    private final List<Diagnostic> out;

    TrafficPolicyValidator(String resource, List<Diagnostic> out) {
        this.resource = resource;
        this.out = out;
    }

    void validate(TrafficPolicy policy, String path) {
        if (policy == null) {
            return;
        }
        if (policy.isEmpty()) {
            error(policy.location(), path + ": traffic policy must have at least one field");
            return;
        }
        outlierDetection(policy.outlierDetection(), path + ".outlierDetection");
        connectionPool(policy.connectionPool(), path + ".connectionPool");
        loadBalancer(policy.loadBalancer(), path + ".loadBalancer");
        for (int i = 0; i < policy.portLevelSettings().size(); i++) {
            TrafficPolicy.PortTrafficPolicy p = policy.portLevelSettings().get(i);
            String at = path + ".portLevelSettings[" + i + "]";
            if (p.port() == null) {
                error(p.location(), at + ": portTrafficPolicy must have valid port");
            }
            if (p.loadBalancer() == null && p.connectionPool() == null && p.outlierDetection() == null) {
                error(p.location(), at + ": port traffic policy must have at least one field");
            } else {
                outlierDetection(p.outlierDetection(), at + ".outlierDetection");
                connectionPool(p.connectionPool(), at + ".connectionPool");
                loadBalancer(p.loadBalancer(), at + ".loadBalancer");
            }
        }
    }

    private void outlierDetection(TrafficPolicy.OutlierDetection o, String path) {
        if (o == null) {
            return;
        }
        duration(o.baseEjectionTimeMillis(), path + ".baseEjectionTime", o.location());
        if (o.consecutiveErrors() != 0) {
            out.add(Diagnostic.warning(resource, o.location(), path + ".consecutiveErrors: outlier detection"
                    + " consecutive errors is deprecated, use consecutiveGatewayErrors or consecutive5xxErrors instead"));
        }
        duration(o.intervalMillis(), path + ".interval", o.location());
        percent(o.maxEjectionPercent(), path + ".maxEjectionPercent", o.location());
        percent(o.minHealthPercent(), path + ".minHealthPercent", o.location());
    }

    private void connectionPool(TrafficPolicy.ConnectionPool c, String path) {
        if (c == null) {
            return;
        }
        if (!c.hasTcp() && !c.hasHttp()) {
            error(c.location(), path + ": connection pool must have at least one field");
            return;
        }
        nonNegative(c.http1MaxPendingRequests(), path + ".http.http1MaxPendingRequests",
                "http1 max pending requests must be non-negative", c.location());
        nonNegative(c.http2MaxRequests(), path + ".http.http2MaxRequests",
                "http2 max requests must be non-negative", c.location());
        nonNegative(c.maxRequestsPerConnection(), path + ".http.maxRequestsPerConnection",
                "max requests per connection must be non-negative", c.location());
        nonNegative(c.maxRetries(), path + ".http.maxRetries", "max retries must be non-negative", c.location());
        duration(c.idleTimeoutMillis(), path + ".http.idleTimeout", c.location());
        nonNegative(c.maxConnections(), path + ".tcp.maxConnections", "max connections must be non-negative",
                c.location());
        duration(c.connectTimeoutMillis(), path + ".tcp.connectTimeout", c.location());
    }

    private void loadBalancer(TrafficPolicy.LoadBalancer lb, String path) {
        if (lb == null || lb.consistentHash() == null) {
            return; // simple load balancing is always valid
        }
        TrafficPolicy.ConsistentHash h = lb.consistentHash();
        String at = path + ".consistentHash";
        if (h.httpCookie() != null && (h.httpCookie().name() == null || h.httpCookie().name().isEmpty())) {
            error(h.location(), at + ".httpCookie: name required for HttpCookie");
        }
        if (h.minimumRingSize() != 0) {
            out.add(Diagnostic.warning(resource, h.location(), at + ".minimumRingSize: consistent hash"
                    + " MinimumRingSize is deprecated, use ConsistentHashLB's RingHash configuration instead"));
            if (h.ringHash() || h.maglev()) {
                error(h.location(), at + ": only one of MinimumRingSize or Maglev/Ringhash can be specified");
            }
        }
        if (h.maglev()) {
            long size = h.maglevTableSize();
            if (size == 0) {
                error(h.location(), at + ".maglev: tableSize must be set for maglev");
            }
            if (size >= 5_000_011) {
                error(h.location(), at + ".maglev: tableSize must be less than 5000011 for maglev");
            }
            if (!isPrime(size)) {
                error(h.location(), at + ".maglev: tableSize must be a prime number for maglev");
            }
        }
    }

    /** Envoy's (and Istio's) primality check, which calls 0 not prime and 1, 2, 3 prime. */
    static boolean isPrime(long x) {
        if (x != 0 && x < 4) {
            return true;
        }
        if ((x & 1) == 0) {
            return false;
        }
        long limit = (long) Math.sqrt((double) x);
        for (long factor = 3; factor <= limit; factor += 2) {
            if (x % factor == 0) {
                return false;
            }
        }
        return true;
    }

    private void duration(Long millis, String path, SourceLocation at) {
        if (millis != null && millis < 1) {
            error(at, path + ": duration must be greater than 1ms");
        }
    }

    private void percent(int value, String path, SourceLocation at) {
        if (value < 0 || value > 100) {
            error(at, path + ": percentage " + value + " is not in range 0..100");
        }
    }

    private void nonNegative(int value, String path, String message, SourceLocation at) {
        if (value < 0) {
            error(at, path + ": " + message);
        }
    }

    private void error(SourceLocation at, String message) {
        out.add(Diagnostic.error(resource, at, message));
    }
}
