package dev.meshroute.reference.dataplane;

/**
 * The xDS client's reconnect delays: exponential from {@code base}, capped at {@code max}, with full jitter, as
 * Envoy's {@code JitteredExponentialBackOffStrategy} (the n-th delay is drawn uniformly from
 * {@code [0, min(base * 2^n, max))}), except that a delay is never below {@code base / 2}, so a proxy whose control
 * plane is down cannot spin. {@link #reset()} after the stream delivered a response. Not thread-safe.
 */
public final class Backoff {

    private final long baseMillis;
    private final long maxMillis;
    private final RandomSource random;
    private int failures;

    public Backoff(long baseMillis, long maxMillis, RandomSource random) {
        if (baseMillis < 2 || maxMillis < baseMillis) {
            throw new IllegalArgumentException("need 2 <= base <= max, got " + baseMillis + ", " + maxMillis);
        }
        this.baseMillis = baseMillis;
        this.maxMillis = maxMillis;
        this.random = random;
    }

    /** The ceiling of the next delay: {@code min(base * 2^failures, max)}. */
    public long ceilingMillis() {
        long ceiling = baseMillis;
        for (int i = 0; i < failures && ceiling < maxMillis; i++) {
            ceiling *= 2;
        }
        return Math.min(ceiling, maxMillis);
    }

    /** The delay before the next attempt, in {@code [base / 2, ceiling)}; each call counts one more failure. */
    public long nextDelayMillis() {
        long ceiling = ceilingMillis();
        failures++;
        long floor = baseMillis / 2;
        return floor + Long.remainderUnsigned(random.nextLong(), ceiling - floor);
    }

    public void reset() {
        failures = 0;
    }
}
