package dev.meshroute.conformance.target.adapter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshroute.conformance.target.ConfigSource;
import dev.meshroute.conformance.target.Finding;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The client side of the meshroute adapter protocol, version 1 ({@code docs/ADAPTER.md}): one method per
 * operation, each answer checked against the protocol. Every failure is an {@link AdapterException} whose message
 * names the operation, the adapter and what went wrong (unreachable, timed out, an error status, a malformed answer).
 */
public final class AdapterClient {

    public static final String PROTOCOL = "meshroute-adapter/v1";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The adapter's self-description ({@code GET /v1/info}). */
    public record Info(String name, String version, Set<String> capabilities, Address sidecar, Address ingressGateway) {
    }

    /** Where a proxy takes traffic. */
    public record Address(String host, int port) {
    }

    /** What {@code PUT /v1/config} answered: the generation to wait for, and the findings about the configuration. */
    public record Applied(long generation, List<Finding> findings) {
    }

    /** A generation's state ({@code GET /v1/status}): pending, live, rejected or superseded. */
    public record Status(String state, String message) {
        public boolean live() {
            return state.equals("live");
        }

        public boolean failed() {
            return state.equals("rejected") || state.equals("superseded");
        }
    }

    /** An operation that failed; the message is the whole story (one line). */
    public static final class AdapterException extends RuntimeException {
        AdapterException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final URI base;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * @param base    the adapter's base URL, e.g. {@code http://127.0.0.1:15080}
     * @param timeout how long one operation may take
     */
    public AdapterClient(URI base, Duration timeout) {
        this.base = URI.create(base.toString().replaceAll("/+$", ""));
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    public URI base() {
        return base;
    }

    public Info info() {
        JsonNode n = call("GET", "/v1/info", null);
        String protocol = text(n, "protocol", "GET /v1/info");
        if (!protocol.equals(PROTOCOL)) {
            throw new AdapterException("the adapter at " + base + " speaks '" + protocol + "', not " + PROTOCOL, null);
        }
        JsonNode caps = n.get("capabilities");
        if (caps == null || !caps.isArray()) {
            throw malformed("GET /v1/info", "no \"capabilities\" array", n);
        }
        Set<String> capabilities = new LinkedHashSet<>();
        caps.forEach(c -> capabilities.add(c.asText()));
        JsonNode traffic = n.path("traffic");
        Address sidecar = address(traffic.get("sidecar"), "traffic.sidecar", n);
        if (sidecar == null) {
            throw malformed("GET /v1/info", "no \"traffic.sidecar\" address", n);
        }
        return new Info(text(n, "name", "GET /v1/info"), text(n, "version", "GET /v1/info"),
                Set.copyOf(capabilities), sidecar, address(traffic.get("ingressGateway"), "traffic.ingressGateway", n));
    }

    public Applied putConfig(List<ConfigSource> sources) {
        return putConfig(sources, timeout);
    }

    /** As above, allowing {@code timeout} for the answer: an adapter may start the workloads before answering. */
    public Applied putConfig(List<ConfigSource> sources, Duration timeout) {
        JsonNode n = call("PUT", "/v1/config", body(sources), timeout);
        return new Applied(generation(n, "PUT /v1/config"), findings(n, "PUT /v1/config"));
    }

    public long deleteConfig() {
        return generation(call("DELETE", "/v1/config", null), "DELETE /v1/config");
    }

    public Status status(long generation) {
        String op = "GET /v1/status?generation=" + generation;
        JsonNode n = call("GET", "/v1/status?generation=" + generation, null);
        String state = text(n, "state", op);
        if (!Set.of("pending", "live", "rejected", "superseded").contains(state)) {
            throw malformed(op, "unknown state '" + state + "'", n);
        }
        return new Status(state, n.path("message").asText(""));
    }

    public List<Finding> analyze(List<ConfigSource> sources) {
        return findings(call("POST", "/v1/analyze", body(sources)), "POST /v1/analyze");
    }

    /** @param proxy {@code sidecar} or {@code ingress-gateway} */
    public List<String> routes(String proxy, String host) {
        String path = "/v1/routes?proxy=" + encode(proxy) + "&host=" + encode(host);
        JsonNode routes = call("GET", path, null).get("routes");
        if (routes == null || !routes.isArray()) {
            throw malformed("GET " + path, "no \"routes\" array", null);
        }
        List<String> out = new ArrayList<>();
        routes.forEach(r -> out.add(r.asText()));
        return out;
    }

    public List<Map<String, Object>> received(String namespace, Map<String, String> labels) {
        String selector = labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
        String path = "/v1/received?namespace=" + encode(namespace) + "&labels=" + encode(selector);
        JsonNode requests = call("GET", path, null).get("requests");
        if (requests == null || !requests.isArray()) {
            throw malformed("GET " + path, "no \"requests\" array", null);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        requests.forEach(r -> out.add(JSON.convertValue(r, JSON.getTypeFactory()
                .constructMapType(Map.class, String.class, Object.class))));
        return out;
    }

    private JsonNode call(String method, String pathAndQuery, JsonNode body) {
        return call(method, pathAndQuery, body, timeout);
    }

    private JsonNode call(String method, String pathAndQuery, JsonNode body, Duration timeout) {
        String op = method + " " + pathAndQuery.replaceAll("\\?.*", "");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(timeout);
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new AdapterException(op + ": the adapter at " + base + " did not answer within "
                    + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            throw new AdapterException(op + ": the adapter at " + base + " is unreachable (" + reason(e) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdapterException(op + ": interrupted", e);
        }
        JsonNode n;
        try {
            n = JSON.readTree(response.body());
        } catch (JsonProcessingException e) {
            n = null;
        }
        if (response.statusCode() != 200) {
            String error = n != null && n.path("error").isTextual() ? n.get("error").asText() : abbreviate(response.body());
            throw new AdapterException(op + ": the adapter at " + base + " answered " + response.statusCode() + ": "
                    + error, null);
        }
        if (n == null || !n.isObject()) {
            throw new AdapterException(op + ": the adapter at " + base + " answered 200 with a body that is not a"
                    + " JSON object: " + abbreviate(response.body()), null);
        }
        return n;
    }

    /**
     * The first message in the cause chain, or what the exception means: the JDK's HTTP client reports a refused
     * connection as a ConnectException without any message.
     */
    private static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return e instanceof java.net.ConnectException ? "cannot connect: nothing listening, or the connection was"
                + " refused" : e.getClass().getSimpleName();
    }

    private static JsonNode body(List<ConfigSource> sources) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode array = body.putArray("sources");
        sources.forEach(s -> array.addObject().put("name", s.name()).put("yaml", s.yaml()));
        return body;
    }

    private long generation(JsonNode n, String op) {
        JsonNode g = n.get("generation");
        if (g == null || !g.canConvertToLong() || !g.isIntegralNumber() || g.asLong() <= 0) {
            throw malformed(op, "no positive integer \"generation\"", n);
        }
        return g.asLong();
    }

    private List<Finding> findings(JsonNode n, String op) {
        JsonNode array = n.get("findings");
        if (array == null || !array.isArray()) {
            throw malformed(op, "no \"findings\" array", n);
        }
        List<Finding> out = new ArrayList<>();
        for (JsonNode f : array) {
            String level = f.path("level").asText("");
            if (!Set.of("error", "warning", "info").contains(level) || !f.path("message").isTextual()) {
                throw malformed(op, "a finding needs \"level\" (error, warning or info) and \"message\"", f);
            }
            out.add(new Finding(level, optional(f, "code"), optional(f, "resource"),
                    f.path("file").asText(""), f.path("line").asInt(0), f.get("message").asText()));
        }
        return out;
    }

    private Address address(JsonNode a, String field, JsonNode whole) {
        if (a == null || a.isNull()) {
            return null;
        }
        if (!a.path("host").isTextual() || !a.path("port").isInt() || a.get("port").asInt() <= 0
                || a.get("port").asInt() > 65535) {
            throw malformed("GET /v1/info", "\"" + field + "\" needs a \"host\" string and a \"port\" 1-65535", whole);
        }
        return new Address(a.get("host").asText(), a.get("port").asInt());
    }

    private String text(JsonNode n, String field, String op) {
        if (!n.path(field).isTextual()) {
            throw malformed(op, "no \"" + field + "\" string", n);
        }
        return n.get(field).asText();
    }

    private static String optional(JsonNode n, String field) {
        return n.path(field).isTextual() ? n.get(field).asText() : null;
    }

    private AdapterException malformed(String op, String what, JsonNode n) {
        return new AdapterException(op + ": the adapter at " + base + " answered malformed JSON (" + what + ")"
                + (n == null ? "" : ": " + abbreviate(n.toString())), null);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ").trim();
        return one.length() > 300 ? one.substring(0, 300) + "..." : one;
    }
}
