package dev.meshroute.conformance.target.grpc;

import dev.meshroute.conformance.target.Exchange;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RpcMappingTest {

    private static final Map<Pattern, String> FLAGS = new GrpcJavaClient().responseFlags();

    @Test
    void theHost_isTheDialName_withPort80WhenItHasNone() {
        assertEquals("my-app:80", RpcMapping.dialName("my-app"));
        assertEquals("my-app.default.svc.cluster.local:80", RpcMapping.dialName("my-app.default.svc.cluster.local"));
        assertEquals("my-app:8080", RpcMapping.dialName("my-app:8080"));
        assertEquals("my-app:80", RpcMapping.dialName("MY-APP"));
    }

    @Test
    void thePath_isTheRpcPath_asItIs() {
        assertEquals("meshroute.Echo/Echo", RpcMapping.fullMethodName("/meshroute.Echo/Echo"));
        assertEquals("api/v2/users", RpcMapping.fullMethodName("/api/v2/users"));
        assertEquals("", RpcMapping.fullMethodName("/"));
    }

    @Test
    void aQueryString_cannotBeAnRpcPath() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RpcMapping.fullMethodName("/foo?x=1"));
        assertTrue(e.getMessage().contains("http-query"));
    }

    @Test
    void headers_areMetadata_lowerCased_inOrder_repeatsKept() {
        assertEquals(List.of(Map.entry("x-user", "jason"), Map.entry("x-a", "1"), Map.entry("x-a", "2")),
                RpcMapping.metadata(List.of(Map.entry("X-USER", "jason"), Map.entry("x-a", "1"),
                        Map.entry("x-a", "2"))));
        assertThrows(IllegalArgumentException.class, () -> RpcMapping.metadata(List.of(Map.entry(":authority", "a"))));
        assertThrows(IllegalArgumentException.class, () -> RpcMapping.metadata(List.of(Map.entry("x-bin", "a"))));
    }

    @Test
    void statusCodes_mapAsEnvoysGrpcToHttpStatus() {
        assertEquals(200, RpcMapping.httpStatus("OK"));
        assertEquals(503, RpcMapping.httpStatus("UNAVAILABLE"));
        assertEquals(501, RpcMapping.httpStatus("UNIMPLEMENTED"));
        assertEquals(404, RpcMapping.httpStatus("NOT_FOUND"));
        assertEquals(504, RpcMapping.httpStatus("DEADLINE_EXCEEDED"));
        assertEquals(500, RpcMapping.httpStatus("INTERNAL"));
        assertThrows(IllegalArgumentException.class, () -> RpcMapping.httpStatus("NOPE"));
    }

    @Test
    void anEchoAnswer_isThePodsResponse() {
        byte[] json = """
                {"pod":"my-app-v2-0","namespace":"default","labels":{"app":"my-app","version":"v2"},"path":"/"}
                """.getBytes(StandardCharsets.UTF_8);
        Exchange.Response r = RpcMapping.response(new Rpc.Result("OK", null, json), FLAGS);
        assertEquals(200, r.status());
        assertTrue(r.reachedPod());
        assertEquals("v2", r.outcome());
    }

    @Test
    void grpcJavasOwnFailures_carryAFlagOnlyWhenTheMessageIsUnambiguous() {
        assertEquals("503 NR", outcome("UNAVAILABLE", "Could not find xDS route matching RPC"));
        assertEquals("503 NC", outcome("UNAVAILABLE", "Error retrieving CDS resource outbound|80|v3|my-app.default"
                + ".svc.cluster.local nodeID: sidecar~x: NOT_FOUND: Timed out waiting for resource outbound|80|v3|"
                + "my-app.default.svc.cluster.local from xDS server"));
        assertEquals("503 NC", outcome("UNAVAILABLE", "Error retrieving CDS resource c nodeID: n: NOT_FOUND:"
                + " Resource c does not exist"));
        assertEquals("503 UH", outcome("UNAVAILABLE", "No usable endpoint from cluster: outbound|80|canary|x"));
        assertEquals("503", outcome("UNAVAILABLE", "Error retrieving CDS resource c nodeID: n: UNAVAILABLE:"
                + " Timed out waiting for resource c from xDS server"), "a transient timeout is not NC");
        assertEquals("503", outcome("UNAVAILABLE", "io exception"));
    }

    private static String outcome(String code, String description) {
        Exchange.Response r = RpcMapping.response(new Rpc.Result(code, description, null), FLAGS);
        assertFalse(r.reachedPod());
        assertEquals(description, r.body());
        return r.outcome();
    }

    @Test
    void noDescription_noFlag() {
        assertNull(RpcMapping.responseFlag(null, FLAGS));
    }
}
