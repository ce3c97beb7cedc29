package dev.meshroute.reference.adapter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.meshroute.reference.config.ConfigLoader;
import dev.meshroute.reference.config.ConfigStore;
import dev.meshroute.reference.mesh.ReferenceMesh;
import dev.meshroute.reference.model.Diagnostic;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The reference mesh behind the meshroute adapter protocol, version 1 ({@code docs/ADAPTER.md}): an HTTP+JSON
 * control API with which the conformance suite, running in another process, applies a scenario's configuration,
 * learns when it is live, and finds the proxies to send its requests to. The configuration goes the reference's
 * usual way (YAML, validation, translation, ADS, proxy); this class only carries it over HTTP.
 */
public final class AdapterServer implements AutoCloseable {

    /** The protocol this server speaks; a driver refuses an adapter that answers another. */
    public static final String PROTOCOL = "meshroute-adapter/v1";
    /** The request header whose value weighted routes use instead of a random one (capability deterministic-weights). */
    public static final String RANDOM_VALUE_HEADER = "x-meshroute-random-value";
    /** Largest request body read (a scenario's YAML is a few kilobytes). */
    static final int MAX_BODY = 4 * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One generation: the control plane version it was published as, and the NACK count before it. */
    private record Generation(long number, String version, int nacksBefore) {
    }

