package dev.meshroute.reference.dataplane;

import io.netty.util.ResourceLeakDetector;

/**
 * Netty's buffer leak detector for processes that serve traffic ({@code meshroute-reference serve}, the benchmark
 * mesh): off, unless {@code -Dio.netty.leakDetection.level} asks for a level.
 *
 * <p>By default Netty tracks one buffer in 128 and records a stack trace at each of its accesses: about 3% of the
 * proxy's CPU under load (a {@code perf} profile, BENCHMARKS.md), for a check that belongs in tests. Tests and
 * anything else that starts the proxy in-process keep Netty's default, so a leak still fails them.
 */
public final class LeakDetection {

    private LeakDetection() {
    }

    /** Turns the detector off unless a level was asked for on the command line. */
    public static void offUnlessAsked() {
        if (System.getProperty("io.netty.leakDetection.level") == null
                && System.getProperty("io.netty.leakDetectionLevel") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }
}
