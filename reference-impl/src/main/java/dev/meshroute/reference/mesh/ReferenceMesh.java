package dev.meshroute.reference.mesh;

import dev.meshroute.reference.config.ConfigLoader;
import dev.meshroute.reference.config.ConfigStore;
import dev.meshroute.reference.controlplane.ControlPlane;
import dev.meshroute.reference.dataplane.AdsClient;
import dev.meshroute.reference.dataplane.ProxyServer;
import dev.meshroute.reference.dataplane.RandomSource;
import dev.meshroute.reference.dataplane.RouteDecision;
import dev.meshroute.reference.dataplane.RouteObserver;
import dev.meshroute.reference.dataplane.RouteTable;
import dev.meshroute.reference.dataplane.Router;
import dev.meshroute.reference.model.Diagnostic;
import dev.meshroute.reference.model.MeshConfig;
import dev.meshroute.reference.registry.Pod;
import dev.meshroute.reference.translate.ClientProxy;
import dev.meshroute.reference.translate.RouteMemo;
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
    /**
     * The node id of the ingress gateway proxy: istiod tells a gateway ({@code router~}) from a sidecar
     * ({@code sidecar~}) by this prefix.
     */
    public static final String GATEWAY_NODE_ID =
            "router~127.0.0.1~istio-ingressgateway-0.istio-system~istio-system.svc.cluster.local";
    /** The ingress gateway pod: namespace istio-system, labels a Gateway's selector picks it by. */
    public static final ClientProxy GATEWAY_PROXY = new ClientProxy("istio-system",
            java.util.Map.of("istio", "ingressgateway", "app", "istio-ingressgateway"));
    /** The Gateway server port whose listener the ingress gateway proxy serves. */
    public static final int GATEWAY_PORT = 80;

    /** What applying a configuration did: the version now served, and every finding. */
    public record Applied(String version, MeshConfig config, List<Diagnostic> diagnostics) {
        public boolean hasErrors() {
            return diagnostics.stream().anyMatch(Diagnostic::isError);
        }
    }

    private ConfigStore store = new ConfigStore();
    /** The sidecar's routes of the last push, reused for rules that did not change (see {@link RouteMemo}). */
    private RouteMemo sidecarRoutes = new RouteMemo();
    private final ControlPlane controlPlane;
    private final ProxyServer proxy;
    private final AdsClient ads;
    private ProxyServer gatewayProxy;
    private AdsClient gatewayAds;
    private volatile Router gatewayRouter = request -> RouteDecision.LocalReply.noRoute();
    private final ClientProxy client = ClientProxy.DEFAULT;
    private final PodSet pods = new PodSet(pod -> {
        EchoServer server = new EchoServer(pod.name(), pod.namespace(), pod.labels());
        server.start();
        return server;
    });
    private volatile Router router = request -> RouteDecision.LocalReply.noRoute();
    private final XdsTranslator.Options translation;
    /** Where the mesh's own proxies reach the control plane: its bind address, or loopback for a wildcard one. */
    private final String xdsHost;
    private volatile UnaryOperator<XdsResources> xdsDecorator = UnaryOperator.identity();
    /** Told which route decided each request, by the sidecar's and the gateway's route tables (route coverage). */
    private volatile RouteObserver routeObserver = RouteObserver.NONE;
    private volatile MeshConfig appliedConfig;

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
        xdsHost = xdsBind.getAddress() == null || xdsBind.getAddress().isAnyLocalAddress() ? "127.0.0.1"
                : xdsBind.getAddress().getHostAddress();
        ads = new AdsClient(xdsHost, controlPlane.port(), NODE_ID, CAPTURED_PORT, random,
                table -> router = table.observe(routeObserver), translation.mutant()).start();
    }

    public int proxyPort() {
        return proxy.port();
    }

    /**
     * Starts the ingress gateway: a second reference proxy with its own node id ({@link #GATEWAY_NODE_ID}) and
     * labels ({@link #GATEWAY_PROXY}), fed by the same control plane over ADS, serving the listener of Gateway
     * server port {@link #GATEWAY_PORT} on {@code bind}. From the next {@link #apply} on, the control plane
     * also generates the gateway's resources.
     *
     * @return the port it listens on
     */
    public synchronized int startIngressGateway(InetSocketAddress bind, RandomSource random) {
        if (gatewayProxy != null) {
            throw new IllegalStateException("the ingress gateway is already running");
        }
        ProxyServer server = new ProxyServer(bind, () -> gatewayRouter);
        try {
            server.start();
        } catch (IllegalStateException e) {
            String cause = e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")";
            throw new IllegalStateException("the ingress gateway cannot listen on " + bind.getHostString() + ":"
                    + bind.getPort() + cause + "; is another process using it? choose another port", e);
        }
        gatewayProxy = server;
        gatewayAds = new AdsClient(xdsHost, controlPlane.port(), GATEWAY_NODE_ID, GATEWAY_PORT, random,
                table -> gatewayRouter = table.observe(routeObserver), translation.mutant()).start();
        return server.port();
    }

    /** The ingress gateway's port; see {@link #startIngressGateway}. */
    public synchronized int ingressGatewayPort() {
        if (gatewayProxy == null) {
            throw new IllegalStateException("the ingress gateway is not running");
        }
        return gatewayProxy.port();
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

    /**
     * Kills the pod {@code namespace/name} as a crash would (see {@link PodSet#kill}); the control plane learns of
     * it at the next {@link #apply} only if that configuration no longer has the pod.
     */
    public boolean killPod(String namespace, String name) {
        return pods.kill(namespace, name);
    }

    /** Replaces the mesh's configuration with what {@code load} read, starts and stops pods, and pushes xDS. */
    public synchronized Applied apply(ConfigLoader.LoadResult load) {
        ConfigStore.Outcome outcome = store.apply(load);
        List<Pod> running = pods.reconcile(outcome.config());
        XdsResources sidecar = xdsDecorator.apply(XdsTranslator.translate(outcome.config(), running, client,
                translation, sidecarRoutes));
        String version = gatewayProxy == null ? controlPlane.publish(sidecar)
                : controlPlane.publish(sidecar, java.util.Map.of(GATEWAY_NODE_ID, XdsTranslator.translateGateway(
                        outcome.config(), running, GATEWAY_PROXY, translation)));
        appliedConfig = outcome.config();
        return new Applied(version, outcome.config(), outcome.diagnostics());
    }

    /** The configuration the last {@link #apply} put in force (what validation accepted), or null before any. */
    public MeshConfig appliedConfig() {
        return appliedConfig;
    }

    /**
     * Reports which route (and cluster) decided each request of the sidecar and the ingress gateway to
     * {@code observer} from now on, for route coverage.
     */
    public void observeRoutes(RouteObserver observer) {
        this.routeObserver = observer;
        if (router instanceof RouteTable table) {
            table.observe(observer);
        }
        if (gatewayRouter instanceof RouteTable table) {
            table.observe(observer);
        }
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
        sidecarRoutes = new RouteMemo();
    }

    /** The route names the ingress gateway holds for a Host, in order (see {@link RouteTable#routeNames}). */
    public List<String> ingressGatewayRouteNames(String authority) {
        return gatewayRouter instanceof RouteTable table ? table.routeNames(authority) : List.of();
    }

    /** The route names the sidecar holds for a Host, in order (see {@link RouteTable#routeNames}). */
    public List<String> sidecarRouteNames(String authority) {
        return router instanceof RouteTable table ? table.routeNames(authority) : List.of();
    }

    /**
     * Where the sidecar would route {@code request} by what it holds now (see {@link RouteTable#explain}), without
     * sending it: for failure diagnostics. Null before the sidecar received any routes.
     */
    public RouteTable.Explain sidecarExplain(dev.meshroute.reference.dataplane.HttpRequestHead request) {
        return router instanceof RouteTable table ? table.explain(request) : null;
    }

    /**
     * True once the sidecar (and the ingress gateway, when running) has ACKed {@code version} for every resource
     * type: it routes by it now.
     */
    public boolean isLive(String version) {
        return controlPlane.isLive(NODE_ID, version)
                && (gatewayProxy == null || controlPlane.isLive(GATEWAY_NODE_ID, version));
    }

    @Override
    public synchronized void close() {
        ads.close();
        proxy.close();
        if (gatewayProxy != null) {
            gatewayAds.close();
            gatewayProxy.close();
        }
        controlPlane.close();
        pods.close();
    }
}
