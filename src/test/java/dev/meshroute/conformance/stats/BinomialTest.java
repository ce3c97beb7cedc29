package dev.meshroute.conformance.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import org.junit.jupiter.api.Test;

class BinomialTest {

    private static final MathContext MC = new MathContext(40);
    private static final double[] PS = {1e-4, 0.01, 0.1, 1.0 / 3, 0.5, 0.9, 0.9999};

    /** Exact P(X = k) for the double p, in 40-digit decimal arithmetic: an independent oracle. */
    private static BigDecimal exactPmf(int n, double p, int k) {
        BigDecimal bp = new BigDecimal(p);
        BigDecimal bq = BigDecimal.ONE.subtract(bp);
        BigInteger choose = BigInteger.ONE;
        for (int i = 0; i < k; i++) {
            choose = choose.multiply(BigInteger.valueOf(n - i)).divide(BigInteger.valueOf(i + 1));
        }
        return new BigDecimal(choose).multiply(bp.pow(k, MC), MC).multiply(bq.pow(n - k, MC), MC);
    }

    private static void assertRelative(double expected, double actual, double tolerance, String what) {
        double err = expected == 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
        assertTrue(err <= tolerance, what + ": expected " + expected + " but was " + actual + " (rel. error " + err + ")");
    }

    @Test
    void pmf_sumsToOne_forSeveralNAndP() {
        for (int n : new int[] {0, 1, 10, 137, 4054, 200_000}) {
            for (double p : PS) {
                Binomial b = new Binomial(n, p);
                double sum = 0;
                for (int k = 0; k <= n; k++) {
                    sum += b.pmf(k);
                }
                assertEquals(1.0, sum, 1e-12, "sum of pmf for n=" + n + ", p=" + p);
            }
        }
    }

    @Test
    void pmf_matchesExactArithmetic_includingFarTails() {
        for (int n : new int[] {1, 2, 7, 30, 60}) {
            for (double p : PS) {
                Binomial b = new Binomial(n, p);
                for (int k = 0; k <= n; k++) {
                    assertRelative(exactPmf(n, p, k).doubleValue(), b.pmf(k), 1e-12, "pmf n=" + n + " p=" + p + " k=" + k);
                }
            }
        }
    }

    @Test
    void cdfAndSurvival_agreeWithDirectSummation_forSmallN() {
        for (int n : new int[] {1, 5, 20, 45}) {
            for (double p : PS) {
                Binomial b = new Binomial(n, p);
                for (int k = -1; k <= n; k++) {
                    BigDecimal below = BigDecimal.ZERO;
                    for (int j = 0; j <= k; j++) {
                        below = below.add(exactPmf(n, p, j), MC);
                    }
                    BigDecimal above = BigDecimal.ZERO;
                    for (int j = k + 1; j <= n; j++) {
                        above = above.add(exactPmf(n, p, j), MC);
                    }
                    String where = " n=" + n + " p=" + p + " k=" + k;
                    // each tail is accurate relative to itself, also when it is tiny
                    assertRelative(below.doubleValue(), b.cdf(k), 1e-11, "cdf" + where);
                    assertRelative(above.doubleValue(), b.survival(k), 1e-11, "survival" + where);
                }
            }
        }
    }

    @Test
    void pmf_largeN_matchesClosedForms() {
        int n = 200_000;
        Binomial half = new Binomial(n, 0.5);
        // P(X = 1) = n / 2^n
        assertRelative(Math.log(n) + n * Math.log(0.5), half.logPmf(1), 1e-14, "log P(X=1)");
        // P(X = m) for n = 2m: C(2m, m) / 4^m = (1 - 1/(8m) + 1/(128m^2) + 5/(1024m^3)) / sqrt(pi m)
        double m = n / 2.0;
        double central = (1 - 1 / (8 * m) + 1 / (128 * m * m) + 5 / (1024 * m * m * m)) / Math.sqrt(Math.PI * m);
        assertRelative(central, half.pmf(n / 2), 1e-13, "central term");
        // symmetry of p = 1/2, deep in the tails too
        for (int k : new int[] {0, 3, 98_000, 99_000, 99_999}) {
            assertRelative(half.logPmf(k), half.logPmf(n - k), 1e-13, "symmetry at " + k);
        }
        // P(X <= k) for p = 1/2 and P(X >= n - k) are mirror images
        assertRelative(half.cdf(99_000), half.survival(100_999), 1e-11, "tail symmetry");
    }

    @Test
    void logFactorial_matchesSumOfLogs() {
        double acc = 0;
        for (int k = 1; k <= 5000; k++) {
            acc += Math.log(k);
            assertRelative(acc, Binomial.logFactorial(k), 1e-13, "log(" + k + "!)");
        }
        assertEquals(0.0, Binomial.logFactorial(0));
    }

    @Test
    void pointMasses_pZeroAndPOne_areExact() {
        Binomial zero = new Binomial(50, 0);
        assertEquals(1.0, zero.pmf(0));
        assertEquals(0.0, zero.pmf(1));
        assertEquals(1.0, zero.cdf(0));
        assertEquals(0.0, zero.survival(0));
        assertEquals(1.0, zero.twoSidedPValue(0));
        assertEquals(0.0, zero.twoSidedPValue(1));

        Binomial one = new Binomial(50, 1);
        assertEquals(1.0, one.pmf(50));
        assertEquals(0.0, one.pmf(49));
        assertEquals(0.0, one.cdf(49));
        assertEquals(1.0, one.survival(49));
        assertEquals(0.0, one.survival(50));
        assertEquals(1.0, one.twoSidedPValue(50));
        assertEquals(0.0, one.twoSidedPValue(49));
    }

    @Test
    void twoSidedPValue_n10Half_isHandCheckable() {
        Binomial b = new Binomial(10, 0.5);
        assertEquals(2.0 / 1024, b.twoSidedPValue(0), 1e-15);      // 2 * P(X = 0)
        assertEquals(2.0 * 56 / 1024, b.twoSidedPValue(2), 1e-15); // 2 * (1 + 10 + 45) / 1024
        assertEquals(2.0 * 56 / 1024, b.twoSidedPValue(8), 1e-15);
        assertEquals(1.0, b.twoSidedPValue(5));                     // capped at 1
    }

    @Test
    void constructor_rejectsInvalidParameters() {
        assertThrows(IllegalArgumentException.class, () -> new Binomial(-1, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new Binomial(10, 1.5));
        assertThrows(IllegalArgumentException.class, () -> new Binomial(10, Double.NaN));
    }
}
