package dev.meshroute.conformance.stats;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A planned statistical check of a weighted traffic split: the expected Istio weights, the
 * family-wise false-failure rate {@code alpha}, and the deviation that must be detected with
 * probability {@code minPower}.
 *
 * <p>Weights are relative integers as in an Istio VirtualService: destination {@code i} is
 * expected to receive the share {@code w_i / sum(w)}. Destinations with weight 0 take no part in
 * the statistics: they must receive exactly zero requests, an exact assertion with no error rate.
 * Every destination with a positive weight is checked on its own count against the exact binomial
 * acceptance region at {@link #testAlpha()}:
 * <ul>
 *   <li>k >= 3 positive weights: {@code alpha / k} per destination (Bonferroni), so the
 *       probability that a correct implementation fails any of the k checks is at most
 *       {@code alpha};
 *   <li>k = 2: the two counts always add up to n, so both checks are one and the same test. It is
 *       run once at the full {@code alpha} (the second destination's region is the mirror image
 *       {@code n - hi .. n - lo} of the first's); there is nothing to correct for;
 *   <li>k = 1: the one destination must receive every request (region {@code n..n}).
 * </ul>
 *
 * <p>The iteration order of {@code weights} is kept and used in reports; pass a
 * {@link LinkedHashMap} (or a {@link java.util.SortedMap}) for a stable order.
 *
 * @param weights   destination name to relative weight (>= 0, at least one > 0)
 * @param alpha     family-wise false-failure rate, in {@code (0, 1)}
 * @param deviation smallest absolute deviation of any destination's share that must be detected,
 *                  in {@code (0, 1)} (0.05 = 5 percentage points)
 * @param minPower  probability with which such a deviation must be detected, in {@code (0, 1)}
 */
public record SplitCheck(Map<String, Integer> weights, double alpha, double deviation, double minPower) {

    public SplitCheck {
        if (weights == null || weights.isEmpty()) {
            throw new IllegalArgumentException("weights must name at least one destination");
        }
        long total = 0;
        for (Map.Entry<String, Integer> e : weights.entrySet()) {
            if (e.getKey() == null || e.getValue() == null || e.getValue() < 0) {
                throw new IllegalArgumentException("invalid weight " + e.getKey() + "=" + e.getValue());
            }
            total += e.getValue();
        }
        if (total == 0) {
            throw new IllegalArgumentException("all weights are 0: " + weights);
        }
        BinomialCheck.requireOpenUnit("alpha", alpha);
        BinomialCheck.requireOpenUnit("deviation", deviation);
        BinomialCheck.requireOpenUnit("minPower", minPower);
        weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
    }

    /**
     * A check with the suite's defaults: alpha = 1e-6, deviation = 5 points, power = 0.999
     * (see {@link BinomialCheck}).
     */
    public static SplitCheck of(Map<String, Integer> weights) {
        return new SplitCheck(weights, BinomialCheck.DEFAULT_ALPHA, BinomialCheck.DEFAULT_DEVIATION,
                BinomialCheck.DEFAULT_MIN_POWER);
    }

    /** The sum of all weights; a destination's expected share is its weight divided by this. */
    public long totalWeight() {
        return weights.values().stream().mapToLong(Integer::longValue).sum();
    }

    /** The destinations with a positive weight, in order: those that are checked statistically. */
    public List<String> sampled() {
        List<String> out = new ArrayList<>();
        weights.forEach((name, w) -> {
            if (w > 0) {
                out.add(name);
            }
        });
        return List.copyOf(out);
    }

    /** The number k of destinations with a positive weight. */
    public int tests() {
        return sampled().size();
    }

    /** The false-failure rate of each destination's check: alpha for k <= 2, alpha / k otherwise. */
    public double testAlpha() {
        int k = tests();
        return k <= 2 ? alpha : alpha / k;
    }

    /**
     * The expected share of a destination, {@code weight / totalWeight()}; 0 for weight 0.
     *
     * @throws IllegalArgumentException for a destination that is not in the weights
     */
    public double share(String destination) {
        Integer w = weights.get(destination);
        if (w == null) {
            throw new IllegalArgumentException("unknown destination " + destination + "; weights are " + weights);
        }
        return w / (double) totalWeight();
    }

    /**
     * The number of requests to send: the largest over the positive-weight destinations of
     * {@link BinomialCheck#sampleSize} at that destination's share and {@link #testAlpha()}, so
     * that a deviation of {@code deviation} in any one destination's share is detected with
     * probability at least {@code minPower}.
     */
    public int sampleSize() {
        int n = 0;
        for (String name : sampled()) {
            double p = share(name);
            n = Math.max(n, BinomialCheck.sampleSize(p, testAlpha(), deviation, minPower));
        }
        return n;
    }

    /**
     * The acceptance region for one destination's count out of {@code n} successful requests:
     * {@code 0..0} for weight 0, otherwise the exact binomial region at {@link #testAlpha()}
     * (for k = 2 the second destination gets the mirror image of the first's).
     */
    public AcceptanceRegion region(String destination, int n) {
        double p = share(destination);
        List<String> sampled = sampled();
        if (sampled.size() == 2 && sampled.get(1).equals(destination)) {
            AcceptanceRegion first = BinomialCheck.binomialRegion(n, share(sampled.get(0)), alpha);
            return new AcceptanceRegion(n, p, alpha, n - first.hi(), n - first.lo(), first.size());
        }
        return BinomialCheck.binomialRegion(n, p, testAlpha());
    }

    /**
     * Checks observed counts against the expected split.
     *
     * @param counts         successful requests per destination, as identified from the
     *                       responses; destinations missing from the map count 0, destinations
     *                       not in the weights are judged as weight 0 (must be absent; listed in
     *                       the verdict only if they received requests)
     * @param failedRequests requests that got no usable response (errors, timeouts). They are
     *                       reported but are NOT samples: n is the sum of {@code counts}, and the
     *                       verdict says nothing about them, so assert on them separately
     * @throws IllegalArgumentException if there are no successful requests at all, or a count is
     *                                  negative
     */
    public SplitVerdict check(Map<String, Long> counts, long failedRequests) {
        if (failedRequests < 0) {
            throw new IllegalArgumentException("failedRequests must be >= 0, was " + failedRequests);
        }
        long total = 0;
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            if (e.getKey() == null || e.getValue() == null || e.getValue() < 0) {
                throw new IllegalArgumentException("invalid count " + e.getKey() + "=" + e.getValue());
            }
            total += e.getValue();
        }
        if (total == 0) {
            throw new IllegalArgumentException("no successful requests to judge (" + failedRequests + " failed)");
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many requests: " + total);
        }
        int n = (int) total;
        List<String> names = new ArrayList<>(weights.keySet());
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            if (!weights.containsKey(e.getKey()) && e.getValue() > 0) {
                names.add(e.getKey());
            }
        }
        List<SplitVerdict.Destination> results = new ArrayList<>();
        for (String name : names) {
            boolean known = weights.containsKey(name);
            int weight = known ? weights.get(name) : 0;
            double p = known ? share(name) : 0;
            AcceptanceRegion region = known ? region(name, n) : BinomialCheck.binomialRegion(n, 0, testAlpha());
            long observed = counts.getOrDefault(name, 0L);
            double pValue = new Binomial(n, p).twoSidedPValue((int) observed);
            results.add(new SplitVerdict.Destination(name, known, weight, p, observed, region, pValue));
        }
        return new SplitVerdict(this, n, failedRequests, results);
    }
}
