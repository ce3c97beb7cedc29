package dev.meshroute.reference.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshroute.reference.dataplane.RandomSource;
import dev.meshroute.reference.mesh.ReferenceMesh;
import dev.meshroute.reference.translate.XdsTranslator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reference behind the adapter protocol, over real HTTP: apply, status, traffic, queries and refusals. */
class AdapterServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String CONFIG = """
            apiVersion: v1
            kind: Service
            metadata: {name: my-app, namespace: default}
            spec:
              selector: {app: my-app}
              ports: [{name: http, port: 80}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: my-app-v1, namespace: default, labels: {app: my-app, version: v1}}
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: my-app, namespace: default}
            spec:
              hosts: [my-app]
              http:
              - name: only
                route: [{destination: {host: my-app}}]
            """;

    private static ReferenceMesh mesh;
    private static AdapterServer server;

    private record Answer(int status, JsonNode body) {
    }

    @BeforeAll
    static void start() {
        mesh = new ReferenceMesh(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0),
                RandomSource.THREAD_LOCAL, XdsTranslator.Options.ISTIOD);
        mesh.startIngressGateway(new InetSocketAddress("127.0.0.1", 0), RandomSource.THREAD_LOCAL);
        server = new AdapterServer(mesh, new InetSocketAddress("127.0.0.1", 0), "127.0.0.1", "test mesh", "9.9",
                Set.of("weights", "validation")).start();
    }

    @AfterAll
    static void stop() {
        server.close();
        mesh.close();
    }

    private static Answer call(String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
        return new Answer(r.statusCode(), JSON.readTree(r.body()));
    }

    private static String sources(String name, String yaml) throws Exception {
        return JSON.writeValueAsString(Map.of("sources", java.util.List.of(Map.of("name", name, "yaml", yaml))));
    }

    private static String awaitState(long generation) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String state;
        do {
            state = call("GET", "/v1/status?generation=" + generation, null).body().get("state").asText();
        } while (state.equals("pending") && System.nanoTime() < deadline && sleep());
        return state;
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(5);
        return true;
    }

    @Test
    void info_namesTheProtocolTheCapabilitiesAndBothProxies() throws Exception {
        Answer info = call("GET", "/v1/info", null);
        assertEquals(200, info.status());
        assertEquals("meshroute-adapter/v1", info.body().get("protocol").asText());
        assertEquals("test mesh", info.body().get("name").asText());
        assertEquals("[\"validation\",\"weights\"]", info.body().get("capabilities").toString());
        assertEquals(mesh.proxyPort(), info.body().at("/traffic/sidecar/port").asInt());
        assertEquals(mesh.ingressGatewayPort(), info.body().at("/traffic/ingressGateway/port").asInt());
        assertEquals("127.0.0.1", info.body().at("/traffic/sidecar/host").asText());
    }

    @Test
    synchronized void put_becomesLive_routes_andIsSupersededByTheNext() throws Exception {
        Answer put = call("PUT", "/v1/config", sources("app.yaml", CONFIG));
        assertEquals(200, put.status(), put.body()::toString);
        long generation = put.body().get("generation").asLong();
        assertEquals("[]", put.body().get("findings").toString());
        assertEquals("live", awaitState(generation));

        String viaProxy;
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", mesh.proxyPort())) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: my-app\r\nConnection: close\r\n\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            viaProxy = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertTrue(viaProxy.startsWith("HTTP/1.1 200"), viaProxy);
        assertEquals("my-app-v1", JSON.readTree(viaProxy.substring(viaProxy.indexOf("\r\n\r\n") + 4)).get("pod")
                .asText());
        assertEquals("[\"only\"]", call("GET", "/v1/routes?host=my-app", null).body().get("routes").toString());
        JsonNode received = call("GET", "/v1/received?namespace=default&labels=app%3Dmy-app%2Cversion%3Dv1", null)
                .body().get("requests");
        assertTrue(received.size() >= 1 && received.get(received.size() - 1).get("path").asText().equals("/"),
                received::toString);

        Answer reset = call("DELETE", "/v1/config", null);
        assertEquals(generation + 1, reset.body().get("generation").asLong());
        assertEquals("superseded", call("GET", "/v1/status?generation=" + generation, null).body().get("state")
                .asText());
        assertEquals("live", awaitState(generation + 1));
        assertEquals("[]", call("GET", "/v1/routes?host=my-app", null).body().get("routes").toString());
    }

    @Test
    synchronized void badYaml_isAFindingWithFileAndLine_andAnalyzeChangesNothing() throws Exception {
        Answer analyzed = call("POST", "/v1/analyze", sources("broken.yaml", "kind: Service\nmetadata: {name: x\n"));
        assertEquals(200, analyzed.status());
        JsonNode finding = analyzed.body().get("findings").get(0);
        assertEquals("error", finding.get("level").asText());
        assertEquals("broken.yaml", finding.get("file").asText());
        assertTrue(finding.get("line").asInt() > 0, finding::toString);
        assertTrue(finding.get("message").asText().startsWith("malformed YAML"), finding::toString);
    }

    @Test
    void refusals_areJsonErrorsWithTheRightStatus() throws Exception {
        assertEquals(404, call("GET", "/v1/nope", null).status());
        assertEquals(405, call("POST", "/v1/info", "{}").status());
        assertEquals(400, call("PUT", "/v1/config", "not json").status());
        Answer noSources = call("PUT", "/v1/config", "{\"files\": []}");
        assertEquals(400, noSources.status());
        assertTrue(noSources.body().get("error").asText().contains("\"sources\""), noSources.body()::toString);
        assertEquals(400, call("PUT", "/v1/config", "{\"sources\": [{\"name\": 1}]}").status());
        assertEquals(400, call("GET", "/v1/status?generation=x", null).status());
        assertEquals(404, call("GET", "/v1/status?generation=999999", null).status());
        assertEquals(400, call("GET", "/v1/routes", null).status());
        assertEquals(400, call("GET", "/v1/routes?host=a&proxy=egress", null).status());
        assertEquals(400, call("GET", "/v1/received?namespace=default&labels=app", null).status());
    }
}
