package dev.meshroute.conformance.stats;

/**
 * A binomial distribution Bin(n, p): the number of requests out of {@code n} that reach one
 * destination when each independently does so with probability {@code p}.
 *
 * <p>All probabilities are exact up to floating-point rounding: compared with 40-digit
 * arithmetic the relative error is of the order of 1e-12, in the far tails too, for n up to
 * 200,000. Nothing here uses a normal approximation.
 *
 * <ul>
 *   <li>The pmf is computed in log space with Loader's saddle-point form (the one R's
 *       {@code dbinom} uses): {@code log C(n,k) p^k q^(n-k)} is rewritten as Stirling-series
 *       error terms minus two deviance terms, so no large log-factorials are subtracted from each
 *       other and the relative error stays near machine precision even for n = 200,000 and counts
 *       deep in a tail.
 *   <li>A tail such as {@code P(X <= k)} is summed starting at {@code k} and walking away from the
 *       mode, with the ratio recurrence {@code pmf(j-1)/pmf(j) = j q / ((n-j+1) p)}, until the
 *       terms no longer change the sum. When {@code k} is on the other side of the mode the
 *       complement of the opposite tail is used, so the small tail is always summed directly and
 *       never obtained as {@code 1 - (something close to 1)}.
 *   <li>{@code p = 0} and {@code p = 1} are exact point masses at 0 and at {@code n}.
 * </ul>
 *
 * @param n number of trials, {@code n >= 0}
 * @param p success probability, {@code 0 <= p <= 1}
 */
public record Binomial(int n, double p) {

    private static final double LN_2PI = Math.log(2 * Math.PI);
    private static final double LN_SQRT_2PI = 0.5 * LN_2PI;

    /** log(k!) for k = 0..15, summed directly; used for the small-k Stirling error terms. */
    private static final double[] SMALL_LOG_FACTORIAL = new double[16];

    static {
        double acc = 0;
        for (int k = 1; k < SMALL_LOG_FACTORIAL.length; k++) {
            acc += Math.log(k);
            SMALL_LOG_FACTORIAL[k] = acc;
        }
    }

