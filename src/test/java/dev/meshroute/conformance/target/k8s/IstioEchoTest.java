package dev.meshroute.conformance.target.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IstioEchoTest {

    // the fields Istio's echo server writes (pkg/test/echo/fields.go), one per line
    static final String BODY = """
            ServiceVersion=v2
            ServicePort=8080
            Host=my-app
            URL=/api?x=1
            Method=GET
            Proto=HTTP/1.1
            IP=10.42.0.9
            RequestHeader=User-Agent:Mozilla beta-tester
            RequestHeader=X-Multi:a
            RequestHeader=X-Multi:b
            Hostname=my-app-v2-6b9f7c-abcde
            """;

    @Test
    void echoAnswer_becomesTheSuitesJson_withThePodsLabels() throws Exception {
        String json = IstioEcho.toSuiteJson(BODY, pod -> pod.equals("my-app-v2-6b9f7c-abcde")
                ? Optional.of(Map.entry("default", Map.of("app", "my-app", "version", "v2"))) : Optional.empty()).orElseThrow();
        JsonNode n = new ObjectMapper().readTree(json);
        assertEquals("my-app-v2-6b9f7c-abcde", n.get("pod").asText());
        assertEquals("default", n.get("namespace").asText());
        assertEquals("v2", n.get("labels").get("version").asText());
        assertEquals("GET", n.get("method").asText());
        assertEquals("/api?x=1", n.get("path").asText());
        assertEquals("my-app", n.get("host").asText());
        assertEquals("Mozilla beta-tester", n.get("headers").get("user-agent").get(0).asText());
        assertEquals(2, n.get("headers").get("x-multi").size());
    }

    @Test
    void aProxyReply_isNotAnEchoAnswer() {
        assertTrue(IstioEcho.toSuiteJson("fault filter abort", p -> Optional.empty()).isEmpty());
    }
}
