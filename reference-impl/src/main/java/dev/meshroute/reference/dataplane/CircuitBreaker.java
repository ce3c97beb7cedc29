package dev.meshroute.reference.dataplane;

import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Envoy's circuit breakers for one cluster (default priority): at most {@code max_requests} requests in flight;
 * a request that finds all {@code max_connections} connections busy waits as a pending request, and a request that
 * finds {@code max_pending_requests} already waiting overflows (the proxy answers 503 UO). Unset thresholds are
 * Envoy's defaults (1024). The reference carries one HTTP/1.1 request per connection, so "connections busy" is
 * "requests in flight"; it does not count idle connections. Thread-safe.
 */
final class CircuitBreaker {

    private final long maxConnections;
    private final long maxPending;
    private final long maxRequests;
    private final Deque<Runnable> pending = new ArrayDeque<>();
    private long inFlight;

    private CircuitBreaker(CircuitBreakers.Thresholds t) {
        this.maxConnections = t.hasMaxConnections() ? Integer.toUnsignedLong(t.getMaxConnections().getValue()) : 1024;
        this.maxPending = t.hasMaxPendingRequests()
                ? Integer.toUnsignedLong(t.getMaxPendingRequests().getValue()) : 1024;
        this.maxRequests = t.hasMaxRequests() ? Integer.toUnsignedLong(t.getMaxRequests().getValue()) : 1024;
    }

    static CircuitBreaker of(Cluster cluster) {
        for (CircuitBreakers.Thresholds t : cluster.getCircuitBreakers().getThresholdsList()) {
            if (t.getPriority() == io.envoyproxy.envoy.config.core.v3.RoutingPriority.DEFAULT) {
                return new CircuitBreaker(t);
            }
        }
        return new CircuitBreaker(CircuitBreakers.Thresholds.getDefaultInstance());
    }

    /**
     * Runs {@code dispatch} now or once a slot frees up, or runs {@code overflow} when the request can neither go nor
     * wait. Each dispatched request must be followed by exactly one {@link #release()}.
     */
    void admit(Runnable dispatch, Runnable overflow) {
        boolean now;
        synchronized (this) {
            if (inFlight >= maxRequests && inFlight < maxConnections) {
                now = false;
                dispatch = null;
            } else if (inFlight < maxConnections && inFlight < maxRequests) {
                inFlight++;
                now = true;
            } else if (pending.size() < maxPending) {
                pending.addLast(dispatch);
                return;
            } else {
                now = false;
                dispatch = null;
            }
        }
        if (now) {
            dispatch.run();
        } else {
            overflow.run();
        }
    }

    /** A dispatched request finished: its slot goes to the oldest pending request, if any. */
    void release() {
        Runnable next;
        synchronized (this) {
            next = pending.pollFirst();
            if (next == null) {
                inFlight--;
            }
        }
        if (next != null) {
            next.run();
        }
    }
}
