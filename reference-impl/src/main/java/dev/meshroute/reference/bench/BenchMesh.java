package dev.meshroute.reference.bench;

import dev.meshroute.reference.config.ConfigLoader;
import dev.meshroute.reference.dataplane.LeakDetection;
import dev.meshroute.reference.dataplane.RandomSource;
import dev.meshroute.reference.mesh.ReferenceMesh;
import dev.meshroute.reference.translate.XdsResources;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The reference mesh as the proxy benchmark runs it ({@code bench/proxy-vs-nginx.sh}): the control plane and the
 * sidecar proxy, serving a generated VirtualService of N prefix routes, whose one destination's endpoint is an
 * external backend (the one nginx proxies to as well) instead of the mesh's own echo pod.
 *
 * <p>The config goes the usual way (YAML, validation, translation to xDS, ADS); only the endpoint address in the
 * pushed EDS is replaced, as the Envoy target does for a container. Route {@code i} matches the prefix
 * {@code /r<i>/}; a request for {@code /r<N-1>/...} is routed by the last route, which a linear route table finds
 * only after trying every other one.
 *
 * <pre>java -cp meshroute-reference.jar dev.meshroute.reference.bench.BenchMesh ROUTES PROXY_PORT BACKEND_PORT</pre>
 *
 * It prints {@code ready} once the proxy has acknowledged the config, then runs until killed.
 */
public final class BenchMesh {

    /** The Host requests to the benchmark service carry. */
    public static final String HOST = "bench.default.svc.cluster.local";

    private BenchMesh() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 3) {
            System.err.println("usage: BenchMesh ROUTES PROXY_PORT BACKEND_PORT");
            System.exit(2);
        }
        LeakDetection.offUnlessAsked(); // as `meshroute-reference serve`
        int routes = Integer.parseInt(args[0]);
        ReferenceMesh mesh = start(routes, new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1])),
                new InetSocketAddress("127.0.0.1", Integer.parseInt(args[2])));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            mesh.close();
            stopped.countDown();
        }));
        System.out.println("ready: " + routes + " routes, proxy on 127.0.0.1:" + mesh.proxyPort()
                + ", request path " + lastPath(routes));
        stopped.await();
    }

    /** A request path the last of {@code routes} routes matches. */
    public static String lastPath(int routes) {
        return "/r" + (routes - 1) + "/bench";
    }

    /**
     * Starts the mesh with {@code routes} routes to {@code backend} and returns it once the proxy routes by them.
     *
     * @throws IllegalStateException if the config is rejected or the proxy does not ACK it within a minute
     */
    public static ReferenceMesh start(int routes, InetSocketAddress proxy, InetSocketAddress backend)
            throws InterruptedException {
        if (routes < 1) {
            throw new IllegalArgumentException("routes must be at least 1");
        }
        ReferenceMesh mesh = new ReferenceMesh(proxy, new InetSocketAddress("127.0.0.1", 0),
                RandomSource.THREAD_LOCAL);
        try {
            mesh.decorateXds(resources -> toBackend(resources, backend));
            ReferenceMesh.Applied applied = mesh.apply(ConfigLoader.loadText("bench.yaml", config(routes)));
            if (applied.hasErrors()) {
                throw new IllegalStateException("benchmark config rejected: " + applied.diagnostics());
            }
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!mesh.isLive(applied.version())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the proxy did not ACK the benchmark config within 60 s");
                }
                Thread.sleep(20);
            }
            return mesh;
        } catch (RuntimeException | InterruptedException e) {
            mesh.close();
            throw e;
        }
    }

    /** The benchmark's Service, its one pod, and a VirtualService of {@code routes} prefix routes. */
    static String config(int routes) {
        StringBuilder yaml = new StringBuilder("""
                apiVersion: v1
                kind: Service
                metadata: {name: bench, namespace: default}
                spec:
                  selector: {app: bench}
                  ports: [{name: http, port: 80, targetPort: 8080}]
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: bench, namespace: default}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: bench}}
                  template: {metadata: {labels: {app: bench}}}
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: bench, namespace: default}
                spec:
                  hosts: [bench.default.svc.cluster.local]
                  http:
                """);
        for (int i = 0; i < routes; i++) {
            yaml.append("  - name: r").append(i).append('\n')
                    .append("    match: [{uri: {prefix: /r").append(i).append("/}}]\n")
                    .append("    route: [{destination: {host: bench.default.svc.cluster.local}}]\n");
        }
        return yaml.toString();
    }

    /** The resources with every endpoint replaced by {@code backend}. */
    static XdsResources toBackend(XdsResources resources, InetSocketAddress backend) {
        Address address = Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
                .setAddress(backend.getHostString()).setPortValue(backend.getPort())).build();
        List<ClusterLoadAssignment> endpoints = resources.endpoints().stream().map(cla -> {
            ClusterLoadAssignment.Builder b = cla.toBuilder();
            for (LocalityLbEndpoints.Builder locality : b.getEndpointsBuilderList()) {
                for (LbEndpoint.Builder lb : locality.getLbEndpointsBuilderList()) {
                    lb.getEndpointBuilder().setAddress(address);
                }
            }
            return b.build();
        }).toList();
        return new XdsResources(resources.listeners(), resources.routes(), resources.clusters(), endpoints);
    }
}
