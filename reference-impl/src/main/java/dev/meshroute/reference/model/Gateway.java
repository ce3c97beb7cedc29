package dev.meshroute.reference.model;

import java.util.List;
import java.util.Map;

/**
 * Istio's Gateway ({@code networking.istio.io} v1, v1beta1 and v1alpha3 share one schema): the servers a
 * gateway proxy exposes, on the proxies whose labels include {@code selector} (every gateway proxy when
 * the selector is empty, {@code push_context.go mergeGateways}).
 */
public record Gateway(ObjectMeta meta, SourceLocation location, Map<String, String> selector, List<Server> servers)
        implements Resource {

    /**
     * One {@code servers[]} entry.
     *
     * @param portNumber    {@code port.number}, or null when the port or its number is missing
     * @param portName      {@code port.name}, or null
     * @param protocol      {@code port.protocol} as written, or null
     * @param hosts         {@code [namespace/]dnsName} as written
     * @param tls           true when the server has a {@code tls} block
     * @param httpsRedirect {@code tls.httpsRedirect}
     */
    public record Server(Integer portNumber, String portName, String protocol, List<String> hosts, boolean tls,
                         boolean httpsRedirect, SourceLocation location) {

        public Server {
            hosts = List.copyOf(hosts);
        }
    }

    public Gateway {
        selector = Map.copyOf(selector);
        servers = List.copyOf(servers);
    }

    @Override
    public String kind() {
        return "Gateway";
    }

    /** The keyword for the sidecars of the mesh in a VirtualService's {@code gateways}. */
    public static final String MESH = "mesh";

    /**
     * A gateway name as a VirtualService writes it, resolved in the VirtualService's namespace as istiod does
     * ({@code model/config.go resolveGatewayName}): {@code mesh} stays; {@code ns/name} stays; {@code ./name}
     * and a short {@code name} become {@code <vs namespace>/name}; the legacy {@code name.ns[.svc...]} becomes
     * {@code ns/name}.
     */
    public static String resolveName(String written, String namespace) {
        if (written.equals(MESH)) {
            return written;
        }
        int slash = written.indexOf('/');
        if (slash >= 0) {
            return written.startsWith("./") ? namespace + written.substring(1) : written;
        }
        int dot = written.indexOf('.');
        if (dot < 0) {
            return namespace + "/" + written;
        }
        String rest = written.substring(dot + 1);
        int next = rest.indexOf('.');
        return (next < 0 ? rest : rest.substring(0, next)) + "/" + written.substring(0, dot);
    }

    /** How VirtualServices name this gateway once resolved: {@code namespace/name}. */
    public String gatewayName() {
        return meta.namespace() + "/" + meta.name();
    }
}
