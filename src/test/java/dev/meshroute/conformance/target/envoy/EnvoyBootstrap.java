package dev.meshroute.conformance.target.envoy;

/**
 * Envoy's bootstrap for the envoy target: a node id, an admin port for readiness, and one static
 * cluster to the reference control plane's ADS port on the host; listeners and clusters all come
 * over ADS. Istio's bootstrap sets the same RE2 program-size limit ({@code pkg/bootstrap/config.go}).
 */
public final class EnvoyBootstrap {

    public static final int ADMIN_PORT = 9901;

    private EnvoyBootstrap() {
    }

    public static String yaml(String nodeId, String xdsHost, int xdsPort) {
        return """
                node:
                  id: "%1$s"
                  cluster: meshroute
                admin:
                  address:
                    socket_address: {address: 0.0.0.0, port_value: %4$d}
                dynamic_resources:
                  ads_config:
                    api_type: GRPC
                    transport_api_version: V3
                    grpc_services:
                    - envoy_grpc: {cluster_name: meshroute-xds}
                  cds_config: {ads: {}, resource_api_version: V3}
                  lds_config: {ads: {}, resource_api_version: V3}
                static_resources:
                  clusters:
                  - name: meshroute-xds
                    type: STRICT_DNS
                    connect_timeout: 1s
                    typed_extension_protocol_options:
                      envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
                        "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                        explicit_http_config: {http2_protocol_options: {}}
                    load_assignment:
                      cluster_name: meshroute-xds
                      endpoints:
                      - lb_endpoints:
                        - endpoint:
                            address:
                              socket_address: {address: "%2$s", port_value: %3$d}
                layered_runtime:
                  layers:
                  - name: static
                    static_layer:
                      re2.max_program_size.error_level: 32768
                """.formatted(nodeId, xdsHost, xdsPort, ADMIN_PORT);
    }
}
