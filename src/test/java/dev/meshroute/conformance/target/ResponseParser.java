package dev.meshroute.conformance.target;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the facts a response carries: the echo workload's JSON identity, or the proxy's response flags. */
final class ResponseParser {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ResponseParser() {
    }

    static Exchange.Response parse(int status, Map<String, List<String>> headers, String body) {
        String flags = first(headers, "x-response-flags");
        String pod = null;
        Map<String, String> labels = Map.of();
        String type = first(headers, "content-type");
        if (type != null && type.startsWith("application/json") && flags == null) {
            try {
                JsonNode echo = JSON.readTree(body);
                if (echo.hasNonNull("pod")) {
                    pod = echo.get("pod").asText();
                    Map<String, String> l = new LinkedHashMap<>();
                    echo.path("labels").fields().forEachRemaining(e -> l.put(e.getKey(), e.getValue().asText()));
                    labels = l;
                }
            } catch (java.io.IOException e) {
                // not an echo workload's answer: leave pod unset
            }
        }
        return new Exchange.Response(status, headers, body, pod, labels, flags);
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
