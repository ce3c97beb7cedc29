package dev.meshroute.conformance.stats;

import java.util.function.IntPredicate;

/**
 * Exact binomial acceptance regions, their power, and the sample sizes that give a stated power:
 * the planning half of a split verdict for a single destination.
 *
 * <p>See the package documentation for the method. Everything here is exact (binomial sums), no
 * normal approximation is used anywhere.
 */
public final class BinomialCheck {

    /** The suite's default false-failure rate per verdict: one spurious failure in a million runs. */
    public static final double DEFAULT_ALPHA = 1e-6;
    /** The suite's default smallest deviation that must be detected: 5 percentage points. */
    public static final double DEFAULT_DEVIATION = 0.05;
    /** The suite's default probability of detecting a deviation of that size. */
    public static final double DEFAULT_MIN_POWER = 0.999;
    /** The largest sample size {@link #sampleSize} will search up to. */
    public static final int MAX_SAMPLE_SIZE = 1 << 24;
    /** How many saw-tooth periods {@link #sampleSize} looks ahead to confirm a sample size (see there). */
    public static final int LOOKAHEAD_PERIODS = 10;

    private BinomialCheck() {
    }

    /**
     * The exact equal-tailed acceptance region for the count of one destination out of {@code n}
     * requests with expected share {@code p}: {@code lo} is the largest count with
     * {@code P(X < lo) <= alpha/2} and {@code hi} the smallest with {@code P(X > hi) <= alpha/2},
     * so that the false-failure probability {@code P(X outside lo..hi)} is at most {@code alpha}.
     * The probability actually attained is reported as {@link AcceptanceRegion#size()}.
     *
     * @param n     number of requests, {@code >= 0}
     * @param p     expected share, in {@code [0, 1]}
     * @param alpha false-failure rate, in {@code (0, 1)}
     */
    public static AcceptanceRegion binomialRegion(int n, double p, double alpha) {
        requireOpenUnit("alpha", alpha);
        Binomial b = new Binomial(n, p);
        double tail = alpha / 2;
        // largest lo with cdf(lo - 1) <= tail; lo = 0 always qualifies (P(X < 0) = 0)
        int a = 0;
        int z = n + 1; // invariant: lo = a qualifies, lo = z does not (or is out of range)
        while (z - a > 1) {
            int mid = (a + z) >>> 1;
            if (b.cdf(mid - 1) <= tail) {
                a = mid;
            } else {
                z = mid;
            }
        }
        int lo = a;
        // smallest hi with survival(hi) <= tail; hi = n always qualifies (P(X > n) = 0)
        a = -1; // invariant: hi = a does not qualify (or is out of range), hi = z does
        z = n;
        while (z - a > 1) {
            int mid = (a + z) >>> 1;
            if (b.survival(mid) <= tail) {
                z = mid;
            } else {
                a = mid;
            }
        }
        int hi = z;
        return new AcceptanceRegion(n, p, alpha, lo, hi, b.cdf(lo - 1) + b.survival(hi));
    }

    /**
     * The probability that the count of a destination whose true share is {@code pAlt} falls
     * outside the acceptance region built for share {@code p0}, i.e. that the check detects the
     * difference.
     */
    public static double power(int n, double p0, double alpha, double pAlt) {
        return binomialRegion(n, p0, alpha).power(pAlt);
    }

