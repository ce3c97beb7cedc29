package dev.meshroute.reference.model;

import java.util.Map;

/** The Kubernetes metadata meshroute uses: name, namespace and labels. */
public record ObjectMeta(String name, String namespace, Map<String, String> labels) {

    public ObjectMeta {
        labels = Map.copyOf(labels);
    }

    /** {@code namespace/name}, as kubectl and istioctl print resources. */
    public String qualifiedName() {
        return namespace + "/" + name;
    }
}
