package dev.meshroute.conformance.target.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * grpc-js's xDS client ({@code @grpc/grpc-js-xds} under the machine's Node.js) as the data plane, through the driver
 * {@code grpc-js/driver.js}: one Node process, JSON lines on its standard input and output (the protocol is at the
 * top of the driver), each request numbered and its reply matched by number, so calls from several threads are in
 * flight at once. Route matching, weighted cluster choice and endpoint picking are grpc-js's.
 *
 * <p>The driver's packages come from {@code grpc-js/package-lock.json}; {@code mvn -Pgrpc-js} (activated by
 * {@code -Dmeshroute.target=grpc-js}) runs {@code npm ci} there before the tests. The bootstrap goes to the process
 * in {@code GRPC_XDS_BOOTSTRAP_CONFIG}, so the process is started by {@link #connect}. grpc-js writes its own logs
 * to standard error, which is passed through to the build's console.
 */
public final class GrpcJsClient implements ProxylessClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path driverDirectory;
    private final String node;
    private Process process;
    private BufferedWriter toDriver;
    private BufferedReader fromDriver;
    private String version = "not started";
    private final java.util.concurrent.atomic.AtomicLong nextId = new java.util.concurrent.atomic.AtomicLong();
    private final Map<Long, java.util.concurrent.CompletableFuture<JsonNode>> waiting =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** The driver in {@code <meshroute.root>/grpc-js}, run with {@code node} from the PATH (or {@code -Dmeshroute.node}). */
    public GrpcJsClient() {
        this(Path.of(System.getProperty("meshroute.root", ".")).resolve("grpc-js"),
                System.getProperty("meshroute.node", "node"));
    }

    GrpcJsClient(Path driverDirectory, String node) {
        this.driverDirectory = driverDirectory;
        this.node = node;
    }

    @Override
    public String name() {
        return "grpc-js";
    }

    @Override
    public String version() {
        return version;
    }

    /** Why the driver cannot run here: its packages are not installed. */
    @Override
    public Optional<String> unavailable() {
        if (!Files.isDirectory(driverDirectory.resolve("node_modules").resolve("@grpc").resolve("grpc-js-xds"))) {
            return Optional.of("the grpc-js driver's packages are not installed in " + driverDirectory
                    + "; run the build with -Dmeshroute.target=grpc-js (its profile runs npm ci there)");
        }
        return Optional.empty();
    }

    @Override
    public Set<String> capabilities() {
        return Set.of("rule-order", "header-regex", "weights", "missing-subset", "matches", "present-header",
                "without-headers", "source-selectors");
    }

    /**
     * grpc-js's own failure messages that name one Envoy flag each. None do for routing: an RPC that matches no route
     * and one whose route names a cluster the client does not have both fail UNAVAILABLE "Failed to route call to
     * method /M" ({@code @grpc/grpc-js} resolving-call.js, from the config selector of grpc-js-xds resolver-xds.js),
     * so neither NR nor NC can be told from it.
     */
    @Override
    public Map<Pattern, String> responseFlags() {
        return Map.of();
    }

    @Override
    public void connect(int xdsPort, String nodeId, String namespace) {
        if (process != null) {
            throw new IllegalStateException("the grpc-js driver is already connected");
        }
        ProcessBuilder pb = new ProcessBuilder(node, "driver.js").directory(driverDirectory.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().remove("GRPC_XDS_BOOTSTRAP");
        pb.environment().put("GRPC_XDS_BOOTSTRAP_CONFIG", GrpcJavaClient.bootstrap(xdsPort, nodeId, namespace));
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start '" + node + " driver.js' in " + driverDirectory
                    + " (is Node.js installed? -Dmeshroute.node names the binary): " + e.getMessage(), e);
        }
        toDriver = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        fromDriver = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Thread reader = new Thread(this::readReplies, "grpc-js-driver-replies");
        reader.setDaemon(true);
        reader.start();
        JsonNode hello = exchange(JSON.createObjectNode().put("op", "hello"));
        version = hello.path("grpcJsXds").asText() + " (grpc-js " + hello.path("grpcJs").asText() + ")";
    }

    @Override
    public void reset() {
        if (process != null) {
            exchange(JSON.createObjectNode().put("op", "reset"));
        }
    }

    @Override
    public Rpc.Result call(Rpc rpc, Duration deadline) {
        return callMany(rpc, 1, deadline).get(0);
    }

    @Override
    public List<Rpc.Result> callMany(Rpc rpc, int count, Duration deadline) {
        ObjectNode request = JSON.createObjectNode().put("op", "call").put("dial", rpc.dialName())
                .put("method", rpc.fullMethodName()).put("deadlineMs", deadline.toMillis()).put("count", count);
        ArrayNode metadata = request.putArray("metadata");
        for (Map.Entry<String, String> e : rpc.metadata()) {
            metadata.addArray().add(e.getKey()).add(e.getValue());
        }
        JsonNode reply = exchange(request);
        List<Rpc.Result> results = new ArrayList<>(count);
        for (JsonNode r : reply.path("results")) {
            String message = r.path("message").isNull() ? null : r.path("message").asText();
            results.add(new Rpc.Result(r.path("code").asText(),
                    r.path("details").isNull() ? null : r.path("details").asText(),
                    message == null ? null : Base64.getDecoder().decode(message)));
        }
        if (results.size() != count) {
            throw new IllegalStateException("the grpc-js driver answered " + results.size() + " results for " + count
                    + " calls: " + reply);
        }
        return results;
    }

    /**
     * Sends one request line with a fresh id and waits for the reply with that id; a failed request or a dead driver
     * is an error. Several threads may wait at once (the warm-up dials every service concurrently): a reader thread
     * hands each reply line to the request it answers.
     */
    private JsonNode exchange(ObjectNode request) {
        if (process == null) {
            throw new IllegalStateException("the grpc-js driver is not started (connect first)");
        }
        long id = nextId.incrementAndGet();
        request.put("id", id);
        java.util.concurrent.CompletableFuture<JsonNode> answer = new java.util.concurrent.CompletableFuture<>();
        waiting.put(id, answer);
        try {
            synchronized (toDriver) {
                toDriver.write(JSON.writeValueAsString(request));
                toDriver.newLine();
                toDriver.flush();
            }
            JsonNode reply = answer.get();
            if (!reply.path("ok").asBoolean()) {
                throw new IllegalStateException("the grpc-js driver failed " + request.path("op").asText() + ": "
                        + reply.path("error").asText());
            }
            return reply;
        } catch (IOException e) {
            throw new UncheckedIOException("talking to the grpc-js driver", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the grpc-js driver", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage() + " while serving "
                    + request.path("op").asText(), e.getCause());
        } finally {
            waiting.remove(id);
        }
    }

    /** Reads reply lines until the driver's output ends, completing the request each answers. */
    private void readReplies() {
        try {
            for (String line = fromDriver.readLine(); line != null; line = fromDriver.readLine()) {
                JsonNode reply = JSON.readTree(line);
                var answer = waiting.get(reply.path("id").asLong());
                if (answer != null) {
                    answer.complete(reply);
                }
            }
        } catch (IOException e) {
            // the driver is gone; fall through and fail whoever still waits
        }
        IllegalStateException gone = new IllegalStateException("the grpc-js driver exited (code " + exitCode()
                + "); its output is on the console");
        waiting.values().forEach(w -> w.completeExceptionally(gone));
    }

    private String exitCode() {
        try {
            return process.waitFor(2, TimeUnit.SECONDS) ? String.valueOf(process.exitValue()) : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    @Override
    public void close() {
        if (process == null) {
            return;
        }
        try {
            toDriver.close(); // end of input: the driver finishes what it has and exits
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        process = null;
    }
}
