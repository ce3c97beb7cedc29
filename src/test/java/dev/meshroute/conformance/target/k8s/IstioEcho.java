package dev.meshroute.conformance.target.k8s;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Turns the answer of Istio's echo server (pkg/test/echo: one {@code Field=value} line each, e.g.
 * {@code ServiceVersion=v1}, {@code Host=my-app}, {@code URL=/a}, {@code Method=GET},
 * {@code RequestHeader=User-Agent:curl/8.11.1}, {@code Hostname=my-app-v1-5d9c7-xk2lp}) into the JSON the suite's
 * echo pods answer with (reference-impl's EchoServer: pod, namespace, labels, method, path, host, headers). The
 * echo server does not know its labels: they are the pod's, read from the API server.
 */
public final class IstioEcho {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A pod's scenario namespace and labels, by pod name (empty when no such pod is the scenario's). */
    public interface PodLookup {
        Optional<Map.Entry<String, Map<String, String>>> find(String podName);
    }

    private IstioEcho() {
    }

    /** The suite's JSON for {@code body}, or empty when the body is not an Istio echo answer. */
    public static Optional<String> toSuiteJson(String body, PodLookup pods) {
        String hostname = null;
        String method = null;
        String url = null;
        String host = null;
        Map<String, List<String>> headers = new TreeMap<>();
        for (String line : body.split("\r?\n")) {
            int eq = line.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = line.substring(0, eq);
            String value = line.substring(eq + 1);
            switch (key) {
                case "Hostname" -> hostname = value;
                case "Method" -> method = value;
                case "URL" -> url = value;
                case "Host" -> host = value;
                case "RequestHeader" -> {
                    int colon = value.indexOf(':');
                    if (colon > 0) {
                        headers.computeIfAbsent(value.substring(0, colon).toLowerCase(Locale.ROOT),
                                k -> new ArrayList<>()).add(value.substring(colon + 1).strip());
                    }
                }
                default -> {
                }
            }
        }
        if (hostname == null) {
            return Optional.empty();
        }
        var pod = pods.find(hostname);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("pod", hostname);
        json.put("namespace", pod.map(Map.Entry::getKey).orElse(null));
        json.put("labels", new TreeMap<>(pod.map(Map.Entry::getValue).orElse(Map.of())));
        json.put("method", method);
        json.put("path", url);
        json.put("host", host);
        json.put("headers", headers);
        try {
            return Optional.of(JSON.writeValueAsString(json));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
