package dev.meshroute.conformance.target.k8s;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

import java.time.Duration;
import java.util.List;

/**
 * A one-node k3s cluster ({@link K8sImages#K3S}) with Istio {@link K8sImages#ISTIO_VERSION} installed by istioctl,
 * run once in a container on the same Docker network: {@link #installArguments()}.
 */
final class K3sIstio implements AutoCloseable {

    private final Network network = Network.newNetwork();
    private final K3sContainer k3s;

    K3sIstio() {
        k3s = new K3sContainer(DockerImageName.parse(K8sImages.K3S))
                .withNetwork(network)
                .withNetworkAliases("k3s");
    }

    /**
     * istioctl's arguments: the minimal profile (istiod only; no gateways), and every sidecar writing Istio's
     * default text access log to stdout, where the client's flags are read ({@link AccessLog}).
     */
    static List<String> installArguments() {
        return List.of("install", "-y", "--kubeconfig", "/kubeconfig",
                "--set", "profile=minimal",
                "--set", "meshConfig.accessLogFile=/dev/stdout",
                "--set", "meshConfig.accessLogEncoding=TEXT");
    }

    /** Starts k3s and installs Istio (minutes: both images are pulled on first use); returns the kubeconfig. */
    String start() {
        k3s.start();
        try (GenericContainer<?> istioctl = new GenericContainer<>(DockerImageName.parse(K8sImages.ISTIOCTL))) {
            istioctl.withNetwork(network)
                    .withCopyToContainer(Transferable.of(k3s.generateInternalKubeConfigYaml("k3s")), "/kubeconfig")
                    .withCommand(installArguments().toArray(String[]::new))
                    .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofMinutes(10)));
            istioctl.start();
        }
        return k3s.getKubeConfigYaml();
    }

    @Override
    public void close() {
        k3s.stop();
        network.close();
    }
}
