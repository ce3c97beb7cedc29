package dev.meshroute.conformance.target.grpc;

import dev.meshroute.conformance.target.ConfigSource;
import dev.meshroute.conformance.target.Exchange;
import dev.meshroute.conformance.target.Finding;
import dev.meshroute.conformance.target.MeshUnderTest;
import dev.meshroute.conformance.target.ReferenceControlPlane;
import dev.meshroute.reference.config.ConfigLoader;
import dev.meshroute.reference.controlplane.ControlPlane;
import dev.meshroute.reference.mesh.ProxylessMesh;
import dev.meshroute.reference.model.Diagnostic;
import dev.meshroute.reference.model.Service;
import dev.meshroute.reference.model.ServicePort;
import dev.meshroute.reference.translate.GrpcListeners;
import dev.meshroute.reference.translate.XdsResources;
import dev.meshroute.reference.workloads.GrpcEchoServer;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * A proxyless gRPC client as the data plane, fed over ADS by the reference control plane ({@link ProxylessMesh}:
 * config store, the sidecar's translation plus API listeners, gRPC echo pods). The client is a
 * {@link ProxylessClient}: grpc-java in this JVM today, grpc-js through a driver later.
 *
 * <p>Applying a configuration closes every channel, publishes the new version, then opens one channel per dial name
 * of every service ({@code fqdn:port}, and {@code name:port} from the client's namespace) and makes one RPC on each:
 * a gRPC client routes nothing until it has every resource its routes name, so this RPC returns once the channel
 * routes by the new configuration. ACKs cannot tell that: a gRPC client ACKs a route configuration it is still
 * waiting to use. When a route names a cluster the control plane does not have (an undefined subset), the client
 * waits for its resource-does-not-exist timer, 15 s in grpc-java ({@code XdsClientImpl
 * INITIAL_RESOURCE_FETCH_TIMEOUT_SEC}), before it routes anything on that channel; the time is part of the
 * convergence the scenario logs, and the wait is printed with its reason. Channels for other dial names open on
 * first use, after the publish, so they start from the current configuration too.
 */
public final class ProxylessGrpcTarget implements MeshUnderTest {

    /** Long enough for the 15 s resource-does-not-exist timer, and then some. */
    static final Duration FIRST_RESOLUTION_TIMEOUT = Duration.ofSeconds(45);
    static final Duration RPC_DEADLINE = Duration.ofSeconds(30);
    /** The method of the warm-up RPC; where it is routed does not matter. */
    static final String WARM_UP_METHOD = GrpcEchoServer.ECHO_METHOD;

    private final ProxylessClient client;
    private final ProxylessMesh mesh;
    private final String nodeId;

    public ProxylessGrpcTarget(ProxylessClient client) {
        this.client = client;
        this.mesh = new ProxylessMesh(new InetSocketAddress("127.0.0.1", 0));
        this.nodeId = "sidecar~127.0.0.1~meshroute-" + client.name() + "-"
                + UUID.randomUUID().toString().substring(0, 8) + "." + mesh.clientNamespace() + "~"
                + mesh.clientNamespace() + ".svc.cluster.local";
        try {
            if (client.unavailable().isEmpty()) {
                client.connect(mesh.xdsPort(), nodeId, mesh.clientNamespace());
            }
        } catch (RuntimeException e) {
            mesh.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return client.name() + " (proxyless gRPC, meshroute reference control plane)";
    }

    @Override
    public String version() {
        return client.version();
    }

    @Override
    public java.util.Optional<String> unavailable() {
        return client.unavailable();
    }

    /** The client's own, plus what the control plane does alone: validation and analysis. */
    @Override
    public Set<String> capabilities() {
        return declared(client);
    }

    /** What a proxyless target with {@code client} declares: the client's own, plus the control plane's checks. */
    public static Set<String> declared(ProxylessClient client) {
        Set<String> all = new HashSet<>(client.capabilities());
        all.add("validation");
        all.add("analysis");
        return Set.copyOf(all);
    }

    /** The node id the client presents to the control plane (unique per run). */
    public String nodeId() {
        return nodeId;
    }

    ProxylessClient client() {
        return client;
    }

    @Override
    public Applied apply(List<ConfigSource> sources) {
        return apply(sources, UnaryOperator.identity());
    }

    /**
     * As {@link #apply(List)}, with {@code edit} applied to the xDS resources before they are served: for checks of
     * the client at the xDS level, with something istiod never generates.
     */
    public Applied apply(List<ConfigSource> sources, UnaryOperator<XdsResources> edit) {
        long start = System.nanoTime();
        client.reset();
        int nacksBefore = mesh.controlPlane().nacks().size();
        mesh.forgetConfig();
        ProxylessMesh.Applied applied = mesh.apply(load(sources), edit);
        warmUp(applied.services(), applied.resources());
        List<ControlPlane.Nack> nacks = mesh.controlPlane().nacks();
        if (nacks.size() > nacksBefore) {
            throw new IllegalStateException(client.name() + " rejected (NACKed) the configuration: "
                    + nacks.subList(nacksBefore, nacks.size()));
        }
        return new Applied(findings(applied.diagnostics()), Duration.ofNanos(System.nanoTime() - start));
    }

    /** Services the client can dial, as {@code name:port} per service of the client's namespace and FQDN:port. */
    static List<String> warmUpNames(List<Service> services, String clientNamespace) {
        List<String> names = new ArrayList<>();
        for (Service s : services) {
            for (ServicePort p : s.ports()) {
                List<String> all = GrpcListeners.dialNames(s, p.port(), clientNamespace);
                names.add(all.get(0));
                if (all.size() > 1) {
                    names.add(all.get(1));
                }
            }
        }
        return names;
    }

    private void warmUp(List<Service> services, XdsResources resources) {
        Map<String, List<String>> missingByName = new LinkedHashMap<>();
        for (Service s : services) {
            for (ServicePort p : s.ports()) {
                List<String> missing = GrpcListeners.missingClusters(resources, GrpcListeners.routeName(s, p.port()));
                for (String name : GrpcListeners.dialNames(s, p.port(), mesh.clientNamespace())) {
                    missingByName.put(name, missing);
                }
            }
        }
        List<String> names = warmUpNames(services, mesh.clientNamespace());
        Map<String, CompletableFuture<Long>> waits = new LinkedHashMap<>();
        for (String name : names) {
            waits.put(name, CompletableFuture.supplyAsync(() -> {
                long t0 = System.nanoTime();
                client.call(new Rpc(name, WARM_UP_METHOD, List.of()), FIRST_RESOLUTION_TIMEOUT);
                return (System.nanoTime() - t0) / 1_000_000;
            }));
        }
        Set<String> reported = new HashSet<>();
        for (Map.Entry<String, CompletableFuture<Long>> w : waits.entrySet()) {
            long ms = w.getValue().join();
            List<String> missing = missingByName.getOrDefault(w.getKey(), List.of());
            if (!missing.isEmpty() && reported.add(String.join(",", missing))) {
                System.out.println("[meshroute] " + client.name() + ": xds:///" + w.getKey() + " routed its first RPC"
                        + " after " + ms + " ms: its routes name " + missing.size() + " cluster(s) the control plane"
                        + " does not have (" + String.join(", ", missing) + "), and " + client.name()
                        + " waits for its resource-does-not-exist timer (15 s in grpc-java) before it routes by a"
                        + " configuration at all");
            }
        }
    }

    @Override
    public List<Finding> analyze(List<ConfigSource> sources) {
        return ReferenceControlPlane.analyze(sources);
    }

    private static ConfigLoader.LoadResult load(List<ConfigSource> sources) {
        return ConfigLoader.merge(sources.stream().map(s -> ConfigLoader.loadText(s.name(), s.yaml())).toList());
    }

    private static List<Finding> findings(List<Diagnostic> diagnostics) {
        return diagnostics.stream().map(d -> new Finding(d.level().name().toLowerCase(Locale.ROOT), d.code(),
                d.resource(), d.location().file(), d.location().line(), d.message())).collect(Collectors.toList());
    }

    @Override
    public Exchange.Response send(Exchange.Request request) {
        return RpcMapping.response(client.call(RpcMapping.rpc(request), RPC_DEADLINE), client.responseFlags());
    }

    @Override
    public List<Exchange.Response> sendMany(Exchange.Request request, int count) {
        return client.callMany(RpcMapping.rpc(request), count, RPC_DEADLINE).stream()
                .map(r -> RpcMapping.response(r, client.responseFlags())).toList();
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            mesh.close();
        }
    }
}
