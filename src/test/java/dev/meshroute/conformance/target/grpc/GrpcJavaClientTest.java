package dev.meshroute.conformance.target.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class GrpcJavaClientTest {

    @Test
    void theBootstrap_namesTheControlPlane_andAUniqueNode() throws Exception {
        JsonNode b = new ObjectMapper().readTree(GrpcJavaClient.bootstrap(15010, "sidecar~1~n.default~x", "default"));
        assertEquals("127.0.0.1:15010", b.at("/xds_servers/0/server_uri").asText());
        assertEquals("insecure", b.at("/xds_servers/0/channel_creds/0/type").asText());
        assertEquals("xds_v3", b.at("/xds_servers/0/server_features/0").asText());
        assertEquals("sidecar~1~n.default~x", b.at("/node/id").asText());
        assertEquals("default", b.at("/node/metadata/NAMESPACE").asText());
    }

    @Test
    void grpcJava_doesNotDeclareWhatItCannotDo() {
        GrpcJavaClient c = new GrpcJavaClient();
        // no weighted_clusters.header_name, no query matching, no pseudo-header matching (see the class comments)
        for (String missing : new String[] {"deterministic-weights", "query-params", "method", "scheme", "authority",
                "http-query", "hosts"}) {
            assertFalse(c.capabilities().contains(missing), missing);
        }
    }
}
