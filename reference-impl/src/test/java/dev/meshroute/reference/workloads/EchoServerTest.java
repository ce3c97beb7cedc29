package dev.meshroute.reference.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class EchoServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private EchoServer echo;

    @BeforeEach
    void startPod() {
        echo = new EchoServer("reviews-v2-abc", "bookinfo", Map.of("app", "reviews", "version", "v2"));
        echo.start();
    }

    @AfterEach
    void stopPod() {
        echo.close();
    }

    @Test
    void get_echoesPodAndRequest() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/reviews/1?user=jason&x=%20y")).build());

        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
        JsonNode body = JSON.readTree(response.body());
        assertEquals("reviews-v2-abc", body.get("pod").asText());
        assertEquals("bookinfo", body.get("namespace").asText());
        assertEquals(Map.of("app", "reviews", "version", "v2"), JSON.convertValue(body.get("labels"), Map.class));
        assertEquals("GET", body.get("method").asText());
        assertEquals("/reviews/1?user=jason&x=%20y", body.get("path").asText());
        assertEquals("127.0.0.1:" + echo.port(), body.get("host").asText());
        assertEquals(1, echo.requestCount());
    }

    @Test
    void rawRequest_keepsMethodCaseHostAndRepeatedHeadersInOrder() throws Exception {
        JsonNode body = JSON.readTree(rawBody(echo.port(), "patch /p HTTP/1.1\r\n"
                + "Host: Reviews.Bookinfo:9080\r\n"
                + "X-Multi: one\r\n"
                + "X-Other: solo\r\n"
                + "x-multi: two\r\n"
                + "X-MULTI: three\r\n"
                + "Connection: close\r\n\r\n"));

        assertEquals("patch", body.get("method").asText());
        assertEquals("Reviews.Bookinfo:9080", body.get("host").asText());
        JsonNode headers = body.get("headers");
        assertEquals(List.of("one", "two", "three"), JSON.convertValue(headers.get("x-multi"), List.class));
        assertEquals(List.of("solo"), JSON.convertValue(headers.get("x-other"), List.class));
        assertEquals(List.of("Reviews.Bookinfo:9080"), JSON.convertValue(headers.get("host"), List.class));
    }

    @Test
    void postWithBody_bodyIgnoredAndConnectionReused() throws Exception {
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/upload"))
                    .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100_000))).build());
            JsonNode body = JSON.readTree(response.body());
            assertEquals("POST", body.get("method").asText());
            assertEquals("100000", body.get("headers").get("content-length").get(0).asText());
        }
        assertEquals(1, echo.connectionCount());
    }

    @Test
    void keepAlive_serves1000RequestsOverOneConnection() throws Exception {
        for (int i = 0; i < 1000; i++) {
            assertEquals(200, send(HttpRequest.newBuilder(uri("/ping/" + i)).build()).statusCode());
        }
        assertEquals(1000, echo.requestCount());
        assertEquals(1, echo.connectionCount());
    }

    @Test
    void close_releasesPortAndDropsConnections() throws Exception {
        int port = echo.port();
        try (Socket open = new Socket("127.0.0.1", port)) {
            open.setSoTimeout(5000);
            open.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = open.getInputStream();
            skipResponse(in);

            echo.close();

            assertEquals(-1, in.read());
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
            try (EchoServer again = new EchoServer("reviews-v2-abc", "bookinfo", Map.of(), port)) {
                assertEquals(port, again.start());
            }
        }
    }

    @Test
    @Timeout(10)
    void fiftyPods_runSideBySideOnDistinctPorts() throws Exception {
        List<EchoServer> pods = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                EchoServer pod = new EchoServer("pod-" + i, "default", Map.of());
                pods.add(pod);
                pod.start();
            }
            assertEquals(50, pods.stream().mapToInt(EchoServer::port).distinct().count());
            for (EchoServer pod : pods) {
                String request = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
                JsonNode body = JSON.readTree(rawBody(pod.port(), request));
                assertEquals(pod.podName(), body.get("pod").asText());
            }
        } finally {
            pods.forEach(EchoServer::close);
        }
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + echo.port() + pathAndQuery);
    }

    /** Reads one response with a content-length body, leaving the connection open. */
    private static void skipResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.read());
        }
        Matcher length = Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
        assertTrue(length.find(), head::toString);
        in.readNBytes(Integer.parseInt(length.group(1)));
    }

    /** Sends a hand-written request (which must ask to close) and returns the response body. */
    private static String rawBody(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }

    @Test
    void statusLabel_podAnswersEveryRequestWithThatStatusAndStillSaysWhoItIs() throws Exception {
        EchoServer broken = new EchoServer("reviews-v2-broken", "bookinfo",
                Map.of("app", "reviews", EchoServer.STATUS_LABEL, "503"));
        broken.start();
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + broken.port() + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(503, response.statusCode());
            assertEquals("reviews-v2-broken", JSON.readTree(response.body()).get("pod").asText());
        } finally {
            broken.close();
        }
    }
}
