package dev.meshroute.reference.config;

import dev.meshroute.reference.model.DestinationRule;
import dev.meshroute.reference.model.Diagnostic;
import dev.meshroute.reference.model.Resource;
import dev.meshroute.reference.model.Service;
import dev.meshroute.reference.model.ServicePort;
import dev.meshroute.reference.model.StringMatch;
import dev.meshroute.reference.model.VirtualService;
import dev.meshroute.reference.model.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.meshroute.reference.testsupport.Fixtures.DR_V1_V2;
import static dev.meshroute.reference.testsupport.Fixtures.SERVICE;
import static dev.meshroute.reference.testsupport.Fixtures.docs;
import static dev.meshroute.reference.testsupport.Fixtures.lineOf;
import static dev.meshroute.reference.testsupport.Fixtures.vs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {

    private static final String DEPLOYMENT_V2 = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: my-app-v2
              namespace: default
              labels:
                team: payments
            spec:
              replicas: 3
              selector:
                matchLabels:
                  app: my-app
              template:
                metadata:
                  labels:
                    app: my-app
                    version: v2
            """;

    private static final String DEPLOYMENT_NO_REPLICAS = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: my-app-v3
            spec:
              template:
                metadata:
                  labels:
                    app: my-app
                    version: v3
            """;

    private static final String POD_V1 = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: my-app-v1-pod
              namespace: default
              labels:
                app: my-app
                version: v1
            spec:
              containers:
              - name: app
                image: example/app
            """;

    private static final String SIMPLE_VS_HTTP = """
            - match:
              - uri:
                  prefix: /api
              route:
              - destination:
                  host: my-app
                  subset: v1
            """;

    private static String istio(String kindAndRest, String version) {
        return "apiVersion: networking.istio.io/" + version + "\n" + kindAndRest;
    }

    private static List<Diagnostic> errors(ConfigLoader.LoadResult r) {
        return r.diagnostics().stream().filter(Diagnostic::isError).toList();
    }

    @Test
    void loadText_multiDocument_readsEveryResourceInOrder() {
        String text = docs(SERVICE, DEPLOYMENT_V2, POD_V1, vs("my-app-vs", SIMPLE_VS_HTTP), DR_V1_V2);

        ConfigLoader.LoadResult r = ConfigLoader.loadText("mesh.yaml", text);

        assertEquals(List.of(), r.diagnostics());
        assertEquals(List.of("Service default/my-app", "Deployment default/my-app-v2", "Pod default/my-app-v1-pod",
                        "VirtualService default/my-app-vs", "DestinationRule default/my-app-dr"),
                r.resources().stream().map(Resource::key).toList());
        assertTrue(r.brokenFiles().isEmpty());
        assertTrue(r.rejected().isEmpty());
    }

    @Test
    void loadText_service_readsSelectorAndPorts() {
        Service s = assertInstanceOf(Service.class, ConfigLoader.loadText("s.yaml", SERVICE).resources().get(0));

        assertEquals(Map.of("app", "my-app"), s.selector());
        assertEquals(List.of(80), s.ports().stream().map(ServicePort::port).toList());
        assertEquals("my-app.default.svc.cluster.local", s.fqdn());
    }

    @Test
    void loadText_deployment_readsReplicasAndTemplateLabelsNotObjectLabels() {
        Workload w = assertInstanceOf(Workload.class,
                ConfigLoader.loadText("d.yaml", DEPLOYMENT_V2).resources().get(0));

        assertEquals("Deployment", w.kind());
        assertEquals(3, w.replicas());
        // the pods carry the template's labels; metadata.labels (team) label the Deployment object only
        assertEquals(Map.of("app", "my-app", "version", "v2"), w.podLabels());
    }

    @Test
    void loadText_deploymentWithoutReplicas_runsOnePodAsKubernetesDefaults() {
        Workload w = assertInstanceOf(Workload.class,
                ConfigLoader.loadText("d.yaml", DEPLOYMENT_NO_REPLICAS).resources().get(0));

        assertEquals(1, w.replicas());
        assertEquals("default", w.meta().namespace());
    }

    @Test
    void loadText_pod_isOneWorkloadWithItsMetadataLabels() {
        Workload w = assertInstanceOf(Workload.class, ConfigLoader.loadText("p.yaml", POD_V1).resources().get(0));

        assertEquals("Pod", w.kind());
        assertEquals(1, w.replicas());
        assertEquals(Map.of("app", "my-app", "version", "v1"), w.podLabels());
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1", "v1beta1", "v1alpha3"})
    void loadText_istioNetworkingVersion_isAccepted(String version) {
        String vsText = vs("my-app-vs", SIMPLE_VS_HTTP).replace("apiVersion: networking.istio.io/v1\n", "");
        String drText = DR_V1_V2.replace("apiVersion: networking.istio.io/v1\n", "");
        String text = docs(istio(vsText, version), istio(drText, version));

        ConfigLoader.LoadResult r = ConfigLoader.loadText("istio.yaml", text);

        assertEquals(List.of(), r.diagnostics());
        VirtualService vs = assertInstanceOf(VirtualService.class, r.resources().get(0));
        assertEquals(List.of("my-app"), vs.hosts());
        assertEquals(new StringMatch(StringMatch.Kind.PREFIX, "/api", vs.http().get(0).match().get(0).uri().location()),
                vs.http().get(0).match().get(0).uri());
        assertEquals("v1", vs.http().get(0).route().get(0).destination().subset());
        DestinationRule dr = assertInstanceOf(DestinationRule.class, r.resources().get(1));
        assertEquals(List.of("v1", "v2"), dr.subsets().stream().map(s -> s.name()).toList());
    }

    @Test
    void loadText_unknownIstioVersion_isAnErrorNamingTheVersion() {
        String text = DR_V1_V2.replace("networking.istio.io/v1\n", "networking.istio.io/v2\n");

        ConfigLoader.LoadResult r = ConfigLoader.loadText("dr.yaml", text);

        assertTrue(r.resources().isEmpty());
        assertEquals(1, errors(r).size());
        assertTrue(errors(r).get(0).message().contains("networking.istio.io/v2"), errors(r).get(0).message());
    }

    @Test
    void loadText_malformedYaml_oneDiagnosticWithFileAndLineAndEarlierDocumentsLoad() {
        String broken = """
                apiVersion: v1
                kind: Service
                metadata:
                  name: broken: yes
                spec:
                  ports:
                  - port: 80
                """;
        String text = docs(SERVICE, broken);

        ConfigLoader.LoadResult r = ConfigLoader.loadText("bad.yaml", text);

        assertEquals(1, r.diagnostics().size(), r.diagnostics().toString());
        Diagnostic d = r.diagnostics().get(0);
        assertTrue(d.isError());
        assertEquals("bad.yaml", d.location().file());
        assertEquals(lineOf(text, "name: broken: yes"), d.location().line());
        assertTrue(d.message().startsWith("malformed YAML"), d.message());
        assertEquals(List.of("Service default/my-app"), r.resources().stream().map(Resource::key).toList());
        assertEquals(List.of("bad.yaml"), r.brokenFiles());
    }

    @Test
    void loadText_malformedFirstLineOfSecondDocument_stillLoadsTheFirstDocument() {
        // the error is the very first token after '---': a reader that looks ahead must not lose document 1
        String text = docs(SERVICE, "kind: [Service\napiVersion: v1\n");

        ConfigLoader.LoadResult r = ConfigLoader.loadText("bad.yaml", text);

        assertEquals(1, r.diagnostics().size(), r.diagnostics().toString());
        assertEquals(List.of("Service default/my-app"), r.resources().stream().map(Resource::key).toList());
        int line = r.diagnostics().get(0).location().line();
        assertTrue(line >= lineOf(text, "kind: [Service"), "line " + line + " is before the broken document");
    }

    @Test
    void loadDirectory_malformedFile_otherFilesStillLoad(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("a-bad.yaml");
        String badText = "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n\tspec: {}\n";
        Files.writeString(bad, badText);
        Files.writeString(dir.resolve("b-good.yaml"), SERVICE);
        Files.writeString(dir.resolve("ignored.txt"), "not: yaml: at: all:");

        ConfigLoader.LoadResult r = ConfigLoader.loadDirectory(dir);

        assertEquals(List.of("Service default/my-app"), r.resources().stream().map(Resource::key).toList());
        assertEquals(1, r.diagnostics().size(), r.diagnostics().toString());
        Diagnostic d = r.diagnostics().get(0);
        assertEquals(bad.toString(), d.location().file());
        assertEquals(lineOf(badText, "\tspec"), d.location().line());
        assertEquals(List.of(bad.toString()), r.brokenFiles());
    }

    @Test
    void loadDirectory_missingDirectory_isOneErrorNamingIt(@TempDir Path dir) {
        Path missing = dir.resolve("nope");

        ConfigLoader.LoadResult r = ConfigLoader.loadDirectory(missing);

        assertTrue(r.resources().isEmpty());
        assertEquals(1, r.diagnostics().size());
        assertTrue(r.diagnostics().get(0).isError());
        assertTrue(r.diagnostics().get(0).toString().contains(missing.toString()));
    }

    @Test
    void merge_concatenatesResourcesDiagnosticsAndBrokenFilesInOrder() {
        ConfigLoader.LoadResult a = ConfigLoader.loadText("a.yaml", SERVICE);
        ConfigLoader.LoadResult b = ConfigLoader.loadText("b.yaml", docs(DR_V1_V2, "kind: [\n"));

        ConfigLoader.LoadResult merged = ConfigLoader.merge(List.of(a, b));

        assertEquals(List.of("Service default/my-app", "DestinationRule default/my-app-dr"),
                merged.resources().stream().map(Resource::key).toList());
        assertEquals(b.diagnostics(), merged.diagnostics());
        assertEquals(List.of("b.yaml"), merged.brokenFiles());
    }

    @Test
    void loadText_unknownField_errorNamesFieldAndSuggestsCloseOne() {
        String text = vs("my-app-vs", SIMPLE_VS_HTTP.replace("- match:", "- mtach:"));

        ConfigLoader.LoadResult r = ConfigLoader.loadText("vs.yaml", text);

        assertEquals(1, r.diagnostics().size(), r.diagnostics().toString());
        Diagnostic d = r.diagnostics().get(0);
        assertTrue(d.isError());
        assertTrue(d.message().contains("'mtach'"), d.message());
        assertTrue(d.message().contains("did you mean 'match'"), d.message());
        assertEquals(lineOf(text, "mtach"), d.location().line());
        assertEquals("vs.yaml", d.location().file());
        assertEquals("VirtualService default/my-app-vs", d.resource());
        assertTrue(r.resources().isEmpty(), "a resource with a shape error is not loaded");
        assertEquals(List.of("VirtualService default/my-app-vs"), r.rejected());
    }

    @Test
    void loadText_unknownFieldWithNothingClose_listsTheValidFieldsInstead() {
        String text = vs("my-app-vs", SIMPLE_VS_HTTP).replace("  hosts:", "  zzzzzz: 1\n  hosts:");

        ConfigLoader.LoadResult r = ConfigLoader.loadText("vs.yaml", text);

        assertEquals(1, r.diagnostics().size(), r.diagnostics().toString());
        String m = r.diagnostics().get(0).message();
        assertTrue(m.contains("'zzzzzz'"), m);
        assertFalse(m.contains("did you mean"), m);
        assertTrue(m.contains("hosts") && m.contains("http"), m);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"ninety\"", "ninety", "9.5", "[90]"})
    void loadText_nonIntegerWeight_isAnErrorWithTheWeightLine(String weight) {
        String text = vs("my-app-vs", """
                - route:
                  - destination:
                      host: my-app
                    weight: %s
                """.formatted(weight));

        ConfigLoader.LoadResult r = ConfigLoader.loadText("vs.yaml", text);

        assertEquals(1, r.diagnostics().size(), r.diagnostics().toString());
        Diagnostic d = r.diagnostics().get(0);
        assertTrue(d.isError());
        assertTrue(d.message().contains("weight"), d.message());
        assertTrue(d.message().contains("integer"), d.message());
        assertEquals(lineOf(text, "weight:"), d.location().line());
        assertTrue(r.resources().isEmpty());
    }

    @Test
    void loadText_hostsNotAList_isAnErrorWithItsLine() {
        String text = vs("my-app-vs", SIMPLE_VS_HTTP).replace("  hosts:\n  - my-app\n", "  hosts: my-app\n");

        ConfigLoader.LoadResult r = ConfigLoader.loadText("vs.yaml", text);

        assertEquals(1, r.diagnostics().size(), r.diagnostics().toString());
        assertTrue(r.diagnostics().get(0).message().contains("expected a list"), r.diagnostics().get(0).message());
        assertEquals(lineOf(text, "hosts: my-app"), r.diagnostics().get(0).location().line());
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "redirect: {uri: /x, derivePort: FROM_REQUEST_PORT} | derivePort",
            "corsPolicy: {allowOrigins: [{exact: a}], unmatchedPreflights: IGNORE} | unmatchedPreflights"})
    void loadText_istioFieldNotImplemented_rejectsTheResourceSayingSo(String field, String name) {
        String text = vs("my-app-vs", SIMPLE_VS_HTTP + "  " + field + "\n");

        ConfigLoader.LoadResult r = ConfigLoader.loadText("vs.yaml", text);

        assertEquals(1, r.diagnostics().size(), r.diagnostics().toString());
        Diagnostic d = r.diagnostics().get(0);
        assertTrue(d.isError());
        assertTrue(d.message().contains(name), d.message());
        assertTrue(d.message().contains("not implemented"), d.message());
        assertEquals(lineOf(text, field), d.location().line());
        assertTrue(r.resources().isEmpty());
        assertEquals(List.of("VirtualService default/my-app-vs"), r.rejected());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tls: {mode: ISTIO_MUTUAL}", "portLevelSettings: [{port: {number: 80}, tls: {mode: SIMPLE}}]",
            "loadBalancer: {localityLbSetting: {enabled: true}}", "loadBalancer: {warmup: {duration: 10s}}",
            "loadBalancer: {simple: PASSTHROUGH}", "connectionPool: {http: {h2UpgradePolicy: UPGRADE}}",
            "connectionPool: {tcp: {maxConnectionDuration: 1h}}",
            "outlierDetection: {splitExternalLocalOriginErrors: true}",
            "loadBalancer: {consistentHash: {httpCookie: {name: u, attributes: [{name: SameSite}]}}}",
            "retryBudget: {percent: {value: 10}}"})
    void loadText_trafficPolicyFieldNotImplemented_rejectsTheDestinationRuleSayingSo(String field) {
        String text = DR_V1_V2.replace("  subsets:", "  trafficPolicy:\n    " + field + "\n  subsets:");

        ConfigLoader.LoadResult r = ConfigLoader.loadText("dr.yaml", text);

        assertEquals(1, r.diagnostics().size(), r.diagnostics().toString());
        assertTrue(r.diagnostics().get(0).message().contains("not implemented"), r.diagnostics().get(0).message());
        assertEquals(lineOf(text, field), r.diagnostics().get(0).location().line());
        assertTrue(r.resources().isEmpty());
    }

    @Test
    void loadText_destinationRuleTrafficPolicy_isRead() {
        String text = DR_V1_V2.replace("  subsets:", "  trafficPolicy:\n"
                + "    loadBalancer: {consistentHash: {httpCookie: {name: user, ttl: 10s}}}\n"
                + "    connectionPool: {tcp: {maxConnections: 1}, http: {http1MaxPendingRequests: 2}}\n"
                + "    outlierDetection: {consecutive5xxErrors: 0, baseEjectionTime: 30s}\n"
                + "  subsets:").replace("      version: v2\n",
                "      version: v2\n    trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}\n");

        ConfigLoader.LoadResult r = ConfigLoader.loadText("dr.yaml", text);

        assertTrue(r.diagnostics().isEmpty(), r.diagnostics().toString());
        var dr = (dev.meshroute.reference.model.DestinationRule) r.resources().get(0);
        var policy = dr.trafficPolicy();
        assertEquals("user", policy.loadBalancer().consistentHash().httpCookie().name());
        assertEquals(10_000L, policy.loadBalancer().consistentHash().httpCookie().ttlMillis());
        assertEquals(1, policy.connectionPool().maxConnections());
        assertEquals(2, policy.connectionPool().http1MaxPendingRequests());
        assertEquals(0, policy.outlierDetection().consecutive5xxErrors(), "0 is set, not unset");
        assertEquals(null, policy.outlierDetection().consecutiveGatewayErrors());
        assertEquals(30_000L, policy.outlierDetection().baseEjectionTimeMillis());
        assertEquals(null, dr.subsets().get(0).trafficPolicy());
        assertEquals(dev.meshroute.reference.model.TrafficPolicy.Simple.ROUND_ROBIN,
                dr.subsets().get(1).trafficPolicy().loadBalancer().simple());
    }

    @Test
    void loadText_unknownKind_isAWarningAndOtherDocumentsLoad() {
        String serviceEntry = """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata:
                  name: external
                spec:
                  hosts: [api.example.com]
                """;

        ConfigLoader.LoadResult r = ConfigLoader.loadText("mixed.yaml", docs(serviceEntry, SERVICE));

        assertEquals(1, r.diagnostics().size(), r.diagnostics().toString());
        Diagnostic d = r.diagnostics().get(0);
        assertEquals(Diagnostic.Level.WARNING, d.level());
        assertTrue(d.message().contains("ServiceEntry"), d.message());
        assertTrue(d.message().contains("ignored"), d.message());
        assertEquals(List.of("Service default/my-app"), r.resources().stream().map(Resource::key).toList());
        assertTrue(r.rejected().isEmpty(), "an ignored kind is not a rejected resource");
    }

    @Test
    void loadText_gateway_parsedWithItsServers() {
        String text = """
                apiVersion: networking.istio.io/v1beta1
                kind: Gateway
                metadata:
                  name: gw
                  namespace: istio-system
                spec:
                  selector:
                    istio: ingressgateway
                  servers:
                  - port: {number: 80, name: http, protocol: HTTP}
                    hosts: ["*.example.com", "prod/a.example.com"]
                    tls: {httpsRedirect: true}
                """;

        ConfigLoader.LoadResult r = ConfigLoader.loadText("gw.yaml", text);

        assertEquals(List.of(), r.diagnostics());
        dev.meshroute.reference.model.Gateway gw = (dev.meshroute.reference.model.Gateway) r.resources().get(0);
        assertEquals("istio-system/gw", gw.gatewayName());
        assertEquals(java.util.Map.of("istio", "ingressgateway"), gw.selector());
        dev.meshroute.reference.model.Gateway.Server s = gw.servers().get(0);
        assertEquals(80, s.portNumber());
        assertEquals("http", s.portName());
        assertEquals("HTTP", s.protocol());
        assertEquals(List.of("*.example.com", "prod/a.example.com"), s.hosts());
        assertTrue(s.tls());
        assertTrue(s.httpsRedirect());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tls: {mode: SIMPLE}", "tls: {credentialName: cert}", "bind: 127.0.0.1",
            "defaultEndpoint: 127.0.0.1:8080"})
    void loadText_gatewayFieldsNotImplemented_rejected(String field) {
        String text = """
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata:
                  name: gw
                spec:
                  servers:
                  - port: {number: 80, name: http, protocol: HTTP}
                    hosts: [a.example.com]
                    %s
                """.formatted(field);

        ConfigLoader.LoadResult r = ConfigLoader.loadText("gw.yaml", text);

        assertEquals(1, r.diagnostics().size(), r.diagnostics().toString());
        assertTrue(r.diagnostics().get(0).message().contains("not implemented by the meshroute reference yet"));
        assertEquals(lineOf(text, field), r.diagnostics().get(0).location().line());
        assertEquals(List.of("Gateway default/gw"), r.rejected());
    }
}
