package dev.meshroute.reference.dataplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshroute.reference.workloads.EchoServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The proxy's tries at one request, over real sockets: retries by the route's policy, each numbered in
 * x-envoy-attempt-count; a retry on another endpoint; per-try and route timeouts; mirrored copies.
 */
@Timeout(30)
class UpstreamAttemptsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private EchoServer podA;
    private EchoServer podB;
    private ProxyServer proxy;
    private volatile Router router;

    @BeforeEach
    void start() {
        podA = new EchoServer("pod-a", "default", Map.of("version", "v1"));
        podB = new EchoServer("pod-b", "default", Map.of("version", "v2"));
        podA.start();
        podB.start();
        proxy = new ProxyServer(0, () -> router);
        proxy.start();
    }

    @AfterEach
    void stop() {
        proxy.close();
        podA.close();
        podB.close();
    }

    private static RetryRule retry(int retries, Set<String> on, Set<Integer> codes, long perTryMillis) {
        return new RetryRule(retries, on, codes, perTryMillis, true, 5, 1);
    }

    /** Routes every request to pod A with {@code retry}; retries pick pod B, the only other endpoint. */
    private void route(RetryRule retry, long timeoutMillis, List<InetSocketAddress> mirrors) {
        RouteDecision.Forward forward = new RouteDecision.Forward("r", "c", podA.address(), "pod-a", null, null,
                timeoutMillis, 0, HeaderMutation.NONE, HeaderMutation.NONE,
                null, 0, new RouteDecision.Attempts(retry, true, mirrors));
        router = new Router() {
            @Override
            public RouteDecision route(HttpRequestHead request) {
                return forward;
            }

            @Override
            public RouteTable.Endpoint retryEndpoint(String cluster, RetryRule rule, Set<InetSocketAddress> tried) {
                return tried.contains(podB.address()) ? new RouteTable.Endpoint(podA.address(), "pod-a")
                        : new RouteTable.Endpoint(podB.address(), "pod-b");
            }
        };
    }

    private HttpResponse<String> get(String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/"));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String attempt(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).path("headers").path("x-envoy-attempt-count").get(0).asText();
    }

    @Test
    void noRetryPolicy_oneTryNumberedOne() throws Exception {
        route(null, 0, List.of());

        HttpResponse<String> response = get("x-echo-status", "503");

        assertEquals(503, response.statusCode());
        assertEquals("1", attempt(response));
        assertEquals(1, podA.requestCount() + podB.requestCount());
    }

    @Test
    void retriableStatus_retriedOnTheOtherEndpointUntilItAnswers() throws Exception {
        route(retry(3, Set.of("retriable-status-codes"), Set.of(503), 0), 0, List.of());

        HttpResponse<String> response = get("x-echo-status", "503", "x-echo-faulty-attempts", "2");

        assertEquals(200, response.statusCode());
        assertEquals("3", attempt(response));
        JsonNode body = JSON.readTree(response.body());
        // tries: pod-a (503), pod-b (503), pod-a again: every endpoint had been tried
        assertEquals("pod-a", body.get("pod").asText());
        assertEquals(2, podA.requestCount());
        assertEquals(1, podB.requestCount());
    }

    @Test
    void statusNotListed_notRetried() throws Exception {
        route(retry(3, Set.of("retriable-status-codes"), Set.of(503), 0), 0, List.of());

        HttpResponse<String> response = get("x-echo-status", "500");

        assertEquals(500, response.statusCode());
        assertEquals("1", attempt(response));
    }

    @Test
    void retriesRunOut_theLastAnswerGoesToTheClient() throws Exception {
        route(retry(2, Set.of("5xx"), Set.of(), 0), 0, List.of());

        HttpResponse<String> response = get("x-echo-status", "502");

        assertEquals(502, response.statusCode());
        assertEquals("3", attempt(response));
        assertEquals(3, podA.requestCount() + podB.requestCount());
    }

    @Test
    void droppedConnection_retriedUnderReset_elseAnswered503Uc() throws Exception {
        route(retry(1, Set.of("reset"), Set.of(), 0), 0, List.of());
        HttpResponse<String> retried = get("x-echo-reset", "yes", "x-echo-faulty-attempts", "1");
        assertEquals(200, retried.statusCode());
        assertEquals("2", attempt(retried));

        route(retry(1, Set.of("connect-failure"), Set.of(), 0), 0, List.of());
        HttpResponse<String> dropped = get("x-echo-reset", "yes", "x-echo-faulty-attempts", "1");
        assertEquals(503, dropped.statusCode());
        assertEquals("UC", dropped.headers().firstValue("x-response-flags").orElseThrow());
    }

    @Test
    void refusedConnection_retriedUnderConnectFailure() throws Exception {
        podA.close(); // pod A's port now refuses connections
        route(retry(2, Set.of("connect-failure"), Set.of(), 0), 0, List.of());

        HttpResponse<String> response = get();

        assertEquals(200, response.statusCode());
        assertEquals("pod-b", JSON.readTree(response.body()).get("pod").asText());
        assertEquals("2", attempt(response));
    }

    @Test
    void perTryTimeout_abandonsASlowTryAndRetries() throws Exception {
        route(retry(1, Set.of("5xx"), Set.of(), 100), 0, List.of());

        HttpResponse<String> response = get("x-echo-delay-ms", "3000", "x-echo-faulty-attempts", "1");

        assertEquals(200, response.statusCode());
        assertEquals("2", attempt(response));
    }

    @Test
    void routeTimeout_endsTheRetries() throws Exception {
        route(retry(10, Set.of("5xx"), Set.of(), 100), 250, List.of());

        HttpResponse<String> response = get("x-echo-delay-ms", "3000");

        assertEquals(504, response.statusCode());
        assertEquals("UT", response.headers().firstValue("x-response-flags").orElseThrow());
        // tries of 100 ms each within 250 ms: at most three reached a pod
        assertTrue(podA.receivedRequests().size() + podB.receivedRequests().size() <= 3);
    }

    @Test
    void mirror_getsACopyWhileTheClientGetsThePrimarysAnswer() throws Exception {
        route(null, 0, List.of(podB.address()));

        HttpResponse<String> response = get("x-echo-status", "500", "x-echo-faulty-pods", "pod-b", "x-mark", "m1");

        assertEquals(200, response.statusCode());
        assertEquals("pod-a", JSON.readTree(response.body()).get("pod").asText());
        long deadline = System.currentTimeMillis() + 5000;
        while (podB.receivedRequests().isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(1, podB.receivedRequests().size());
        assertEquals(List.of("m1"), ((Map<?, ?>) podB.receivedRequests().get(0).get("headers")).get("x-mark"));
    }
}
