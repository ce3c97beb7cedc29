package dev.meshroute.reference.translate;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import dev.meshroute.reference.model.HttpRetry;
import dev.meshroute.reference.mutants.Mutant;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.envoyproxy.envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * Istio's {@code retry.ConvertPolicy} (pilot/pkg/networking/core/route/retry/retry.go): an HTTP rule's
 * {@code retries} as an Envoy route retry policy.
 *
 * <p>No {@code retries}: Istio's default, 2 retries on connect-failure, refused-stream, unavailable, cancelled
 * and retriable-status-codes (with no codes listed, so no HTTP status is retried), each retry on a host not
 * tried before. {@code attempts: 0}: no retry policy at all. Status codes in {@code retryOn} become
 * {@code retriable_status_codes}, and {@code retriable-status-codes} is added when missing.
 */
public final class RetryPolicies {

    static final String DEFAULT_RETRY_ON = "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes";
    static final String PREVIOUS_HOSTS = "envoy.retry_host_predicates.previous_hosts";
    static final String PREVIOUS_PRIORITIES = "envoy.retry_priorities.previous_priorities";

    private RetryPolicies() {
    }

    /**
     * @param consistentHash whether the route's destination hashes to an endpoint (then retries may not avoid
     *                       the previous host, as Istio leaves the predicate out)
     * @return the policy, or null when the rule switches retries off
     */
    public static RetryPolicy convert(HttpRetry in, boolean consistentHash, Mutant mutant) {
        if (in == null) {
            if (mutant == Mutant.NO_DEFAULT_RETRIES) {
                return null;
            }
            return base(consistentHash).build();
        }
        if (in.attemptsOrZero() <= 0) {
            return null; // attempts 0 switches retries off
        }
        RetryPolicy.Builder out = base(consistentHash).setNumRetries(UInt32Value.of(in.attempts()));
        if (in.retryOn() != null && !in.retryOn().isEmpty()) {
            List<String> conditions = new ArrayList<>();
            for (String part : in.retryOn().split(",")) {
                String token = part.trim();
                if (token.isEmpty()) {
                    continue;
                }
                if (isStatusCode(token)) {
                    if (mutant != Mutant.RETRY_STATUS_CODES_IGNORED) {
                        out.addRetriableStatusCodes(Integer.parseInt(token));
                    }
                } else {
                    conditions.add(token);
                }
            }
            String retryOn = String.join(",", conditions);
            if (out.getRetriableStatusCodesCount() > 0 && !retryOn.contains("retriable-status-codes")) {
                retryOn = retryOn.isEmpty() ? "retriable-status-codes" : retryOn + ",retriable-status-codes";
            }
            out.setRetryOn(retryOn);
        }
        if (in.perTryTimeoutMillis() != null) {
            out.setPerTryTimeout(Durations.fromMillis(in.perTryTimeoutMillis()));
        }
        if (in.retryIgnorePreviousHosts() != null) {
            out.clearRetryHostPredicate();
            if (in.retryIgnorePreviousHosts()) {
                out.addRetryHostPredicate(previousHosts());
            }
        }
        if (Boolean.TRUE.equals(in.retryRemoteLocalities())) {
            out.setRetryPriority(RetryPolicy.RetryPriority.newBuilder().setName(PREVIOUS_PRIORITIES)
                    .setTypedConfig(Any.pack(PreviousPrioritiesConfig.newBuilder().setUpdateFrequency(2).build())));
        }
        if (in.backoffMillis() != null) {
            out.setRetryBackOff(RetryPolicy.RetryBackOff.newBuilder()
                    .setBaseInterval(Durations.fromMillis(in.backoffMillis())));
        }
        return out.build();
    }

    private static RetryPolicy.Builder base(boolean consistentHash) {
        RetryPolicy.Builder out = RetryPolicy.newBuilder()
                .setNumRetries(UInt32Value.of(2))
                .setRetryOn(DEFAULT_RETRY_ON)
                .setHostSelectionRetryMaxAttempts(5);
        if (!consistentHash) {
            out.addRetryHostPredicate(previousHosts());
        }
        return out;
    }

    private static RetryPolicy.RetryHostPredicate previousHosts() {
        return RetryPolicy.RetryHostPredicate.newBuilder().setName(PREVIOUS_HOSTS)
                .setTypedConfig(Any.pack(PreviousHostsPredicate.getDefaultInstance())).build();
    }

    /** Go's {@code strconv.Atoi} succeeding with a code {@code http.StatusText} names (parseRetryOn). */
    private static boolean isStatusCode(String token) {
        return dev.meshroute.reference.validation.Validator.isHttpStatus(token);
    }
}
