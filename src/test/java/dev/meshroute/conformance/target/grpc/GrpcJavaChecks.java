package dev.meshroute.conformance.target.grpc;

import dev.meshroute.conformance.target.ConfigSource;
import dev.meshroute.conformance.target.Exchange;
import dev.meshroute.conformance.target.MeshUnderTest;
import dev.meshroute.reference.translate.XdsResources;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.type.v3.Int64Range;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * Deviations of grpc-java shown in code rather than by a feature: a difference no feature exercises yet, or one no
 * Istio configuration can reach. Each check applies a configuration to the grpc-java target, sends RPCs, and returns
 * what grpc-java did while it still differs from Envoy; it throws AssertionError once it no longer does.
 */
public final class GrpcJavaChecks {

    private GrpcJavaChecks() {
    }

    /**
     * A uri prefix without ignoreUriCase: istiod leaves RouteMatch.case_sensitive unset, which Envoy reads as true
     * (route_components.proto: "Indicates that prefix/path matching should be case sensitive. The default is
     * true"); grpc-java reads the unset BoolValue as false and matches the path ignoring case.
     */
    public static String unsetCaseSensitiveIsFalse(MeshUnderTest target) {
        AtomicReference<Route> generated = new AtomicReference<>();
        apply(target, """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: my-app}
                spec:
                  hosts: [my-app]
                  http:
                  - match: [{uri: {prefix: /meshroute.Echo/}}]
                    route: [{destination: {host: my-app, subset: v2}}]
                  - route: [{destination: {host: my-app, subset: v1}}]
                """, resources -> {
                    firstRouteOf(resources, "my-app.default.svc.cluster.local").ifPresent(generated::set);
                    return resources;
                });
        Route route = generated.get();
        if (route == null || route.getMatch().hasCaseSensitive()) {
            throw new AssertionError("the translated route does not leave case_sensitive unset: " + route);
        }
        String exact = version(target, "/meshroute.Echo/Echo", List.of());
        String other = version(target, "/MESHROUTE.ECHO/Echo", List.of());
        if (!exact.equals("v2") || !other.equals("v2")) {
            throw new AssertionError("prefix /meshroute.Echo/ with case_sensitive unset: /meshroute.Echo/Echo -> "
                    + exact + ", /MESHROUTE.ECHO/Echo -> " + other + " (Envoy: v2, v1)");
        }
        return "prefix /meshroute.Echo/, case_sensitive unset: /MESHROUTE.ECHO/Echo -> v2 (Envoy: v1, no match)";
    }

    /**
     * A header range_match [10, 20) (xDS level: Istio's StringMatch has no range, so no VirtualService produces
     * one): Envoy's Int64Range is half-open, "[start, end)"; grpc-java's HeaderMatcher.Range takes
     * {@code start <= value && value <= end}.
     */
    public static String rangeMatchIncludesTheEnd(MeshUnderTest target) {
        apply(target, """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: my-app}
                spec:
                  hosts: [my-app]
                  http:
                  - match: [{headers: {x-n: {exact: RANGE}}}]
                    route: [{destination: {host: my-app, subset: v2}}]
                  - route: [{destination: {host: my-app, subset: v1}}]
                """, GrpcJavaChecks::exactRangeToRange10To20);
        String nine = version(target, "/", List.of(Map.entry("x-n", "9")));
        String ten = version(target, "/", List.of(Map.entry("x-n", "10")));
        String nineteen = version(target, "/", List.of(Map.entry("x-n", "19")));
        String twenty = version(target, "/", List.of(Map.entry("x-n", "20")));
        String observed = "range_match [10, 20): x-n 9 -> " + nine + ", 10 -> " + ten + ", 19 -> " + nineteen
                + ", 20 -> " + twenty;
        if (!nine.equals("v1") || !ten.equals("v2") || !nineteen.equals("v2") || !twenty.equals("v2")) {
            throw new AssertionError(observed + " (a deviation would give v1, v2, v2, v2; Envoy gives v1, v2, v2, v1)");
        }
        return observed + " (Envoy: 20 -> v1)";
    }

    static XdsResources exactRangeToRange10To20(XdsResources resources) {
        List<RouteConfiguration> routes = new ArrayList<>();
        for (RouteConfiguration rc : resources.routes()) {
            RouteConfiguration.Builder b = rc.toBuilder();
            for (VirtualHost.Builder vh : b.getVirtualHostsBuilderList()) {
                for (Route.Builder r : vh.getRoutesBuilderList()) {
                    for (HeaderMatcher.Builder h : r.getMatchBuilder().getHeadersBuilderList()) {
                        if (h.getName().equals("x-n") && h.getStringMatch().getExact().equals("RANGE")) {
                            h.clearStringMatch().setRangeMatch(Int64Range.newBuilder().setStart(10).setEnd(20));
                        }
                    }
                }
            }
            routes.add(b.build());
        }
        return new XdsResources(resources.listeners(), routes, resources.clusters(), resources.endpoints());
    }

    private static java.util.Optional<Route> firstRouteOf(XdsResources resources, String fqdn) {
        return resources.routes().stream()
                .filter(rc -> rc.getName().endsWith("||" + fqdn))
                .flatMap(rc -> rc.getVirtualHostsList().stream())
                .flatMap(vh -> vh.getRoutesList().stream())
                .findFirst();
    }

    private static void apply(MeshUnderTest target, String virtualService, UnaryOperator<XdsResources> edit) {
        if (!(target instanceof ProxylessGrpcTarget grpc)) {
            throw new IllegalArgumentException("a proxyless gRPC target's check, run on " + target.name());
        }
        List<ConfigSource> sources = new ArrayList<>();
        sources.add(fixture("guide/my-app-workloads.yaml"));
        sources.add(fixture("guide/my-app-dr.yaml"));
        sources.add(new ConfigSource("check.yaml", virtualService));
        grpc.apply(sources, edit);
    }

    private static ConfigSource fixture(String name) {
        Path root = Path.of(System.getProperty("meshroute.root", "."));
        try {
            return new ConfigSource("fixtures/" + name, Files.readString(root.resolve("fixtures").resolve(name)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The version label of the pod that answered, or the local reply as "status FLAG". */
    private static String version(MeshUnderTest target, String path, List<Map.Entry<String, String>> headers) {
        Exchange.Response r = target.send(new Exchange.Request("POST", path, "my-app", headers));
        return r.outcome();
    }
}