    public Binomial {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, was " + n);
        }
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("p must be in [0, 1], was " + p);
        }
    }

    /** The expected count {@code n p}. */
    public double mean() {
        return n * p;
    }

    /** {@code log P(X = k)}; {@code -Infinity} outside {@code 0..n} or where the mass is zero. */
    public double logPmf(int k) {
        if (k < 0 || k > n) {
            return Double.NEGATIVE_INFINITY;
        }
        double q = 1 - p;
        if (p == 0) {
            return k == 0 ? 0 : Double.NEGATIVE_INFINITY;
        }
        if (p == 1) {
            return k == n ? 0 : Double.NEGATIVE_INFINITY;
        }
        if (k == 0) {
            return n == 0 ? 0 : (p < 0.1 ? -deviance(n, n * q) - n * p : n * Math.log(q));
        }
        if (k == n) {
            return q < 0.1 ? -deviance(n, n * p) - n * q : n * Math.log(p);
        }
        int m = n - k;
        double lc = stirlingError(n) - stirlingError(k) - stirlingError(m)
                - deviance(k, n * p) - deviance(m, n * q);
        // log of 2 pi k (n-k) / n, written so that it does not overflow for large n
        double lf = LN_2PI + Math.log(k) + Math.log1p(-(double) k / n);
        return lc - 0.5 * lf;
    }

    /** {@code P(X = k)}. */
    public double pmf(int k) {
        return Math.exp(logPmf(k));
    }

    /** {@code P(X <= k)}, the cumulative distribution function. */
    public double cdf(int k) {
        if (k < 0) {
            return 0;
        }
        if (k >= n) {
            return 1;
        }
        if (p == 0) {
            return 1; // all mass at 0 <= k
        }
        if (p == 1) {
            return 0; // all mass at n > k
        }
        return k < mode() ? lowerTail(k) : 1 - upperTail(k + 1);
    }

    /** {@code P(X > k)}, the survival function; note the strict inequality. */
    public double survival(int k) {
        if (k < 0) {
            return 1;
        }
        if (k >= n) {
            return 0;
        }
        if (p == 0) {
            return 0;
        }
        if (p == 1) {
            return 1;
        }
        return k + 1 > mode() ? upperTail(k + 1) : 1 - lowerTail(k);
    }

    /**
     * The exact two-sided p-value of an observed count {@code x}:
     * {@code min(1, 2 min(P(X <= x), P(X >= x)))}, the "doubling" p-value that matches the
     * equal-tailed acceptance region ({@code x} is inside the region at level {@code alpha}
     * whenever this is above {@code alpha}).
     */
    public double twoSidedPValue(int x) {
        if (x < 0 || x > n) {
            throw new IllegalArgumentException("count " + x + " outside 0.." + n);
        }
        double lower = cdf(x);
        double upper = survival(x - 1);
        return Math.min(1, 2 * Math.min(lower, upper));
    }

    /** The most probable count, {@code floor((n+1)p)} clipped to {@code 0..n}. */
    private int mode() {
        return (int) Math.min(n, Math.floor((n + 1) * p));
    }

    /** {@code P(X <= k)} for {@code k} below the mode, summed from k downwards. */
    private double lowerTail(int k) {
        double ratio = (1 - p) / p;
        double term = 1;
        double sum = 1;
        for (int j = k; j > 0; j--) {
            term *= j / (double) (n - j + 1) * ratio;
            double next = sum + term;
            if (next == sum) {
                break;
            }
            sum = next;
        }
        return Math.exp(logPmf(k) + Math.log(sum));
    }

    /** {@code P(X >= k)} for {@code k} above the mode, summed from k upwards. */
    private double upperTail(int k) {
        double ratio = p / (1 - p);
        double term = 1;
        double sum = 1;
        for (int j = k; j < n; j++) {
            term *= (n - j) / (double) (j + 1) * ratio;
            double next = sum + term;
            if (next == sum) {
                break;
            }
            sum = next;
        }
        return Math.exp(logPmf(k) + Math.log(sum));
    }

    /**
     * {@code log(k!)}, exact up to rounding: a direct sum for small k and the Stirling series
     * beyond. Package-private so that the tests can check it against {@link Math#log} sums.
     */
    static double logFactorial(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, was " + k);
        }
        if (k < SMALL_LOG_FACTORIAL.length) {
            return SMALL_LOG_FACTORIAL[k];
        }
        return stirlingError(k) + (k + 0.5) * Math.log(k) - k + LN_SQRT_2PI;
    }

    /**
     * The error of Stirling's formula, {@code log(k!) - log(sqrt(2 pi k) (k/e)^k)}: directly for
     * k <= 15, otherwise the asymptotic series 1/(12k) - 1/(360k^3) + 1/(1260k^5) - ..., which
     * is accurate to machine precision from k = 16 on with the number of terms used here.
     */
    static double stirlingError(int k) {
        final double s0 = 1.0 / 12, s1 = 1.0 / 360, s2 = 1.0 / 1260, s3 = 1.0 / 1680, s4 = 1.0 / 1188;
        if (k == 0) {
            return 0;
        }
        if (k <= 15) {
            return SMALL_LOG_FACTORIAL[k] - (k + 0.5) * Math.log(k) + k - LN_SQRT_2PI;
        }
        double kk = (double) k * k;
        if (k > 500) {
            return (s0 - s1 / kk) / k;
        }
        if (k > 80) {
            return (s0 - (s1 - s2 / kk) / kk) / k;
        }
        if (k > 35) {
            return (s0 - (s1 - (s2 - s3 / kk) / kk) / kk) / k;
        }
        return (s0 - (s1 - (s2 - (s3 - s4 / kk) / kk) / kk) / kk) / k;
    }

    /**
     * The deviance term {@code x log(x/mu) + mu - x}, computed with a series when x is close to
     * mu so that the cancellation does not lose precision (Loader 2000, "Fast and accurate
     * computation of binomial probabilities").
     */
    static double deviance(double x, double mu) {
        if (Math.abs(x - mu) < 0.1 * (x + mu)) {
            double v = (x - mu) / (x + mu);
            double s = (x - mu) * v;
            if (Math.abs(s) < Double.MIN_NORMAL) {
                return s;
            }
            double ej = 2 * x * v;
            double v2 = v * v;
            for (int j = 1; j < 1000; j++) {
                ej *= v2;
                double s1 = s + ej / (2 * j + 1);
                if (s1 == s) {
                    return s1;
                }
                s = s1;
            }
        }
        return x * Math.log(x / mu) + mu - x;
    }
}
