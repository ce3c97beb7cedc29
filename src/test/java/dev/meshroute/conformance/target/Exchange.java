package dev.meshroute.conformance.target;

import java.util.List;
import java.util.Map;

/** What a scenario sends and what comes back, in HTTP terms every target maps to. */
public final class Exchange {

    private Exchange() {
    }

    /**
     * A request as a client would send it to a service through its sidecar.
     *
     * @param host        the Host header (the service name as the client writes it, e.g. {@code my-app})
     * @param headers     header lines in order; a name may repeat
     * @param randomValue the value a weighted route must use instead of a random one (Envoy router_check_tool's
     *                    {@code random_value}), or null; only targets with the {@code deterministic-weights}
     *                    capability honour it
     */
    public record Request(String method, String path, String host, List<Map.Entry<String, String>> headers,
                          Long randomValue) {
        public Request {
            headers = List.copyOf(headers);
        }

        public Request(String method, String path, String host, List<Map.Entry<String, String>> headers) {
            this(method, path, host, headers, null);
        }

        public Request withRandomValue(long value) {
            return new Request(method, path, host, headers, value);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(method + " " + path + " Host: " + host);
            headers.forEach(h -> sb.append(", ").append(h.getKey()).append(": ").append(h.getValue()));
            if (randomValue != null) {
                sb.append(", random value ").append(Long.toUnsignedString(randomValue));
            }
            return sb.toString();
        }
    }

    /**
     * A response. {@code pod} and {@code labels} are set when an echo workload answered (the request
     * reached a pod); a reply the proxy made itself has neither, and carries {@code responseFlags}.
     */
    public record Response(int status, Map<String, List<String>> headers, String body, String pod,
                           Map<String, String> labels, String responseFlags) {

        public boolean reachedPod() {
            return pod != null;
        }

        /** The bucket a weighted split counts this response in: the pod's version label, or "status FLAG". */
        public String outcome() {
            if (reachedPod()) {
                return labels.getOrDefault("version", pod);
            }
            return status + (responseFlags == null ? "" : " " + responseFlags);
        }

        @Override
        public String toString() {
            return reachedPod()
                    ? status + " from pod " + pod + " " + labels
                    : status + " from the proxy, x-response-flags: " + responseFlags + ", body: \"" + body + "\"";
        }
    }
}
