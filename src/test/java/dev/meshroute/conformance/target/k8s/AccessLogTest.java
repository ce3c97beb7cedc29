package dev.meshroute.conformance.target.k8s;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lines in Istio's default text access-log format, as sidecars write them. */
class AccessLogTest {

    // the shape of the example in Istio's "Envoy Access Logs" task (a request that reached its upstream)
    static final String ROUTED = "[2020-11-25T21:26:18.409Z] \"GET /status/418 HTTP/1.1\" 418 - via_upstream - \"-\" 0 135 4 4 "
            + "\"-\" \"curl/7.73.0-DEV\" \"84961386-6d84-929d-98bd-c5aee93b5c88\" \"httpbin:8000\" \"10.44.1.27:80\" "
            + "outbound|8000||httpbin.foo.svc.cluster.local 10.44.1.23:37652 10.0.45.184:8000 10.44.1.23:46520 - default";
    // a host no virtual host has: the sidecar answers 404 with NR itself
    static final String NO_ROUTE = "[2026-11-30T12:00:01.002Z] \"GET /a HTTP/1.1\" 404 NR route_not_found - \"-\" 0 0 0 - "
            + "\"-\" \"curl/8.11.1\" \"meshroute-1\" \"nothing-here\" \"-\" - - 10.43.0.10:80 10.42.0.9:51234 - -";
    // an injected abort
    static final String FAULT = "[2026-11-30T12:00:02.000Z] \"GET / HTTP/1.1\" 503 FI fault_filter_abort - \"-\" 0 18 0 - "
            + "\"-\" \"curl/8.11.1\" \"meshroute-2\" \"my-app\" \"-\" outbound|80||my-app.ns.svc.cluster.local - "
            + "10.43.0.11:80 10.42.0.9:51236 - my-app.ns.svc.cluster.local:80/*";

    @Test
    void routedRequest() {
        AccessLog.Entry e = AccessLog.parse(ROUTED).orElseThrow();
        assertEquals("GET", e.method());
        assertEquals("/status/418", e.path());
        assertEquals("HTTP/1.1", e.protocol());
        assertEquals(418, e.status());
        assertNull(e.responseFlags());
        assertEquals("via_upstream", e.responseCodeDetails());
        assertEquals("84961386-6d84-929d-98bd-c5aee93b5c88", e.requestId());
        assertEquals("httpbin:8000", e.authority());
        assertEquals("10.44.1.27:80", e.upstreamHost());
        assertEquals("outbound|8000||httpbin.foo.svc.cluster.local", e.upstreamCluster());
        assertEquals("default", e.routeName());
    }

    @Test
    void localRepliesCarryTheirFlags() {
        AccessLog.Entry nr = AccessLog.parse(NO_ROUTE).orElseThrow();
        assertEquals(404, nr.status());
        assertEquals("NR", nr.responseFlags());
        assertNull(nr.upstreamHost());
        assertNull(nr.routeName());
        AccessLog.Entry fi = AccessLog.parse(FAULT).orElseThrow();
        assertEquals("FI", fi.responseFlags());
        assertEquals("my-app.ns.svc.cluster.local:80/*", fi.routeName());
    }

    @Test
    void find_picksTheLineOfTheRequestId_amongOtherLogOutput() {
        String log = "2026-11-30T12:00:00.000000Z\tinfo\tEnvoy proxy is ready\n" + ROUTED + "\n" + NO_ROUTE + "\n" + FAULT + "\n";
        assertEquals("NR", AccessLog.find(log, "meshroute-1").orElseThrow().responseFlags());
        assertEquals("FI", AccessLog.find(log, "meshroute-2").orElseThrow().responseFlags());
        assertTrue(AccessLog.find(log, "meshroute-3").isEmpty());
        // a request id that is only a substring of another line's field does not match
        assertTrue(AccessLog.find(log, "meshroute-").isEmpty());
    }

    @Test
    void otherLines_areNotEntries() {
        assertTrue(AccessLog.parse("2026-11-30T12:00:00.000000Z\tinfo\tEnvoy proxy is ready").isEmpty());
        assertTrue(AccessLog.parse("[2026] \"GET / HTTP/1.1\" notastatus").isEmpty());
        assertTrue(AccessLog.parse("[unclosed \"GET").isEmpty());
    }
}
