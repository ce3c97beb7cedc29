package dev.meshroute.reference.mesh;

import dev.meshroute.reference.config.ConfigLoader;
import dev.meshroute.reference.dataplane.RandomSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static dev.meshroute.reference.testsupport.Fixtures.DR_V1_V2;
import static dev.meshroute.reference.testsupport.Fixtures.PODS_V1_V2;
import static dev.meshroute.reference.testsupport.Fixtures.SERVICE;
import static dev.meshroute.reference.testsupport.Fixtures.docs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ingress gateway of the reference mesh over real sockets: a second proxy with its own node id, fed by the
 * same control plane, routes by the Gateway's VirtualServices while the sidecar routes by the mesh's.
 */
@Timeout(30)
class ReferenceMeshGatewayTest {

    private static final String CONFIG = docs(SERVICE, DR_V1_V2, PODS_V1_V2, """
            apiVersion: networking.istio.io/v1
            kind: Gateway
            metadata: {name: gw, namespace: istio-system}
            spec:
              selector: {istio: ingressgateway}
              servers:
              - port: {number: 80, name: http, protocol: HTTP}
                hosts: ["*"]
            """, """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: at-the-gateway}
            spec:
              hosts: [my-app]
              gateways: [istio-system/gw]
              http:
              - route: [{destination: {host: my-app, subset: v2}}]
            """);

    private ReferenceMesh mesh;

    @BeforeEach
    void start() {
        mesh = new ReferenceMesh(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0),
                RandomSource.THREAD_LOCAL);
    }

    @AfterEach
    void stop() {
        mesh.close();
    }

    private void applyAndAwait(String yaml) {
        ReferenceMesh.Applied applied = mesh.apply(ConfigLoader.loadText("test.yaml", yaml));
        assertFalse(applied.hasErrors(), applied.diagnostics().toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!mesh.isLive(applied.version())) {
            assertTrue(System.nanoTime() < deadline, "version " + applied.version() + " not ACKed by every proxy");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /** One HTTP/1.1 exchange: the status line and the body. */
    private static String get(int port, String host) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return response.lines().findFirst().orElse("") + " " + response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }

    @Test
    void ingressGateway_routesByGatewayVirtualServices_sidecarByTheMesh() throws IOException {
        int gatewayPort = mesh.startIngressGateway(new InetSocketAddress("127.0.0.1", 0), RandomSource.THREAD_LOCAL);
        applyAndAwait(CONFIG);

        String atGateway = get(gatewayPort, "my-app.default.svc.cluster.local");
        assertTrue(atGateway.startsWith("HTTP/1.1 200") && atGateway.contains("\"version\":\"v2\""), atGateway);
        // the VirtualService is bound to the gateway only: the sidecar keeps the default route (v1 and v2 pods);
        // the gateway has no virtual host for a Host the VirtualService does not name
        assertTrue(get(gatewayPort, "other.example.com").startsWith("HTTP/1.1 404"));
        assertEquals(gatewayPort, mesh.ingressGatewayPort());
        assertEquals(java.util.List.of(""), mesh.ingressGatewayRouteNames("my-app.default.svc.cluster.local"));
        assertEquals(java.util.List.of("default"), mesh.sidecarRouteNames("my-app"));
    }

    @Test
    void ingressGateway_gatewayRemoved_routesNothingAnyMore() throws IOException {
        int gatewayPort = mesh.startIngressGateway(new InetSocketAddress("127.0.0.1", 0), RandomSource.THREAD_LOCAL);
        applyAndAwait(CONFIG);
        assertTrue(get(gatewayPort, "my-app.default.svc.cluster.local").startsWith("HTTP/1.1 200"));

        applyAndAwait(docs(SERVICE, DR_V1_V2, PODS_V1_V2));

        assertTrue(get(gatewayPort, "my-app.default.svc.cluster.local").startsWith("HTTP/1.1 404"),
                "no listener any more: the previous routes must not stay in force");
    }
}
