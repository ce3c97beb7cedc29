package dev.meshroute.conformance.target.k8s;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** When the istio and cluster targets cannot run, they say why and declare nothing (so nothing passes). */
@EnableKubernetesMockClient(crud = true)
class KubeTargetAvailabilityTest {

    KubernetesClient client;
    io.fabric8.kubernetes.client.server.mock.KubernetesMockServer server;

    @TempDir
    Path dir;

    private Path kubeconfig(String server) throws Exception {
        Path file = dir.resolve("kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: c
                  cluster: {server: "%s", insecure-skip-tls-verify: true}
                users:
                - name: u
                  user: {token: "t"}
                contexts:
                - name: x
                  context: {cluster: c, user: u}
                current-context: x
                """.formatted(server));
        return file;
    }

    @Test
    void cluster_withoutAKubeconfig_isUnavailable() {
        try (ClusterTarget target = new ClusterTarget(dir.resolve("absent"))) {
            String reason = target.unavailable().orElseThrow();
            assertTrue(reason.startsWith("no kubeconfig / cluster not reachable: no readable kubeconfig at "), reason);
            assertEquals(Set.of(), target.capabilities());
        }
    }

    @Test
    void cluster_whoseApiServerDoesNotAnswer_isUnavailable() throws Exception {
        try (ClusterTarget target = new ClusterTarget(kubeconfig("https://127.0.0.1:1"))) {
            String reason = target.unavailable().orElseThrow();
            assertTrue(reason.startsWith("no kubeconfig / cluster not reachable: https://127.0.0.1:1"), reason);
        }
    }

    @Test
    void cluster_withoutIstio_isUnavailable_withIstio_itRuns() throws Exception {
        Path config = kubeconfig(client.getMasterUrl().toString());
        try (ClusterTarget target = new ClusterTarget(config)) {
            String reason = target.unavailable().orElseThrow();
            assertTrue(reason.startsWith("Istio is not installed in the cluster"), reason);
        }
        server.expect().get().withPath("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/"
                        + IstioPresence.VIRTUAL_SERVICE_CRD)
                .andReturn(200, new CustomResourceDefinitionBuilder()
                        .withNewMetadata().withName(IstioPresence.VIRTUAL_SERVICE_CRD).endMetadata().build())
                .always();
        String previous = System.getProperty("meshroute.convergence.timeout");
        try (ClusterTarget target = new ClusterTarget(config)) {
            assertTrue(target.unavailable().isEmpty(), () -> target.unavailable().orElse(""));
            assertEquals(KubeTarget.CAPABILITIES, target.capabilities());
            assertEquals("unknown", target.version()); // no istiod Deployment in the mock
            assertEquals(previous == null ? "PT2M" : previous, System.getProperty("meshroute.convergence.timeout"));
        } finally {
            if (previous == null) {
                System.clearProperty("meshroute.convergence.timeout");
            }
        }
    }

    @Test
    void istio_withoutDocker_isUnavailable() {
        assumeFalse(DockerClientFactory.instance().isDockerAvailable(), "Docker is here: IstioTarget would start k3s");
        try (IstioTarget target = new IstioTarget()) {
            assertEquals("Docker is not available", target.unavailable().orElseThrow());
            assertEquals(Set.of(), target.capabilities());
        }
    }

    @Test
    void istioIsInstalledWithTheDefaultTextAccessLogOnStdout() {
        List<String> args = K3sIstio.installArguments();
        assertTrue(String.join(" ", args).contains("--set meshConfig.accessLogFile=/dev/stdout"), args::toString);
        assertTrue(String.join(" ", args).contains("--set meshConfig.accessLogEncoding=TEXT"), args::toString);
    }
}
