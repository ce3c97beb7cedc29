package dev.meshroute.reference.reliability;

import dev.meshroute.reference.config.ConfigLoader;
import dev.meshroute.reference.dataplane.RandomSource;
import dev.meshroute.reference.mesh.ReferenceMesh;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static dev.meshroute.reference.testsupport.Fixtures.SERVICE;
import static dev.meshroute.reference.testsupport.Fixtures.docs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pod that dies mid-run (issue #10), through the real proxy: requests that reach it fail fast with Envoy's 503 and
 * flag (UF when the connection is refused, UC when it drops before the response), retries go to another pod when
 * the route has them, outlier detection ejects the dead pod, and once the next push no longer has it the proxy
 * never forwards to it. Source: SEMANTICS.md 5.3 (outlier detection), Envoy {@code router.cc}
 * ({@code UpstreamFailure}, {@code UpstreamConnectionTermination}) and the retry policy's connect-failure.
 */
@Timeout(60)
class PodFailureTest {

    private ReferenceMesh mesh;
    private Http1 client;

    @BeforeEach
    void start() {
        mesh = new ReferenceMesh(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0),
                RandomSource.THREAD_LOCAL);
        client = new Http1(mesh.proxyPort());
    }

    @AfterEach
    void stop() {
        client.close();
        mesh.close();
    }

    private static String pod(String name) {
        return """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                  labels: {app: my-app, version: v1}
                """.formatted(name);
    }

    private static String dr(String trafficPolicy) {
        return """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: my-app}
                spec:
                  host: my-app.default.svc.cluster.local
                  trafficPolicy:
                    loadBalancer: {simple: ROUND_ROBIN}
                %s""".formatted(trafficPolicy.isEmpty() ? "" : trafficPolicy.indent(4));
    }

    private static String vs(String retries) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: my-app}
                spec:
                  hosts: [my-app]
                  http:
                  - route: [{destination: {host: my-app}}]
                    retries: %s
                """.formatted(retries);
    }

    private void applyAndAwait(String... documents) {
        ReferenceMesh.Applied applied = mesh.apply(ConfigLoader.loadText("failure.yaml", docs(documents)));
        assertFalse(applied.hasErrors(), applied.diagnostics().toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!mesh.isLive(applied.version())) {
            assertTrue(System.nanoTime() < deadline, "version " + applied.version() + " not live");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    /** {@code n} requests one after the other; each must be answered within 5 s (no hang). */
    private List<Http1.Response> send(int n) throws IOException {
        List<Http1.Response> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            out.add(client.get("my-app", "/"));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms < 5_000, "request " + i + " took " + ms + " ms");
        }
        return out;
    }

    /**
     * The proxy's 503s for a dead pod: UF for a refused connection, or UC when the request was written on a pooled
     * keep-alive connection the pod closed as it died, before the proxy's event loop saw the close (Envoy answers
     * that "upstream connect error or disconnect/reset before headers. reset reason: connection termination", UC).
     * Which one the first request after a kill meets is a race, so the tests count both.
     */
    private static long dead503(List<Http1.Response> rs) {
        return count(rs, 503, "UF") + count(rs, 503, "UC");
    }

    private static long count(List<Http1.Response> rs, int status, String flagsOrPod) {
        return rs.stream().filter(r -> r.status() == status
                && (flagsOrPod.equals(r.flags()) || flagsOrPod.equals(r.pod()))).count();
    }

    @Test
    void deadPod_noRetries_503UF_ejectedByOutlierDetection_andGoneAfterThePush() throws IOException {
        applyAndAwait(SERVICE, pod("fail-a"), pod("fail-b"),
                dr("outlierDetection: {consecutive5xxErrors: 3, interval: 1s, baseEjectionTime: 5m, maxEjectionPercent: 100}"),
                vs("{attempts: 0}"));
        List<Http1.Response> before = send(10);
        assertEquals(5, count(before, 200, "fail-a"), before.toString());
        assertEquals(5, count(before, 200, "fail-b"), before.toString());

        assertTrue(mesh.killPod("default", "fail-a"));
        List<Http1.Response> after = send(30);

        // every failure is the proxy's own 503 (UF: connection refused; UC at most for a stale pooled connection);
        // the third in a row ejects fail-a
        assertEquals(3, dead503(after), after.toString());
        assertEquals(27, count(after, 200, "fail-b"), after.toString());
        List<Http1.Response> tail = after.subList(10, 30);
        assertEquals(20, count(tail, 200, "fail-b"), "fail-a must be ejected by now: " + tail);

        // the next push no longer has fail-a, and has no outlier detection: nothing could hide a forward to it
        applyAndAwait(SERVICE, pod("fail-b"), pod("fail-c"), dr(""), vs("{attempts: 0}"));
        List<Http1.Response> pushed = send(20);
        assertEquals(10, count(pushed, 200, "fail-b"), pushed.toString());
        assertEquals(10, count(pushed, 200, "fail-c"), pushed.toString());
    }

    @Test
    void deadPod_retriesOnConnectFailure_everyRequestAnsweredByTheLivePod() throws IOException {
        applyAndAwait(SERVICE, pod("fail-a"), pod("fail-b"), dr(""),
                // connect-failure retries the refused connections; reset retries a request that was written on a
                // pooled connection the pod closed as it died (UC without it, as in Envoy; see dead503)
                vs("{attempts: 2, retryOn: \"connect-failure,reset\"}"));
        List<Http1.Response> before = send(10);
        assertEquals(5, count(before, 200, "fail-a"), before.toString());

        assertTrue(mesh.killPod("default", "fail-a"));
        List<Http1.Response> after = send(30);

        assertEquals(30, count(after, 200, "fail-b"), after.toString());
    }

    @Test
    void deadPod_withoutRetries_refusedConnectionsAre503UF() throws IOException {
        applyAndAwait(SERVICE, pod("fail-a"), pod("fail-b"), dr(""), vs("{attempts: 0}"));
        send(4);
        assertTrue(mesh.killPod("default", "fail-a"));

        List<Http1.Response> after = send(20);

        // round robin keeps choosing the dead pod half of the time: no retry, no ejection configured
        assertEquals(10, dead503(after), after.toString());
        assertEquals(10, count(after, 200, "fail-b"), after.toString());
    }

    @Test
    void podDiesWhileAnsweringARequest_503UC_withoutWaitingForTheDelay() throws Exception {
        applyAndAwait(SERVICE, pod("fail-slow"), dr(""), vs("{attempts: 0}"));
        assertEquals(200, client.get("my-app", "/").status());

        CompletableFuture<Http1.Response> slow = CompletableFuture.supplyAsync(() -> {
            try (Http1 other = new Http1(mesh.proxyPort())) {
                return other.get("my-app", "/slow", "x-echo-delay-ms: 4000");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        // the request is at the pod (it waits 4 s there) when the pod dies
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (mesh.receivedRequests("default", java.util.Map.of("app", "my-app")).size() < 2) {
            assertTrue(System.nanoTime() < deadline, "the slow request never reached the pod");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        long killed = System.nanoTime();
        assertTrue(mesh.killPod("default", "fail-slow"));

        Http1.Response r = slow.get(3, TimeUnit.SECONDS);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        assertEquals(503, r.status(), r.toString());
        assertEquals("UC", r.flags(), r.toString());
        assertTrue(ms < 2_000, "the 503 came " + ms + " ms after the pod died");
    }
}
