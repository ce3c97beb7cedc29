package dev.meshroute.reference.model;

import java.util.List;
import java.util.Map;

/** A Kubernetes Service: a name in a namespace, ports, and the pod labels it selects. */
public record Service(ObjectMeta meta, SourceLocation location, Map<String, String> selector, List<ServicePort> ports)
        implements Resource {

    public Service {
        selector = Map.copyOf(selector);
        ports = List.copyOf(ports);
    }

    @Override
    public String kind() {
        return "Service";
    }

    /** The fully qualified host name, e.g. {@code my-app.default.svc.cluster.local}. */
    public String fqdn() {
        return Hosts.fqdn(meta.name(), meta.namespace());
    }
}
