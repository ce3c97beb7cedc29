package dev.meshroute.reference.dataplane;

import java.util.Set;

/** Decides what happens to a request. Implementations are thread-safe and never block. */
@FunctionalInterface
public interface Router {
    RouteDecision route(HttpRequestHead request);

    /**
     * An endpoint of {@code cluster} for a retry, preferring one not in {@code tried} when the policy asks for
     * it; null when there is none. A router without clusters (tests) has none.
     */
    default RouteTable.Endpoint retryEndpoint(String cluster, RetryRule retry, Set<java.net.InetSocketAddress> tried) {
        return null;
    }

    /** A random value for retry back-off. */
    default long nextRandom() {
        return java.util.concurrent.ThreadLocalRandom.current().nextLong();
    }
}
