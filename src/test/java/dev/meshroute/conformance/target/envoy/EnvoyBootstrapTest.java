package dev.meshroute.conformance.target.envoy;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
