package dev.meshroute.reference.check;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.util.JsonFormat;
import dev.meshroute.reference.config.ConfigLoader;
import dev.meshroute.reference.config.ConfigStore;
import dev.meshroute.reference.coverage.CoverageRecorder;
import dev.meshroute.reference.coverage.CoverageReport;
import dev.meshroute.reference.dataplane.HttpRequestHead;
import dev.meshroute.reference.dataplane.RouteObserver;
import dev.meshroute.reference.dataplane.RouteTable;
import dev.meshroute.reference.dataplane.XdsRejection;
import dev.meshroute.reference.model.Diagnostic;
import dev.meshroute.reference.model.MeshConfig;
import dev.meshroute.reference.model.Workload;
import dev.meshroute.reference.mutants.Mutant;
import dev.meshroute.reference.registry.Pod;
import dev.meshroute.reference.translate.ClientProxy;
import dev.meshroute.reference.translate.XdsResources;
import dev.meshroute.reference.translate.XdsTranslator;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The offline route check: requests answered by the reference proxy's route table, compiled from what the
 * control plane would send (Istio YAML -> validation -> {@link XdsTranslator} -> {@link RouteTable}) or from
 * an Envoy RouteConfiguration, without starting any server.
 */
public final class RouteCheck {

    /**
     * The header that carries a test's fixed random value to weighted routes (Envoy's
     * {@code weighted_clusters.header_name}, set by the translator's {@code randomValueHeader} option).
     */
    static final String RANDOM_VALUE_HEADER = "x-meshroute-random-value";

    private RouteCheck() {
    }

    /** Checks the meshroute tests in {@code testsFile} against the Istio configuration in {@code configDir}. */
    public static List<CheckResult> istio(Path configDir, Path testsFile) {
        List<MeshTestFile.Test> tests = MeshTestFile.parse(testsFile.toString(), read(testsFile));
        return istio(accepted(configDir), tests);
    }

    /** The results of a check and the route coverage of its tests over the configuration's VirtualServices. */
    public record Covered(List<CheckResult> results, CoverageReport coverage) {
    }

    /**
     * As {@link #istio(Path, Path)}, also recording which VirtualService rules, match entries and destinations the
     * tests' requests exercised (router_check_tool's {@code --fail-under} coverage, per Istio rule).
     */
    public static Covered istioWithCoverage(Path configDir, Path testsFile) {
        List<MeshTestFile.Test> tests = MeshTestFile.parse(testsFile.toString(), read(testsFile));
        MeshConfig config = accepted(configDir);
        CoverageRecorder recorder = new CoverageRecorder();
        List<CheckResult> results = istio(config, tests, recorder);
        return new Covered(results, new CoverageReport().add(CoverageReport.entries(config, recorder.drain(),
                vs -> true)));
    }

    private static MeshConfig accepted(Path configDir) {
        if (!Files.isDirectory(configDir)) {
            throw new CheckInputException(configDir + ": not a directory; pass --config DIR");
        }
        ConfigStore.Outcome outcome = new ConfigStore().apply(ConfigLoader.loadDirectory(configDir));
        List<String> errors = outcome.diagnostics().stream().filter(Diagnostic::isError).map(Object::toString)
                .toList();
        if (!errors.isEmpty()) {
            throw new CheckInputException("the configuration has errors; fix them first (validate DIR lists them):\n"
                    + String.join("\n", errors));
        }
        return outcome.config();
    }

    /** Checks parsed meshroute tests against an accepted configuration. */
    static List<CheckResult> istio(MeshConfig config, List<MeshTestFile.Test> tests) {
        return istio(config, tests, RouteObserver.NONE);
    }

    /** As {@link #istio(MeshConfig, List)}, reporting each route the tests reach to {@code observer}. */
    static List<CheckResult> istio(MeshConfig config, List<MeshTestFile.Test> tests, RouteObserver observer) {
        List<Pod> pods = pods(config);
        Map<ClientProxy, XdsResources> translations = new HashMap<>();
        Map<String, RouteTable> tables = new HashMap<>();
        List<CheckResult> results = new ArrayList<>();
        for (MeshTestFile.Test test : tests) {
            XdsResources x = translations.computeIfAbsent(test.client(), client -> XdsTranslator.translate(config,
                    pods, client, new XdsTranslator.Options(RANDOM_VALUE_HEADER, Mutant.NONE)));
            int port = test.request().port();
            RouteTable table = tables.computeIfAbsent(test.client() + "|" + port, k -> compile(x, port, test)
                    .observe(observer));
            results.add(MeshTestFile.compare(test, Observation.of(table, request(test.request()))));
        }
        return results;
    }

    private static RouteTable compile(XdsResources x, int port, MeshTestFile.Test test) {
        RouteConfiguration rc = x.routes().stream().filter(r -> r.getName().equals(String.valueOf(port)))
                .findFirst().orElseThrow(() -> new CheckInputException("test '" + test.name() + "' (line "
                        + test.line() + "): the client's sidecar has no HTTP routes for port " + port
                        + " (ports with routes: " + x.routes().stream().map(RouteConfiguration::getName).toList()
                        + ")"));
        Map<String, ClusterLoadAssignment> assignments = x.endpoints().stream()
                .collect(Collectors.toMap(ClusterLoadAssignment::getClusterName, Function.identity(), (a, b) -> a));
        return RouteTable.compile(rc, x.clusters().stream().map(Cluster::getName).toList(), assignments, () -> 0L);
    }

