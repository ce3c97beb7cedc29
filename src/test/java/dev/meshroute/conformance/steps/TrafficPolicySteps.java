package dev.meshroute.conformance.steps;

import dev.meshroute.conformance.stats.SplitCheck;
import dev.meshroute.conformance.stats.SplitVerdict;
import dev.meshroute.conformance.target.Exchange;
import io.cucumber.datatable.DataTable;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * DestinationRule traffic policies, observed from the client: which pod of a destination answers (load balancing,
 * consistent hashing), what happens to requests beyond the connection pool's limits (503 UO), and whether a pod
 * that keeps failing is taken out of the rotation (outlier detection).
 */
public final class TrafficPolicySteps {

    /** How far from an equal share a pod's count may be when the proxy takes turns: one per client connection. */
    static final int ROUND_ROBIN_SLACK = 4;
    /** How many requests a scenario may send to meet a pod that fails before the verdict starts. */
    static final int MAX_REQUESTS_TO_FIND_A_POD = 200;
    /** How long outlier detection may take to act on an answer before the verdict's requests start. */
    static final long EJECTION_SETTLE_MILLIS = 200;

    private final World world;
    private List<Exchange.Response> concurrent = List.of();

    public TrafficPolicySteps(World world) {
        this.world = world;
    }

    // ---- load balancing ---------------------------------------------------------------------------------------

    /**
     * Rows are pod names: each should receive an equal share, judged by the exact binomial check of the splits
     * (false-failure rate 1e-6, detecting a 10-point deviation). The requests go one at a time: with requests in
     * flight, LEAST_REQUEST rightly favours the pods that answer faster.
     */
    @Then("requests {word} {string} to {string} sent one at a time are spread evenly over the pods:")
    public void spreadEvenly(String method, String path, String host, DataTable pods) {
        Map<String, Integer> weights = new LinkedHashMap<>();
        pods.asList().forEach(p -> weights.put(p, 1));
        SplitCheck check = new SplitCheck(weights, dev.meshroute.conformance.stats.BinomialCheck.DEFAULT_ALPHA, 0.10,
                dev.meshroute.conformance.stats.BinomialCheck.DEFAULT_MIN_POWER);
        Exchange.Request request = request(method, path, host, List.of());
        Map<String, Long> counts = countByPod(world.target.sendOneAtATime(request, check.sampleSize()));
        SplitVerdict verdict = check.check(counts, 0);
        String report = "request " + request + ", one at a time\n" + verdict.describe();
        world.log(report);
        System.out.println("[meshroute] " + world.scenario.getName() + "\n" + report);
        assertTrue(verdict.passed(), report);
    }

    /**
     * Envoy's ROUND_ROBIN takes turns per worker thread, so with the suite's few client connections each pod's count
     * stays within one per connection of an equal share; a random choice strays much further (its standard deviation
     * over 3,000 requests and 3 pods is about 26).
     */
    @Then("{int} requests {word} {string} to {string} take turns over the pods:")
    public void takeTurns(int n, String method, String path, String host, DataTable pods) {
        Exchange.Request request = request(method, path, host, List.of());
        Map<String, Long> counts = countByPod(world.target.sendMany(request, n));
        double share = (double) n / pods.asList().size();
        String report = n + " requests " + request + " by pod: " + counts + "; each must be within "
                + ROUND_ROBIN_SLACK + " of " + share;
        world.log(report);
        assertEquals(new TreeMap<>(counts).keySet(), new java.util.TreeSet<>(pods.asList()), report);
        for (String pod : pods.asList()) {
            assertTrue(Math.abs(counts.get(pod) - share) <= ROUND_ROBIN_SLACK, report);
        }
    }

    // ---- consistent hashing ----------------------------------------------------------------------------------

    @Then("every one of {int} requests {word} {string} to {string} is served by the same pod")
    public void samePod(int n, String method, String path, String host) {
        samePod(request(method, path, host, List.of()), n);
    }

    @Then("every one of {int} requests {word} {string} to {string} with these headers is served by the same pod:")
    public void samePodWithHeaders(int n, String method, String path, String host, DataTable headers) {
        List<Map.Entry<String, String>> lines = new ArrayList<>();
        headers.asLists().forEach(row -> lines.add(Map.entry(row.get(0), row.get(1))));
        samePod(request(method, path, host, lines), n);
    }

