package dev.meshroute.conformance.steps;

import dev.meshroute.conformance.target.Exchange;
import io.cucumber.datatable.DataTable;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Steps that send single requests and check where they went. */
public final class RequestSteps {

    private final World world;

    public RequestSteps(World world) {
        this.world = world;
    }

    @When("a client sends {word} {string} to {string}")
    public void send(String method, String path, String host) {
        send(new Exchange.Request(method, path, host, List.of()));
    }

    @When("a client sends {word} {string} to {string} with headers:")
    public void sendWithHeaders(String method, String path, String host, DataTable headers) {
        List<Map.Entry<String, String>> lines = new ArrayList<>();
        for (List<String> row : headers.asLists()) {
            lines.add(Map.entry(row.get(0), row.size() > 1 && row.get(1) != null ? row.get(1) : ""));
        }
        send(new Exchange.Request(method, path, host, lines));
    }

    @When("a client sends {word} {string} to {string} with random value {long}")
    public void sendWithRandomValue(String method, String path, String host, long randomValue) {
        send(new Exchange.Request(method, path, host, List.of()).withRandomValue(randomValue));
    }

    @When("a client sends {word} {string} to {string} over HTTP\\/1.0")
    public void sendHttp10(String method, String path, String host) {
        Exchange.Request request = new Exchange.Request(method, path, host, List.of());
        world.ensureApplied();
        world.lastRequest = request;
        long start = System.nanoTime();
        world.lastResponse = world.target.sendHttp10(request);
        world.lastElapsedMillis = (System.nanoTime() - start) / 1_000_000;
        world.log("sent over HTTP/1.0 " + request + "\nreceived " + world.lastResponse);
    }

    /** The echo pods' delay control: the pod answers only after this many milliseconds. */
    static final String POD_DELAY_HEADER = "x-echo-delay-ms";

    @When("a client sends {word} {string} to {string} and the pod takes {int} ms to answer")
    public void sendToSlowPod(String method, String path, String host, int millis) {
        send(new Exchange.Request(method, path, host, List.of(Map.entry(POD_DELAY_HEADER, String.valueOf(millis)))));
    }

    private void send(Exchange.Request request) {
        world.ensureApplied();
        world.lastRequest = request;
        long start = System.nanoTime();
        world.lastResponse = world.target.send(request);
        world.lastElapsedMillis = (System.nanoTime() - start) / 1_000_000;
        world.log("sent " + request + "\nreceived " + world.lastResponse);
    }

    @Then("it is served by version {string}")
    public void servedByVersion(String version) {
        Exchange.Response r = world.lastResponse;
        String expected = "served by a pod of version " + version + " (200)";
        assertTrue(r.reachedPod(), () -> "expected a pod of version " + version + " to answer " + world.lastRequest
                + ", but got " + r + world.diagnosis(expected));
        assertEquals(200, r.status(), () -> "status of " + world.lastRequest + world.diagnosis(expected));
        assertEquals(version, r.labels().get("version"), () -> world.lastRequest + " was served by pod " + r.pod()
                + " " + r.labels() + ", expected version " + version + world.diagnosis(expected));
    }

    @Then("the proxy answers {int} with response flag {string}")
    public void proxyAnswers(int status, String flag) {
        Exchange.Response r = world.lastResponse;
        String expected = "the proxy answers " + status + " with response flag " + flag;
        assertFalse(r.reachedPod(), () -> "expected the proxy to answer " + world.lastRequest + " itself with "
                + status + " " + flag + ", but pod " + r.pod() + " " + r.labels() + " answered"
                + world.diagnosis(expected));
        assertEquals(status, r.status(), () -> "status of " + world.lastRequest + "; got " + r
                + world.diagnosis(expected));
        assertEquals(flag, r.responseFlags(), () -> "x-response-flags of " + world.lastRequest + "; got " + r
                + world.diagnosis(expected));
    }

    @Then("the proxy holds the routes {string} for {string}")
    public void proxyHoldsRoutes(String names, String host) {
        world.ensureApplied();
        List<String> expected = List.of(names.split(",\\s*"));
        assertEquals(expected, world.target.routeNames(host), () -> "routes the proxy holds for Host " + host);
    }

    @Then("the proxy answers {int} with location {string}")
    public void proxyRedirects(int status, String location) {
        Exchange.Response r = world.lastResponse;
        assertFalse(r.reachedPod(), () -> "expected the proxy to redirect " + world.lastRequest + ", but pod "
                + r.pod() + " answered");
        assertEquals(status, r.status(), () -> "status of " + world.lastRequest + "; got " + r);
        List<String> locations = r.headers().getOrDefault("location", List.of());
        assertEquals(List.of(location), locations, () -> "location of the answer to " + world.lastRequest);
    }

