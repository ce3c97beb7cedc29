package dev.meshroute.reference.mesh;

import dev.meshroute.reference.config.ConfigLoader;
import dev.meshroute.reference.config.ConfigStore;
import dev.meshroute.reference.controlplane.ControlPlane;
import dev.meshroute.reference.model.Diagnostic;
import dev.meshroute.reference.model.MeshConfig;
import dev.meshroute.reference.model.Service;
import dev.meshroute.reference.registry.Pod;
import dev.meshroute.reference.translate.ClientProxy;
import dev.meshroute.reference.translate.GrpcListeners;
import dev.meshroute.reference.translate.XdsResources;
import dev.meshroute.reference.translate.XdsTranslator;
import dev.meshroute.reference.workloads.GrpcEchoServer;
import dev.meshroute.reference.workloads.PodSet;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The reference control plane for proxyless gRPC clients, in one process: the config store (validation,
 * analysis), the translation a sidecar gets plus what gRPC clients need ({@link GrpcListeners}), the ADS server,
 * and the pods as gRPC echo servers. There is no proxy: the client, in this process (grpc-java) or another
 * (grpc-js), is the data plane, and dials {@code xds:///<host>:<port>} with a bootstrap naming
 * {@link #xdsPort()}.
 */
public final class ProxylessMesh implements AutoCloseable {

    /** What applying a configuration did: the version now served, every finding, and what was served. */
    public record Applied(String version, MeshConfig config, List<Diagnostic> diagnostics, XdsResources resources,
                          List<Service> services) {
        public Applied {
            diagnostics = List.copyOf(diagnostics);
            services = List.copyOf(services);
        }
    }

    private final ClientProxy client = ClientProxy.DEFAULT;
    private final ControlPlane controlPlane;
    private final PodSet pods = new PodSet(pod -> {
        GrpcEchoServer server = new GrpcEchoServer(pod.name(), pod.namespace(), pod.labels());
        server.start();
        return server;
    });
    private ConfigStore store = new ConfigStore();

    /** @param xdsBind where the control plane serves ADS (port 0: any free port) */
    public ProxylessMesh(InetSocketAddress xdsBind) {
        controlPlane = new ControlPlane(xdsBind).start();
    }

    public int xdsPort() {
        return controlPlane.port();
    }

    public ControlPlane controlPlane() {
        return controlPlane;
    }

    /** The namespace the clients run in: short dial names resolve in it. */
    public String clientNamespace() {
        return client.namespace();
    }

    /** Replaces the configuration with what {@code load} read, starts and stops pods, and pushes xDS. */
    public synchronized Applied apply(ConfigLoader.LoadResult load) {
        return apply(load, UnaryOperator.identity());
    }

    /**
     * As {@link #apply(ConfigLoader.LoadResult)}, with {@code edit} applied to the resources before they are
     * served: for xDS-level checks of a client, with something istiod never generates (a range matcher).
     */
    public synchronized Applied apply(ConfigLoader.LoadResult load, UnaryOperator<XdsResources> edit) {
        ConfigStore.Outcome outcome = store.apply(load);
        List<Pod> running = pods.reconcile(outcome.config());
        List<Service> services = services(outcome.config());
        XdsResources resources = edit.apply(GrpcListeners.forProxylessClients(
                XdsTranslator.translate(outcome.config(), running, client, XdsTranslator.Options.ISTIOD),
                services, client.namespace()));
        return new Applied(controlPlane.publish(resources), outcome.config(), outcome.diagnostics(), resources, services);
    }

    /** Forgets every accepted resource, so the next {@link #apply} starts from nothing. */
    public synchronized void forgetConfig() {
        store = new ConfigStore();
    }

    /** The services in registry order, one per host (the first definition wins, as in the registry). */
    private static List<Service> services(MeshConfig config) {
        Map<String, Service> byHost = new LinkedHashMap<>();
        for (Service s : config.services()) {
            byHost.putIfAbsent(s.fqdn(), s);
        }
        return List.copyOf(byHost.values());
    }

    @Override
    public synchronized void close() {
        controlPlane.close();
        pods.close();
    }
}
