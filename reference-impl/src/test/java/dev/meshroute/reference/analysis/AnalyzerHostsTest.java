package dev.meshroute.reference.analysis;

import dev.meshroute.reference.model.Diagnostic;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.meshroute.reference.testsupport.Fixtures.SERVICE;
import static dev.meshroute.reference.testsupport.Fixtures.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IST0109 ConflictingMeshGatewayVirtualServiceHosts (istio/istio
 * pkg/config/analysis/analyzers/virtualservice/conflictingmeshgatewayhosts.go; text from
 * pkg/config/analysis/msg/messages.yaml).
 */
class AnalyzerHostsTest {

    private static String vs(String name, String namespace, String hosts, String gateways) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: %s, namespace: %s}
                spec:
                  hosts: %s
                  gateways: %s
                  http:
                  - route: [{destination: {host: my-app.default.svc.cluster.local}}]
                """.formatted(name, namespace, hosts, gateways);
    }

    private static List<Diagnostic> ist0109(String... docs) {
        return Analyzer.analyze(config(docs)).stream().filter(d -> "IST0109".equals(d.code())).toList();
    }

    @Test
    void sameHost_reportedOnEveryVirtualService_withIstiosText() {
        List<Diagnostic> ds = ist0109(SERVICE, vs("first", "default", "[my-app]", "[]"),
                vs("second", "default", "[my-app.default.svc.cluster.local]", "[mesh]"));

        String text = "The VirtualServices default/first,default/second associated with mesh gateway define the same"
                + " host */my-app.default.svc.cluster.local which can lead to undefined behavior. This can be fixed by"
                + " merging the conflicting VirtualServices into a single resource.";
        assertEquals(List.of("VirtualService default/first", "VirtualService default/second"),
                ds.stream().map(Diagnostic::resource).toList());
        ds.forEach(d -> {
            assertEquals(text, d.message());
            assertEquals(Diagnostic.Level.ERROR, d.level());
        });
    }

    @Test
    void threeVirtualServices_allNamedInOrder() {
        List<Diagnostic> ds = ist0109(SERVICE, vs("a", "default", "[my-app]", "[]"),
                vs("b", "default", "[my-app]", "[]"), vs("c", "default", "[my-app]", "[]"));

        assertEquals(3, ds.size());
        ds.forEach(d -> assertTrue(d.message().startsWith("The VirtualServices default/a,default/b,default/c "), d.message()));
    }

    @Test
    void noConflict_forDifferentNamespacesWildcardsOrGatewayOnlyVirtualServices() {
        assertEquals(List.of(), ist0109(SERVICE, vs("first", "default", "[my-app]", "[]"),
                vs("second", "other", "[my-app]", "[]")));
        assertEquals(List.of(), ist0109(SERVICE, vs("first", "default", "[my-app]", "[]"),
                vs("second", "default", "['*.default.svc.cluster.local']", "[]")));
        assertEquals(List.of(), ist0109(SERVICE, vs("first", "default", "[my-app]", "[]"),
                vs("second", "default", "[my-app]", "[istio-system/my-gateway]")));
    }

    @Test
    void dottedHosts_areNotExpanded() {
        assertEquals("*/my-app.default", "*/" + Analyzer.convertHostToFqdn("other", "my-app.default"));
        assertEquals("my-app.other.svc.cluster.local", Analyzer.convertHostToFqdn("other", "my-app"));
        assertEquals("*.example.com", Analyzer.convertHostToFqdn("other", "*.example.com"));
    }
}
