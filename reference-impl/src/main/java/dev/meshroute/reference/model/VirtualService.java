package dev.meshroute.reference.model;

import java.util.List;

/**
 * Istio's VirtualService ({@code networking.istio.io} v1, v1beta1 and v1alpha3 share one schema). One without
 * {@code hosts} is a delegate: it only applies through a root VirtualService's {@code delegate} rule.
 * {@code exportTo} is empty when omitted (the mesh default: every namespace).
 */
public record VirtualService(ObjectMeta meta, SourceLocation location, List<String> hosts, List<String> gateways,
                            List<HttpRoute> http, List<String> exportTo) implements Resource {

    public VirtualService {
        hosts = List.copyOf(hosts);
        gateways = List.copyOf(gateways);
        http = List.copyOf(http);
        exportTo = List.copyOf(exportTo);
    }

    /** A VirtualService without {@code exportTo}. */
    public VirtualService(ObjectMeta meta, SourceLocation location, List<String> hosts, List<String> gateways,
                          List<HttpRoute> http) {
        this(meta, location, hosts, gateways, http, List.of());
    }

    /** A VirtualService without hosts: its rules only apply where a root VirtualService delegates to it. */
    public boolean isDelegate() {
        return hosts.isEmpty();
    }

    @Override
    public String kind() {
        return "VirtualService";
    }
}
