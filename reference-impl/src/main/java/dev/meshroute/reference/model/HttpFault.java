package dev.meshroute.reference.model;

/**
 * Istio's {@code HTTPFaultInjection}. A null percentage means the field was omitted, which Istio
 * translates to 0%: that part of the fault never applies.
 *
 * @param delayMillis     {@code delay.fixedDelay}, or null when there is no delay
 * @param abortStatus     {@code abort.httpStatus}, or null when there is no abort
 */
public record HttpFault(Long delayMillis, Double delayPercentage, Integer abortStatus, Double abortPercentage,
                        SourceLocation location) {
}
