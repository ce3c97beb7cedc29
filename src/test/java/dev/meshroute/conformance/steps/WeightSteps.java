package dev.meshroute.conformance.steps;

import dev.meshroute.conformance.stats.SplitCheck;
import dev.meshroute.conformance.stats.SplitVerdict;
import dev.meshroute.conformance.target.Exchange;
import io.cucumber.datatable.DataTable;
import io.cucumber.java.en.Then;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Weighted splits, judged by an exact binomial acceptance region with a stated false-failure rate
 * (see the stats package). The sample size follows from the expected weights; the verdict is never
 * retried; requests that fail in transport are counted apart, not as samples.
 */
public final class WeightSteps {

    private final World world;

    public WeightSteps(World world) {
        this.world = world;
    }

    /**
     * Rows are {@code | outcome | weight |}: an outcome is a pod's {@code version} label, or a proxy
     * reply as {@code "503 NC"}. A weight-0 outcome must receive no request at all.
     */
    @Then("requests {word} {string} to {string} are split by outcome:")
    public void split(String method, String path, String host, DataTable table) {
        split(method, path, host, table, false);
    }

    /**
     * As {@link #split(String, String, String, DataTable)}, each request sent after the previous one's answer: for a
     * split among a subset's pods, which the load balancer decides. Istio's default, least request, picks the pod
     * with fewer requests in flight of two random ones (Envoy's power of two choices); with requests in flight
     * together, a pod whose requests fail at once has fewer in flight and is picked more often than its share,
     * so only one request at a time gives every pod the same chance.
     */
    @Then("requests {word} {string} to {string}, one at a time, are split by outcome:")
    public void splitOneAtATime(String method, String path, String host, DataTable table) {
        split(method, path, host, table, true);
    }

    private void split(String method, String path, String host, DataTable table, boolean oneAtATime) {
        Map<String, Integer> weights = new LinkedHashMap<>();
        for (List<String> row : table.asLists()) {
            weights.put(row.get(0), Integer.parseInt(row.get(1).trim()));
        }
        SplitCheck check = SplitCheck.of(weights);
        int n = check.sampleSize();
        Exchange.Request request = new Exchange.Request(method, path, host, List.of());
        world.ensureApplied();
        world.lastRequest = request;
        List<Exchange.Response> responses = oneAtATime ? world.target.sendOneAtATime(request, n)
                : world.target.sendMany(request, n);
        Map<String, Long> counts = new LinkedHashMap<>();
        long transportFailures = 0;
        String firstFailure = null;
        for (Exchange.Response r : responses) {
            if (r.status() == 0) {
                transportFailures++;
                firstFailure = firstFailure == null ? r.body() : firstFailure;
            } else {
                counts.merge(r.outcome(), 1L, Long::sum);
            }
        }
        SplitVerdict verdict = check.check(counts, transportFailures);
        world.evidence.split(request, verdict);
        String report = "request " + request + "\n" + verdict.describe();
        world.log(report);
        System.out.println("[meshroute] " + world.scenario.getName() + "\n" + report);
        String failure = firstFailure;
        long failures = transportFailures;
        assertEquals(0, transportFailures, () -> failures + " of " + n + " requests failed in transport (counted"
                + " apart from the split); the first: " + failure);
        assertTrue(verdict.passed(), report);
    }
}
