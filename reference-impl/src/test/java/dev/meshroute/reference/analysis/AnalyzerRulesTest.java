package dev.meshroute.reference.analysis;

import dev.meshroute.reference.model.Diagnostic;
import dev.meshroute.reference.model.MeshConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.meshroute.reference.testsupport.Fixtures.DR_V1_V2;
import static dev.meshroute.reference.testsupport.Fixtures.SERVICE;
import static dev.meshroute.reference.testsupport.Fixtures.config;
import static dev.meshroute.reference.testsupport.Fixtures.vs;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * IST0112, IST0130, IST0131 and IST0174 with Istio's texts (messages.yaml; destinationhosts.go, virtualservice.go
 * analyzeUnreachableHTTPRules, destinationrule/subset.go), each with a configuration that must not trigger it.
 */
class AnalyzerRulesTest {

    private static final String PODS = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: my-app-v1
              labels: {app: my-app, version: v1}
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: my-app-v2
              labels: {app: my-app, version: v2}
            """;

    private static final String TWO_PORT_SERVICE = """
            apiVersion: v1
            kind: Service
            metadata:
              name: my-app
            spec:
              selector: {app: my-app}
              ports:
              - {name: http, port: 80}
              - {name: http-admin, port: 8080}
            """;

    private static List<String> messages(MeshConfig c, String code) {
        return Analyzer.analyze(c).stream().filter(d -> code.equals(d.code())).map(Diagnostic::message).toList();
    }

    private static List<Diagnostic> diagnostics(MeshConfig c, String code) {
        return Analyzer.analyze(c).stream().filter(d -> code.equals(d.code())).toList();
    }

    // ---- IST0112 -------------------------------------------------------------------------------

    @Test
    void ist0112_multiPortServiceWithoutDestinationPort_errorNamingHostAsWrittenAndPorts() {
        MeshConfig c = config(TWO_PORT_SERVICE, PODS, vs("my-app", "- route: [{destination: {host: my-app}}]"));

        List<Diagnostic> ds = diagnostics(c, "IST0112");

        assertEquals(1, ds.size(), ds.toString());
        assertEquals(Diagnostic.Level.ERROR, ds.get(0).level());
        assertEquals("VirtualService default/my-app", ds.get(0).resource());
        assertEquals("This VirtualService routes to a service \"my-app\" that exposes multiple ports [80 8080]."
                + " Specifying a port in the destination is required to disambiguate.", ds.get(0).message());
    }

    @Test
    void ist0112_multiPortServiceWithDestinationPort_none() {
        MeshConfig c = config(TWO_PORT_SERVICE, PODS,
                vs("my-app", "- route: [{destination: {host: my-app, port: {number: 8080}}}]"));

        assertEquals(List.of(), Analyzer.analyze(c));
    }

    @Test
    void ist0112_singlePortServiceWithoutDestinationPort_none() {
        MeshConfig c = config(SERVICE, PODS, vs("my-app", "- route: [{destination: {host: my-app}}]"));

        assertEquals(List.of(), messages(c, "IST0112"));
    }

    @Test
    void ist0112_reportedForEveryDestinationOfTheMultiPortService() {
        MeshConfig c = config(TWO_PORT_SERVICE, PODS, DR_V1_V2, vs("my-app", """
                - route:
                  - {destination: {host: my-app, subset: v1}, weight: 50}
                  - {destination: {host: my-app.default.svc.cluster.local, subset: v2}, weight: 50}
                """));

        List<String> ms = messages(c, "IST0112");

        assertEquals(2, ms.size(), ms.toString());
        assertEquals(true, ms.get(1).contains("\"my-app.default.svc.cluster.local\""), ms.get(1));
    }

    @Test
    void ist0101_destinationPortTheServiceDoesNotHave_hostPortNotFound() {
        MeshConfig c = config(SERVICE, PODS, vs("my-app", "- route: [{destination: {host: my-app, port: {number: 9090}}}]"));

        assertEquals(List.of("Referenced host:port not found: \"my-app:9090\""), messages(c, "IST0101"));
    }

    // ---- IST0130 / IST0131 -----------------------------------------------------------------------

    @Test
    void ist0130_ruleAfterCatchAll_warningPerMatchWithRouteWithoutMatchesReason() {
        MeshConfig c = config(SERVICE, PODS, vs("my-app", """
                - route: [{destination: {host: my-app}}]
                - match: [{uri: {prefix: /a}}, {uri: {prefix: /b}}]
                  route: [{destination: {host: my-app}}]
                """));

        List<Diagnostic> ds = diagnostics(c, "IST0130");

        assertEquals(2, ds.size(), ds.toString());
        assertEquals(Diagnostic.Level.WARNING, ds.get(0).level());
        assertEquals("VirtualService rule #1 not used (route without matches defined before).", ds.get(0).message());
        assertEquals(List.of(), messages(c, "IST0131"));
    }

    @Test
    void ist0130_twoRulesWithoutMatches_secondOnlyTheLastRuleReasonWithItsName() {
        MeshConfig c = config(SERVICE, PODS, vs("my-app", """
                - route: [{destination: {host: my-app}}]
                - name: fallback
                  route: [{destination: {host: my-app}}]
                """));

        assertEquals(List.of("VirtualService rule \"fallback\" not used (only the last rule can have no matches)."),
                messages(c, "IST0130"));
    }

    @Test
    void ist0131_identicalMatchInLaterRule_infoAndRuleUnreachable() {
        MeshConfig c = config(SERVICE, PODS, vs("my-app", """
                - name: first
                  match: [{headers: {end-user: {exact: jason}}}]
                  route: [{destination: {host: my-app}}]
                - match: [{name: again, headers: {end-user: {exact: jason}}}]
                  route: [{destination: {host: my-app}}]
                """));

        List<Diagnostic> info = diagnostics(c, "IST0131");
        assertEquals(1, info.size(), info.toString());
        assertEquals(Diagnostic.Level.INFO, info.get(0).level());
        assertEquals("VirtualService rule #1 match \"again\" is not used (duplicate/overlapping match in rule \"first\").",
                info.get(0).message());
        assertEquals(List.of("VirtualService rule #1 not used (all matches used by prior rules)."),
                messages(c, "IST0130"));
    }

    @Test
    void ist0131_oneOfTwoMatchesDuplicated_ineffectiveMatchButRuleReachable() {
        MeshConfig c = config(SERVICE, PODS, vs("my-app", """
                - match: [{uri: {exact: /a}}]
                  route: [{destination: {host: my-app}}]
                - match: [{uri: {exact: /b}}, {uri: {exact: /a}}]
                  route: [{destination: {host: my-app}}]
                """));

        assertEquals(List.of("VirtualService rule #1 match #1 is not used (duplicate/overlapping match in rule #0)."),
                messages(c, "IST0131"));
        assertEquals(List.of(), messages(c, "IST0130"));
    }

    @Test
    void ist0131_shorterPrefixFirst_laterLongerPrefixReportedAsOverlapping() {
        MeshConfig c = config(SERVICE, PODS, vs("my-app", """
                - match: [{uri: {prefix: /debug}}]
                  route: [{destination: {host: my-app}}]
                - match: [{uri: {prefix: /debugs}}]
                  route: [{destination: {host: my-app}}]
                """));

        assertEquals(List.of("VirtualService rule #1 match #0 of prefix /debugs is not used"
                        + " (duplicate/overlapping match in rule #0 of prefix /debug on #0)."),
                messages(c, "IST0131"));
        assertEquals(List.of(), messages(c, "IST0130"), "overlap alone never reports the rule unreachable");
    }

    @Test
    void ist0131_longerPrefixFirst_none() {
        MeshConfig c = config(SERVICE, PODS, vs("my-app", """
                - match: [{uri: {prefix: /debugs}}]
                  route: [{destination: {host: my-app}}]
                - match: [{uri: {prefix: /debug}}]
                  route: [{destination: {host: my-app}}]
                """));

        assertEquals(List.of(), Analyzer.analyze(c));
    }

    @Test
    void ist0131_prefixOverlapWithDifferentHeaderOrMethod_none() {
        MeshConfig c = config(SERVICE, PODS, vs("my-app", """
                - match: [{uri: {prefix: /debug}}]
                  route: [{destination: {host: my-app}}]
                - match: [{uri: {prefix: /debug/x}, headers: {x: {exact: "1"}}}]
                  route: [{destination: {host: my-app}}]
                - match: [{uri: {prefix: /debug/y}, method: {exact: POST}}]
                  route: [{destination: {host: my-app}}]
                """));

        assertEquals(List.of(), messages(c, "IST0131"));
    }

    @Test
    void ist0131_sameMatchFieldsInAnotherOrder_stillDuplicate() {
        MeshConfig c = config(SERVICE, PODS, vs("my-app", """
                - match: [{headers: {a: {exact: "1"}, b: {exact: "2"}}}]
                  route: [{destination: {host: my-app}}]
                - match: [{headers: {b: {exact: "2"}, a: {exact: "1"}}}]
                  route: [{destination: {host: my-app}}]
                """));

        assertEquals(1, messages(c, "IST0131").size());
    }

    @Test
    void ist0131_differentMatchKinds_none() {
        MeshConfig c = config(SERVICE, PODS, vs("my-app", """
                - match: [{uri: {exact: /a}}]
                  route: [{destination: {host: my-app}}]
                - match: [{uri: {prefix: /a}}]
                  route: [{destination: {host: my-app}}]
                - match: [{uri: {exact: /a}, ignoreUriCase: true}]
                  route: [{destination: {host: my-app}}]
                - route: [{destination: {host: my-app}}]
                """));

        assertEquals(List.of(), Analyzer.analyze(c));
    }

    // ---- IST0174 -------------------------------------------------------------------------------

    @Test
    void ist0174_hostOfNoService_warningWithHostAsWritten() {
        MeshConfig c = config(SERVICE, PODS, """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: reviews
                spec:
                  host: reveiws
                  subsets:
                  - {name: v1, labels: {version: v1}}
                """);

        List<Diagnostic> ds = Analyzer.analyze(c);

        assertEquals(1, ds.size(), ds.toString());
        assertEquals("IST0174", ds.get(0).code());
        assertEquals(Diagnostic.Level.WARNING, ds.get(0).level());
        assertEquals("DestinationRule default/reviews", ds.get(0).resource());
        assertEquals("The host reveiws defined in the DestinationRule does not match any services in the mesh.",
                ds.get(0).message());
    }

    @Test
    void ist0174_dottedShortNameOrWildcard_notExpandedSoUnknown() {
        MeshConfig c = config(SERVICE, PODS, """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: dotted
                spec:
                  host: my-app.default
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: wildcard
                spec:
                  host: "*.default.svc.cluster.local"
                """);

        assertEquals(List.of("The host my-app.default defined in the DestinationRule does not match any services in the mesh.",
                        "The host *.default.svc.cluster.local defined in the DestinationRule does not match any services in the mesh."),
                messages(c, "IST0174"));
    }

    @Test
    void ist0174_shortNameInTheServiceNamespaceOrFqdnFromAnother_none() {
        MeshConfig c = config(SERVICE, PODS, """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: short
                spec:
                  host: my-app
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: fqdn
                  namespace: other
                spec:
                  host: my-app.default.svc.cluster.local
                """);

        assertEquals(List.of(), Analyzer.analyze(c));
    }

    @Test
    void ist0174_shortNameInAnotherNamespace_resolvesThereSoUnknown() {
        MeshConfig c = config(SERVICE, PODS, """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: short
                  namespace: other
                spec:
                  host: my-app
                """);

        assertEquals(List.of("The host my-app defined in the DestinationRule does not match any services in the mesh."),
                messages(c, "IST0174"));
    }
}
