package dev.meshroute.conformance.stats;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Monte Carlo checks of the stated error rates: simulated routers send the planned number of
 * requests with fixed seeds, and the observed failure rates must agree with alpha and the power
 * within 4 standard errors.
 */
class SplitSimulationTest {

    private static final int TRIALS = 20_000;
    private static final double ALPHA = 0.01;
    private static final double POWER = 0.999;

    /** The fraction of trials in which a router with the given true shares fails the check. */
    private static double failureRate(SplitCheck check, double[] trueShares, long seed) {
        List<String> names = List.copyOf(check.weights().keySet());
        int n = check.sampleSize();
        AcceptanceRegion[] regions = new AcceptanceRegion[names.size()];
        for (int i = 0; i < regions.length; i++) {
            regions[i] = check.region(names.get(i), n);
        }
        double[] cumulative = new double[trueShares.length];
        double acc = 0;
        for (int i = 0; i < trueShares.length; i++) {
            acc += trueShares[i];
            cumulative[i] = acc;
        }
        SplittableRandom random = new SplittableRandom(seed);
        int failures = 0;
        int[] counts = new int[names.size()];
        for (int t = 0; t < TRIALS; t++) {
            java.util.Arrays.fill(counts, 0);
            for (int r = 0; r < n; r++) {
                double u = random.nextDouble();
                int d = 0;
                while (d < cumulative.length - 1 && u >= cumulative[d]) {
                    d++;
                }
                counts[d]++;
            }
            for (int i = 0; i < counts.length; i++) {
                if (!regions[i].contains(counts[i])) {
                    failures++;
                    break;
                }
            }
        }
        return failures / (double) TRIALS;
    }

    private static double standardError(double rate) {
        return Math.sqrt(rate * (1 - rate) / TRIALS);
    }

    private static SplitCheck check(Object... nameWeight) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < nameWeight.length; i += 2) {
            m.put((String) nameWeight[i], (Integer) nameWeight[i + 1]);
        }
        return new SplitCheck(m, ALPHA, 0.05, POWER);
    }

    @Test
    void falseFailureRate_90To10_isAtMostAlpha_andMatchesAttainedSize() {
        SplitCheck check = check("v1", 90, "v2", 10);
        double size = check.region("v2", check.sampleSize()).size();
        double rate = failureRate(check, new double[] {0.9, 0.1}, 42);
        assertTrue(rate <= ALPHA + 4 * standardError(ALPHA), "false-failure rate " + rate + " vs alpha " + ALPHA);
        // k = 2 is a single exact test: its exact size is the failure probability, not just a bound
        assertTrue(Math.abs(rate - size) <= 4 * standardError(size), "rate " + rate + " vs exact size " + size);
    }

    @Test
    void power_90To10_against85To15_isAtLeastStated_andMatchesExactPower() {
        SplitCheck check = check("v1", 90, "v2", 10);
        double exact = check.region("v2", check.sampleSize()).power(0.15);
        double rate = failureRate(check, new double[] {0.85, 0.15}, 43);
        assertTrue(rate >= POWER - 4 * standardError(POWER), "detection rate " + rate + " vs power " + POWER);
        assertTrue(Math.abs(rate - exact) <= 4 * standardError(exact) + 1.0 / TRIALS,
                "rate " + rate + " vs exact power " + exact);
    }

    @Test
    void falseFailureRate_30To30To40_isAtMostAlpha() {
        SplitCheck check = check("a", 30, "b", 30, "c", 40);
        double rate = failureRate(check, new double[] {0.3, 0.3, 0.4}, 44);
        assertTrue(rate <= ALPHA + 4 * standardError(ALPHA), "family-wise false-failure rate " + rate + " vs alpha " + ALPHA);
    }

    @Test
    void power_30To30To40_againstAFivePointShift_isAtLeastStated() {
        // c, the destination that needs the most requests, is 5 points off; a and b only 2.5 each
        SplitCheck check = check("a", 30, "b", 30, "c", 40);
        double rate = failureRate(check, new double[] {0.275, 0.275, 0.45}, 45);
        assertTrue(rate >= POWER - 4 * standardError(POWER), "detection rate " + rate + " vs power " + POWER);
    }
}
