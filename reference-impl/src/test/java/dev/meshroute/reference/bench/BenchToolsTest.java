package dev.meshroute.reference.bench;

import dev.meshroute.reference.mesh.ReferenceMesh;
import dev.meshroute.reference.workloads.EchoServer;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The proxy benchmark's tools run (bench/proxy-vs-nginx.sh): the fixed-rate generator and the benchmark mesh, each
 * for a moment. Nothing here is timed: the figures come from the script, never from the build.
 */
class BenchToolsTest {

    @Test
    void theFixedRateGeneratorSendsEveryRequestItScheduledOverItsConnections() throws Exception {
        EchoServer backend = new EchoServer("bench-0", "default", Map.of());
        int port = backend.start();
        try {
            FixedRateLoad.Result result = FixedRateLoad.run(new InetSocketAddress("127.0.0.1", port), "bench", "/x",
                    200, 1.0, 3);
            assertEquals(0, result.errors());
            assertEquals(200, result.latencyNanos().length, "one latency per request scheduled");
            assertEquals(200, backend.receivedRequests().size(), "every request reached the backend");
            assertTrue(result.percentileMicros(0.5) > 0 && result.percentileMicros(0.5) <= result.percentileMicros(1));
            assertTrue(result.summary().startsWith("requests=200 errors=0 p50_us="), result.summary());
        } finally {
            backend.close();
        }
    }

    @Test
    void theFixedRateGeneratorCountsNon2xxAnswersAsErrors() throws Exception {
        // The benchmark mesh with no route for the path: the proxy answers 404 NR, and no latency is recorded.
        EchoServer backend = new EchoServer("bench-0", "default", Map.of());
        int port = backend.start();
        ReferenceMesh mesh = BenchMesh.start(3, new InetSocketAddress("127.0.0.1", 0),
                new InetSocketAddress("127.0.0.1", port));
        try {
            FixedRateLoad.Result result = FixedRateLoad.run(new InetSocketAddress("127.0.0.1", mesh.proxyPort()),
                    BenchMesh.HOST, "/unrouted", 100, 0.2);
            assertEquals(20, result.errors());
            assertEquals(0, result.latencyNanos().length);
        } finally {
            mesh.close();
            backend.close();
        }
    }

    @Test
    void theBenchmarkMeshRoutesTheLastOfItsRoutesToTheExternalBackend() throws Exception {
        EchoServer backend = new EchoServer("external-backend", "default", Map.of());
        int port = backend.start();
        ReferenceMesh mesh = BenchMesh.start(50, new InetSocketAddress("127.0.0.1", 0),
                new InetSocketAddress("127.0.0.1", port));
        try {
            assertEquals(50, mesh.sidecarRouteNames(BenchMesh.HOST).size());
            FixedRateLoad.Result result = FixedRateLoad.run(new InetSocketAddress("127.0.0.1", mesh.proxyPort()),
                    BenchMesh.HOST, BenchMesh.lastPath(50), 100, 0.5);
            assertEquals(0, result.errors());
            assertEquals(50, result.latencyNanos().length);
            // the requests reached the external backend, not the mesh's own pod, and were routed by the last route
            assertEquals(50, backend.receivedRequests().size());
            assertEquals("/r49/bench", backend.receivedRequests().get(0).get("path"));
        } finally {
            mesh.close();
            backend.close();
        }
    }
}
