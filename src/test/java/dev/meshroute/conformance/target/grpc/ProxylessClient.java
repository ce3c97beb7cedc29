package dev.meshroute.conformance.target.grpc;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The client half of a proxyless gRPC target: a real xDS-enabled gRPC client library, which is the data plane.
 * {@link ProxylessGrpcTarget} owns the control plane and the pods and talks to the client only through this
 * interface, so a client in another process (grpc-js under Node.js, issue #6) plugs in with a driver that
 * forwards these calls, e.g. as JSON lines over the process's standard input and output.
 */
public interface ProxylessClient extends AutoCloseable {

    /** The library, e.g. {@code grpc-java}. */
    String name();

    /** The library's version as it reports it. */
    String version();

    /** Why this client cannot run here (e.g. its packages are not installed), or empty when it can. */
    default java.util.Optional<String> unavailable() {
        return java.util.Optional.empty();
    }

    /** What this client implements of the features' capabilities (see the README's per-target table). */
    Set<String> capabilities();

    /**
     * Descriptions of the client's own failures that name exactly one of Envoy's response flags, as patterns
     * searched in the status description ({@link RpcMapping#responseFlag}). Only unambiguous messages belong here.
     */
    Map<Pattern, String> responseFlags();

    /**
     * Points the client at the control plane: a bootstrap with {@code xds_servers} {@code 127.0.0.1:<xdsPort>},
     * node id {@code nodeId} (unique per run) and {@code node.metadata.NAMESPACE}. Called once, before any RPC.
     */
    void connect(int xdsPort, String nodeId, String namespace);

    /**
     * Closes every channel and waits until they are gone, so that the next RPC opens a new channel whose xDS
     * subscriptions start from the configuration served now. Called before each new configuration is published.
     */
    void reset();

    /** One unary RPC on the channel for {@code rpc.dialName()}, opened on first use, with {@code deadline}. */
    Rpc.Result call(Rpc rpc, Duration deadline);

    /** {@code count} copies of {@code rpc}, several in flight at once, results in order. */
    List<Rpc.Result> callMany(Rpc rpc, int count, Duration deadline);

    @Override
    void close();
}
