package dev.meshroute.reference.model;

import java.time.Instant;
import java.util.Map;

/**
 * The Kubernetes metadata meshroute uses: name, namespace, labels and, when the YAML states it, the creation
 * timestamp (istiod orders DestinationRules by it; see {@code registry/DestinationRuleIndex}).
 *
 * @param creationTimestamp {@code metadata.creationTimestamp}, or null when the YAML has none
 */
public record ObjectMeta(String name, String namespace, Map<String, String> labels, Instant creationTimestamp) {

    public ObjectMeta {
        labels = Map.copyOf(labels);
    }

    public ObjectMeta(String name, String namespace, Map<String, String> labels) {
        this(name, namespace, labels, null);
    }

    /** {@code namespace/name}, as kubectl and istioctl print resources. */
    public String qualifiedName() {
        return namespace + "/" + name;
    }
}
