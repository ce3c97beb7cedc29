package dev.meshroute.conformance.target;

import dev.meshroute.reference.coverage.CoverageEntry;
import dev.meshroute.reference.coverage.CoverageRecorder;
import dev.meshroute.reference.coverage.CoverageReport;
import dev.meshroute.reference.dataplane.RandomSource;
import dev.meshroute.reference.mesh.ReferenceMesh;
import dev.meshroute.reference.model.MeshConfig;
import dev.meshroute.reference.model.VirtualService;
import dev.meshroute.reference.mutants.Mutant;
import dev.meshroute.reference.translate.XdsTranslator;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The bundled reference mesh, in this JVM: its control plane, sidecar proxy and echo pods on loopback
 * sockets. Requests go over real HTTP to the sidecar, which routes only by what it received over xDS.
 */
public final class ReferenceTarget implements MeshUnderTest {

    /** What the reference implements; targets fed by the reference control plane start from this. */
    /**
     * What the reference mesh can run: every capability its adapter command declares, and {@code http10}, which
     * needs a raw HTTP/1.0 client next to the proxy that the adapter protocol has no request for.
     */
    public static final Set<String> CAPABILITIES = withHttp10(dev.meshroute.reference.adapter.ReferenceCapabilities.ALL);

    private static Set<String> withHttp10(Set<String> capabilities) {
        Set<String> all = new java.util.HashSet<>(capabilities);
        all.add("http10");
        return Set.copyOf(all);
    }

    private final Mutant mutant;
    private final ReferenceMesh mesh;
    private final ProxyClient client;
    private final ProxyClient gatewayClient;
    /** Which VirtualService rules, matches and destinations the sidecar's and gateway's routes decided. */
    private final CoverageRecorder coverage = new CoverageRecorder();

    /** The reference, or the mutant named by {@code -Dmeshroute.reference.mutant} (the suite's self-test). */
    public ReferenceTarget() {
        this(Mutant.fromId(System.getProperty("meshroute.reference.mutant", Mutant.NONE.id())));
    }

    public ReferenceTarget(Mutant mutant) {
        this.mutant = mutant;
        this.mesh = new ReferenceMesh(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0),
                RandomSource.THREAD_LOCAL, new XdsTranslator.Options(ProxyClient.RANDOM_VALUE_HEADER, mutant));
        this.client = new ProxyClient("127.0.0.1", mesh.proxyPort());
        this.gatewayClient = new ProxyClient("127.0.0.1",
                mesh.startIngressGateway(new InetSocketAddress("127.0.0.1", 0), RandomSource.THREAD_LOCAL));
        mesh.observeRoutes(coverage);
    }

    @Override
    public String name() {
        return mutant == Mutant.NONE ? "meshroute reference" : "meshroute reference, mutant " + mutant.id();
    }

    @Override
    public String version() {
        String v = ReferenceMesh.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    @Override
    public Set<String> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public Applied apply(List<ConfigSource> sources) {
        coverage.drain(); // requests before this configuration belong to no entry of it
        return ReferenceControlPlane.applyAndAwaitAck(mesh, List.of(ReferenceMesh.NODE_ID,
                ReferenceMesh.GATEWAY_NODE_ID), sources);
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
    public List<java.util.Map<String, Object>> receivedRequests(String namespace, java.util.Map<String, String> labels) {
        return mesh.receivedRequests(namespace, labels);
    }

    @Override
    public List<String> routeNames(String host) {
        return mesh.sidecarRouteNames(host);
    }

    @Override
    public java.util.Optional<String> explainRoute(Exchange.Request request) {
        List<java.util.Map.Entry<String, String>> headers = new java.util.ArrayList<>();
        headers.add(java.util.Map.entry("host", request.host()));
        request.headers().forEach(h -> headers.add(java.util.Map.entry(h.getKey().toLowerCase(java.util.Locale.ROOT),
                h.getValue())));
        if (request.randomValue() != null) {
            headers.add(java.util.Map.entry(ProxyClient.RANDOM_VALUE_HEADER, Long.toUnsignedString(request.randomValue())));
        }
        dev.meshroute.reference.dataplane.RouteTable.Explain e = mesh.sidecarExplain(
                new dev.meshroute.reference.dataplane.HttpRequestHead(request.method(), request.path(), request.host(),
                        "http", headers));
        if (e == null) {
            return java.util.Optional.of("the sidecar holds no routes yet");
        }
        if (e.virtualHost() == null) {
            return java.util.Optional.of("no virtual host for Host " + request.host() + " (404 NR)");
        }
        if (e.route() == null) {
            return java.util.Optional.of("virtual host " + e.virtualHost() + ": no route matches (404 NR)");
        }
        return java.util.Optional.of("virtual host " + e.virtualHost() + ", route " + e.route() + " (route "
                + e.position() + " of the virtual host)" + (e.weights().isEmpty() ? ", no cluster (redirect or direct"
                + " response)" : ", clusters " + e.weights()));
    }

    @Override
    public Exchange.Response sendToIngressGateway(Exchange.Request request) {
        return gatewayClient.send(request);
    }

    @Override
    public List<String> ingressGatewayRouteNames(String host) {
        return mesh.ingressGatewayRouteNames(host);
    }

    @Override
    public List<Exchange.Response> sendMany(Exchange.Request request, int count) {
        return client.sendMany(request, count);
    }

    @Override
    public List<Exchange.Response> sendOneAtATime(Exchange.Request request, int count) {
        return client.sendOneAtATime(request, count);
    }

    /**
     * The route coverage of the configuration applied last: each rule, match entry and destination of its
     * VirtualServices that {@code include} accepts, with the requests that exercised it since it was applied (or since
     * the previous call); counting then starts afresh.
     */
    public List<CoverageEntry> drainCoverage(Predicate<VirtualService> include) {
        MeshConfig config = mesh.appliedConfig();
        java.util.Map<String, Long> hits = coverage.drain();
        return config == null ? List.of() : CoverageReport.entries(config, hits, include);
    }

    @Override
    public void close() {
        mesh.close();
    }
}
