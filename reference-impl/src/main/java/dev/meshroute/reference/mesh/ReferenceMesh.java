package dev.meshroute.reference.mesh;

import dev.meshroute.reference.config.ConfigLoader;
import dev.meshroute.reference.config.ConfigStore;
import dev.meshroute.reference.controlplane.ControlPlane;
import dev.meshroute.reference.dataplane.AdsClient;
import dev.meshroute.reference.dataplane.ProxyServer;
import dev.meshroute.reference.dataplane.RandomSource;
import dev.meshroute.reference.dataplane.RouteDecision;
import dev.meshroute.reference.dataplane.RouteTable;
import dev.meshroute.reference.dataplane.Router;
import dev.meshroute.reference.model.Diagnostic;
import dev.meshroute.reference.model.MeshConfig;
import dev.meshroute.reference.registry.Pod;
import dev.meshroute.reference.translate.ClientProxy;
import dev.meshroute.reference.translate.XdsResources;
import dev.meshroute.reference.translate.XdsTranslator;
import dev.meshroute.reference.workloads.EchoServer;
import dev.meshroute.reference.workloads.PodSet;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Istio in miniature, in one process: the control plane (config store, validation, analysis,
 * translation, ADS server), one client sidecar (the reference proxy, fed only by xDS) and the pods
 * (echo servers), all on real loopback sockets.
 */
public final class ReferenceMesh implements AutoCloseable {

    /** The node id the sidecar presents to the control plane. */
    public static final String NODE_ID = "sidecar~127.0.0.1~meshroute-client.default~default.svc.cluster.local";
    /** The service port the sidecar captures, as iptables would redirect it: its listener's port. */
    public static final int CAPTURED_PORT = 80;

    /** What applying a configuration did: the version now served, and every finding. */
    public record Applied(String version, MeshConfig config, List<Diagnostic> diagnostics) {
        public boolean hasErrors() {
            return diagnostics.stream().anyMatch(Diagnostic::isError);
        }
    }

    private ConfigStore store = new ConfigStore();
    private final ControlPlane controlPlane;
    private final ProxyServer proxy;
    private final AdsClient ads;
    private final ClientProxy client = ClientProxy.DEFAULT;
    private final PodSet pods = new PodSet(pod -> {
        EchoServer server = new EchoServer(pod.name(), pod.namespace(), pod.labels());
        server.start();
        return server;
    });
    private volatile Router router = request -> RouteDecision.LocalReply.noRoute();
    private final XdsTranslator.Options translation;
    private volatile UnaryOperator<XdsResources> xdsDecorator = UnaryOperator.identity();

    /**
     * @param proxyBind where the sidecar listens for traffic (port 0: any free port)
     * @param xdsBind   where the control plane serves ADS (port 0: any free port)
     */
    public ReferenceMesh(InetSocketAddress proxyBind, InetSocketAddress xdsBind, RandomSource random) {
        this(proxyBind, xdsBind, random, XdsTranslator.Options.ISTIOD);
    }

    /**
     * @param translation what the control plane does beyond istiod: a request header that may carry the random
     *                    value of weighted routes, and (for the suite's self-test only) a mutant, which the
     *                    proxy's route tables get too
     */
    public ReferenceMesh(InetSocketAddress proxyBind, InetSocketAddress xdsBind, RandomSource random,
                         XdsTranslator.Options translation) {
        this.translation = translation;
        controlPlane = new ControlPlane(xdsBind).start();
        proxy = new ProxyServer(proxyBind, () -> router);
        try {
            proxy.start();
        } catch (IllegalStateException e) {
            controlPlane.close();
            String cause = e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")";
            throw new IllegalStateException("the proxy cannot listen on " + proxyBind.getHostString() + ":"
                    + proxyBind.getPort() + cause + "; is another process using it? choose another --port", e);
        }
        ads = new AdsClient("127.0.0.1", controlPlane.port(), NODE_ID, CAPTURED_PORT, random,
                table -> router = table, translation.mutant()).start();
    }

    public int proxyPort() {
        return proxy.port();
    }

    public int xdsPort() {
        return controlPlane.port();
    }

    public ControlPlane controlPlane() {
        return controlPlane;
    }

    /**
     * The requests received by the running pods in {@code namespace} whose labels include {@code labels}, as
     * each pod describes them (see {@link EchoServer#receivedRequests()}).
     */
    public List<java.util.Map<String, Object>> receivedRequests(String namespace,
                                                               java.util.Map<String, String> labels) {
        List<java.util.Map<String, Object>> out = new java.util.ArrayList<>();
        pods.servers().forEach((pod, server) -> {
            if (pod.namespace().equals(namespace) && pod.labels().entrySet().containsAll(labels.entrySet())
                    && server instanceof EchoServer echo) {
                out.addAll(echo.receivedRequests());
            }
        });
        return out;
    }

    /** Replaces the mesh's configuration with what {@code load} read, starts and stops pods, and pushes xDS. */
    public synchronized Applied apply(ConfigLoader.LoadResult load) {
        ConfigStore.Outcome outcome = store.apply(load);
        List<Pod> running = pods.reconcile(outcome.config());
        String version = controlPlane.publish(xdsDecorator.apply(
                XdsTranslator.translate(outcome.config(), running, client, translation)));
        return new Applied(version, outcome.config(), outcome.diagnostics());
    }

    /**
     * Adapts the translated resources before they are served, for a data plane that is not the bundled
     * sidecar (an Envoy in a container needs reachable endpoint addresses, for example).
     */
    public void decorateXds(UnaryOperator<XdsResources> decorator) {
        this.xdsDecorator = decorator;
    }

    /**
     * Forgets every accepted resource, so the next {@link #apply} starts from nothing: no earlier version
     * of a resource can stay in force. A test harness calls this between scenarios.
     */
    public synchronized void forgetConfig() {
        store = new ConfigStore();
    }

    /** The route names the sidecar holds for a Host, in order (see {@link RouteTable#routeNames}). */
    public List<String> sidecarRouteNames(String authority) {
        return router instanceof RouteTable table ? table.routeNames(authority) : List.of();
    }

    /** True once the sidecar has ACKed {@code version} for every resource type: it routes by it now. */
    public boolean isLive(String version) {
        return controlPlane.isLive(NODE_ID, version);
    }

    @Override
    public synchronized void close() {
        ads.close();
        proxy.close();
        controlPlane.close();
        pods.close();
    }
}
