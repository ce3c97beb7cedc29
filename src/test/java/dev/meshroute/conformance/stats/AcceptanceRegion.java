package dev.meshroute.conformance.stats;

/**
 * An exact equal-tailed acceptance region {@code lo..hi} (both inclusive) for the count of one
 * destination out of {@code n} requests when its expected share is {@code p}.
 *
 * <p>Built by {@link BinomialCheck#binomialRegion(int, double, double)}: {@code lo} is the largest
 * count with {@code P(X < lo) <= alpha/2} and {@code hi} the smallest with
 * {@code P(X > hi) <= alpha/2}, for {@code X ~ Bin(n, p)}. Because the count is discrete the
 * probability of falling outside, {@link #size()}, is usually strictly below {@code alpha}.
 *
 * @param n     number of requests (samples) the region is for
 * @param p     expected share of the destination, in {@code [0, 1]}
 * @param alpha the nominal false-failure rate the region was built for
 * @param lo    smallest accepted count
 * @param hi    largest accepted count
 * @param size  the attained false-failure probability {@code P(X < lo) + P(X > hi) <= alpha}
 */
public record AcceptanceRegion(int n, double p, double alpha, int lo, int hi, double size) {

    public AcceptanceRegion {
        if (lo < 0 || hi > n || lo > hi) {
            throw new IllegalArgumentException("invalid region " + lo + ".." + hi + " for n=" + n);
        }
    }

    /** Whether an observed count is accepted, i.e. lies in {@code lo..hi}. */
    public boolean contains(long count) {
        return count >= lo && count <= hi;
    }

    /**
     * The probability that a count drawn from {@code Bin(n, pAlt)} falls outside this region,
     * i.e. that the check fails when the true share is {@code pAlt}.
     */
    public double power(double pAlt) {
        Binomial alt = new Binomial(n, pAlt);
        return alt.cdf(lo - 1) + alt.survival(hi);
    }

    @Override
    public String toString() {
        return lo + ".." + hi;
    }
}
