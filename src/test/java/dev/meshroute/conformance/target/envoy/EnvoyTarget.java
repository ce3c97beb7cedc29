package dev.meshroute.conformance.target.envoy;

import dev.meshroute.conformance.target.ConfigSource;
import dev.meshroute.conformance.target.Exchange;
import dev.meshroute.conformance.target.Finding;
import dev.meshroute.conformance.target.MeshUnderTest;
import dev.meshroute.conformance.target.ProxyClient;
import dev.meshroute.conformance.target.ReferenceControlPlane;
import dev.meshroute.conformance.target.ReferenceTarget;
import dev.meshroute.reference.dataplane.RandomSource;
import dev.meshroute.reference.mesh.ReferenceMesh;
import dev.meshroute.reference.translate.XdsResources;
import dev.meshroute.reference.translate.XdsTranslator;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.Testcontainers;

import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Real Envoy ({@link EnvoyContainer#IMAGE}) fed by the reference control plane: checks the
 * reference's translation against the proxy it imitates. The pods run on the host; Envoy reaches
 * them and the control plane through Testcontainers' host port exposure. Without a Docker engine
 * the target is unavailable: every scenario is skipped with the reason "Docker is not available",
 * and the run fails because this target was asked for (TargetAvailabilityIT).
 */
public final class EnvoyTarget implements MeshUnderTest {

    static final String NODE_ID = "sidecar~127.0.0.1~meshroute-envoy.default~default.svc.cluster.local";

    private final String unavailable;
    private final ReferenceMesh mesh;
    private final EnvoyContainer envoy;
    private final ProxyClient client;
    private final Set<Integer> exposedPorts = new HashSet<>();

    public EnvoyTarget() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            unavailable = "Docker is not available";
            mesh = null;
            envoy = null;
            client = null;
            return;
        }
        unavailable = null;
        mesh = new ReferenceMesh(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0),
                RandomSource.THREAD_LOCAL, new XdsTranslator.Options(ProxyClient.RANDOM_VALUE_HEADER,
                dev.meshroute.reference.mutants.Mutant.NONE));
        expose(mesh.xdsPort());
        envoy = new EnvoyContainer(EnvoyContainer.IMAGE,
                EnvoyBootstrap.yaml(NODE_ID, "host.testcontainers.internal", mesh.xdsPort()));
        envoy.start();
        String endpointHost = envoy.hostAddressSeenFromContainer();
        mesh.decorateXds(resources -> {
            exposeEndpoints(resources);
            return EnvoyXds.forContainer(resources, endpointHost);
        });
        client = new ProxyClient(envoy.getHost(), envoy.listenerPort());
    }

    private void exposeEndpoints(XdsResources resources) {
        resources.endpoints().forEach(cla -> cla.getEndpointsList().forEach(locality ->
                locality.getLbEndpointsList().forEach(lb ->
                        expose(lb.getEndpoint().getAddress().getSocketAddress().getPortValue()))));
    }

    private void expose(int port) {
        if (exposedPorts.add(port)) {
            Testcontainers.exposeHostPorts(port);
        }
    }

    @Override
    public String name() {
        return "envoy " + EnvoyContainer.IMAGE.getVersionPart() + " (fed by the meshroute reference control plane)";
    }

    @Override
    public Optional<String> unavailable() {
        return Optional.ofNullable(unavailable);
    }

    @Override
    public String version() {
        return EnvoyContainer.IMAGE.getVersionPart();
    }

    /**
     * What Envoy fed by the reference control plane declares when Docker is available: what the reference declares
     * (the same xDS reaches Envoy; validation is the control plane's), less route inspection and the gateway.
     */
    public static final Set<String> DECLARED = declared();

    private static Set<String> declared() {
        // route-inspection would need Envoy's admin config_dump, not read yet
        Set<String> capabilities = new java.util.HashSet<>(ReferenceTarget.CAPABILITIES);
        capabilities.remove("route-inspection");
        // the gateway scenarios need a second proxy with a router~ node id; only one Envoy runs here
        capabilities.remove("gateway");
        return Set.copyOf(capabilities);
    }

    @Override
    public Set<String> capabilities() {
        if (unavailable != null) {
            return Set.of();
        }
        return DECLARED;
    }

    @Override
    public List<java.util.Map<String, Object>> receivedRequests(String namespace, java.util.Map<String, String> labels) {
        return mesh.receivedRequests(namespace, labels); // the pods are the reference's, on this host
    }

    @Override
    public Applied apply(List<ConfigSource> sources) {
        return ReferenceControlPlane.applyAndAwaitAck(mesh, NODE_ID, sources);
    }

    @Override
    public List<Finding> analyze(List<ConfigSource> sources) {
        return ReferenceControlPlane.analyze(sources);
    }

    @Override
    public Exchange.Response send(Exchange.Request request) {
        return client.send(request);
    }

    @Override
    public Exchange.Response sendHttp10(Exchange.Request request) {
        return client.sendHttp10(request);
    }

    @Override
    public List<Exchange.Response> sendMany(Exchange.Request request, int count) {
        return client.sendMany(request, count);
    }

    @Override
    public List<Exchange.Response> sendOneAtATime(Exchange.Request request, int count) {
        return client.sendOneAtATime(request, count);
    }

    @Override
    public void close() {
        if (envoy != null) {
            envoy.stop();
        }
        if (mesh != null) {
            mesh.close();
        }
    }
}
