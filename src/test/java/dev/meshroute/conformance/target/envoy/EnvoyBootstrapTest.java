package dev.meshroute.conformance.target.envoy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EnvoyBootstrapTest {

    @SuppressWarnings("unchecked")
    private static <T> T at(Object node, Object... path) {
        Object cur = node;
        for (Object key : path) {
            cur = key instanceof Integer i ? ((List<Object>) cur).get(i) : ((Map<String, Object>) cur).get(key);
        }
        return (T) cur;
    }

    @Test
    void yaml_pointsAdsAtTheControlPlaneOnTheHost() {
        Map<String, Object> b = new Yaml().load(EnvoyBootstrap.yaml("node-1", "host.testcontainers.internal", 15010));
        assertEquals("node-1", at(b, "node", "id"));
        assertEquals("meshroute-xds", at(b, "dynamic_resources", "ads_config", "grpc_services", 0, "envoy_grpc",
                "cluster_name"));
        Map<String, Object> cluster = at(b, "static_resources", "clusters", 0);
        assertEquals("meshroute-xds", cluster.get("name"));
        Map<String, Object> address = at(cluster, "load_assignment", "endpoints", 0, "lb_endpoints", 0, "endpoint",
                "address", "socket_address");
        assertEquals("host.testcontainers.internal", address.get("address"));
        assertEquals((Object) 15010, address.get("port_value"));
        assertEquals(Map.of(), at(b, "dynamic_resources", "cds_config", "ads"));
        assertEquals(Map.of(), at(b, "dynamic_resources", "lds_config", "ads"));
    }

    @Test
    void yaml_exposesAdminForReadinessAndCapsRegexProgramsLikeIstio() {
        Map<String, Object> b = new Yaml().load(EnvoyBootstrap.yaml("n", "h", 1));
        assertEquals((Object) EnvoyBootstrap.ADMIN_PORT, at(b, "admin", "address", "socket_address", "port_value"));
        assertEquals((Object) 32768, at(b, "layered_runtime", "layers", 0, "static_layer", "re2.max_program_size.error_level"));
    }

    /**
     * The bootstrap has never been read by a real Envoy here (no Docker engine), so it is read by Envoy's own
     * v3 protos instead: a misspelt field, a wrong type or an unknown typed extension fails here, as Envoy
     * would fail at start-up ("Protobuf message ... has unknown fields").
     */
    @Test
    void yaml_isAValidEnvoyV3BootstrapByEnvoysOwnProtos() throws Exception {
        Bootstrap bootstrap = parseStrictly(EnvoyBootstrap.yaml("node-1", "host.testcontainers.internal", 15010));
        assertEquals("node-1", bootstrap.getNode().getId());
        assertEquals(15010, bootstrap.getStaticResources().getClusters(0).getLoadAssignment().getEndpoints(0)
                .getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress().getPortValue());
        assertEquals(HttpProtocolOptions.getDescriptor().getFullName(), bootstrap.getStaticResources().getClusters(0)
                .getTypedExtensionProtocolOptionsOrThrow("envoy.extensions.upstreams.http.v3.HttpProtocolOptions")
                .getTypeUrl().substring("type.googleapis.com/".length()));
    }

    @Test
    void strictParse_rejectsAMisspeltField() {
        String typo = EnvoyBootstrap.yaml("n", "h", 1).replace("ads_config:", "ads_confg:");
        assertThrows(com.google.protobuf.InvalidProtocolBufferException.class, () -> parseStrictly(typo));
    }

    private static Bootstrap parseStrictly(String yaml) throws Exception {
        String json = new ObjectMapper().writeValueAsString(new Yaml().load(yaml));
        Bootstrap.Builder builder = Bootstrap.newBuilder();
        JsonFormat.parser()
                .usingTypeRegistry(JsonFormat.TypeRegistry.newBuilder().add(HttpProtocolOptions.getDescriptor()).build())
                .merge(json, builder);
        return builder.build();
    }
}
