package dev.meshroute.conformance.stats;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The verdict of a {@link SplitCheck} on observed counts: per destination the expected share,
 * the observed count and share, the acceptance region and an exact p-value, and overall whether
 * every destination was inside its region.
 *
 * <p>{@link #passed()} is about the split only. Failed requests are carried along for the report
 * but are not samples and do not influence the verdict; assert on them separately.
 *
 * @param check          the check that produced this verdict (weights, alpha, power)
 * @param n              number of samples: successful requests, the sum of the observed counts
 * @param failedRequests requests without a usable response, counted apart from the samples
 * @param destinations   one entry per destination: the weighted ones in order, then any
 *                       destination that was observed although it is not in the weights
 */
public record SplitVerdict(SplitCheck check, int n, long failedRequests, List<Destination> destinations) {

    public SplitVerdict {
        destinations = List.copyOf(destinations);
    }

    /**
     * The result for one destination.
     *
     * @param name          destination name (e.g. the subset or version label)
     * @param known         whether the destination is in the expected weights
     * @param weight        its weight (0 for an unknown destination)
     * @param expectedShare {@code weight / totalWeight}
     * @param observed      successful requests it received
     * @param region        the counts accepted for it; {@code 0..0} for weight 0
     * @param pValue        exact two-sided binomial p-value of {@code observed} under
     *                      {@code expectedShare} (see {@link Binomial#twoSidedPValue(int)})
     */
    public record Destination(String name, boolean known, int weight, double expectedShare, long observed,
                              AcceptanceRegion region, double pValue) {

        /** The share of the samples this destination received. */
        public double observedShare() {
            return region.n() == 0 ? 0 : observed / (double) region.n();
        }

        /** Whether the observed count lies in the acceptance region. */
        public boolean accepted() {
            return region.contains(observed);
        }
    }

    /** Whether every destination's count was inside its acceptance region. */
    public boolean passed() {
        return destinations.stream().allMatch(Destination::accepted);
    }

    /** The family-wise false-failure rate the verdict was planned for. */
    public double alpha() {
        return check.alpha();
    }

    /**
     * An upper bound on the probability that this check fails a correct implementation at this n:
     * the attained size of the one test for k <= 2, the sum of the attained sizes (Bonferroni)
     * for k >= 3. At most {@link #alpha()}.
     */
    public double falseFailureBound() {
        if (check.tests() <= 2) {
            return destinations.stream().filter(d -> d.weight() > 0)
                    .mapToDouble(d -> d.region().size()).findFirst().orElse(0);
        }
        return destinations.stream().filter(d -> d.weight() > 0).mapToDouble(d -> d.region().size()).sum();
    }

    /**
     * The smallest deviation (absolute, as a fraction) of any one destination's share that this
     * many samples detect with probability {@code minPower}; the largest over the destinations of
     * {@link BinomialCheck#minDetectableDeviation}. {@code NaN} if there is none.
     */
    public double minDetectableDeviation() {
        double worst = 0;
        for (Destination d : destinations) {
            if (d.weight() > 0) {
                double dev = BinomialCheck.minDetectableDeviation(n, d.expectedShare(), check.testAlpha(),
                        check.minPower());
                if (Double.isNaN(dev)) {
                    return Double.NaN;
                }
                worst = Math.max(worst, dev);
            }
        }
        return worst;
    }

    /**
     * A human-readable multi-line report. On failure the first line says which split was
     * observed against which was expected and which destinations were outside their regions;
     * then one line for the plan, one per destination, and one for the error bound and failed
     * requests. For example:
     * <pre>
     * weights v1=90 v2=10, n=4054, alpha=1e-06 (2 destinations: one exact binomial test), min detectable deviation 4.1 points at power 0.999
     *   v1: expected 90.0%, observed 3641 (89.8%), accept 3552..3739, p=0.71
     *   v2: expected 10.0%, observed 413 (10.2%), accept 315..502, p=0.71
     *   false-failure probability of this check &lt;= 8.4e-07; failed requests (not samples): 0
     * </pre>
     */
    public String describe() {
        StringBuilder out = new StringBuilder();
        if (!passed()) {
            out.append("FAILED: observed split ")
                    .append(destinations.stream().map(d -> d.name() + "=" + percent(d.observedShare()))
                            .collect(Collectors.joining(" ")))
                    .append(" (n=").append(n).append("), expected ")
                    .append(destinations.stream().map(d -> d.name() + "=" + percent(d.expectedShare()))
                            .collect(Collectors.joining(" ")))
                    .append("; outside the acceptance region: ")
                    .append(destinations.stream().filter(d -> !d.accepted())
                            .map(d -> d.name() + " " + d.observed() + " not in " + d.region())
                            .collect(Collectors.joining(", ")))
                    .append('\n');
        }
        out.append("weights ")
                .append(check.weights().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(" ")))
                .append(", n=").append(n)
                .append(", alpha=").append(sig(check.alpha(), 3))
                .append(" (").append(correction()).append("), ");
        double mdd = minDetectableDeviation();
        if (Double.isNaN(mdd)) {
            out.append("no deviation is detected with power ").append(check.minPower()).append(" at this n");
        } else {
            // rounded up, so that the printed figure is never better than the truth
            double points = Math.ceil(mdd * 1000 - 1e-9) / 10;
            out.append(String.format(Locale.ROOT, "min detectable deviation %.1f points at power %s",
                    points, check.minPower()));
        }
        out.append('\n');
        for (Destination d : destinations) {
            out.append("  ").append(d.name()).append(": ");
            if (d.weight() > 0) {
                out.append("expected ").append(percent(d.expectedShare()))
                        .append(", observed ").append(d.observed()).append(" (").append(percent(d.observedShare()))
                        .append("), accept ").append(d.region())
                        .append(", p").append(pValue(d));
            } else {
                out.append(d.known() ? "weight 0" : "not in the weights")
                        .append(", must receive none, observed ").append(d.observed());
            }
            if (!d.accepted()) {
                out.append("  <-- outside");
            }
            out.append('\n');
        }
        out.append("  false-failure probability of this check <= ").append(sig(falseFailureBound(), 2))
                .append("; failed requests (not samples): ").append(failedRequests);
        return out.toString();
    }

    @Override
    public String toString() {
        return describe();
    }

    private String correction() {
        int k = check.tests();
        if (k == 1) {
            return "1 destination: it must receive every request";
        }
        if (k == 2) {
            return "2 destinations: one exact binomial test";
        }
        return "Bonferroni over " + k;
    }

    /** "=0.71", "=3.1e-52", or "<1e-300" when the tail underflowed (an exact 0 only if impossible). */
    private static String pValue(Destination d) {
        if (d.pValue() == 0 && d.expectedShare() > 0 && d.expectedShare() < 1) {
            return "<1e-300";
        }
        return "=" + sig(d.pValue(), 2);
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }

    /** {@code v} to {@code digits} significant digits, plain for 1e-3 <= v < 1e6, else as 1e-06. */
    static String sig(double v, int digits) {
        if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
            return v == 0 ? "0" : Double.toString(v);
        }
        double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e6) {
            return new BigDecimal(v).round(new MathContext(digits)).stripTrailingZeros().toPlainString();
        }
        String s = String.format(Locale.ROOT, "%." + (digits - 1) + "e", v);
        int e = s.indexOf('e');
        String mantissa = s.substring(0, e);
        if (mantissa.contains(".")) {
            mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return mantissa + s.substring(e);
    }
}