    private void samePod(Exchange.Request request, int n) {
        List<Exchange.Response> responses = world.target.sendMany(request, n);
        Map<String, Long> counts = countByPod(responses);
        world.log(n + " requests " + request + " by pod: " + counts);
        assertEquals(1, counts.size(), () -> n + " requests " + request + " were served by " + counts
                + "; expected one pod to serve them all");
        assertTrue(responses.stream().allMatch(r -> r.status() == 200), () -> "a request " + request
                + " was not answered 200: " + responses.stream().filter(r -> r.status() != 200).findFirst().get());
    }

    /**
     * Different hash keys land on different places of the ring: among {@code n} keys (one request each), all reaching
     * one of several pods has probability about (1/pods)^(n-1).
     */
    @Then("requests {word} {string} to {string} whose header {string} takes {int} different values reach more than one pod")
    public void headerValuesSpread(String method, String path, String host, String header, int n) {
        spreadOverKeys(n, i -> request(method, path, host, List.of(Map.entry(header, "key-" + i))));
    }

    @Then("requests {word} {string} to {string} whose cookie {string} takes {int} different values reach more than one pod")
    public void cookieValuesSpread(String method, String path, String host, String cookie, int n) {
        spreadOverKeys(n, i -> request(method, path, host, List.of(Map.entry("Cookie", cookie + "=key-" + i))));
    }

    @Then("requests {word} {string} to {string} whose query parameter {string} takes {int} different values reach more than one pod")
    public void queryValuesSpread(String method, String path, String host, String name, int n) {
        spreadOverKeys(n, i -> request(method, path + (path.contains("?") ? "&" : "?") + name + "=key-" + i, host,
                List.of()));
    }

    /** Requests without any hash key are balanced like any others: among {@code n}, more than one pod answers. */
    @Then("{int} requests {word} {string} to {string} reach more than one pod")
    public void spreadWithoutKey(int n, String method, String path, String host) {
        Exchange.Request request = request(method, path, host, List.of());
        Map<String, Long> counts = countByPod(world.target.sendMany(request, n));
        world.log(n + " requests " + request + " by pod: " + counts);
        assertTrue(counts.size() > 1, () -> n + " requests " + request + " all went to " + counts.keySet());
    }

    /** The last request again, headers and all (say a hash key), {@code n} times: more than one pod answers. */
    @Then("{int} requests {word} {string} to {string} with the same headers reach more than one pod")
    public void spreadWithSameHeaders(int n, String method, String path, String host) {
        Exchange.Request request = request(method, path, host, world.lastRequest.headers());
        Map<String, Long> counts = countByPod(world.target.sendMany(request, n));
        world.log(n + " requests " + request + " by pod: " + counts);
        assertTrue(counts.size() > 1, () -> n + " requests " + request + " all went to " + counts.keySet());
    }

    @Then("every one of {int} more such requests is served by the pod that answered")
    public void morePinned(int n) {
        Exchange.Response first = world.lastResponse;
        assertTrue(first.reachedPod(), () -> "the first answer did not come from a pod: " + first);
        Map<String, Long> counts = countByPod(world.target.sendMany(world.lastRequest, n));
        world.log(n + " more requests " + world.lastRequest + " by pod: " + counts);
        assertEquals(Map.of(first.pod(), (long) n), counts, () -> "every request " + world.lastRequest
                + " should reach " + first.pod());
    }

    @Then("{int} more such requests reach more than one pod")
    public void moreSpread(int n) {
        Map<String, Long> counts = countByPod(world.target.sendMany(world.lastRequest, n));
        world.log(n + " more requests " + world.lastRequest + " by pod: " + counts);
        assertTrue(counts.size() > 1, () -> n + " requests " + world.lastRequest + " all went to " + counts.keySet());
    }

