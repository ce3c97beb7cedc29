package dev.meshroute.conformance.target.k8s;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code -Dmeshroute.target=cluster}: an existing cluster with Istio, reached with a kubeconfig
 * ({@code -Dmeshroute.kubeconfig}, else {@code $KUBECONFIG}, else {@code ~/.kube/config}; its current context).
 * Every scenario runs in namespaces the suite creates ({@code mr-<run>-<n>-<name>}, sidecar injection on) and
 * deletes. Without a kubeconfig, or when the API server does not answer or has no Istio, every scenario is
 * skipped with the reason and the run fails (TargetAvailabilityIT).
 */
public final class ClusterTarget extends KubeTarget {

    private final KubernetesClient client;
    private final String version;

    public ClusterTarget() {
        this(kubeconfigPath());
    }

    ClusterTarget(Path kubeconfig) {
        this(Connection.open(kubeconfig));
    }

    private ClusterTarget(Connection c) {
        super(c.unavailable, c.unavailable == null ? new KubeMesh(c.client, KubeMesh.newRunId(),
                KubeMesh.readyTimeoutFromSystemProperties(), Duration.ofSeconds(30)) : null);
        this.client = c.client;
        this.version = c.version;
    }

    /** The kubeconfig this run uses. */
    static Path kubeconfigPath() {
        String property = System.getProperty("meshroute.kubeconfig");
        if (property != null) {
            return Path.of(property);
        }
        String env = System.getenv("KUBECONFIG");
        if (env != null && !env.isBlank()) {
            return Path.of(env.split(java.io.File.pathSeparator)[0]);
        }
        return Path.of(System.getProperty("user.home"), ".kube", "config");
    }

    /** A client for the kubeconfig, or the reason there is none. */
    record Connection(KubernetesClient client, String version, String unavailable) {
        static Connection open(Path kubeconfig) {
            if (!Files.isReadable(kubeconfig)) {
                return new Connection(null, null, "no kubeconfig / cluster not reachable: no readable kubeconfig at "
                        + kubeconfig + " (set -Dmeshroute.kubeconfig or KUBECONFIG)");
            }
            KubernetesClient client;
            try {
                Config config = Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
                config.setConnectionTimeout(5_000);
                config.setRequestTimeout(10_000);
                config.setRequestRetryBackoffLimit(0); // an unreachable cluster is reported at once
                client = new KubernetesClientBuilder().withConfig(config).build();
            } catch (Exception e) {
                return new Connection(null, null, "no kubeconfig / cluster not reachable: cannot read " + kubeconfig
                        + ": " + e.getMessage());
            }
            String unavailable = IstioPresence.check(client);
            if (unavailable != null) {
                client.close();
                return new Connection(null, null, unavailable);
            }
            return new Connection(client, IstioPresence.istioVersion(client), null);
        }
    }

    @Override
    public String name() {
        return client == null ? "cluster (none reachable)" : "cluster (Istio " + version + ", " + client.getMasterUrl() + ")";
    }

    @Override
    public String version() {
        return version == null ? "unknown" : version;
    }

    @Override
    public void close() {
        super.close();
        if (client != null) {
            client.close();
        }
    }
}
