package dev.meshroute.conformance.target.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshroute.conformance.target.Exchange;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How a scenario's HTTP request becomes an RPC, and the RPC's outcome the HTTP vocabulary of the features. Pure.
 *
 * <p>Request: the Host is the dial target ({@code xds:///<host>:<port>}, port 80, the port the reference sidecar
 * captures, when the Host has none: istiod names every gRPC API listener {@code host:port}); the path is the RPC's
 * {@code :path} as it is ({@code /meshroute.Echo/Echo}, or {@code /api/v2/users}: a gRPC client sends and routes on
 * any method name); headers are metadata with lower-case keys. The HTTP method is not sent: every RPC is a POST.
 * A query string cannot be expressed (an RPC path has none), nor a pseudo-header or a binary ({@code -bin}) key.
 *
 * <p>Outcome: {@code OK} is the pod's answer (200 and its JSON). Any other status is the client's own reply (the
 * echo pods never fail): its HTTP status is Envoy's {@code Grpc::Utility::grpcToHttpStatus}
 * ({@code source/common/grpc/status.cc}: UNAVAILABLE 503, UNIMPLEMENTED 501, NOT_FOUND 404, ...), the body is
 * the status description, and the response flag is derived from the description only by the client's own table of
 * unambiguous messages ({@link ProxylessClient#responseFlags()}); anything else carries no flag.
 */
public final class RpcMapping {

    /** The port a Host without one means: the service port the reference sidecar captures. */
    public static final int DEFAULT_PORT = 80;

    private static final ObjectMapper JSON = new ObjectMapper();

    private RpcMapping() {
    }

    /** The RPC a client makes for {@code request}; IllegalArgumentException for what an RPC cannot carry. */
    public static Rpc rpc(Exchange.Request request) {
        return new Rpc(dialName(request.host()), fullMethodName(request.path()), metadata(request.headers()));
    }

    /** {@code my-app} -> {@code my-app:80}; {@code my-app:8080} stays. Lower-cased, as DNS names are. */
    public static String dialName(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        int colon = h.lastIndexOf(':');
        if (colon > 0 && h.substring(colon + 1).chars().allMatch(Character::isDigit) && colon < h.length() - 1) {
            return h;
        }
        return h + ":" + DEFAULT_PORT;
    }

    /** {@code /api/v2} -> {@code api/v2}: the RPC's {@code :path} is {@code "/" + fullMethodName}. */
    public static String fullMethodName(String path) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("an RPC path starts with '/': " + path);
        }
        if (path.indexOf('?') >= 0 || path.indexOf('#') >= 0) {
            throw new IllegalArgumentException("an RPC has no query string, so " + path + " cannot be sent as one;"
                    + " a scenario whose request path carries a query needs the capability http-query");
        }
        return path.substring(1);
    }

    /** Header lines as metadata: keys lower-cased (gRPC metadata keys are lower case), order and repeats kept. */
    public static List<Map.Entry<String, String>> metadata(List<Map.Entry<String, String>> headers) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (Map.Entry<String, String> h : headers) {
            String key = h.getKey().toLowerCase(Locale.ROOT);
            if (key.startsWith(":") || key.endsWith("-bin") || key.isEmpty()) {
                throw new IllegalArgumentException("header " + h.getKey() + " cannot be sent as gRPC metadata"
                        + " (a pseudo-header or a binary key)");
            }
            out.add(Map.entry(key, h.getValue()));
        }
        return out;
    }

    /** Envoy's {@code Grpc::Utility::grpcToHttpStatus}. */
    public static int httpStatus(String grpcCode) {
        return switch (grpcCode) {
            case "OK" -> 200;
            case "CANCELLED" -> 499;
            case "UNKNOWN" -> 500;
            case "INVALID_ARGUMENT" -> 400;
            case "DEADLINE_EXCEEDED" -> 504;
            case "NOT_FOUND" -> 404;
            case "ALREADY_EXISTS" -> 409;
            case "PERMISSION_DENIED" -> 403;
            case "RESOURCE_EXHAUSTED" -> 429;
            case "FAILED_PRECONDITION" -> 400;
            case "ABORTED" -> 409;
            case "OUT_OF_RANGE" -> 400;
            case "UNIMPLEMENTED" -> 501;
            case "INTERNAL" -> 500;
            case "UNAVAILABLE" -> 503;
            case "DATA_LOSS" -> 500;
            case "UNAUTHENTICATED" -> 401;
            default -> throw new IllegalArgumentException("not a gRPC status code: " + grpcCode);
        };
    }

    /** The first flag whose pattern is found in {@code description}, or null. */
    public static String responseFlag(String description, Map<Pattern, String> flags) {
        if (description == null) {
            return null;
        }
        for (Map.Entry<Pattern, String> f : flags.entrySet()) {
            if (f.getKey().matcher(description).find()) {
                return f.getValue();
            }
        }
        return null;
    }

    /** {@code result} in the features' vocabulary; see the class comment. */
    public static Exchange.Response response(Rpc.Result result, Map<Pattern, String> flags) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (result.ok()) {
            String body = new String(result.message(), StandardCharsets.UTF_8);
            headers.put("content-type", List.of("application/json"));
            try {
                JsonNode echo = JSON.readTree(body);
                if (echo != null && echo.hasNonNull("pod")) {
                    Map<String, String> labels = new LinkedHashMap<>();
                    echo.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
                    return new Exchange.Response(200, headers, body, echo.get("pod").asText(), labels, null);
                }
            } catch (IOException e) {
                // not an echo pod's answer: reported as it is, without a pod
            }
            return new Exchange.Response(200, headers, body, null, Map.of(), null);
        }
        String description = result.description() == null ? "" : result.description();
        headers.put("grpc-status", List.of(result.code()));
        headers.put("grpc-message", List.of(description));
        String flag = responseFlag(description, flags);
        if (flag != null) {
            headers.put("x-response-flags", List.of(flag));
        }
        return new Exchange.Response(httpStatus(result.code()), headers, description, null, Map.of(), flag);
    }
}