    private void spreadOverKeys(int n, java.util.function.IntFunction<Exchange.Request> requestFor) {
        world.ensureApplied();
        Map<String, String> podByKey = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            Exchange.Request request = requestFor.apply(i);
            Exchange.Response r = world.target.send(request);
            assertTrue(r.reachedPod() && r.status() == 200, () -> request + " got " + r);
            podByKey.put("key-" + i, r.pod());
        }
        Set<String> pods = new LinkedHashSet<>(podByKey.values());
        world.log("pod by hash key: " + podByKey);
        assertTrue(pods.size() > 1, () -> n + " different keys all went to " + pods + ": " + podByKey);
    }

    @Then("the response sets cookie {string} with max age {int}")
    public void setsCookie(String name, int maxAge) {
        List<String> cookies = world.lastResponse.headers().getOrDefault("set-cookie", List.of());
        assertTrue(cookies.stream().anyMatch(c -> c.startsWith(name + "=") && c.contains("Max-Age=" + maxAge)),
                () -> "Set-Cookie of the answer to " + world.lastRequest + ": " + cookies);
    }

    @Then("every one of {int} requests carrying that cookie is served by the pod that answered")
    public void cookieKeepsPod(int n) {
        Exchange.Response first = world.lastResponse;
        assertTrue(first.reachedPod(), () -> "the first answer did not come from a pod: " + first);
        String cookie = world.lastResponse.headers().getOrDefault("set-cookie", List.of()).stream()
                .map(c -> c.split(";", 2)[0]).findFirst()
                .orElseThrow(() -> new AssertionError("the answer set no cookie: " + first.headers()));
        List<Map.Entry<String, String>> headers = new ArrayList<>(world.lastRequest.headers());
        headers.add(Map.entry("Cookie", cookie));
        Exchange.Request request = new Exchange.Request(world.lastRequest.method(), world.lastRequest.path(),
                world.lastRequest.host(), headers);
        Map<String, Long> counts = countByPod(world.target.sendMany(request, n));
        world.log(n + " requests " + request + " by pod: " + counts);
        assertEquals(Map.of(first.pod(), (long) n), counts, () -> "the cookie's requests " + request
                + " should all reach " + first.pod());
    }

    // ---- connection pool -------------------------------------------------------------------------------------

    @When("{int} clients send {word} {string} to {string} at once and the pod takes {int} ms to answer")
    public void concurrentSlow(int clients, String method, String path, String host, int millis) throws Exception {
        Exchange.Request request = request(method, path, host,
                List.of(Map.entry(RequestSteps.POD_DELAY_HEADER, String.valueOf(millis))));
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Exchange.Response>> futures = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return world.target.send(request);
                }));
            }
            start.countDown();
            List<Exchange.Response> out = new ArrayList<>();
            for (Future<Exchange.Response> f : futures) {
                out.add(f.get());
            }
            concurrent = out;
        } finally {
            pool.shutdownNow();
        }
        world.lastRequest = request;
        world.log(clients + " concurrent requests " + request + ": " + outcomes(concurrent));
    }

    @Then("some of them are answered {int} with response flag {string} by the proxy")
    public void someAnsweredByProxy(int status, String flag) {
        assertTrue(concurrent.stream().anyMatch(r -> !r.reachedPod() && r.status() == status
                        && flag.equals(r.responseFlags())),
                () -> "none of the concurrent requests got " + status + " " + flag + ": " + outcomes(concurrent));
    }

    @Then("some of them are served by version {string}")
    public void someServed(String version) {
        assertTrue(concurrent.stream().anyMatch(r -> r.reachedPod() && r.status() == 200
                        && version.equals(r.labels().get("version"))),
                () -> "no concurrent request was served by version " + version + ": " + outcomes(concurrent));
    }

    @Then("all of them are served by version {string}")
    public void allServed(String version) {
        assertTrue(concurrent.stream().allMatch(r -> r.reachedPod() && r.status() == 200
                        && version.equals(r.labels().get("version"))),
                () -> "not every concurrent request was served by version " + version + ": " + outcomes(concurrent));
    }

    @Then("each of them is either served by version {string} or answered {int} with response flag {string}")
    public void eitherOr(String version, int status, String flag) {
        assertTrue(concurrent.stream().allMatch(r -> r.reachedPod() ? r.status() == 200
                        && version.equals(r.labels().get("version"))
                        : r.status() == status && flag.equals(r.responseFlags())),
                () -> "an unexpected outcome among " + outcomes(concurrent));
    }

    // ---- outlier detection -----------------------------------------------------------------------------------

    /**
     * Sends requests one by one until the named pod answers with the given status (a failing pod is met), then
     * pauses {@value #EJECTION_SETTLE_MILLIS} ms: Envoy ejects on its main thread and tells the workers afterwards,
     * so a request sent at once could still be routed by the host set from before the ejection.
     */
    @When("a client sends {word} {string} to {string} until pod {string} answers {int}")
    public void untilPodAnswers(String method, String path, String host, String pod, int status)
            throws InterruptedException {
        Exchange.Request request = request(method, path, host, List.of());
        for (int i = 1; i <= MAX_REQUESTS_TO_FIND_A_POD; i++) {
            Exchange.Response r = world.target.send(request);
            if (pod.equals(r.pod()) && r.status() == status) {
                world.lastResponse = r;
                world.log("pod " + pod + " answered " + status + " to request " + i + " of " + request);
                Thread.sleep(EJECTION_SETTLE_MILLIS);
                return;
            }
        }
        fail("pod " + pod + " never answered " + status + " to " + MAX_REQUESTS_TO_FIND_A_POD + " requests "
                + request);
    }

    @Then("every one of {int} more such requests is answered 200 by a pod other than {string}")
    public void noneReach(int n, String pod) {
        List<Exchange.Response> responses = world.target.sendMany(world.lastRequest, n);
        Map<String, Long> outcomes = outcomes(responses);
        world.log(n + " more requests " + world.lastRequest + ": " + outcomes);
        assertTrue(responses.stream().allMatch(r -> r.reachedPod() && r.status() == 200 && !pod.equals(r.pod())),
                () -> "expected every request to be answered 200 by a pod other than " + pod + "; got " + outcomes);
    }

    @Then("some of {int} more such requests are answered {int} by pod {string}")
    public void someReach(int n, int status, String pod) {
        List<Exchange.Response> responses = world.target.sendMany(world.lastRequest, n);
        Map<String, Long> outcomes = outcomes(responses);
        world.log(n + " more requests " + world.lastRequest + ": " + outcomes);
        assertTrue(responses.stream().anyMatch(r -> pod.equals(r.pod()) && r.status() == status),
                () -> "expected pod " + pod + " to answer " + status + " again; got " + outcomes);
    }

    // ---- validation ------------------------------------------------------------------------------------------

    @Then("{string} is accepted with the warning {string}")
    public void acceptedWithWarning(String resource, String text) {
        List<dev.meshroute.conformance.target.Finding> findings = world.findings;
        assertTrue(findings.stream().noneMatch(f -> f.isRejection() && resource.equals(f.resource())),
                () -> resource + " was rejected: " + findings);
        assertTrue(findings.stream().anyMatch(f -> f.level().equals("warning") && resource.equals(f.resource())
                && f.message().contains(text)), () -> "expected a warning on " + resource + " containing '" + text
                + "': " + findings);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private Exchange.Request request(String method, String path, String host, List<Map.Entry<String, String>> headers) {
        world.ensureApplied();
        Exchange.Request request = new Exchange.Request(method, path, host, headers);
        world.lastRequest = request;
        return request;
    }

    /** Counts by pod name; any answer that is not a pod's 200 fails the step, naming it. */
    private Map<String, Long> countByPod(List<Exchange.Response> responses) {
        Map<String, Long> counts = new TreeMap<>();
        for (Exchange.Response r : responses) {
            if (!r.reachedPod() || r.status() != 200) {
                fail("expected every request " + world.lastRequest + " to be answered 200 by a pod; one got " + r);
            }
            counts.merge(r.pod(), 1L, Long::sum);
        }
        return counts;
    }

    /** "status from pod" or "status FLAG" -> count, for reports. */
    private static Map<String, Long> outcomes(List<Exchange.Response> responses) {
        return responses.stream().collect(Collectors.groupingBy(
                r -> r.reachedPod() ? r.status() + " from " + r.pod() : r.status() + " " + r.responseFlags(),
                TreeMap::new, Collectors.counting()));
    }
}