    private final ReferenceMesh mesh;
    private final String name;
    private final String version;
    private final Set<String> capabilities;
    private final String trafficHost;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "meshroute-adapter");
        t.setDaemon(true);
        return t;
    });
    private Generation current = new Generation(0, null, 0);

    /**
     * @param mesh         the mesh to drive, its ingress gateway started if it should be offered
     * @param bind         where the protocol is served (port 0: any free port)
     * @param trafficHost  the address the proxies are reachable at, as the driver should connect to them
     * @param capabilities what this mesh implements (the suite's capability names)
     */
    public AdapterServer(ReferenceMesh mesh, InetSocketAddress bind, String trafficHost, String name, String version,
                         Set<String> capabilities) {
        this.mesh = mesh;
        this.name = name;
        this.version = version;
        this.capabilities = Set.copyOf(capabilities);
        this.trafficHost = trafficHost;
        try {
            server = HttpServer.create(bind, 64);
        } catch (IOException e) {
            throw new IllegalStateException("the adapter cannot listen on " + bind.getHostString() + ":"
                    + bind.getPort() + " (" + e.getMessage() + "); is another process using it? choose another --port",
                    e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
    }

    public AdapterServer start() {
        server.start();
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            int status;
            JsonNode body;
            try {
                body = route(exchange);
                status = 200;
            } catch (ProtocolError e) {
                status = e.status;
                body = JSON.createObjectNode().put("error", e.getMessage());
            } catch (RuntimeException e) {
                status = 500;
                body = JSON.createObjectNode().put("error", "the adapter failed: " + e);
            }
            byte[] out = JSON.writeValueAsBytes(body);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, out.length);
            exchange.getResponseBody().write(out);
        }
    }

    private JsonNode route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        switch (path) {
            case "/v1/info" -> {
                expect(method, "GET");
                return info();
            }
            case "/v1/config" -> {
                if (method.equals("PUT")) {
                    return apply(sources(readBody(exchange)));
                }
                expect(method, "DELETE");
                return apply(List.of());
            }
            case "/v1/status" -> {
                expect(method, "GET");
                return status(number(query, "generation"));
            }
            case "/v1/analyze" -> {
                expect(method, "POST");
                List<Diagnostic> diagnostics = new ConfigStore().apply(load(sources(readBody(exchange)))).diagnostics();
                return JSON.createObjectNode().set("findings", findings(diagnostics));
            }
            case "/v1/routes" -> {
                expect(method, "GET");
                String host = required(query, "host");
                String proxy = query.getOrDefault("proxy", "sidecar");
                List<String> routes = switch (proxy) {
                    case "sidecar" -> mesh.sidecarRouteNames(host);
                    case "ingress-gateway" -> mesh.ingressGatewayRouteNames(host);
                    default -> throw new ProtocolError(400, "unknown proxy '" + proxy
                            + "' (sidecar or ingress-gateway)");
                };
                ObjectNode out = JSON.createObjectNode();
                routes.forEach(out.putArray("routes")::add);
                return out;
            }
            case "/v1/received" -> {
                expect(method, "GET");
                String namespace = required(query, "namespace");
                Map<String, String> labels = new LinkedHashMap<>();
                String selector = query.getOrDefault("labels", "");
                for (String pair : selector.isEmpty() ? new String[0] : selector.split(",")) {
                    int eq = pair.indexOf('=');
                    if (eq <= 0) {
                        throw new ProtocolError(400, "labels: '" + pair + "' is not key=value");
                    }
                    labels.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
                return JSON.createObjectNode().set("requests",
                        JSON.valueToTree(mesh.receivedRequests(namespace, labels)));
            }
            default -> throw new ProtocolError(404, "no such operation: " + method + " " + path
                    + " (this adapter speaks " + PROTOCOL + ")");
        }
    }

    private JsonNode info() {
        ObjectNode out = JSON.createObjectNode().put("protocol", PROTOCOL).put("name", name).put("version", version);
        capabilities.stream().sorted().forEach(out.putArray("capabilities")::add);
        ObjectNode traffic = out.putObject("traffic");
        traffic.putObject("sidecar").put("host", trafficHost).put("port", mesh.proxyPort());
        try {
            int gateway = mesh.ingressGatewayPort();
            traffic.putObject("ingressGateway").put("host", trafficHost).put("port", gateway);
        } catch (IllegalStateException noGateway) {
            // offered only when running
        }
        return out;
    }

    /** Replaces the whole configuration: nothing of an earlier generation stays in force. */
    private synchronized JsonNode apply(List<ConfigLoader.LoadResult> sources) {
        mesh.forgetConfig();
        int nacksBefore = mesh.controlPlane().nacks().size();
        ReferenceMesh.Applied applied = mesh.apply(load(sources));
        current = new Generation(current.number() + 1, applied.version(), nacksBefore);
        ObjectNode out = JSON.createObjectNode().put("generation", current.number());
        out.set("findings", findings(applied.diagnostics()));
        return out;
    }

    private synchronized JsonNode status(long generation) {
        ObjectNode out = JSON.createObjectNode().put("generation", generation);
        if (generation <= 0 || generation > current.number()) {
            throw new ProtocolError(404, "no generation " + generation + " (the latest is " + current.number() + ")");
        }
        if (generation < current.number()) {
            return out.put("state", "superseded").put("message", "generation " + current.number()
                    + " replaced it");
        }
        List<dev.meshroute.reference.controlplane.ControlPlane.Nack> nacks = mesh.controlPlane().nacks();
        if (nacks.size() > current.nacksBefore()) {
            var nack = nacks.get(nacks.size() - 1);
            return out.put("state", "rejected").put("message", "proxy " + nack.nodeId() + " rejected (NACKed) "
                    + nack.typeUrl() + ": " + nack.message());
        }
        return out.put("state", mesh.isLive(current.version()) ? "live" : "pending");
    }

    private static ConfigLoader.LoadResult load(List<ConfigLoader.LoadResult> sources) {
        return ConfigLoader.merge(sources);
    }

    private static List<ConfigLoader.LoadResult> sources(JsonNode body) {
        JsonNode sources = body.get("sources");
        if (sources == null || !sources.isArray()) {
            throw new ProtocolError(400, "the body must be {\"sources\": [{\"name\": ..., \"yaml\": ...}, ...]}");
        }
        List<ConfigLoader.LoadResult> out = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            JsonNode s = sources.get(i);
            if (!s.path("name").isTextual() || !s.path("yaml").isTextual()) {
                throw new ProtocolError(400, "sources[" + i + "] needs the strings \"name\" and \"yaml\"");
            }
            out.add(ConfigLoader.loadText(s.get("name").asText(), s.get("yaml").asText()));
        }
        return out;
    }

    private static ArrayNode findings(List<Diagnostic> diagnostics) {
        ArrayNode out = JSON.createArrayNode();
        for (Diagnostic d : diagnostics) {
            ObjectNode f = out.addObject().put("level", d.level().name().toLowerCase(Locale.ROOT));
            f.put("code", d.code()).put("resource", d.resource()).put("file", d.location().file())
                    .put("line", d.location().line()).put("message", d.message());
        }
        return out;
    }

    private static JsonNode readBody(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            throw new ProtocolError(413, "the body is larger than " + MAX_BODY + " bytes");
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw new ProtocolError(400, "the body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new ProtocolError(400, "the body is not JSON: " + e.getOriginalMessage());
        }
    }

    private static void expect(String method, String allowed) {
        if (!method.equals(allowed)) {
            throw new ProtocolError(405, "method " + method + " not allowed here (" + allowed + ")");
        }
    }

    private static String required(Map<String, String> query, String name) {
        String value = query.get(name);
        if (value == null || value.isEmpty()) {
            throw new ProtocolError(400, "the query parameter '" + name + "' is required");
        }
        return value;
    }

    private static long number(Map<String, String> query, String name) {
        String value = required(query, name);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ProtocolError(400, name + ": '" + value + "' is not a number");
        }
    }

    static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String part : raw.split("&")) {
            int eq = part.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(key, value);
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** A request the protocol does not allow: answered with this status and {@code {"error": message}}. */
    private static final class ProtocolError extends RuntimeException {
        private final int status;

        ProtocolError(int status, String message) {
            super(message);
            this.status = status;
        }
    }
}
