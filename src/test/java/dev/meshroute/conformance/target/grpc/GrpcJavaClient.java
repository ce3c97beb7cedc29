package dev.meshroute.conformance.target.grpc;

import com.google.common.util.concurrent.ListenableFuture;
import dev.meshroute.reference.workloads.GrpcEchoServer;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.internal.GrpcUtil;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * grpc-java's xDS client ({@code io.grpc:grpc-xds}) as the data plane: one {@link ManagedChannel} per dial name,
 * {@code xds:///<dialName>}, in this JVM. Route matching, weighted cluster choice and endpoint picking are all
 * grpc-java's; this class only makes the calls.
 *
 * <p>Bootstrap: grpc-java 1.85 reads it from {@code GRPC_XDS_BOOTSTRAP} (a file), the system property
 * {@code io.grpc.xds.bootstrap} (a file), {@code GRPC_XDS_BOOTSTRAP_CONFIG} (JSON), then the system property
 * {@code io.grpc.xds.bootstrapConfig} (JSON), in that order, and only once per JVM
 * ({@code GrpcBootstrapperImpl.getJsonContent}, {@code defaultBootstrap}). This client sets the last one, so one
 * JVM can hold one grpc-java target.
 *
 * <p>Metadata: keys the scenario writes become ASCII metadata keys. grpc-java routes on the metadata the caller
 * attached, before its transport replaces reserved keys: a {@code user-agent} the caller sets is what a route's
 * header condition sees, while the wire carries grpc-java's own user agent (netty {@code Utils.convertClientHeaders}
 * discards the caller's). Pseudo-headers ({@code :authority}, {@code :method}, {@code :scheme}) are never visible
 * to grpc-java's route matching ({@code RoutingUtils.getHeaderValue}: not valid metadata keys, so absent), and
 * {@code content-type} always reads {@code application/grpc}.
 */
public final class GrpcJavaClient implements ProxylessClient {

    static final String BOOTSTRAP_PROPERTY = "io.grpc.xds.bootstrapConfig";
    private static final int IN_FLIGHT = 32;

    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final Map<String, MethodDescriptor<byte[], byte[]>> methods = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "grpc-java";
    }

    @Override
    public String version() {
        return GrpcUtil.IMPLEMENTATION_VERSION;
    }

    @Override
    public Set<String> capabilities() {
        return Set.of("rule-order", "header-regex", "weights", "missing-subset", "matches", "present-header",
                "without-headers", "source-selectors", "delegate");
    }

    /**
     * grpc-java 1.85's own failure messages that name one Envoy flag each:
     * <ul>
     *   <li>NR: {@code XdsNameResolver} ConfigSelector, no route matched: "Could not find xDS route matching RPC";</li>
     *   <li>NC: {@code XdsDependencyManager} "Error retrieving CDS resource NAME ...: NOT_FOUND: ..." - the client
     *   concluded the cluster does not exist ({@code XdsClientImpl} onAbsent: "Timed out waiting for resource" or
     *   "Resource NAME does not exist", both NOT_FOUND unless the server feature
     *   {@code resource_timer_is_transient_failure} makes the timeout UNAVAILABLE, which this bootstrap does not
     *   set);</li>
     *   <li>UH: {@code CdsLoadBalancer2}, the cluster has no endpoint: "No usable endpoint from cluster: NAME".</li>
     * </ul>
     */
    @Override
    public Map<Pattern, String> responseFlags() {
        Map<Pattern, String> flags = new LinkedHashMap<>();
        flags.put(Pattern.compile("^Could not find xDS route matching RPC$"), "NR");
        flags.put(Pattern.compile("^Error retrieving CDS resource \\S+ .*: NOT_FOUND: "), "NC");
        flags.put(Pattern.compile("^No usable endpoint from cluster: "), "UH");
        return flags;
    }

    @Override
    public void connect(int xdsPort, String nodeId, String namespace) {
        if (System.getenv("GRPC_XDS_BOOTSTRAP") != null || System.getenv("GRPC_XDS_BOOTSTRAP_CONFIG") != null
                || System.getProperty("io.grpc.xds.bootstrap") != null) {
            throw new IllegalStateException("GRPC_XDS_BOOTSTRAP, GRPC_XDS_BOOTSTRAP_CONFIG or io.grpc.xds.bootstrap"
                    + " is set, and grpc-java would read it before the bootstrap this target passes; unset it");
        }
        String bootstrap = bootstrap(xdsPort, nodeId, namespace);
        String earlier = System.getProperty(BOOTSTRAP_PROPERTY);
        if (earlier != null && !earlier.equals(bootstrap)) {
            throw new IllegalStateException("grpc-java reads its bootstrap once per JVM, and this JVM already has"
                    + " one: a second grpc-java target cannot start here");
        }
        System.setProperty(BOOTSTRAP_PROPERTY, bootstrap);
    }

    /** The bootstrap JSON: one xDS server over plaintext, xDS v3, and the node. */
    static String bootstrap(int xdsPort, String nodeId, String namespace) {
        return """
                {"xds_servers": [{"server_uri": "127.0.0.1:%d", "channel_creds": [{"type": "insecure"}],
                  "server_features": ["xds_v3"]}],
                 "node": {"id": "%s", "cluster": "meshroute-client", "locality": {},
                  "metadata": {"NAMESPACE": "%s", "GENERATOR": "grpc"}}}
                """.formatted(xdsPort, nodeId, namespace);
    }

    @Override
    public void reset() {
        List<ManagedChannel> open = new ArrayList<>(channels.values());
        channels.clear();
        open.forEach(ManagedChannel::shutdownNow);
        for (ManagedChannel c : open) {
            try {
                if (!c.awaitTermination(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("a grpc-java channel did not terminate within 10 s: " + c);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private ManagedChannel channel(String dialName) {
        return channels.computeIfAbsent(dialName,
                n -> Grpc.newChannelBuilder("xds:///" + n, InsecureChannelCredentials.create()).build());
    }

    private MethodDescriptor<byte[], byte[]> method(String fullMethodName) {
        return methods.computeIfAbsent(fullMethodName, n -> MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(n)
                .setRequestMarshaller(GrpcEchoServer.BYTES)
                .setResponseMarshaller(GrpcEchoServer.BYTES)
                .build());
    }

    private Channel withMetadata(Rpc rpc) {
        Metadata md = new Metadata();
        for (Map.Entry<String, String> e : rpc.metadata()) {
            md.put(Metadata.Key.of(e.getKey(), Metadata.ASCII_STRING_MARSHALLER), e.getValue());
        }
        return ClientInterceptors.intercept(channel(rpc.dialName()), MetadataUtils.newAttachHeadersInterceptor(md));
    }

    @Override
    public Rpc.Result call(Rpc rpc, Duration deadline) {
        try {
            byte[] reply = ClientCalls.blockingUnaryCall(withMetadata(rpc), method(rpc.fullMethodName()),
                    CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS), new byte[0]);
            return new Rpc.Result("OK", null, reply);
        } catch (RuntimeException e) {
            return failure(e);
        }
    }

    @Override
    public List<Rpc.Result> callMany(Rpc rpc, int count, Duration deadline) {
        Channel channel = withMetadata(rpc);
        MethodDescriptor<byte[], byte[]> method = method(rpc.fullMethodName());
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        List<ListenableFuture<byte[]>> futures = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            inFlight.acquireUninterruptibly();
            ListenableFuture<byte[]> f = ClientCalls.futureUnaryCall(channel.newCall(method,
                    CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)), new byte[0]);
            f.addListener(inFlight::release, Runnable::run);
            futures.add(f);
        }
        List<Rpc.Result> results = new ArrayList<>(count);
        for (ListenableFuture<byte[]> f : futures) {
            try {
                results.add(new Rpc.Result("OK", null, f.get()));
            } catch (ExecutionException e) {
                results.add(failure(e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return results;
    }

    private static Rpc.Result failure(Throwable t) {
        Status s = Status.fromThrowable(t);
        return new Rpc.Result(s.getCode().name(), s.getDescription(), null);
    }

    @Override
    public void close() {
        reset();
    }
}
