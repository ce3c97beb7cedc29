package dev.meshroute.conformance.target.adapter;

import com.sun.net.httpserver.HttpServer;
import dev.meshroute.conformance.target.ConfigSource;
import dev.meshroute.conformance.target.Finding;
import dev.meshroute.conformance.target.MeshUnderTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The protocol client against a scripted adapter: good answers, errors, timeouts and malformed answers. */
class AdapterClientTest {

    private record Answer(int status, String body, long delayMillis) {
    }

    private static final String INFO = """
            {"protocol": "meshroute-adapter/v1", "name": "scripted", "version": "1.2.3",
             "capabilities": ["weights", "gateway", "fault"],
             "traffic": {"sidecar": {"host": "127.0.0.1", "port": 15001}}}""";

    private HttpServer server;
    private final Map<String, java.util.function.Supplier<Answer>> script = new ConcurrentHashMap<>();
    private final List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            try (exchange) {
                String key = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
                requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                Answer a = script.getOrDefault(key, () -> new Answer(404, "{\"error\": \"no such operation\"}", 0))
                        .get();
                try {
                    Thread.sleep(a.delayMillis());
                } catch (InterruptedException e) {
                    return;
                }
                byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(a.status(), body.length);
                exchange.getResponseBody().write(body);
            } catch (IOException ignored) {
                // the client gave up
            }
        });
        server.start();
        script.put("GET /v1/info", () -> new Answer(200, INFO, 0));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    private AdapterClient client(Duration timeout) {
        return new AdapterClient(url(), timeout);
    }

    private AdapterTarget target(Duration liveTimeout) {
        return new AdapterTarget(client(Duration.ofSeconds(5)), liveTimeout);
    }

    @Test
    void info_isRead_andGatewayIsDroppedWithoutAnIngressAddress() {
        AdapterTarget target = target(Duration.ofSeconds(1));
        assertTrue(target.unavailable().isEmpty(), () -> target.unavailable().get());
        assertEquals("1.2.3", target.version());
        assertTrue(target.name().contains("scripted"), target.name());
        assertEquals(Set.of("weights", "fault"), target.capabilities());
    }

    @Test
    void unreachableAdapter_makesTheTargetUnavailableWithTheReason() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        AdapterTarget target = new AdapterTarget(new AdapterClient(URI.create("http://127.0.0.1:" + closedPort),
                Duration.ofSeconds(2)), Duration.ofSeconds(1));
        String reason = target.unavailable().orElseThrow();
        assertTrue(reason.startsWith("GET /v1/info: the adapter at http://127.0.0.1:" + closedPort
                + " is unreachable (cannot connect"), reason);
        assertEquals(Set.of(), target.capabilities());
    }

    @Test
    void noUrl_makesTheTargetUnavailableNamingTheProperty() {
        String before = System.clearProperty(AdapterTarget.URL_PROPERTY);
        try {
            MeshUnderTest target = AdapterTarget.fromSystemProperties();
            assertTrue(target.unavailable().orElseThrow().contains("-Dmeshroute.adapter.url=http://HOST:PORT"),
                    target.unavailable().get());
            System.setProperty(AdapterTarget.URL_PROPERTY, "ftp://x");
            assertTrue(AdapterTarget.fromSystemProperties().unavailable().orElseThrow().contains("is not an http"));
        } finally {
            if (before == null) {
                System.clearProperty(AdapterTarget.URL_PROPERTY);
            } else {
                System.setProperty(AdapterTarget.URL_PROPERTY, before);
            }
        }
    }

    @Test
    void slowAnswer_failsWithTheTimeout() {
        script.put("GET /v1/info", () -> new Answer(200, INFO, 2000));
        AdapterClient.AdapterException e = assertThrows(AdapterClient.AdapterException.class,
                () -> client(Duration.ofMillis(200)).info());
        assertEquals("GET /v1/info: the adapter at " + url().toString().replaceAll("/$", "")
                + " did not answer within 200 ms", e.getMessage());
    }

    @Test
    void malformedInfo_isNamedPrecisely() {
        script.put("GET /v1/info", () -> new Answer(200, "<html>hello</html>", 0));
        assertTrue(target(Duration.ofSeconds(1)).unavailable().orElseThrow()
                .contains("answered 200 with a body that is not a JSON object: <html>hello</html>"));

        script.put("GET /v1/info", () -> new Answer(200, INFO.replace("meshroute-adapter/v1", "other/v9"), 0));
        assertTrue(target(Duration.ofSeconds(1)).unavailable().orElseThrow().contains("speaks 'other/v9'"));

        script.put("GET /v1/info", () -> new Answer(200, INFO.replace("\"sidecar\"", "\"proxy\""), 0));
        assertTrue(target(Duration.ofSeconds(1)).unavailable().orElseThrow()
                .contains("malformed JSON (no \"traffic.sidecar\" address)"));

        script.put("GET /v1/info", () -> new Answer(200, INFO.replace("15001", "\"x\""), 0));
        assertTrue(target(Duration.ofSeconds(1)).unavailable().orElseThrow()
                .contains("\"traffic.sidecar\" needs a \"host\" string and a \"port\" 1-65535"));

        script.put("GET /v1/info", () -> new Answer(200, INFO.replace("\"capabilities\"", "\"caps\""), 0));
        assertTrue(target(Duration.ofSeconds(1)).unavailable().orElseThrow().contains("no \"capabilities\" array"));
    }

    @Test
    void apply_sendsTheSources_pollsUntilLive_andReturnsTheFindings() {
        script.put("PUT /v1/config", () -> new Answer(200, """
                {"generation": 7, "findings": [{"level": "error", "code": null, "resource": "VirtualService default/x",
                  "file": "vs.yaml", "line": 4, "message": "bad"}]}""", 0));
        AtomicInteger polls = new AtomicInteger();
        script.put("GET /v1/status", () -> new Answer(200, polls.incrementAndGet() < 3
                ? "{\"generation\": 7, \"state\": \"pending\"}" : "{\"generation\": 7, \"state\": \"live\"}", 0));
        MeshUnderTest.Applied applied = target(Duration.ofSeconds(5)).apply(List.of(new ConfigSource("vs.yaml",
                "kind: VirtualService")));
        assertEquals(List.of(new Finding("error", null, "VirtualService default/x", "vs.yaml", 4, "bad")),
                applied.findings());
        assertEquals(3, polls.get());
        assertTrue(requests.stream().anyMatch(r -> r.startsWith("PUT /v1/config {\"sources\":[{\"name\":\"vs.yaml\","
                + "\"yaml\":\"kind: VirtualService\"}]}")), requests::toString);
    }

    @Test
    void apply_rejectedGeneration_failsWithTheAdaptersMessage() {
        script.put("PUT /v1/config", () -> new Answer(200, "{\"generation\": 2, \"findings\": []}", 0));
        script.put("GET /v1/status", () -> new Answer(200,
                "{\"generation\": 2, \"state\": \"rejected\", \"message\": \"proxy NACKed: bad regex\"}", 0));
        AdapterClient.AdapterException e = assertThrows(AdapterClient.AdapterException.class,
                () -> target(Duration.ofSeconds(5)).apply(List.of()));
        assertEquals("configuration generation 2 is rejected: proxy NACKed: bad regex", e.getMessage());
    }

    @Test
    void apply_neverLive_failsAfterTheLiveTimeout() {
        script.put("PUT /v1/config", () -> new Answer(200, "{\"generation\": 2, \"findings\": []}", 0));
        script.put("GET /v1/status", () -> new Answer(200, "{\"generation\": 2, \"state\": \"pending\"}", 0));
        AdapterClient.AdapterException e = assertThrows(AdapterClient.AdapterException.class,
                () -> target(Duration.ofMillis(300)).apply(List.of()));
        assertEquals("configuration generation 2 was not live within 300 ms (last state: pending)", e.getMessage());
    }

    @Test
    void errorStatus_carriesTheAdaptersError() {
        script.put("PUT /v1/config", () -> new Answer(400, "{\"error\": \"the body must be JSON\"}", 0));
        AdapterClient.AdapterException e = assertThrows(AdapterClient.AdapterException.class,
                () -> client(Duration.ofSeconds(2)).putConfig(List.of()));
        assertTrue(e.getMessage().endsWith("answered 400: the body must be JSON"), e.getMessage());
        script.put("POST /v1/analyze", () -> new Answer(500, "Internal Server Error", 0));
        e = assertThrows(AdapterClient.AdapterException.class, () -> client(Duration.ofSeconds(2)).analyze(List.of()));
        assertTrue(e.getMessage().startsWith("POST /v1/analyze: ") && e.getMessage().endsWith(
                "answered 500: Internal Server Error"), e.getMessage());
    }

    @Test
    void malformedAnswers_toEveryOperation_areNamed() {
        AdapterClient client = client(Duration.ofSeconds(2));
        script.put("PUT /v1/config", () -> new Answer(200, "{\"generation\": \"7\", \"findings\": []}", 0));
        assertTrue(assertThrows(AdapterClient.AdapterException.class, () -> client.putConfig(List.of()))
                .getMessage().contains("no positive integer \"generation\""));
        script.put("PUT /v1/config", () -> new Answer(200, "{\"generation\": 7, \"findings\": [{\"level\": \"bad\"}]}",
                0));
        assertTrue(assertThrows(AdapterClient.AdapterException.class, () -> client.putConfig(List.of()))
                .getMessage().contains("a finding needs \"level\" (error, warning or info) and \"message\""));
        script.put("GET /v1/status", () -> new Answer(200, "{\"state\": \"done\"}", 0));
        assertTrue(assertThrows(AdapterClient.AdapterException.class, () -> client.status(1))
                .getMessage().contains("unknown state 'done'"));
        script.put("GET /v1/routes", () -> new Answer(200, "{\"routes\": \"r1\"}", 0));
        assertTrue(assertThrows(AdapterClient.AdapterException.class, () -> client.routes("sidecar", "h"))
                .getMessage().contains("no \"routes\" array"));
        script.put("GET /v1/received", () -> new Answer(200, "{}", 0));
        assertTrue(assertThrows(AdapterClient.AdapterException.class, () -> client.received("default", Map.of()))
                .getMessage().contains("no \"requests\" array"));
    }

    @Test
    void queries_carryTheirParameters_andAnswersAreRead() {
        script.put("GET /v1/routes", () -> new Answer(200, "{\"routes\": [\"a\", \"b\"]}", 0));
        script.put("GET /v1/received", () -> new Answer(200,
                "{\"requests\": [{\"path\": \"/x\", \"headers\": {\"x-tag\": [\"1\"]}}]}", 0));
        AdapterTarget target = target(Duration.ofSeconds(1));
        assertEquals(List.of("a", "b"), target.ingressGatewayRouteNames("my-app.example.com"));
        assertEquals(List.of(Map.of("path", "/x", "headers", Map.of("x-tag", List.of("1")))),
                target.receivedRequests("default", new java.util.TreeMap<>(Map.of("app", "b", "version", "v1"))));
        assertTrue(requests.contains("GET /v1/routes?proxy=ingress-gateway&host=my-app.example.com "),
                requests::toString);
        assertTrue(requests.contains("GET /v1/received?namespace=default&labels=app%3Db%2Cversion%3Dv1 "),
                requests::toString);
    }
}