    @Then("the proxy answers {int} with body {string}")
    public void proxyAnswersWithBody(int status, String body) {
        Exchange.Response r = world.lastResponse;
        assertFalse(r.reachedPod(), () -> "expected the proxy to answer " + world.lastRequest + " itself, but pod "
                + r.pod() + " answered");
        assertEquals(status, r.status(), () -> "status of " + world.lastRequest + "; got " + r);
        assertEquals(body, r.body(), () -> "body of the answer to " + world.lastRequest);
    }

    @Then("the pod receives path {string}")
    public void podReceivesPath(String path) {
        assertEquals(path, echoed("path"), () -> "path the pod received for " + world.lastRequest);
    }

    @Then("the pod receives host {string}")
    public void podReceivesHost(String host) {
        assertEquals(host, echoed("host"), () -> "Host the pod received for " + world.lastRequest);
    }

    @Then("the pod receives header {string} with {string}")
    public void podReceivesHeader(String name, String values) {
        assertEquals(values, echoedHeader(name), () -> "values of " + name + " the pod received for "
                + world.lastRequest + " (joined with \", \")");
    }

    @Then("the pod receives no header {string}")
    public void podReceivesNoHeader(String name) {
        assertEquals(null, echoedHeader(name), () -> "the pod received " + name + " for " + world.lastRequest);
    }

    @Then("the response carries header {string} with {string}")
    public void responseCarries(String name, String values) {
        List<String> got = world.lastResponse.headers().get(name.toLowerCase(java.util.Locale.ROOT));
        assertEquals(values, got == null ? null : String.join(", ", got),
                () -> "response header " + name + " of " + world.lastRequest + "; got " + world.lastResponse.headers());
    }

    @Then("the response has no header {string}")
    public void responseLacks(String name) {
        assertFalse(world.lastResponse.headers().containsKey(name.toLowerCase(java.util.Locale.ROOT)),
                () -> "response header " + name + " of " + world.lastRequest + ": " + world.lastResponse.headers());
    }

    /** The values of one header as the pod received it, joined with ", "; null when absent. */
    private String echoedHeader(String name) {
        Exchange.Response r = world.lastResponse;
        assertTrue(r.reachedPod(), () -> "expected " + world.lastRequest + " to reach a pod, but got " + r);
        return echoedHeader(r, name);
    }

    /** The values of one header as the pod that answered {@code r} received it, joined with ", "; null when absent. */
    static String echoedHeader(Exchange.Response r, String name) {
        try {
            var values = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).path("headers")
                    .path(name.toLowerCase(java.util.Locale.ROOT));
            if (values.isMissingNode()) {
                return null;
            }
            List<String> list = new java.util.ArrayList<>();
            values.forEach(v -> list.add(v.asText()));
            return String.join(", ", list);
        } catch (java.io.IOException e) {
            throw new AssertionError("the pod's answer is not JSON: " + r.body(), e);
        }
    }

    /** A field of the echo pod's JSON answer: what the request looked like when it reached the pod. */
    private String echoed(String field) {
        Exchange.Response r = world.lastResponse;
        assertTrue(r.reachedPod(), () -> "expected " + world.lastRequest + " to reach a pod, but got " + r);
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).path(field).asText(null);
        } catch (java.io.IOException e) {
            throw new AssertionError("the pod's answer is not JSON: " + r.body(), e);
        }
    }

    /**
     * A lower bound only: an answer can never come sooner than an injected delay or a timeout, whereas an
     * upper bound would make the verdict depend on the machine's speed.
     */
    @Then("the answer took at least {int} ms")
    public void tookAtLeast(int millis) {
        assertTrue(world.lastElapsedMillis >= millis, () -> "the answer to " + world.lastRequest + " took "
                + world.lastElapsedMillis + " ms, less than " + millis + " ms");
    }

    @Then("the response body is {string}")
    public void body(String body) {
        assertEquals(body, world.lastResponse.body(), () -> "body of the answer to " + world.lastRequest);
    }

    @Then("every one of {int} more such requests is served by version {string}")
    public void allServedBy(int count, String version) {
        List<Exchange.Response> responses = world.target.sendMany(world.lastRequest, count);
        // served: a pod of that version answered, and answered 200 (as "it is served by version" requires)
        java.util.function.Predicate<Exchange.Response> notServed = r -> !r.reachedPod() || r.status() != 200
                || !version.equals(r.labels().get("version"));
        long wrong = responses.stream().filter(notServed).count();
        Exchange.Response firstWrong = responses.stream().filter(notServed).findFirst().orElse(null);
        world.log(count + " requests " + world.lastRequest + ": " + (count - wrong) + " served by version " + version);
        assertEquals(0, wrong, () -> wrong + " of " + count + " requests " + world.lastRequest
                + " were not served by version " + version + "; the first: " + firstWrong);
    }
}