    /**
     * The smallest number of requests from which on the acceptance region for share {@code p0}
     * rejects both {@code p0 + deviation} and {@code p0 - deviation} (each only if it lies strictly
     * inside {@code (0, 1)}) with probability at least {@code minPower}. Because power only grows
     * as the true share moves further away, every share at least {@code deviation} away is then
     * detected with at least that probability too.
     *
     * <p>Discreteness: power is not monotone in {@code n}. Each time a bound of the region steps
     * up by one the attained size and the power jump, so power as a function of n is a saw-tooth
     * around a rising trend, and the first n at which the condition holds is typically followed
     * by a few n at which it fails again (for p0 = 0.10, alpha = 1e-6 and power 1 - 1e-6 against
     * 0.15 it first holds at n = 4024 but fails again at 4025, ..., 4053). A suite that ends up
     * with a few more requests than planned must not lose its power guarantee, so this method
     * returns the n after which the condition no longer fails.
     *
     * <p>Search: n is doubled until the condition holds; a binary search between the last failing
     * and the first holding doubling step (keeping "fails at the lower end, holds at the upper
     * end") finds a rising edge {@code n0}; then the search walks forward from {@code n0} one n at
     * a time, restarting after every n that fails, until the condition has held for
     * {@code n, n + 1, ..., n + w}, with the look-ahead
     * {@code w = ceil(LOOKAHEAD_PERIODS / min(p0, 1 - p0)) + ceil(sqrt(n0))}: {@value #LOOKAHEAD_PERIODS}
     * saw-tooth periods (a bound of the region moves by one count about every
     * {@code 1 / min(p0, 1 - p0)} requests) plus {@code sqrt(n0)} for the slower beat between the
     * lower and the upper bound. That n is returned: the condition holds there and for the
     * following {@code w} values, and fails at {@code n - 1}. That it also holds for every larger n
     * rests on the rising trend and is not proven; when this was written, a scan of 612
     * combinations of p0 (0 to 1), alpha (1e-6/3 to 0.01), deviation (0.02 to 0.1) and power
     * (0.9 to 1 - 1e-6) found no failure within {@code n / 2 + 2000} beyond the returned n, while
     * the gaps between failures before it were at most about 16 requests.
     *
     * @throws IllegalArgumentException if neither alternative lies in {@code (0, 1)}, or if no
     *                                  n up to {@link #MAX_SAMPLE_SIZE} suffices
     */
    public static int sampleSize(double p0, double alpha, double deviation, double minPower) {
        requireUnit("p0", p0);
        requireOpenUnit("alpha", alpha);
        requireOpenUnit("deviation", deviation);
        requireOpenUnit("minPower", minPower);
        double up = p0 + deviation;
        double down = p0 - deviation;
        boolean checkUp = up > 0 && up < 1;
        boolean checkDown = down > 0 && down < 1;
        if (!checkUp && !checkDown) {
            throw new IllegalArgumentException("no alternative share " + p0 + " +/- " + deviation
                    + " lies in (0, 1)");
        }
        IntPredicate holds = n -> {
            AcceptanceRegion region = binomialRegion(n, p0, alpha);
            return (!checkUp || region.power(up) >= minPower)
                    && (!checkDown || region.power(down) >= minPower);
        };
        int low = 0; // the condition is taken to fail at n = 0 (no requests, no evidence)
        int high = 1;
        while (!holds.test(high)) {
            if (high >= MAX_SAMPLE_SIZE) {
                throw new IllegalArgumentException("no n <= " + MAX_SAMPLE_SIZE + " detects a deviation of "
                        + deviation + " from " + p0 + " with power " + minPower + " at alpha " + alpha);
            }
            low = high;
            high = Math.min(2 * high, MAX_SAMPLE_SIZE);
        }
        while (high - low > 1) {
            int mid = (low + high) >>> 1;
            if (holds.test(mid)) {
                high = mid;
            } else {
                low = mid;
            }
        }
        // walk forward past the saw-tooth: restart after each n that fails
        int start = high;
        long lookahead = lookahead(p0, start);
        for (long m = (long) start + 1; m <= start + lookahead; m++) {
            if (m > MAX_SAMPLE_SIZE) {
                throw new IllegalArgumentException("sample size exceeds " + MAX_SAMPLE_SIZE);
            }
            if (!holds.test((int) m)) {
                start = (int) m + 1;
            }
        }
        return start;
    }

    /**
     * How far {@link #sampleSize} looks ahead from a candidate n (see there); none for p0 = 0 or 1,
     * where the region is a single count and power {@code 1 - (1 - deviation)^n} is monotone in n.
     */
    static long lookahead(double p0, int n) {
        if (p0 == 0 || p0 == 1) {
            return 0;
        }
        return (long) Math.ceil(LOOKAHEAD_PERIODS / Math.min(p0, 1 - p0)) + (long) Math.ceil(Math.sqrt(n));
    }

    /**
     * The smallest deviation {@code d} (absolute, as a fraction) such that, with {@code n}
     * requests, every true share at least {@code d} away from {@code p0} is detected with
     * probability at least {@code minPower}; found by bisection to 1e-6, rounded up. Alternatives
     * outside {@code [0, 1]} do not exist and impose nothing. Returns {@code NaN} when no
     * deviation is detectable with that power (e.g. too few requests).
     */
    public static double minDetectableDeviation(int n, double p0, double alpha, double minPower) {
        requireUnit("p0", p0);
        requireOpenUnit("minPower", minPower);
        AcceptanceRegion region = binomialRegion(n, p0, alpha);
        double a = 0;
        double z = Math.max(p0, 1 - p0);
        if (!detects(region, z, minPower)) {
            return Double.NaN;
        }
        while (z - a > 1e-6) {
            double mid = (a + z) / 2;
            if (detects(region, mid, minPower)) {
                z = mid;
            } else {
                a = mid;
            }
        }
        return z;
    }

    private static boolean detects(AcceptanceRegion region, double d, double minPower) {
        double up = region.p() + d;
        double down = region.p() - d;
        return (up > 1 || region.power(Math.min(up, 1)) >= minPower)
                && (down < 0 || region.power(Math.max(down, 0)) >= minPower);
    }

    static void requireOpenUnit(String name, double value) {
        if (!(value > 0 && value < 1)) {
            throw new IllegalArgumentException(name + " must be in (0, 1), was " + value);
        }
    }

    static void requireUnit(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1], was " + value);
        }
    }
}
