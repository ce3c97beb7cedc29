package dev.meshroute.reference.dataplane;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.Status;
import dev.meshroute.reference.mutants.Mutant;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The reference proxy's xDS client: one state-of-the-world ADS stream that follows LDS -> RDS and
 * CDS -> EDS like Envoy, and NACKs what it cannot compile, keeping the previous table.
 *
 * <p>Make-before-break: the route table is swapped, atomically, only once the accepted resources form one
 * consistent set: every type it needs (LDS, CDS, and RDS and EDS as LDS and CDS name them) at the same version
 * and no cluster still warming (waiting for its endpoints, however long: istiod's config sources carry an initial
 * fetch timeout of 0, which tells Envoy the same). A request is therefore routed by the old or by the new
 * configuration, never by a new route to a cluster the proxy does not know yet, nor by an old route to a cluster
 * the new CDS removed. The table is handed over before the ACK that completes the set, so once every type is
 * ACKed at a version the proxy routes by it.
 *
 * <p>When the stream fails the proxy keeps serving its last table and reconnects after a jittered, capped,
 * exponential {@link Backoff}. A rejected update is logged, NACKed once and kept in {@link #rejections()}.
 */
public final class AdsClient implements AutoCloseable {

    /** The largest xDS response the proxy accepts (one message holds a whole RDS or CDS). */
    static final int MAX_XDS_MESSAGE_BYTES = 256 * 1024 * 1024;

    static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";
    static final String RDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
    static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
    static final String EDS = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";

    private static final Logger LOG = Logger.getLogger(AdsClient.class.getName());

    private final String host;
    private final int port;
    private final Node node;
    private final int listenerPort;
    private final RandomSource random;
    private final Consumer<RouteTable> onTable;
    private final Mutant mutant;
    private final UpstreamClusters upstreams;
    /** A rejected (NACKed) update, as the proxy reported it to the control plane. */
    public record Rejection(String typeUrl, String version, String message) {
    }

    private final ScheduledExecutorService reconnects = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "meshroute-ads-reconnect");
        t.setDaemon(true);
        return t;
    });

    // Accepted state, touched only from the stream's callbacks (gRPC delivers them one at a time).
    private final Map<String, String> acceptedVersion = new HashMap<>();
    private final Map<String, String> lastNonce = new HashMap<>();
    private final Map<String, List<String>> subscribed = new HashMap<>();
    private Map<String, Listener> listeners = Map.of();
    private Map<String, RouteConfiguration> routes = Map.of();
    private Map<String, Cluster> clusters = Map.of();
    private Map<String, ClusterLoadAssignment> assignments = Map.of();
    /**
     * The route table compiled last (installed, or only checked when its RDS arrived): installing that RDS once
     * its version is complete takes over the virtual hosts compiled then instead of compiling them a second time.
     */
    private RouteTable lastCompiled;

    private volatile ManagedChannel channel;
    private volatile StreamObserver<DiscoveryRequest> requests;
    private volatile boolean closed;
    private boolean cdsAckPending;
    private final Backoff backoff;
    private final java.util.List<Rejection> rejections = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong requestsSent = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong responsesReceived = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong tablesInstalled = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.List<Long> reconnectDelays = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * @param listenerPort the listener this proxy serves: traffic for that service port is what it captures
     * @param onTable      receives each new route table; it must swap it in before returning
     */
    public AdsClient(String host, int port, String nodeId, int listenerPort, RandomSource random,
                     Consumer<RouteTable> onTable) {
        this(host, port, nodeId, listenerPort, random, onTable, Mutant.NONE);
    }

    /** As the other constructor, with a deliberate bug in the route tables it builds (tests only). */
    public AdsClient(String host, int port, String nodeId, int listenerPort, RandomSource random,
                     Consumer<RouteTable> onTable, Mutant mutant) {
        this.mutant = mutant;
        this.upstreams = new UpstreamClusters(() -> System.nanoTime() / 1_000_000, mutant);
        this.host = host;
        this.port = port;
        this.node = Node.newBuilder().setId(nodeId).setCluster("meshroute-reference").build();
        this.listenerPort = listenerPort;
        this.random = random;
        this.onTable = onTable;
        this.backoff = new Backoff(100, 10_000, random);
    }

    public AdsClient start() {
        // gRPC's default 4 MiB inbound limit is below one RDS of about 8,000 routes (with their metadata); Envoy
        // sets no such limit on its xDS stream, so neither does the proxy (a bounded 256 MiB).
        channel = NettyChannelBuilder.forAddress(host, port).usePlaintext()
                .maxInboundMessageSize(MAX_XDS_MESSAGE_BYTES).build();
        connect();
        return this;
    }

    private synchronized void connect() {
        if (closed) {
            return;
        }
        acceptedVersion.clear();
        lastNonce.clear();
        cdsAckPending = false;
        subscribed.clear();
        requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(new Responses());
        subscribe(LDS, List.of());
        subscribe(CDS, List.of());
    }

    private void subscribe(String typeUrl, List<String> names) {
        subscribed.put(typeUrl, names);
        send(DiscoveryRequest.newBuilder().setTypeUrl(typeUrl).addAllResourceNames(names), typeUrl);
    }

    private void send(DiscoveryRequest.Builder request, String typeUrl) {
        request.setNode(node)
                .setVersionInfo(acceptedVersion.getOrDefault(typeUrl, ""))
                .setResponseNonce(lastNonce.getOrDefault(typeUrl, ""));
        requestsSent.incrementAndGet();
        requests.onNext(request.build());
    }

    private final class Responses implements StreamObserver<DiscoveryResponse> {
        @Override
        public void onNext(DiscoveryResponse response) {
            synchronized (AdsClient.this) {
                responsesReceived.incrementAndGet();
                backoff.reset();
                handle(response);
            }
        }

        @Override
        public void onError(Throwable t) {
            reconnectLater("ADS stream failed: " + t.getMessage());
        }

        @Override
        public void onCompleted() {
            reconnectLater("ADS stream closed by the control plane");
        }
    }

    private synchronized void reconnectLater(String why) {
        if (closed) {
            return;
        }
        long delay = backoff.nextDelayMillis();
        reconnectDelays.add(delay);
        LOG.warning(why + "; keeping the last configuration and reconnecting in " + delay + " ms");
        reconnects.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private void handle(DiscoveryResponse response) {
        String type = response.getTypeUrl();
        lastNonce.put(type, response.getNonce());
        Map<String, Listener> nextListeners = listeners;
        Map<String, RouteConfiguration> nextRoutes = routes;
        Map<String, Cluster> nextClusters = clusters;
        Map<String, ClusterLoadAssignment> nextAssignments = assignments;
        String previousVersion = acceptedVersion.get(type);
        try {
            switch (type) {
                case LDS -> nextListeners = unpackAll(response, Listener.class, Listener::getName);
                case RDS -> nextRoutes = unpackAll(response, RouteConfiguration.class, RouteConfiguration::getName);
                case CDS -> nextClusters = unpackAll(response, Cluster.class, Cluster::getName);
                case EDS -> nextAssignments = unpackAll(response, ClusterLoadAssignment.class,
                        ClusterLoadAssignment::getClusterName);
                default -> throw new XdsRejection("unexpected resource type " + type);
            }
            acceptedVersion.put(type, response.getVersionInfo());
            RouteTable table;
            if (consistent(nextListeners, nextRoutes, nextClusters, nextAssignments)) {
                table = build(nextListeners, nextRoutes, nextClusters, nextAssignments);
            } else {
                // not swapped yet (make-before-break), but what this response brings must compile now, so that
                // a bad resource is NACKed as its own type
                check(type, nextListeners, nextRoutes);
                table = null;
            }
            listeners = nextListeners;
            routes = nextRoutes;
            clusters = nextClusters;
            assignments = nextAssignments;
            if (table != null) {
                onTable.accept(table);
                tablesInstalled.incrementAndGet();
            }
            if (type.equals(CDS)) {
                // Like Envoy's cluster warming: CDS is ACKed once every EDS cluster has its endpoints, so an
                // ACK of every type means the whole version is in the route table.
                cdsAckPending = true;
            } else {
                ack(type);
            }
        } catch (XdsRejection e) {
            if (previousVersion == null) {
                acceptedVersion.remove(type);
            } else {
                acceptedVersion.put(type, previousVersion);
            }
            LOG.warning("rejecting " + type + " version " + response.getVersionInfo() + ": " + e.getMessage()
                    + "; keeping the previous configuration");
            rejections.add(new Rejection(type, response.getVersionInfo(), e.getMessage()));
            send(DiscoveryRequest.newBuilder().setTypeUrl(type)
                    .addAllResourceNames(subscribed.getOrDefault(type, List.of()))
                    .setErrorDetail(Status.newBuilder().setCode(3).setMessage(e.getMessage())), type);
            return;
        }
        followDependencies();
        if (cdsAckPending && warmingClusters().isEmpty()) {
            cdsAckPending = false;
            ack(CDS);
        }
    }

    /**
     * True when the resources form one configuration the proxy may switch to: LDS and CDS, and RDS and EDS as far
     * as they are needed, all accepted at the same version on this stream (versions are forgotten on reconnect,
     * so nothing older counts), and every EDS cluster has its endpoints.
     */
    private boolean consistent(Map<String, Listener> ls, Map<String, RouteConfiguration> rs,
                               Map<String, Cluster> cs, Map<String, ClusterLoadAssignment> as) {
        String version = acceptedVersion.get(LDS);
        if (version == null || !version.equals(acceptedVersion.get(CDS))) {
            return false;
        }
        String rds = rdsName(ls);
        if (rds != null && (!version.equals(acceptedVersion.get(RDS)) || !rs.containsKey(rds))) {
            return false;
        }
        List<String> eds = edsNames(cs);
        return eds.isEmpty() || version.equals(acceptedVersion.get(EDS)) && as.keySet().containsAll(eds);
    }

    /** Compiles what a response of {@code type} brought (a listener's RDS name, a route configuration). */
    private void check(String type, Map<String, Listener> ls, Map<String, RouteConfiguration> rs) {
        if (type.equals(LDS)) {
            rdsName(ls);
        } else if (type.equals(RDS)) {
            for (RouteConfiguration config : rs.values()) {
                lastCompiled = RouteTable.compile(config, Map.of(), Map.of(), random, mutant, lastCompiled);
            }
        }
    }

    private void ack(String type) {
        send(DiscoveryRequest.newBuilder().setTypeUrl(type).addAllResourceNames(subscribed.get(type)), type);
    }

    /** EDS clusters whose endpoints have not arrived yet; Envoy does not route to them until they do. */
    private List<String> warmingClusters() {
        return edsNames(clusters).stream().filter(n -> !assignments.containsKey(n)).toList();
    }

    private static List<String> edsNames(Map<String, Cluster> cs) {
        return new ArrayList<>(new TreeSet<>(cs.values().stream()
                .filter(c -> c.getType() == Cluster.DiscoveryType.EDS)
                .map(c -> c.getEdsClusterConfig().getServiceName().isEmpty()
                        ? c.getName() : c.getEdsClusterConfig().getServiceName())
                .toList()));
    }

    /** LDS names the route configuration to fetch (RDS); CDS names the assignments to fetch (EDS). */
    private void followDependencies() {
        List<String> rds = rdsName(listeners) == null ? List.of() : List.of(rdsName(listeners));
        if (!rds.equals(subscribed.get(RDS)) && !rds.isEmpty()) {
            subscribe(RDS, rds);
        }
        List<String> eds = edsNames(clusters);
        if (!eds.equals(subscribed.get(EDS)) && !eds.isEmpty()) {
            subscribe(EDS, eds);
        }
    }

    private String rdsName(Map<String, Listener> ls) {
        for (Listener l : ls.values()) {
            if (l.getAddress().getSocketAddress().getPortValue() != listenerPort) {
                continue;
            }
            for (FilterChain chain : l.getFilterChainsList()) {
                for (Filter f : chain.getFiltersList()) {
                    if (f.getTypedConfig().is(HttpConnectionManager.class)) {
                        try {
                            return f.getTypedConfig().unpack(HttpConnectionManager.class).getRds().getRouteConfigName();
                        } catch (InvalidProtocolBufferException e) {
                            throw new XdsRejection("listener " + l.getName() + ": " + e.getMessage());
                        }
                    }
                }
            }
        }
        return null;
    }

    private RouteTable build(Map<String, Listener> ls, Map<String, RouteConfiguration> rs, Map<String, Cluster> cs,
                             Map<String, ClusterLoadAssignment> as) {
        String name = rdsName(ls);
        if (name == null) {
            // no listener on this proxy's port (any more): like Envoy, it routes nothing; never a stale table
            return RouteTable.compile(RouteConfiguration.getDefaultInstance(), List.of(), Map.of(), random, mutant);
        }
        RouteConfiguration config = rs.get(name);
        if (config == null) {
            return null; // not routable yet: the listener or its routes have not arrived
        }
        // A cluster still warming (no EDS answer yet) is not routable: requests to it get 503 NC, as on Envoy.
        List<Cluster> active = cs.values().stream()
                .filter(c -> c.getType() != Cluster.DiscoveryType.EDS || as.containsKey(
                        c.getEdsClusterConfig().getServiceName().isEmpty()
                                ? c.getName() : c.getEdsClusterConfig().getServiceName()))
                .toList();
        // Clusters keep their state (ejections, circuit breaker counts) while their CDS resource is unchanged.
        lastCompiled = RouteTable.compile(config, upstreams.update(active), as, random, mutant, lastCompiled);
        return lastCompiled;
    }

    /** Every update this proxy rejected (NACKed), oldest first. */
    public List<Rejection> rejections() {
        return List.copyOf(rejections);
    }

    /** DiscoveryRequests sent on every stream so far (subscriptions, ACKs, NACKs). */
    public long requestsSent() {
        return requestsSent.get();
    }

    /** DiscoveryResponses received on every stream so far. */
    public long responsesReceived() {
        return responsesReceived.get();
    }

    /** Route tables handed over so far. */
    public long tablesInstalled() {
        return tablesInstalled.get();
    }

    /** The delays chosen before each reconnect, oldest first (milliseconds). */
    public List<Long> reconnectDelays() {
        return List.copyOf(reconnectDelays);
    }

    private static <T extends com.google.protobuf.Message> Map<String, T> unpackAll(
            DiscoveryResponse response, Class<T> type, java.util.function.Function<T, String> name) {
        Map<String, T> out = new LinkedHashMap<>();
        for (Any any : response.getResourcesList()) {
            try {
                T value = any.unpack(type);
                out.put(name.apply(value), value);
            } catch (InvalidProtocolBufferException e) {
                throw new XdsRejection("cannot decode " + any.getTypeUrl() + ": " + e.getMessage());
            }
        }
        return out;
    }

    @Override
    public void close() {
        closed = true;
        reconnects.shutdownNow();
        if (requests != null) {
            try {
                requests.onCompleted();
            } catch (RuntimeException ignored) {
                // the stream may already be gone
            }
        }
        if (channel != null) {
            channel.shutdownNow();
        }
    }
}
