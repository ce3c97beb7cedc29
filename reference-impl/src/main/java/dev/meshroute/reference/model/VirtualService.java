package dev.meshroute.reference.model;

import java.util.List;

/** Istio's VirtualService ({@code networking.istio.io} v1, v1beta1 and v1alpha3 share one schema). */
public record VirtualService(ObjectMeta meta, SourceLocation location, List<String> hosts, List<String> gateways,
                            List<HttpRoute> http) implements Resource {

    public VirtualService {
        hosts = List.copyOf(hosts);
        gateways = List.copyOf(gateways);
        http = List.copyOf(http);
    }

    @Override
    public String kind() {
        return "VirtualService";
    }
}
