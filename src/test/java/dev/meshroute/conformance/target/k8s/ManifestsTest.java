package dev.meshroute.conformance.target.k8s;

import dev.meshroute.conformance.target.ConfigSource;
import dev.meshroute.conformance.target.ConvergenceGate;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManifestsTest {

    static List<ConfigSource> guide() throws IOException {
        List<ConfigSource> sources = guideFixtures();
        sources.add(new ConvergenceGate(java.time.Duration.ofSeconds(1)).probe());
        return sources;
    }

    /** fixtures/guide, as a scenario names it. */
    static List<ConfigSource> guideFixtures() throws IOException {
        List<ConfigSource> sources = new ArrayList<>();
        Path dir = Path.of(System.getProperty("meshroute.root", "."), "fixtures/guide");
        try (var files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                sources.add(new ConfigSource(f.getFileName().toString(), Files.readString(f)));
            }
        }
        return sources;
    }

    private static Manifests.Manifest find(Manifests.Plan plan, String kind, String name) {
        return plan.objects().stream().filter(m -> m.kind().equals(kind) && m.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + plan.objects()));
    }

    @SuppressWarnings("unchecked")
    private static <T> T at(Map<String, Object> object, String... path) {
        Object node = object;
        for (String p : path) {
            node = node instanceof List<?> l ? l.get(Integer.parseInt(p)) : ((Map<String, Object>) node).get(p);
        }
        return (T) node;
    }

    @Test
    void guide_becomesEchoDeploymentsInAFreshInjectedNamespace() throws IOException {
        Manifests.Plan plan = Manifests.plan(guide(), new ScenarioNamespaces("mr-abc123-1"), "abc123", "echo:1");

        assertEquals(1, plan.namespaces().size(), plan.namespaces()::toString);
        Map<String, Object> ns = plan.namespaces().get(0);
        assertEquals("mr-abc123-1-default", at(ns, "metadata", "name"));
        assertEquals("enabled", at(ns, "metadata", "labels", "istio-injection"));
        assertEquals("abc123", at(ns, "metadata", "labels", Manifests.RUN_LABEL));

        Map<String, Object> v1 = find(plan, "Deployment", "my-app-v1").object();
        assertEquals("mr-abc123-1-default", at(v1, "metadata", "namespace"));
        assertEquals(2, (int) at(v1, "spec", "replicas"));
        assertEquals("echo:1", at(v1, "spec", "template", "spec", "containers", "0", "image"));
        // my-app's Service sends port 80 to targetPort 8080
        assertEquals(List.of("--port=8080", "--version=v1"),
                at(v1, "spec", "template", "spec", "containers", "0", "args"));
        assertEquals(8080, (int) at(v1, "spec", "template", "spec", "containers", "0", "ports", "0", "containerPort"));
        assertEquals("v1", at(v1, "spec", "template", "metadata", "labels", "version"));

        // the probe's Service has no targetPort: its pod listens on the Service port
        Map<String, Object> probe = find(plan, "Pod", ConvergenceGate.PROBE_HOST).object();
        assertEquals("--port=80", at(probe, "spec", "containers", "0", "args", "0"));

        Map<String, Object> client = find(plan, "Pod", Manifests.CLIENT_POD).object();
        assertEquals("mr-abc123-1-default", at(client, "metadata", "namespace"));
        assertEquals(K8sImages.CLIENT, at(client, "spec", "containers", "0", "image"));
    }

    @Test
    void istioHosts_areRewrittenToTheScenarioNamespace_shortNamesAreNot() throws IOException {
        Manifests.Plan plan = Manifests.plan(guide(), new ScenarioNamespaces("mr-abc123-1"), "abc123", "echo:1");

        Map<String, Object> vs = find(plan, "VirtualService", "my-app-vs").object();
        assertEquals(List.of("my-app.mr-abc123-1-default.svc.cluster.local"), at(vs, "spec", "hosts"));
        assertEquals("my-app.mr-abc123-1-default.svc.cluster.local",
                at(vs, "spec", "http", "1", "route", "0", "destination", "host"));
        // a header regex is not a host: untouched
        assertEquals(".*beta-tester.*", at(vs, "spec", "http", "0", "match", "0", "headers", "user-agent", "regex"));
        Map<String, Object> dr = find(plan, "DestinationRule", "my-app-dr").object();
        assertEquals("my-app.mr-abc123-1-default.svc.cluster.local", at(dr, "spec", "host"));
        assertEquals("mr-abc123-1-default", at(dr, "metadata", "namespace")); // none written: default
        Map<String, Object> probeVs = find(plan, "VirtualService", ConvergenceGate.PROBE_HOST).object();
        assertEquals(List.of(ConvergenceGate.PROBE_HOST), at(probeVs, "spec", "hosts"));
    }

    @Test
    void gatewayReferencesExportToAndOtherNamespaces_areMapped_theRootNamespaceIsShared() {
        String yaml = """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: vs, namespace: shop}
                spec:
                  hosts: ["*.shop.svc.cluster.local", other.example.com]
                  gateways: [shop/gw, mesh]
                  exportTo: [".", shop, billing]
                  http:
                  - route: [{destination: {host: pay.billing.svc.cluster.local}}]
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: global, namespace: istio-system}
                spec: {host: "pay.billing.svc.cluster.local"}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: billing}
                """;
        Manifests.Plan plan = Manifests.plan(List.of(new ConfigSource("x.yaml", yaml)),
                new ScenarioNamespaces("mr-r-2"), "r", "echo:1");
        Map<String, Object> vs = find(plan, "VirtualService", "vs").object();
        assertEquals("mr-r-2-shop", at(vs, "metadata", "namespace"));
        assertEquals(List.of("*.mr-r-2-shop.svc.cluster.local", "other.example.com"), at(vs, "spec", "hosts"));
        assertEquals(List.of("mr-r-2-shop/gw", "mesh"), at(vs, "spec", "gateways"));
        assertEquals(List.of(".", "mr-r-2-shop", "mr-r-2-billing"), at(vs, "spec", "exportTo"));
        assertEquals("pay.mr-r-2-billing.svc.cluster.local", at(vs, "spec", "http", "0", "route", "0", "destination", "host"));
        Map<String, Object> dr = find(plan, "DestinationRule", "global").object();
        assertEquals("istio-system", at(dr, "metadata", "namespace"));
        assertEquals("pay.mr-r-2-billing.svc.cluster.local", at(dr, "spec", "host"));
        assertTrue(plan.objects().stream().noneMatch(m -> m.kind().equals("Namespace")), "namespaces are created apart");
        assertEquals(List.of("mr-r-2-billing", "mr-r-2-shop", "mr-r-2-default"),
                plan.namespaces().stream().map(n -> (String) at(n, "metadata", "name")).toList());
    }

    @Test
    void badYaml_isAFindingWithFileAndLine_andTheRestIsStillPlanned() {
        String yaml = """
                apiVersion: v1
                kind: Service
                metadata: {name: a}
                spec: {selector: {app: a}, ports: [{port: 80}]}
                ---
                kind: [unclosed
                """;
        Manifests.Plan plan = Manifests.plan(List.of(new ConfigSource("bad.yaml", yaml)),
                new ScenarioNamespaces("mr-r-3"), "r", "echo:1");
        assertEquals(1, plan.findings().size(), plan.findings()::toString);
        assertEquals("bad.yaml", plan.findings().get(0).file());
        assertEquals(6, plan.findings().get(0).line());
        assertTrue(plan.findings().get(0).isRejection());
        assertEquals("a", find(plan, "Service", "a").name());
    }

    @Test
    void eachScenario_getsItsOwnNamespaces() {
        ScenarioNamespaces first = new ScenarioNamespaces("mr-r-1");
        ScenarioNamespaces second = new ScenarioNamespaces("mr-r-2");
        assertNotEquals(first.map("default"), second.map("default"));
        assertEquals("default", second.original("mr-r-2-default").orElseThrow());
        String longName = new ScenarioNamespaces("mr-r-3").map("a".repeat(70));
        assertEquals(63, longName.length());
    }
}
