package dev.meshroute.conformance.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BinomialCheckTest {

    /** The sample-size condition, evaluated independently of {@link BinomialCheck#sampleSize}. */
    private static boolean detects(int n, double p0, double alpha, double deviation, double minPower) {
        boolean ok = true;
        for (double alt : new double[] {p0 - deviation, p0 + deviation}) {
            if (alt > 0 && alt < 1) {
                ok &= BinomialCheck.power(n, p0, alpha, alt) >= minPower;
            }
        }
        return ok;
    }

    @Test
    void binomialRegion_n10Half_isHandCheckable() {
        // P(X <= k) * 1024 for k = 0..3: 1, 11, 56, 176
        AcceptanceRegion r5 = BinomialCheck.binomialRegion(10, 0.5, 0.05);   // tails <= 0.025
        assertEquals(2, r5.lo());   // P(X < 2) = 11/1024 <= 0.025 < P(X < 3) = 56/1024
        assertEquals(8, r5.hi());
        assertEquals(22.0 / 1024, r5.size(), 1e-15);

        AcceptanceRegion r20 = BinomialCheck.binomialRegion(10, 0.5, 0.2);   // tails <= 0.1
        assertEquals(3, r20.lo());  // 56/1024 <= 0.1 < 176/1024
        assertEquals(7, r20.hi());
        assertEquals(112.0 / 1024, r20.size(), 1e-15);

        AcceptanceRegion strict = BinomialCheck.binomialRegion(10, 0.5, 0.001); // 1/1024 > 0.0005
        assertEquals(0, strict.lo());
        assertEquals(10, strict.hi());
        assertEquals(0.0, strict.size());
    }

    @Test
    void binomialRegion_attainedSizeAtMostAlpha_andBoundsAreTight() {
        for (int n : new int[] {1, 17, 100, 4054, 50_000, 200_000}) {
            for (double p : new double[] {0.001, 0.1, 0.25, 1.0 / 3, 0.5, 0.9}) {
                for (double alpha : new double[] {0.05, 0.01, 1e-6, 1e-6 / 3}) {
                    AcceptanceRegion r = BinomialCheck.binomialRegion(n, p, alpha);
                    Binomial b = new Binomial(n, p);
                    String where = " n=" + n + " p=" + p + " alpha=" + alpha + " region " + r;
                    assertTrue(b.cdf(r.lo() - 1) <= alpha / 2, "lower tail" + where);
                    assertTrue(b.survival(r.hi()) <= alpha / 2, "upper tail" + where);
                    assertTrue(r.size() <= alpha, "size" + where);
                    assertEquals(b.cdf(r.lo() - 1) + b.survival(r.hi()), r.size(), 1e-300, "reported size" + where);
                    // tight: one more count in either direction would exceed alpha/2
                    assertTrue(r.lo() == n || b.cdf(r.lo()) > alpha / 2, "lo not maximal" + where);
                    assertTrue(r.hi() == 0 || b.survival(r.hi() - 1) > alpha / 2, "hi not minimal" + where);
                }
            }
        }
    }

    @Test
    void binomialRegion_pZeroAndOne_acceptOnlyTheCertainCount() {
        AcceptanceRegion zero = BinomialCheck.binomialRegion(500, 0, 1e-6);
        assertEquals(0, zero.lo());
        assertEquals(0, zero.hi());
        assertEquals(0.0, zero.size());
        AcceptanceRegion one = BinomialCheck.binomialRegion(500, 1, 1e-6);
        assertEquals(500, one.lo());
        assertEquals(500, one.hi());
        assertEquals(1 - Math.pow(0.95, 500), one.power(0.95), 1e-12);
    }

    @Test
    void power_atNullIsSize_andGrowsWithDistance() {
        int n = 2000;
        double p0 = 0.3;
        AcceptanceRegion r = BinomialCheck.binomialRegion(n, p0, 1e-3);
        assertEquals(r.size(), BinomialCheck.power(n, p0, 1e-3, p0), 1e-15);
        double previous = r.size();
        for (double d = 0.005; d <= 0.1; d += 0.005) {
            double up = r.power(p0 + d);
            double down = r.power(p0 - d);
            assertTrue(up > previous && down > previous, "power must grow with the deviation, d=" + d);
            previous = Math.min(up, down);
        }
    }

    @Test
    void sampleSize_anchor90To10_reproducesProjectDocs() {
        // project docs: for 90/10 at alpha 1e-6, the n with a 1e-6 chance of missing 85/15 is about
        // 4,054, with the minority's acceptance region about 315..502
        double minPower = 1 - 1e-6;
        int n = BinomialCheck.sampleSize(0.10, 1e-6, 0.05, minPower);
        assertTrue(Math.abs(n - 4054) <= 5, "n=" + n);
        AcceptanceRegion r = BinomialCheck.binomialRegion(n, 0.10, 1e-6);
        assertTrue(Math.abs(r.lo() - 315) <= 2 && Math.abs(r.hi() - 502) <= 2, "region " + r);
        assertTrue(1 - r.power(0.15) <= 1e-6, "miss probability against 85/15: " + (1 - r.power(0.15)));
    }

    @Test
    void sampleSize_meetsPowerAtN_notAtNMinusOne_andKeepsItAfterwards() {
        double[][] cases = {
            {0.10, 1e-6, 0.05, 0.999}, {0.5, 1e-6, 0.05, 0.999}, {0.4, 1e-6 / 3, 0.05, 0.999},
            {0.25, 0.01, 0.05, 0.9}, {0.02, 1e-6, 0.05, 0.999}, {0.95, 1e-6, 0.05, 0.999},
            {0.10, 1e-6, 0.05, 1 - 1e-6}, {1.0 / 3, 0.05 / 7, 0.02, 0.99},
        };
        for (double[] c : cases) {
            double p0 = c[0], alpha = c[1], dev = c[2], power = c[3];
            int n = BinomialCheck.sampleSize(p0, alpha, dev, power);
            String where = "p0=" + p0 + " alpha=" + alpha + " dev=" + dev + " power=" + power + " n=" + n;
            assertTrue(detects(n, p0, alpha, dev, power), "condition must hold at n: " + where);
            assertFalse(detects(n - 1, p0, alpha, dev, power), "condition must fail at n-1: " + where);
            for (int m = n + 1; m <= n + 60; m++) {
                assertTrue(detects(m, p0, alpha, dev, power), "condition fails again at " + m + ": " + where);
            }
        }
    }

    @Test
    void sampleSize_powerIsSawToothInN_soAnEarlierNMayAlsoPass() {
        // Discreteness, documented on sampleSize: below the returned n there are n that satisfy the
        // condition but are followed by n that do not. The returned n is past the last such dip.
        double p0 = 0.10, alpha = 1e-6, dev = 0.05, power = 1 - 1e-6;
        int n = BinomialCheck.sampleSize(p0, alpha, dev, power);
        int passingBefore = 0;
        for (int m = n - 100; m < n; m++) {
            if (detects(m, p0, alpha, dev, power)) {
                passingBefore++;
            }
        }
        assertTrue(passingBefore > 0, "expected the saw-tooth: some n below " + n + " already pass");
        assertTrue(passingBefore < 99, "expected the saw-tooth: some n below " + n + " fail");
    }

    @Test
    void sampleSize_pointMassShare_needsOnlyTheGeometricBound() {
        // p0 = 1: a single leak is a failure; (1 - d)^n <= 1 - minPower gives n = ceil(log(0.001)/log(0.95)) = 135
        assertEquals(135, BinomialCheck.sampleSize(1.0, 1e-6, 0.05, 0.999));
        assertEquals(135, BinomialCheck.sampleSize(0.0, 1e-6, 0.05, 0.999));
    }

    @Test
    void minDetectableDeviation_atSampleSize_isAtMostTheDeviation() {
        int n = BinomialCheck.sampleSize(0.3, 1e-6, 0.05, 0.999);
        double mdd = BinomialCheck.minDetectableDeviation(n, 0.3, 1e-6, 0.999);
        assertTrue(mdd <= 0.05 + 1e-6 && mdd > 0.04, "mdd=" + mdd);
        assertTrue(BinomialCheck.power(n, 0.3, 1e-6, 0.3 + mdd) >= 0.999);
        assertTrue(Double.isNaN(BinomialCheck.minDetectableDeviation(5, 0.5, 1e-6, 0.999)));
    }

    @Test
    void arguments_outsideTheirRanges_areRejected() {
        assertThrows(IllegalArgumentException.class, () -> BinomialCheck.binomialRegion(10, 0.5, 0));
        assertThrows(IllegalArgumentException.class, () -> BinomialCheck.binomialRegion(10, 0.5, 1));
        assertThrows(IllegalArgumentException.class, () -> BinomialCheck.sampleSize(0.5, 1e-6, 0.6, 0.999));
        assertThrows(IllegalArgumentException.class, () -> BinomialCheck.sampleSize(0.5, 1e-6, 0.05, 1));
    }
}
