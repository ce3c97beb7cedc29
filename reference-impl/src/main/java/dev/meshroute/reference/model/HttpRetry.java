package dev.meshroute.reference.model;

/**
 * An HTTP rule's {@code retries}. Null fields were not set. {@code attempts} 0 switches retries off for the
 * rule; an absent {@code retries} means Istio's default policy (translated by {@code ConvertPolicy}).
 *
 * @param retryOn             Envoy retry conditions and HTTP status codes, comma separated, as written
 * @param perTryTimeoutMillis the timeout of each attempt
 * @param backoffMillis       the base interval between attempts
 */
public record HttpRetry(Integer attempts, Long perTryTimeoutMillis, String retryOn, Boolean retryRemoteLocalities,
                        Boolean retryIgnorePreviousHosts, Long backoffMillis, SourceLocation location) {

    public int attemptsOrZero() {
        return attempts == null ? 0 : attempts;
    }
}
