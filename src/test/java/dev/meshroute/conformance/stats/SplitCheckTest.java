package dev.meshroute.conformance.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SplitCheckTest {

    private static Map<String, Integer> weights(Object... nameWeight) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < nameWeight.length; i += 2) {
            m.put((String) nameWeight[i], (Integer) nameWeight[i + 1]);
        }
        return m;
    }

    private static Map<String, Long> counts(Object... nameCount) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < nameCount.length; i += 2) {
            m.put((String) nameCount[i], ((Number) nameCount[i + 1]).longValue());
        }
        return m;
    }

    @Test
    void shares_followIstioRelativeWeights() {
        SplitCheck check = SplitCheck.of(weights("v1", 1, "v2", 3, "v3", 0));
        assertEquals(0.25, check.share("v1"));
        assertEquals(0.75, check.share("v2"));
        assertEquals(0.0, check.share("v3"));
        assertEquals(List.of("v1", "v2"), check.sampled());
        assertThrows(IllegalArgumentException.class, () -> check.share("v9"));
    }

    @Test
    void testAlpha_isBonferroniForThreeOrMore_andFullAlphaForTwo() {
        assertEquals(1e-6 / 3, SplitCheck.of(weights("a", 30, "b", 30, "c", 40)).testAlpha(), 1e-22);
        assertEquals(1e-6 / 4, SplitCheck.of(weights("a", 1, "b", 1, "c", 1, "d", 1, "old", 0)).testAlpha(), 1e-22);
        assertEquals(1e-6, SplitCheck.of(weights("v1", 90, "v2", 10)).testAlpha());
    }

    @Test
    void sampleSize_isMaxOverDestinationsOfBinomialSampleSize() {
        SplitCheck check = SplitCheck.of(weights("a", 30, "b", 30, "c", 40, "old", 0));
        int expected = Math.max(BinomialCheck.sampleSize(0.3, 1e-6 / 3, 0.05, 0.999),
                BinomialCheck.sampleSize(0.4, 1e-6 / 3, 0.05, 0.999));
        assertEquals(expected, check.sampleSize());
        // 90/10 is one test at full alpha
        assertEquals(BinomialCheck.sampleSize(0.1, 1e-6, 0.05, 0.999), SplitCheck.of(weights("v1", 90, "v2", 10)).sampleSize());
    }

    @Test
    void region_twoDestinations_areMirrorImages() {
        SplitCheck check = SplitCheck.of(weights("v1", 90, "v2", 10));
        int n = 4054;
        AcceptanceRegion v1 = check.region("v1", n);
        AcceptanceRegion v2 = check.region("v2", n);
        assertEquals(n - v1.hi(), v2.lo());
        assertEquals(n - v1.lo(), v2.hi());
        assertEquals(BinomialCheck.binomialRegion(n, 0.1, 1e-6).toString(), v2.toString());
    }

    @Test
    void check_countsOnTarget_pass() {
        SplitCheck check = SplitCheck.of(weights("v1", 90, "v2", 10));
        SplitVerdict verdict = check.check(counts("v1", 3641, "v2", 413), 0);
        assertTrue(verdict.passed(), verdict::describe);
        assertEquals(4054, verdict.n());
        SplitVerdict.Destination v1 = verdict.destinations().get(0);
        assertEquals("v1", v1.name());
        assertEquals(0.9, v1.expectedShare());
        assertEquals(3641, v1.observed());
        assertEquals(3641 / 4054.0, v1.observedShare());
        assertTrue(verdict.falseFailureBound() <= 1e-6);
    }

    @Test
    void check_shiftedSplit_failsAndSaysWhatWasObserved() {
        SplitCheck check = SplitCheck.of(weights("v1", 90, "v2", 10));
        SplitVerdict verdict = check.check(counts("v1", 3450, "v2", 604), 0);
        assertFalse(verdict.passed());
        String[] lines = verdict.describe().split("\n");
        assertTrue(lines[0].startsWith("FAILED: observed split v1=85.1% v2=14.9% (n=4054), expected v1=90.0% v2=10.0%"),
                lines[0]);
        assertTrue(lines[1].startsWith("weights v1=90 v2=10, n=4054, alpha=1e-06"), lines[1]);
        assertTrue(lines[3].startsWith("  v2: expected 10.0%, observed 604 (14.9%), accept "), lines[3]);
        assertTrue(lines[3].endsWith("<-- outside"), lines[3]);
    }

    @Test
    void describe_passingReport_hasOneLinePerDestination() {
        SplitCheck check = SplitCheck.of(weights("a", 30, "b", 30, "c", 40, "old", 0));
        int n = check.sampleSize();
        long a = Math.round(0.3 * n), b = Math.round(0.3 * n);
        SplitVerdict verdict = check.check(counts("a", a, "b", b, "c", n - a - b), 2);
        String[] lines = verdict.describe().split("\n");
        assertEquals(6, lines.length, verdict.describe());
        assertTrue(lines[0].startsWith("weights a=30 b=30 c=40 old=0, n=" + n + ", alpha=1e-06 (Bonferroni over 3), "
                + "min detectable deviation "), lines[0]);
        assertTrue(lines[0].endsWith(" points at power 0.999"), lines[0]);
        assertTrue(lines[1].startsWith("  a: expected 30.0%, observed " + a + " (30.0%), accept "), lines[1]);
        assertEquals("  old: weight 0, must receive none, observed 0", lines[4]);
        assertTrue(lines[5].endsWith("failed requests (not samples): 2"), lines[5]);
    }

    @Test
    void check_atPlannedN_reportsTheDeviationItWasPlannedFor() {
        SplitCheck check = SplitCheck.of(weights("a", 30, "b", 30, "c", 40));
        int n = check.sampleSize();
        SplitVerdict verdict = check.check(counts("a", 3 * n / 10, "b", 3 * n / 10, "c", n - 6 * n / 10), 0);
        assertTrue(verdict.minDetectableDeviation() <= 0.05 + 1e-6, verdict::describe);
        assertTrue(verdict.describe().split("\n")[0].contains("min detectable deviation 5.0 points"), verdict::describe);
    }

    @Test
    void check_zeroWeightDestination_mustReceiveExactlyNothing() {
        SplitCheck check = SplitCheck.of(weights("v1", 100, "v2", 0));
        assertTrue(check.check(counts("v1", 135, "v2", 0), 0).passed());
        SplitVerdict leak = check.check(counts("v1", 134, "v2", 1), 0);
        assertFalse(leak.passed());
        assertFalse(leak.destinations().get(1).accepted());
        assertTrue(leak.describe().contains("  v2: weight 0, must receive none, observed 1  <-- outside"), leak::describe);
    }

    @Test
    void check_destinationNotInWeights_fails() {
        SplitCheck check = SplitCheck.of(weights("a", 30, "b", 30, "c", 40));
        SplitVerdict verdict = check.check(counts("a", 1974, "b", 1974, "c", 2632, "stray", 1), 0);
        assertFalse(verdict.passed());
        assertEquals("stray", verdict.destinations().get(3).name());
        assertTrue(verdict.describe().contains("stray: not in the weights"), verdict::describe);
        // an unknown destination with no requests is no evidence of anything
        assertTrue(check.check(counts("a", 1974, "b", 1974, "c", 2633, "stray", 0), 0).passed());
    }

    @Test
    void check_failedRequests_areNotSamples() {
        SplitCheck check = SplitCheck.of(weights("v1", 90, "v2", 10));
        SplitVerdict verdict = check.check(counts("v1", 3641, "v2", 413), 25);
        assertEquals(4054, verdict.n());
        assertEquals(25, verdict.failedRequests());
        assertTrue(verdict.passed());
        assertThrows(IllegalArgumentException.class, () -> check.check(counts("v1", 0, "v2", 0), 10));
    }

    @Test
    void check_acceptedExactlyWhenPValueAboveTestAlpha() {
        for (SplitCheck check : List.of(SplitCheck.of(weights("v1", 90, "v2", 10)),
                new SplitCheck(weights("a", 30, "b", 30, "c", 40), 0.01, 0.05, 0.999))) {
            int n = 600;
            for (String name : check.sampled()) {
                Binomial b = new Binomial(n, check.share(name));
                AcceptanceRegion r = check.region(name, n);
                for (int x = 0; x <= n; x++) {
                    assertEquals(b.twoSidedPValue(x) > check.testAlpha(), r.contains(x), name + " count " + x + " region " + r);
                }
            }
        }
    }

    @Test
    void constructor_rejectsInvalidWeights() {
        assertThrows(IllegalArgumentException.class, () -> SplitCheck.of(Map.of()));
        assertThrows(IllegalArgumentException.class, () -> SplitCheck.of(Map.of("v1", 0, "v2", 0)));
        assertThrows(IllegalArgumentException.class, () -> SplitCheck.of(Map.of("v1", -1, "v2", 2)));
    }
}
