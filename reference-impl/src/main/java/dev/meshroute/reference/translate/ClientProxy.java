package dev.meshroute.reference.translate;

import java.util.Map;

/**
 * The sidecar whose configuration is being generated: istiod generates per client proxy, and the
 * config-time selectors ({@code sourceLabels}, {@code sourceNamespace}, {@code gateways}) compare
 * against it, never against the request.
 */
public record ClientProxy(String namespace, Map<String, String> labels) {

    public static final ClientProxy DEFAULT = new ClientProxy("default", Map.of("app", "meshroute-client"));

    public ClientProxy {
        labels = Map.copyOf(labels);
    }
}
