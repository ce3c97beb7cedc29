package dev.meshroute.conformance.target.k8s;

import dev.meshroute.conformance.target.ConfigSource;
import dev.meshroute.conformance.target.Finding;
import dev.meshroute.conformance.target.MeshUnderTest;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Kubernetes side of the istio and cluster targets, against fabric8's API server mock in CRUD mode. */
@EnableKubernetesMockClient(crud = true)
class KubeMeshMockServerTest {

    KubernetesMockServer server;
    KubernetesClient client;

    private KubeMesh mesh() {
        return new KubeMesh(client, "t1", Duration.ofMillis(1500), Duration.ofSeconds(5));
    }

    @Test
    void create_putsTheScenarioInAFreshInjectedNamespace() throws Exception {
        KubeMesh mesh = mesh();
        MeshUnderTest.Applied applied = mesh.create(ManifestsTest.guide());
        assertEquals(List.of(), applied.findings());

        String ns = mesh.namespaces().get("default");
        assertEquals("mr-t1-1-default", ns);
        Namespace namespace = client.namespaces().withName(ns).get();
        assertEquals("enabled", namespace.getMetadata().getLabels().get("istio-injection"));

        Deployment v1 = client.apps().deployments().inNamespace(ns).withName("my-app-v1").get();
        assertEquals(2, v1.getSpec().getReplicas());
        assertEquals(K8sImages.echoImage(), v1.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
        assertNotNull(client.services().inNamespace(ns).withName("my-app").get());
        assertNotNull(client.pods().inNamespace(ns).withName(Manifests.CLIENT_POD).get());

        GenericKubernetesResource vs = mesh.resources("networking.istio.io/v1beta1", "VirtualService")
                .inNamespace(ns).withName("my-app-vs").get();
        assertNotNull(vs, "the VirtualService is created through the generic client");
        @SuppressWarnings("unchecked")
        List<String> hosts = (List<String>) ((Map<String, Object>) vs.getAdditionalProperties().get("spec")).get("hosts");
        assertEquals(List.of("my-app." + ns + ".svc.cluster.local"), hosts);
    }

    @Test
    void anAdmissionRejection_isAFinding_andTheRestIsCreated() {
        KubeMesh mesh = mesh();
        // what istiod's validating webhook answers for an invalid VirtualService
        server.expect().post().withPath("/apis/networking.istio.io/v1/namespaces/mr-t1-1-default/virtualservices")
                .andReturn(400, new StatusBuilder().withCode(400).withStatus("Failure").withReason("BadRequest")
                        .withMessage("admission webhook \"validation.istio.io\" denied the request: configuration is "
                                + "invalid: weight -1 < 0").build())
                .once();
        String yaml = """
                apiVersion: v1
                kind: Service
                metadata: {name: a}
                spec: {selector: {app: a}, ports: [{port: 80}]}
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: bad}
                spec:
                  hosts: [a]
                  http: [{route: [{destination: {host: a}, weight: -1}]}]
                """;
        MeshUnderTest.Applied applied = mesh.create(List.of(new ConfigSource("bad-vs.yaml", yaml)));

        assertEquals(1, applied.findings().size(), applied.findings()::toString);
        Finding f = applied.findings().get(0);
        assertTrue(f.isRejection());
        assertEquals("bad-vs.yaml", f.file());
        assertEquals(6, f.line());
        assertEquals("VirtualService default/bad", f.resource()); // as the scenario names it
        assertTrue(f.message().contains("weight -1 < 0"), f.message());
        assertNotNull(client.services().inNamespace("mr-t1-1-default").withName("a").get());
    }

    @Test
    void anotherApiError_isNotAFinding_butAFailure() {
        KubeMesh mesh = mesh();
        server.expect().post().withPath("/api/v1/namespaces/mr-t1-1-default/services")
                .andReturn(409, new StatusBuilder().withCode(409).withReason("AlreadyExists")
                        .withMessage("services \"a\" already exists").build()).always();
        String yaml = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: 80}]}\n";
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> mesh.create(List.of(new ConfigSource("svc.yaml", yaml))));
        assertTrue(e.getMessage().contains("svc.yaml:1"), e.getMessage());
    }

    @Test
    void nextApplyAndCleanup_deleteThePreviousScenario_includingWhatItPutInTheRootNamespace() throws Exception {
        KubeMesh mesh = mesh();
        String rootDr = """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: mesh-wide, namespace: istio-system}
                spec: {host: "*.local"}
                """;
        List<ConfigSource> sources = new ArrayList<>(ManifestsTest.guide());
        sources.add(new ConfigSource("root.yaml", rootDr));
        mesh.create(sources);
        assertNotNull(mesh.resources("networking.istio.io/v1", "DestinationRule").inNamespace("istio-system")
                .withName("mesh-wide").get());

        mesh.create(ManifestsTest.guide());
        assertNull(client.namespaces().withName("mr-t1-1-default").get(), "the first scenario's namespace is gone");
        assertNull(mesh.resources("networking.istio.io/v1", "DestinationRule").inNamespace("istio-system")
                .withName("mesh-wide").get(), "and what it put in istio-system");
        assertEquals("mr-t1-2-default", mesh.namespaces().get("default"));
        assertNotNull(client.namespaces().withName("mr-t1-2-default").get());

        mesh.cleanup(); // the After hook's call, pass or fail
        assertNull(client.namespaces().withName("mr-t1-2-default").get());
        assertEquals(Map.of(), mesh.namespaces());
    }

    @Test
    void awaitReady_waitsForReadyPods_thenKnowsTheirLabels() throws Exception {
        KubeMesh mesh = mesh();
        String yaml = """
                apiVersion: v1
                kind: Pod
                metadata: {name: p1, labels: {app: a, version: v1}}
                """;
        mesh.create(List.of(new ConfigSource("pod.yaml", yaml)));
        String ns = mesh.namespaces().get("default");
        assertTrue(String.valueOf(mesh.notReady()).matches("Pod " + ns + "/(p1|meshroute-client) is not Ready"),
                mesh::notReady);
        IllegalStateException timeout = assertThrows(IllegalStateException.class, mesh::awaitReady);
        assertTrue(timeout.getMessage().contains("not ready within PT1.5S"), timeout.getMessage());

        for (String pod : List.of("p1", Manifests.CLIENT_POD)) {
            client.pods().inNamespace(ns).resource(new PodBuilder(client.pods().inNamespace(ns).withName(pod).get())
                    .editOrNewStatus().addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus()
                    .build()).update();
        }
        mesh.awaitReady();
        String json = IstioEcho.toSuiteJson("Hostname=p1\nMethod=GET\n",
                mesh::pod).orElseThrow();
        assertTrue(json.contains("\"namespace\":\"default\""), json);
        assertTrue(json.contains("\"labels\":{\"app\":\"a\",\"version\":\"v1\"}"), json);
    }

    @Test
    void awaitReady_failsAtOnce_whenAnImageCannotBePulled() {
        KubeMesh mesh = mesh();
        mesh.create(List.of(new ConfigSource("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p1}\n")));
        String ns = mesh.namespaces().get("default");
        client.pods().inNamespace(ns).resource(new PodBuilder(client.pods().inNamespace(ns).withName("p1").get())
                .editOrNewStatus().addNewContainerStatus().withName("app").withImage("echo:nope").withNewState()
                .withNewWaiting().withReason("ErrImagePull").withMessage("not found").endWaiting().endState()
                .endContainerStatus().endStatus().build()).update();
        IllegalStateException e = assertThrows(IllegalStateException.class, mesh::awaitReady);
        assertTrue(e.getMessage().contains("cannot pull image echo:nope"), e.getMessage());
    }
}
