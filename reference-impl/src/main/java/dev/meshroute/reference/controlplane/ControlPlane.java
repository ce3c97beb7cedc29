package dev.meshroute.reference.controlplane;

import dev.meshroute.reference.translate.XdsResources;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The reference control plane's xDS side: serves versioned snapshots over ADS (gRPC) with
 * java-control-plane's discovery server, and records what each proxy ACKed and NACKed, so a caller
 * can tell when a configuration is live.
 */
public final class ControlPlane implements AutoCloseable {

    /** A rejected update as the proxy reported it. */
    public record Nack(String nodeId, String typeUrl, String version, String message) {
    }

    private static final Logger LOG = Logger.getLogger(ControlPlane.class.getName());

    private final SnapshotWatcher watcher = new SnapshotWatcher();
    private final Map<String, Map<String, String>> acked = new ConcurrentHashMap<>();
    private final List<Nack> nacks = new CopyOnWriteArrayList<>();
    private final InetSocketAddress bind;
    private Server server;
    private long generation;

    public ControlPlane(InetSocketAddress bind) {
        this.bind = bind;
    }

    public ControlPlane start() {
        V3DiscoveryServer discovery = new V3DiscoveryServer(new Callbacks(), watcher);
        try {
            server = NettyServerBuilder.forAddress(bind)
                    // a restarted control plane takes its port back at once, past the old connections' TIME_WAIT
                    .withOption(io.grpc.netty.shaded.io.netty.channel.ChannelOption.SO_REUSEADDR, true)
                    .addService(discovery.getAggregatedDiscoveryServiceImpl())
                    .build()
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("the control plane cannot listen on " + bind.getHostString() + ":"
                    + bind.getPort() + " (" + e.getMessage() + "); is another process using it? choose another"
                    + " --xds-port", e);
        }
        return this;
    }

    public int port() {
        return server.getPort();
    }

    /** Serves {@code resources} as the next version and returns that version. */
    public synchronized String publish(XdsResources resources) {
        return publish(resources, Map.of());
    }

    /**
     * Serves the next version: {@code perNode} to the proxies it names (by node id; istiod generates per proxy,
     * and a gateway proxy gets other listeners and routes than a sidecar), {@code resources} to every other.
     */
    public synchronized String publish(XdsResources resources, Map<String, XdsResources> perNode) {
        String version = Long.toString(++generation);
        Map<String, Snapshot> snapshots = new java.util.HashMap<>();
        perNode.forEach((node, r) -> snapshots.put(node, snapshot(r, version)));
        watcher.publish(snapshot(resources, version), snapshots);
        return version;
    }

    private static Snapshot snapshot(XdsResources r, String version) {
        return Snapshot.create(r.clusters(), r.endpoints(), r.listeners(), r.routes(), List.of(), version);
    }

    /**
     * True when the proxy {@code nodeId} has ACKed {@code version} for every resource type it
     * subscribes to: the configuration is then what it routes by.
     */
    public boolean isLive(String nodeId, String version) {
        Map<String, String> byType = acked.get(nodeId);
        return byType != null && !byType.isEmpty() && byType.values().stream().allMatch(version::equals);
    }

    /** True once the proxy {@code nodeId} has sent this control plane a request (it is connected and subscribed). */
    public boolean hasSubscriber(String nodeId) {
        return acked.containsKey(nodeId);
    }

    public List<Nack> nacks() {
        return List.copyOf(nacks);
    }

    @Override
    public void close() {
        if (server != null) {
            server.shutdownNow();
            try {
                server.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private final class Callbacks implements DiscoveryServerCallbacks {
        @Override
        public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
            String node = request.getNode().getId();
            Map<String, String> byType = acked.computeIfAbsent(node, n -> new ConcurrentHashMap<>());
            if (request.hasErrorDetail()) {
                Nack nack = new Nack(node, request.getTypeUrl(), request.getResponseNonce(),
                        request.getErrorDetail().getMessage());
                nacks.add(nack);
                LOG.warning("proxy " + node + " rejected " + request.getTypeUrl() + ": " + nack.message());
            } else {
                // The first request of a type carries no version: it subscribes, and counts as not yet live.
                byType.put(request.getTypeUrl(), request.getVersionInfo());
            }
        }

        @Override
        public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {
        }

        @Override
        public void onStreamClose(long streamId, String typeUrl) {
        }
    }
}
