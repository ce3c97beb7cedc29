package dev.meshroute.reference.translate;

import dev.meshroute.reference.model.HttpRetry;
import dev.meshroute.reference.mutants.Mutant;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Istio's retry.ConvertPolicy, field by field (pilot/pkg/networking/core/route/retry/retry.go). */
class RetryPoliciesTest {

    private static HttpRetry retry(Integer attempts, Long perTry, String retryOn, Boolean ignorePrevious, Long backoff) {
        return new HttpRetry(attempts, perTry, retryOn, null, ignorePrevious, backoff, null);
    }

    @Test
    void noRetries_isIstiosDefault() {
        RetryPolicy p = RetryPolicies.convert(null, false, Mutant.NONE);

        assertEquals(2, p.getNumRetries().getValue());
        assertEquals("connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes", p.getRetryOn());
        assertEquals(List.of(), p.getRetriableStatusCodesList());
        assertEquals(5, p.getHostSelectionRetryMaxAttempts());
        assertEquals(RetryPolicies.PREVIOUS_HOSTS, p.getRetryHostPredicate(0).getName());
        assertEquals(false, p.hasPerTryTimeout());
    }

    @Test
    void consistentHash_leavesOutThePreviousHostsPredicate() {
        assertEquals(0, RetryPolicies.convert(null, true, Mutant.NONE).getRetryHostPredicateCount());
    }

    @Test
    void attemptsZero_isNoPolicy() {
        assertNull(RetryPolicies.convert(retry(0, null, null, null, null), false, Mutant.NONE));
    }

    @Test
    void attemptsWithoutRetryOn_keepsTheDefaultConditions() {
        RetryPolicy p = RetryPolicies.convert(retry(5, null, null, null, null), false, Mutant.NONE);

        assertEquals(5, p.getNumRetries().getValue());
        assertEquals(RetryPolicies.DEFAULT_RETRY_ON, p.getRetryOn());
    }

    @Test
    void statusCodes_becomeRetriableStatusCodes_andTheConditionIsAdded() {
        RetryPolicy p = RetryPolicies.convert(retry(3, null, "gateway-error, 503,429", null, null), false,
                Mutant.NONE);

        assertEquals("gateway-error,retriable-status-codes", p.getRetryOn());
        assertEquals(List.of(503, 429), p.getRetriableStatusCodesList());
    }

    @Test
    void onlyStatusCodes_retryOnIsJustTheCondition() {
        RetryPolicy p = RetryPolicies.convert(retry(3, null, "503", null, null), false, Mutant.NONE);

        assertEquals("retriable-status-codes", p.getRetryOn());
    }

    @Test
    void perTryTimeoutBackoffAndIgnorePreviousHosts() {
        RetryPolicy p = RetryPolicies.convert(retry(2, 250L, "5xx", false, 40L), false, Mutant.NONE);

        assertEquals(250_000_000, p.getPerTryTimeout().getNanos());
        assertEquals(40_000_000, p.getRetryBackOff().getBaseInterval().getNanos());
        assertEquals(0, p.getRetryHostPredicateCount());
    }

    @Test
    void retryStatusCodesIgnoredMutant_dropsTheCodes() {
        RetryPolicy p = RetryPolicies.convert(retry(3, null, "503", null, null), false,
                Mutant.RETRY_STATUS_CODES_IGNORED);

        assertEquals(List.of(), p.getRetriableStatusCodesList());
    }
}
