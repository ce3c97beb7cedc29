/**
 * Exact statistics for verdicts on weighted traffic splits, with a stated false-failure rate.
 *
 * <p>A conformance scenario sends {@code n} requests through a route with weights such as 90/10
 * or 30/30/40 and counts where they land. Counts fluctuate, so "80 of 100 went to v1, expected
 * 90" is not by itself a bug. This package turns counts into a verdict whose probability of
 * failing a correct implementation is bounded by a stated {@code alpha} (1e-6 by default), and
 * whose probability of passing a wrong split is bounded by a stated power. A scenario is run once;
 * it is never retried until it passes, which would make the false-failure rate meaningless.
 *
 * <h2>One destination: the equal-tailed exact binomial test</h2>
 * If each request independently reaches a destination with probability {@code p} (its expected
 * share {@code weight / sum of weights}), its count is {@code X ~ Binomial(n, p)}. The acceptance
 * region {@code lo..hi} takes {@code lo} as the largest count with {@code P(X < lo) <= alpha/2}
 * and {@code hi} as the smallest with {@code P(X > hi) <= alpha/2}, both computed exactly from
 * binomial sums ({@link dev.meshroute.conformance.stats.Binomial}; no normal approximation). So a
 * correct implementation lands outside with probability at most {@code alpha}; because counts are
 * discrete the attained probability is a little lower and is reported
 * ({@link dev.meshroute.conformance.stats.AcceptanceRegion#size()}). The matching p-value is
 * {@code min(1, 2 min(P(X <= x), P(X >= x)))}: a count is outside the region exactly when its
 * p-value is at most {@code alpha}.
 *
 * <h2>Several destinations: Bonferroni</h2>
 * With k >= 3 weighted destinations each count is checked against its own binomial region at
 * {@code alpha / k}. Whatever the dependence between the counts, the probability that at least
 * one of the k checks fails is at most the sum, {@code alpha}. With k = 2 the two counts add up to
 * n, so both checks are the same event and one test at the full {@code alpha} is used. A
 * destination with weight 0 is not a statistical question: it must receive exactly zero
 * requests. Requests that failed (no usable response) are reported separately and are not
 * samples.
 *
 * <h2>Sample size and power</h2>
 * The power against a true share {@code p'} is {@code P(X' outside lo..hi)} for
 * {@code X' ~ Binomial(n, p')}. The suite sends the smallest n (see
 * {@link dev.meshroute.conformance.stats.BinomialCheck#sampleSize}) at which a deviation of 5
 * percentage points in either direction is detected with probability 0.999 (defaults), the
 * largest such n over the destinations for k destinations. Power is a saw-tooth in n because the
 * region's bounds are integers; the sample size is chosen past the last dip below the target.
 * For example, for a 90/10 split at alpha = 1e-6 the n that misses an 85/15 split with
 * probability at most 1e-6 is 4,054, and the minority's acceptance region is 315..502.
 *
 * <p>Usage:
 * <pre>{@code
 * SplitCheck plan = SplitCheck.of(weights);           // alpha 1e-6, 5 points, power 0.999
 * int n = plan.sampleSize();
 * // ... send n requests, count successful ones per destination, count failures apart ...
 * SplitVerdict verdict = plan.check(counts, failed);
 * assertTrue(verdict.passed(), verdict::describe);
 * assertEquals(0, failed, "requests failed");
 * }</pre>
 */
package dev.meshroute.conformance.stats;
