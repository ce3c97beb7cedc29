package dev.meshroute.conformance.target.k8s;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.testcontainers.DockerClientFactory;

import java.time.Duration;

/**
 * {@code -Dmeshroute.target=istio}: Istio {@link K8sImages#ISTIO_VERSION} on a k3s node in Docker
 * ({@link K3sIstio}), started once for the run. Without a Docker engine every scenario is skipped with the reason
 * "Docker is not available", and the run fails because this target was asked for (TargetAvailabilityIT).
 */
public final class IstioTarget extends KubeTarget {

    private final K3sIstio cluster;
    private final KubernetesClient client;

    public IstioTarget() {
        this(Started.start());
    }

    private IstioTarget(Started s) {
        super(s.unavailable, s.client == null ? null : new KubeMesh(s.client, KubeMesh.newRunId(),
                KubeMesh.readyTimeoutFromSystemProperties(), Duration.ofSeconds(30)));
        this.cluster = s.cluster;
        this.client = s.client;
    }

    private record Started(K3sIstio cluster, KubernetesClient client, String unavailable) {
        static Started start() {
            if (!DockerClientFactory.instance().isDockerAvailable()) {
                return new Started(null, null, "Docker is not available");
            }
            K3sIstio cluster = new K3sIstio();
            String kubeconfig = cluster.start();
            KubernetesClient client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build();
            String unavailable = IstioPresence.check(client);
            if (unavailable != null) {
                client.close();
                cluster.close();
                throw new IllegalStateException("Istio was installed in k3s but the cluster says: " + unavailable);
            }
            return new Started(cluster, client, null);
        }
    }

    @Override
    public String name() {
        return "istio " + K8sImages.ISTIO_VERSION + " on " + K8sImages.K3S;
    }

    @Override
    public String version() {
        return K8sImages.ISTIO_VERSION;
    }

    @Override
    public void close() {
        super.close();
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }
}