    /** The workloads' pods, as a kubelet would name them, each with a made-up address (never connected to). */
    static List<Pod> pods(MeshConfig config) {
        List<Pod> pods = new ArrayList<>();
        for (Workload w : config.workloads()) {
            for (int i = 0; i < w.replicas(); i++) {
                String name = w.kind().equals("Pod") ? w.meta().name() : w.meta().name() + "-" + i;
                int n = pods.size() + 1;
                pods.add(new Pod(name, w.meta().namespace(), w.podLabels(),
                        InetSocketAddress.createUnresolved("10.0." + n / 250 + "." + (n % 250 + 1), 8080)));
            }
        }
        return pods;
    }

    static HttpRequestHead request(MeshTestFile.Request r) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        headers.add(Map.entry("host", r.host()));
        r.headers().forEach((k, v) -> {
            if (!k.equals("host")) {
                headers.add(Map.entry(k, v));
            }
        });
        if (r.randomValue() != null) {
            headers.add(Map.entry(RANDOM_VALUE_HEADER, Long.toUnsignedString(r.randomValue())));
        }
        return new HttpRequestHead(r.method(), r.path(), r.host(), "http", headers);
    }

    /** Checks router_check_tool tests in {@code testsFile} against the Envoy RouteConfiguration in {@code routesFile}. */
    public static List<CheckResult> envoy(Path routesFile, Path testsFile) {
        List<EnvoyTestFile.Test> tests = EnvoyTestFile.parse(testsFile.toString(), read(testsFile));
        RouteConfiguration rc = routeConfiguration(routesFile.toString(), read(routesFile));
        return envoy(routesFile.toString(), rc, tests);
    }

    static List<CheckResult> envoy(String routesName, RouteConfiguration rc, List<EnvoyTestFile.Test> tests) {
        Set<String> clusters = clusters(rc);
        // router_check_tool reports the route's cluster without a cluster manager: every named cluster exists here
        Map<String, ClusterLoadAssignment> assignments = new HashMap<>();
        for (String c : clusters) {
            assignments.put(c, ClusterLoadAssignment.newBuilder().setClusterName(c)
                    .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder()
                            .setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder().setSocketAddress(
                                    SocketAddress.newBuilder().setAddress("127.0.0.1").setPortValue(9))))))
                    .build());
        }
        try {
            RouteTable.compile(rc, clusters, assignments, () -> 0L);
        } catch (XdsRejection e) {
            throw new CheckInputException(routesName + ": the route configuration is rejected: " + e.getMessage());
        }
        List<CheckResult> results = new ArrayList<>();
        for (EnvoyTestFile.Test test : tests) {
            long random = test.input().randomValue();
            // router_check_tool's random_value is the stream's random value: the weighted cluster is random % total
            RouteTable table = RouteTable.compile(rc, clusters, assignments, () -> random);
            results.add(EnvoyTestFile.compare(test, Observation.of(table, request(test.input()))));
        }
        return results;
    }

    static HttpRequestHead request(EnvoyTestFile.Input in) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        headers.add(Map.entry("host", in.authority()));
        headers.add(Map.entry("x-forwarded-proto", in.ssl() ? "https" : "http"));
        if (in.internal()) {
            headers.add(Map.entry("x-envoy-internal", "true"));
        }
        headers.addAll(in.headers());
        return new HttpRequestHead(in.method(), in.path(), in.authority(), in.ssl() ? "https" : "http", headers);
    }

    /** Every cluster a route names (single, weighted, mirrors). */
    static Set<String> clusters(RouteConfiguration rc) {
        Set<String> out = new LinkedHashSet<>();
        for (VirtualHost vh : rc.getVirtualHostsList()) {
            for (Route r : vh.getRoutesList()) {
                if (!r.hasRoute()) {
                    continue;
                }
                if (!r.getRoute().getCluster().isEmpty()) {
                    out.add(r.getRoute().getCluster());
                }
                for (WeightedCluster.ClusterWeight w : r.getRoute().getWeightedClusters().getClustersList()) {
                    out.add(w.getName());
                }
                r.getRoute().getRequestMirrorPoliciesList().forEach(m -> out.add(m.getCluster()));
            }
        }
        return out;
    }

    /** An Envoy v3 RouteConfiguration in YAML or JSON, read with protobuf's JSON mapping. */
    static RouteConfiguration routeConfiguration(String file, String text) {
        Object tree;
        try {
            tree = new Yaml(new LoaderOptions()).load(text);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 1;
            throw new CheckInputException(file + ":" + line + ": malformed YAML/JSON: " + e.getProblem());
        } catch (YAMLException e) {
            throw new CheckInputException(file + ": malformed YAML/JSON: " + e.getMessage());
        }
        if (!(tree instanceof Map<?, ?>)) {
            throw new CheckInputException(file + ": expected an Envoy RouteConfiguration (a mapping with"
                    + " virtual_hosts)");
        }
        RouteConfiguration.Builder rc = RouteConfiguration.newBuilder();
        try {
            JsonFormat.parser().merge(new ObjectMapper().writeValueAsString(tree), rc);
        } catch (IOException e) {
            throw new CheckInputException(file + ": not an Envoy v3 RouteConfiguration: " + e.getMessage());
        }
        if (rc.getVirtualHostsCount() == 0) {
            throw new CheckInputException(file + ": the route configuration has no virtual_hosts");
        }
        return rc.build();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CheckInputException(file + ": cannot read: " + e.getClass().getSimpleName()
                    + (e.getMessage() != null && !e.getMessage().equals(file.toString()) ? " " + e.getMessage() : ""));
        }
    }
}
