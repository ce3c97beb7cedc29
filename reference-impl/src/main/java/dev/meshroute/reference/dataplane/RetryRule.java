package dev.meshroute.reference.dataplane;

import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;

import java.util.Set;

/**
 * A route's compiled Envoy retry policy: which outcomes of an attempt are retried, how many times, how long each
 * attempt may take, and whether a retry avoids the endpoints already tried.
 *
 * <p>The conditions are Envoy's ({@code router_filter} x-envoy-retry-on and x-envoy-retry-grpc-on): {@code 5xx}
 * (any 5xx response, a reset, a connect failure, a per-try timeout), {@code gateway-error} (502, 503, 504, and the
 * same failures), {@code reset} (no response at all), {@code connect-failure}, {@code retriable-4xx} (409),
 * {@code retriable-status-codes} (the listed codes), and the gRPC ones by the response's {@code grpc-status}.
 *
 * @param numRetries        retries after the first attempt
 * @param perTryTimeoutMillis the timeout of each attempt (0: none; the route timeout still bounds them all)
 * @param avoidPreviousHosts  the previous_hosts retry host predicate
 * @param hostSelectionAttempts how many endpoints a retry draws to find one not tried yet
 * @param baseIntervalMillis  the base of Envoy's jittered exponential back-off between attempts
 */
public record RetryRule(int numRetries, Set<String> retryOn, Set<Integer> statusCodes, long perTryTimeoutMillis,
                 boolean avoidPreviousHosts, int hostSelectionAttempts, long baseIntervalMillis) {

    /** How an attempt failed when no response came back. */
    public enum Failure {
        /** the connection could not be made: Envoy's connection failure (UF) */
        CONNECT,
        /** the connection closed or reset after the request went out (UC) */
        RESET,
        /** the attempt's per-try timeout passed (UT) */
        PER_TRY_TIMEOUT
    }

    static final String PREVIOUS_HOSTS = "envoy.retry_host_predicates.previous_hosts";
    private static final long DEFAULT_BASE_INTERVAL_MILLIS = 25;

    public RetryRule {
        retryOn = Set.copyOf(retryOn);
        statusCodes = Set.copyOf(statusCodes);
    }

    static RetryRule compile(RetryPolicy p) {
        int numRetries = p.hasNumRetries() ? p.getNumRetries().getValue() : 1; // Envoy's default is 1
        Set<String> on = new java.util.HashSet<>();
        for (String token : p.getRetryOn().split(",")) {
            if (!token.isBlank()) {
                on.add(token.trim());
            }
        }
        Set<Integer> codes = new java.util.HashSet<>(p.getRetriableStatusCodesList());
        boolean previousHosts = p.getRetryHostPredicateList().stream().anyMatch(h -> h.getName().equals(PREVIOUS_HOSTS));
        long base = p.hasRetryBackOff() && p.getRetryBackOff().hasBaseInterval()
                ? Durations.toMillis(p.getRetryBackOff().getBaseInterval()) : DEFAULT_BASE_INTERVAL_MILLIS;
        long perTry = p.hasPerTryTimeout() ? Durations.toMillis(p.getPerTryTimeout()) : 0;
        int hostAttempts = (int) Math.max(1, p.getHostSelectionRetryMaxAttempts());
        return new RetryRule(numRetries, on, codes, perTry, previousHosts, hostAttempts, Math.max(1, base));
    }

    /** Whether an upstream response with this status (and gRPC status, or null) is retried. */
    public boolean retriesResponse(int status, String grpcStatus) {
        if (retryOn.contains("5xx") && status >= 500 && status <= 599) {
            return true;
        }
        if (retryOn.contains("gateway-error") && (status == 502 || status == 503 || status == 504)) {
            return true;
        }
        if (retryOn.contains("retriable-4xx") && status == 409) {
            return true;
        }
        if (retryOn.contains("retriable-status-codes") && statusCodes.contains(status)) {
            return true;
        }
        if (grpcStatus != null) {
            String condition = switch (grpcStatus.trim()) {
                case "1" -> "cancelled";
                case "4" -> "deadline-exceeded";
                case "8" -> "resource-exhausted";
                case "13" -> "internal";
                case "14" -> "unavailable";
                default -> null;
            };
            return condition != null && retryOn.contains(condition);
        }
        return false;
    }

    /** Whether an attempt that got no response is retried ({@code RetryStateImpl::wouldRetryFromReset}). */
    public boolean retriesFailure(Failure failure) {
        if (retryOn.contains("reset") || retryOn.contains("5xx") || retryOn.contains("gateway-error")) {
            return true;
        }
        return failure == Failure.CONNECT
                && (retryOn.contains("connect-failure") || retryOn.contains("reset-before-request"));
    }

    /**
     * Envoy's jittered exponential back-off before retry {@code retry} (1-based): a random time below
     * {@code base * 2^(retry-1)}, capped at 10 times the base.
     */
    long backoffMillis(int retry, long random) {
        long ceiling = Math.min(baseIntervalMillis << Math.min(retry - 1, 20), baseIntervalMillis * 10);
        return Long.remainderUnsigned(random, ceiling + 1);
    }
}
