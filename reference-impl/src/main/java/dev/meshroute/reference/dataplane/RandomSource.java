package dev.meshroute.reference.dataplane;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Where the proxy's randomness comes from (weighted cluster choice, endpoint choice): one injected
 * source, so unit tests can be exact.
 */
@FunctionalInterface
public interface RandomSource {

    /** A uniformly distributed non-negative long, like Envoy's per-stream random value. */
    long nextLong();

    RandomSource THREAD_LOCAL = () -> ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
}
