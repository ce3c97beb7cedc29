package dev.meshroute.conformance.steps;

import dev.meshroute.conformance.stats.SplitCheck;
import dev.meshroute.conformance.stats.SplitVerdict;
import dev.meshroute.conformance.target.Exchange;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retries and mirroring: what a pod answered on which attempt (the proxy numbers attempts in
 * {@code x-envoy-attempt-count}, as Istio configures Envoy to), and which pods received mirrored copies.
 *
 * <p>Copies are found by a tag header unique to the scenario, in what the target's pods report they received;
 * mirroring is fire-and-forget, so the count is read once it has stopped changing.
 */
public final class ResilienceSteps {

    static final String TAG_HEADER = "x-meshroute-tag";
    private static final long SETTLE_MILLIS = 500;
    private static final long MAX_WAIT_MILLIS = 10_000;

    private final World world;
    private final String tag = UUID.randomUUID().toString();
    private int tagged;
    private final List<Exchange.Response> taggedResponses = new java.util.ArrayList<>();

    public ResilienceSteps(World world) {
        this.world = world;
    }

    @Then("a pod of version {string} answers {int} on attempt {int}")
    public void podAnswersOnAttempt(String version, int status, int attempt) {
        Exchange.Response r = world.lastResponse;
        assertTrue(r.reachedPod(), () -> "expected a pod of version " + version + " to answer " + world.lastRequest
                + ", but got " + r);
        assertEquals(version, r.labels().get("version"), () -> "version of the pod that answered; got " + r);
        assertEquals(status, r.status(), () -> "status the pod answered " + world.lastRequest + " with");
        assertEquals(String.valueOf(attempt), RequestSteps.echoedHeader(r, "x-envoy-attempt-count"),
                () -> "x-envoy-attempt-count the answering pod"
                + " received for " + world.lastRequest + " (the attempt it answered)");
    }

    @When("a client sends {int} tagged requests {word} {string} to {string}")
    public void sendTagged(int count, String method, String path, String host) {
        world.ensureApplied();
        Exchange.Request request = new Exchange.Request(method, path, host, List.of(Map.entry(TAG_HEADER, tag)));
        world.lastRequest = request;
        List<Exchange.Response> responses = world.target.sendMany(request, count);
        tagged += count;
        taggedResponses.addAll(responses);
        world.lastResponse = responses.get(responses.size() - 1);
    }

    @Then("every one of them is served by version {string}")
    public void everyOneServedBy(String version) {
        for (Exchange.Response r : taggedResponses) {
            assertTrue(r.reachedPod() && r.status() == 200 && version.equals(r.labels().get("version")),
                    () -> "every tagged " + world.lastRequest + " should be served by version " + version + "; got " + r);
        }
    }

    @Then("the {string} pods of version {string} receive a copy of each of them")
    public void copyOfEach(String app, String version) {
        long copies = settledCopies(app, version, tagged);
        assertEquals(tagged, copies, () -> "copies of the " + tagged + " tagged requests received by " + app + " "
                + version + " pods");
    }

    @Then("the {string} pods of version {string} receive no copy of them")
    public void noCopy(String app, String version) {
        long copies = settledCopies(app, version, 0);
        assertEquals(0, copies, () -> "copies of the " + tagged + " tagged requests received by " + app + " "
                + version + " pods");
    }

    @Then("the copies received by {string} pods of version {string} have host {string}")
    public void copiesHaveHost(String app, String version, String host) {
        settledCopies(app, version, tagged);
        List<Map<String, Object>> copies = copies(app, version);
        assertTrue(!copies.isEmpty(), "no copy reached " + app + " " + version);
        for (Map<String, Object> copy : copies) {
            assertEquals(host, copy.get("host"), () -> "Host of a mirrored copy: " + copy);
        }
    }

    /**
     * Sends as many tagged requests as the exact binomial check needs to tell {@code percent}% from 5 points
     * off, and judges the share of them that reached the mirror, like a weighted split (stats package).
     */
    @Then("about {int}% of requests {word} {string} to {string} are mirrored to the {string} pods of version {string}")
    public void mirroredShare(int percent, String method, String path, String host, String app, String version) {
        Map<String, Integer> weights = new LinkedHashMap<>();
        weights.put("mirrored", percent);
        weights.put("not mirrored", 100 - percent);
        SplitCheck check = SplitCheck.of(weights);
        int n = check.sampleSize();
        sendTagged(n, method, path, host);
        long copies = settledCopies(app, version, -1);
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("mirrored", copies);
        counts.put("not mirrored", n - copies);
        SplitVerdict verdict = check.check(counts, 0);
        String report = "mirrored copies of " + world.lastRequest + "\n" + verdict.describe();
        world.log(report);
        System.out.println("[meshroute] " + world.scenario.getName() + "\n" + report);
        assertTrue(verdict.passed(), report);
    }

    /** The tagged copies {@code app}/{@code version} pods received, once the count stops changing. */
    private long settledCopies(String app, String version, long expected) {
        long deadline = System.currentTimeMillis() + MAX_WAIT_MILLIS;
        long last = -1;
        long stableSince = System.currentTimeMillis();
        while (true) {
            long now = copies(app, version).size();
            if (now != last) {
                last = now;
                stableSince = System.currentTimeMillis();
            }
            boolean settled = System.currentTimeMillis() - stableSince >= SETTLE_MILLIS;
            if (settled && (expected < 0 || now >= expected) || System.currentTimeMillis() > deadline) {
                return now;
            }
            sleep(50);
        }
    }

    private List<Map<String, Object>> copies(String app, String version) {
        return world.target.receivedRequests("default", Map.of("app", app, "version", version)).stream()
                .filter(r -> r.get("headers") instanceof Map<?, ?> h && h.get(TAG_HEADER) instanceof List<?> v
                        && v.contains(tag))
                .toList();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
