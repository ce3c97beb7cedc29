package dev.meshroute.reference.analysis;

import dev.meshroute.reference.config.ConfigLoader;
import dev.meshroute.reference.config.ConfigStore;
import dev.meshroute.reference.model.Diagnostic;
import dev.meshroute.reference.model.MeshConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.meshroute.reference.testsupport.Fixtures.DR_V1_V2;
import static dev.meshroute.reference.testsupport.Fixtures.SERVICE;
import static dev.meshroute.reference.testsupport.Fixtures.config;
import static dev.meshroute.reference.testsupport.Fixtures.guideDir;
import static dev.meshroute.reference.testsupport.Fixtures.vs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AnalyzerTest {

    private static String deployment(String name, String version, int replicas) {
        return deployment(name, "my-app", version, replicas);
    }

    private static String deployment(String name, String app, String version, int replicas) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: %s
                spec:
                  replicas: %d
                  template:
                    metadata:
                      labels:
                        app: %s
                        version: %s
                """.formatted(name, replicas, app, version);
    }

    private static String routeTo(String host, String subset) {
        return """
                - route:
                  - destination:
                      host: %s
                %s""".formatted(host, subset == null ? "" : "      subset: " + subset + "\n");
    }

    private static final String WORKLOADS = deployment("my-app-v1", "v1", 2) + "---\n" + deployment("my-app-v2", "v2", 1);

    @Test
    void analyze_undefinedSubset_IST0101WithHostAsWrittenAndSubset() {
        MeshConfig c = config(SERVICE, WORKLOADS, DR_V1_V2,
                vs("my-app-vs", routeTo("my-app.default.svc.cluster.local", "v3")));

        List<Diagnostic> ds = Analyzer.analyze(c);

        assertEquals(1, ds.size(), ds.toString());
        Diagnostic d = ds.get(0);
        assertEquals("IST0101", d.code());
        assertEquals(Diagnostic.Level.ERROR, d.level());
        assertEquals("Referenced host+subset in destinationrule not found: \"my-app.default.svc.cluster.local+v3\"",
                d.message());
        assertEquals("VirtualService default/my-app-vs", d.resource());
    }

    @Test
    void analyze_undefinedSubsetWithShortHost_messageUsesTheShortHost() {
        MeshConfig c = config(SERVICE, WORKLOADS, DR_V1_V2, vs("my-app-vs", routeTo("my-app", "v3")));

        List<Diagnostic> ds = Analyzer.analyze(c);

        assertEquals(List.of("Referenced host+subset in destinationrule not found: \"my-app+v3\""),
                ds.stream().map(Diagnostic::message).toList());
    }

    @Test
    void analyze_subsetWithoutAnyDestinationRule_IST0101() {
        MeshConfig c = config(SERVICE, WORKLOADS, vs("my-app-vs", routeTo("my-app", "v1")));

        List<Diagnostic> ds = Analyzer.analyze(c);

        assertEquals(List.of("IST0101"), ds.stream().map(Diagnostic::code).toList());
    }

    @Test
    void analyze_definedSubsets_noMessage() {
        MeshConfig c = config(SERVICE, WORKLOADS, DR_V1_V2, vs("my-app-vs", routeTo("my-app", "v1")));

        assertEquals(List.of(), Analyzer.analyze(c));
    }

    @Test
    void analyze_hostWithoutService_IST0101HostNotFound() {
        MeshConfig c = config(SERVICE, WORKLOADS, DR_V1_V2, vs("my-app-vs", routeTo("ratings", null)));

        List<Diagnostic> ds = Analyzer.analyze(c);

        assertEquals(1, ds.size(), ds.toString());
        assertEquals("IST0101", ds.get(0).code());
        assertEquals("Referenced host not found: \"ratings\"", ds.get(0).message());
    }

    @Test
    void analyze_dottedShortHost_isNotExpandedSoNotFound() {
        // SEMANTICS 3.6: a host containing a dot is taken verbatim, "my-app.default" is no service
        MeshConfig c = config(SERVICE, WORKLOADS, DR_V1_V2, vs("my-app-vs", routeTo("my-app.default", null)));

        List<Diagnostic> ds = Analyzer.analyze(c);

        assertEquals(List.of("Referenced host not found: \"my-app.default\""),
                ds.stream().map(Diagnostic::message).toList());
    }

    @Test
    void analyze_subsetSelectingNoPods_IST0173WithIstioText() {
        String dr = DR_V1_V2 + "  - name: v3\n    labels:\n      version: v3\n";
        MeshConfig c = config(SERVICE, WORKLOADS, dr);

        List<Diagnostic> ds = Analyzer.analyze(c);

        assertEquals(1, ds.size(), ds.toString());
        Diagnostic d = ds.get(0);
        assertEquals("IST0173", d.code());
        assertEquals(Diagnostic.Level.ERROR, d.level());
        assertEquals("The Subset v3 defined in the DestinationRule does not select any pods."
                + " Which may lead to 503 UH (NoHealthyUpstream).", d.message());
        assertEquals("DestinationRule default/my-app-dr", d.resource());
    }

    @Test
    void analyze_subsetLabelsAreAndedWithServiceSelector() {
        // a v2 pod exists, but not one the Service selects (app=other): subset v2 selects no pod of my-app
        MeshConfig c = config(SERVICE, deployment("my-app-v1", "v1", 1), deployment("other-v2", "other", "v2", 1),
                DR_V1_V2);

        List<Diagnostic> ds = Analyzer.analyze(c);

        assertEquals(1, ds.size(), ds.toString());
        assertEquals("IST0173", ds.get(0).code());
        assertTrue(ds.get(0).message().startsWith("The Subset v2 "), ds.get(0).message());
    }

    @Test
    void analyze_deploymentScaledToZero_selectsNoPods() {
        MeshConfig c = config(SERVICE, deployment("my-app-v1", "v1", 1), deployment("my-app-v2", "v2", 0), DR_V1_V2);

        List<Diagnostic> ds = Analyzer.analyze(c);

        assertEquals(1, ds.size(), ds.toString());
        assertTrue(ds.get(0).message().startsWith("The Subset v2 "), ds.get(0).message());
    }

    @Test
    void analyze_guideFixtures_noMessages() {
        ConfigLoader.LoadResult load = ConfigLoader.loadDirectory(guideDir());
        assertEquals(List.of(), load.diagnostics());

        assertEquals(List.of(), Analyzer.analyze(MeshConfig.of(load.resources())));
        ConfigStore.Outcome outcome = new ConfigStore().apply(load);
        assertEquals(List.of(), outcome.diagnostics(), "validation and analysis of the guide find nothing");
        assertEquals(1, outcome.config().virtualServices().size());
        assertEquals(1, outcome.config().destinationRules().size());
    }

    @Test
    void analyze_mirrorToUndefinedSubsetOrUnknownHost_IST0101SayingMirror() {
        MeshConfig c = config(SERVICE, WORKLOADS, DR_V1_V2, vs("my-app-vs", """
                - match: [{uri: {prefix: /a}}]
                  route:
                  - destination: {host: my-app, subset: v1}
                  mirror: {host: my-app, subset: v3}
                - route:
                  - destination: {host: my-app, subset: v2}
                  mirrors:
                  - destination: {host: shadow}
                  - destination: {host: my-app, subset: v2}
                """));

        List<String> messages = Analyzer.analyze(c).stream().map(d -> d.code() + " " + d.message()).toList();

        assertEquals(List.of("IST0101 Referenced mirror+subset in destinationrule not found: \"my-app+v3\"",
                "IST0101 Referenced mirror host not found: \"shadow\""), messages);
    }
}
