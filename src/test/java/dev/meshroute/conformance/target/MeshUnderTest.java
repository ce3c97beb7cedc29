package dev.meshroute.conformance.target;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * An implementation the suite certifies: the only thing steps talk to. A target applies Istio YAML,
 * proves it live, and carries requests; it declares which capabilities it has, and a scenario that
 * needs an undeclared one is skipped with the reason, never passed.
 */
public interface MeshUnderTest extends AutoCloseable {

    /** What applying a configuration produced, and how long the target took to make it live. */
    record Applied(List<Finding> findings, Duration convergence) {
        public Applied {
            findings = List.copyOf(findings);
        }
    }

    String name();

    /**
     * Why this target cannot run here (for example "Docker is not available"), or empty when it can. Every
     * scenario on an unavailable target is skipped with this reason, and the run fails (see TargetAvailabilityIT).
     */
    default java.util.Optional<String> unavailable() {
        return java.util.Optional.empty();
    }

    /**
     * The names of the routes, in order, that the proxy holds for requests with this Host: the translation
     * itself, for targets with the {@code route-inspection} capability (empty list: no virtual host).
     */
    default List<String> routeNames(String host) {
        throw new UnsupportedOperationException(name() + " does not expose its routes (route-inspection)");
    }

    /**
     * The requests the running pods in {@code namespace} with all of {@code labels} have received, each as the pod
     * describes it (path, host, headers, ...), for targets with the {@code mirror} capability: a mirrored copy is
     * seen only by the pod it reaches.
     */
    default List<java.util.Map<String, Object>> receivedRequests(String namespace, java.util.Map<String, String> labels) {
        throw new UnsupportedOperationException(name() + " cannot show what its pods received (mirror)");
    }

    /**
     * Sends {@code request} to the mesh's ingress gateway (the proxy that Gateway resources with the selector
     * {@code istio: ingressgateway} configure, serving their port-80 servers), for targets with the
     * {@code gateway} capability.
     */
    default Exchange.Response sendToIngressGateway(Exchange.Request request) {
        throw new UnsupportedOperationException(name() + " has no ingress gateway (gateway)");
    }

    /** As {@link #routeNames}, for the ingress gateway: targets with {@code gateway} and {@code route-inspection}. */
    default List<String> ingressGatewayRouteNames(String host) {
        throw new UnsupportedOperationException(name() + " does not expose its ingress gateway's routes");
    }

    /**
     * The route this target's proxy would choose for {@code request} by the configuration it holds now, explained
     * in one line (virtual host, route name and position, clusters with weights), without sending it: for failure
     * diagnostics. Empty for targets that cannot tell (only the reference exposes its route table).
     */
    default java.util.Optional<String> explainRoute(Exchange.Request request) {
        return java.util.Optional.empty();
    }

    String version();

    Set<String> capabilities();

    /**
     * Replaces the configuration with {@code sources} (Istio resources, Services, Deployments and Pods;
     * the target runs the workloads) and returns once the new configuration is live.
     */
    Applied apply(List<ConfigSource> sources) throws Exception;

    /**
     * Sends {@code request} as an HTTP/1.0 request on a connection of its own, for targets with the {@code http10}
     * capability (a client whose request line says HTTP/1.0: the scenarios check how the sidecar treats it).
     */
    default Exchange.Response sendHttp10(Exchange.Request request) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot send HTTP/1.0 requests");
    }

    /** Validation and analysis of {@code sources} without applying them (as {@code istioctl analyze}). */
    List<Finding> analyze(List<ConfigSource> sources);

    Exchange.Response send(Exchange.Request request);

    /** Sends {@code request} {@code count} times, as fast as is sensible, and returns every response in order. */
    List<Exchange.Response> sendMany(Exchange.Request request, int count);

    /**
     * Sends {@code request} {@code count} times, each only after the previous answer arrived (no request in flight
     * when the next is routed), and returns every response in order.
     */
    default List<Exchange.Response> sendOneAtATime(Exchange.Request request, int count) {
        List<Exchange.Response> out = new java.util.ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(send(request));
        }
        return out;
    }

    @Override
    void close();
}
