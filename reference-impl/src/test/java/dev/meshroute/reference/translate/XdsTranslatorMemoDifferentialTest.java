package dev.meshroute.reference.translate;

import dev.meshroute.reference.analysis.Analyzer;
import dev.meshroute.reference.config.DirectoryLoader;
import dev.meshroute.reference.config.ConfigStore;
import dev.meshroute.reference.model.MeshConfig;
import dev.meshroute.reference.model.VirtualService;
import dev.meshroute.reference.model.Workload;
import dev.meshroute.reference.mutants.Mutant;
import dev.meshroute.reference.registry.Pod;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Incremental translation ({@link RouteMemo}) gives exactly what a translation from scratch gives (proto equality
 * of every resource), and incremental analysis ({@link Analyzer.Memo}) the same findings as a fresh one, at every
 * step of random sequences of config edits as a user makes them in a watched directory (one file per resource
 * group, so unchanged files keep their parsed objects, as {@code serve} reloads): a rule rewritten, added, removed
 * or moved; a VirtualService's hosts, namespace or name changed, one added or deleted; a delegate edited;
 * DestinationRule subsets and consistent hashes; Service ports; workload labels and replicas (the pods).
 * Fixed seeds; {@code -Dmeshroute.differential.sequences=N} runs more.
 */
class XdsTranslatorMemoDifferentialTest {

    private static final int SEQUENCES = Integer.getInteger("meshroute.differential.sequences", 40);
    private static final int STEPS = 30;

    private static final String[] HOSTS = {"my-app", "other", "my-app.default.svc.cluster.local", "*.default.svc.cluster.local",
            "example.com", "remote.team.svc.cluster.local"};
    private static final String[] DESTINATIONS = {"my-app", "other", "remote.team.svc.cluster.local", "nowhere"};
    private static final String[] SUBSETS = {null, "v1", "v2", "v3"};

    @TempDir
    Path dir;

    @Test
    void translateWithMemo_randomEditSequences_equalsTranslationFromScratch() throws IOException {
        Random random = new Random(20261130L);
        int reused = 0;
        int sameVirtualServices = 0;
        for (int sequence = 0; sequence < SEQUENCES; sequence++) {
            XdsTranslator.Options options = switch (sequence % 3) {
                case 0 -> XdsTranslator.Options.ISTIOD;
                case 1 -> new XdsTranslator.Options("x-random", Mutant.NONE);
                default -> new XdsTranslator.Options(null, Mutant.NO_CATCH_ALL_CUT);
            };
            World world = World.random(random);
            Path files = Files.createDirectory(dir.resolve("sequence-" + sequence));
            DirectoryLoader loader = new DirectoryLoader(files);
            ConfigStore store = new ConfigStore();
            RouteMemo memo = new RouteMemo();
            Analyzer.Memo analysis = new Analyzer.Memo();
            XdsResources before = null;
            Set<VirtualService> previousObjects = Collections.newSetFromMap(new IdentityHashMap<>());
            for (int step = 0; step < STEPS; step++) {
                if (step > 0) {
                    world.edit(random);
                }
                String yaml = world.writeTo(files);
                MeshConfig config = store.apply(loader.load()).config();
                int s0 = sequence;
                int t0 = step;
                assertEquals(Analyzer.analyze(config), Analyzer.analyze(config, analysis),
                        () -> "analysis, sequence " + s0 + " step " + t0 + ", config:\n" + yaml);
                for (VirtualService vs : config.virtualServices()) {
                    sameVirtualServices += previousObjects.contains(vs) ? 1 : 0;
                }
                previousObjects.clear();
                previousObjects.addAll(config.virtualServices());
                List<Pod> pods = pods(config);
                XdsResources scratch = XdsTranslator.translate(config, pods, ClientProxy.DEFAULT, options);
                XdsResources incremental = XdsTranslator.translate(config, pods, ClientProxy.DEFAULT, options, memo);
                int s = sequence;
                int t = step;
                assertEquals(scratch, incremental, () -> "sequence " + s + " step " + t + ", config:\n" + yaml);
                if (before != null) {
                    reused += sameInstances(before, incremental);
                }
                before = incremental;
            }
        }
        // the memo must actually have been used, or the comparison proves little
        assertTrue(reused > 1000, "routes reused from the previous step: " + reused);
        assertTrue(sameVirtualServices > 1000, "VirtualService objects kept from the previous step: "
                + sameVirtualServices);
    }

    /** How many routes of {@code next} are the very objects of {@code previous} (taken from the memo). */
    private static int sameInstances(XdsResources previous, XdsResources next) {
        Set<Route> earlier = Collections.newSetFromMap(new IdentityHashMap<>());
        for (RouteConfiguration rc : previous.routes()) {
            for (VirtualHost vh : rc.getVirtualHostsList()) {
                earlier.addAll(vh.getRoutesList());
            }
        }
        int n = 0;
        for (RouteConfiguration rc : next.routes()) {
            for (VirtualHost vh : rc.getVirtualHostsList()) {
                for (Route r : vh.getRoutesList()) {
                    n += earlier.contains(r) ? 1 : 0;
                }
            }
        }
        return n;
    }

    /** The pods a kubelet would run for the workloads, on unresolved addresses. */
    private static List<Pod> pods(MeshConfig config) {
        List<Pod> out = new ArrayList<>();
        int port = 20_000;
        for (Workload w : config.workloads()) {
            for (int i = 0; i < Math.min(3, w.replicas()); i++) {
                out.add(new Pod(w.meta().name() + "-" + i, w.meta().namespace(), w.podLabels(),
                        InetSocketAddress.createUnresolved("127.0.0.1", port++)));
            }
        }
        return out;
    }

    /** A configuration as editable parts, rendered to YAML; one rule per line, so an edit moves no other rule. */
    private static final class World {
        String myAppPorts;
        String otherPorts;
        String dr;
        final List<String> workloads = new ArrayList<>();
        final List<VsDoc> virtualServices = new ArrayList<>();
        VsDoc delegate;

        static World random(Random random) {
            World w = new World();
            w.myAppPorts = ports(random);
            w.otherPorts = ports(random);
            w.dr = destinationRule(random);
            w.workloads.add(deployment("my-app-v1", "my-app", "v1", 1 + random.nextInt(2)));
            w.workloads.add(deployment("my-app-v2", "my-app", "v2", random.nextInt(2)));
            w.workloads.add(deployment("other-v1", "other", "v1", 1));
            for (int i = 1 + random.nextInt(3); i > 0; i--) {
                w.virtualServices.add(VsDoc.random(random, "vs" + w.virtualServices.size()));
            }
            w.delegate = VsDoc.delegate(random);
            return w;
        }

        void edit(Random random) {
            VsDoc vs = virtualServices.isEmpty() ? null : virtualServices.get(random.nextInt(virtualServices.size()));
            switch (random.nextInt(16)) {
                case 0, 1, 2, 3 -> {
                    if (vs != null && !vs.rules.isEmpty()) {
                        vs.rules.set(random.nextInt(vs.rules.size()), rule(random));
                    }
                }
                case 4 -> {
                    if (vs != null) {
                        vs.rules.add(random.nextInt(vs.rules.size() + 1), rule(random));
                    }
                }
                case 5 -> {
                    if (vs != null && vs.rules.size() > 1) {
                        vs.rules.remove(random.nextInt(vs.rules.size()));
                    }
                }
                case 6 -> {
                    if (vs != null && vs.rules.size() > 1) {
                        Collections.swap(vs.rules, random.nextInt(vs.rules.size()), random.nextInt(vs.rules.size()));
                    }
                }
                case 7 -> {
                    if (vs != null) {
                        vs.hosts = randomHosts(random);
                    }
                }
                case 8 -> {
                    if (vs != null) {
                        vs.namespace = random.nextInt(4) == 0 ? "team" : "default";
                    }
                }
                case 9 -> virtualServices.add(random.nextInt(virtualServices.size() + 1),
                        VsDoc.random(random, "vs" + random.nextInt(6)));
                case 10 -> {
                    if (virtualServices.size() > 1) {
                        virtualServices.remove(random.nextInt(virtualServices.size()));
                    }
                }
                case 11 -> delegate.rules.set(random.nextInt(delegate.rules.size()), rule(random));
                case 12 -> dr = destinationRule(random);
                case 13 -> {
                    if (random.nextBoolean()) {
                        myAppPorts = ports(random);
                    } else {
                        otherPorts = ports(random);
                    }
                }
                case 14 -> workloads.set(random.nextInt(2), random.nextBoolean()
                        ? deployment("my-app-v" + (1 + random.nextInt(2)), "my-app", "v" + (1 + random.nextInt(3)),
                        random.nextInt(3))
                        : deployment("my-app-v2", "my-app", "v2", random.nextInt(3)));
                default -> {
                    if (vs != null) {
                        vs.name = "vs" + random.nextInt(6);
                    }
                }
            }
        }

        /** Writes one file per resource group (one per VirtualService) and removes the others; returns them all. */
        String writeTo(Path dir) throws IOException {
            Map<String, String> files = new java.util.TreeMap<>();
            files.put("services.yaml", String.join("---\n", service("my-app", myAppPorts), service("other", otherPorts),
                    service("remote", "[{name: http, port: 80}]").replace("namespace: default", "namespace: team")));
            files.put("destination-rule.yaml", dr);
            files.put("workloads.yaml", String.join("---\n", workloads));
            virtualServices.forEach(v -> files.put("vs-" + v.id + ".yaml", v.yaml()));
            files.put("delegate.yaml", delegate.yaml());
            try (var existing = Files.list(dir)) {
                for (Path p : existing.toList()) {
                    if (!files.containsKey(p.getFileName().toString())) {
                        Files.delete(p);
                    }
                }
            }
            StringBuilder all = new StringBuilder();
            for (Map.Entry<String, String> f : files.entrySet()) {
                Files.writeString(dir.resolve(f.getKey()), f.getValue());
                all.append("# ").append(f.getKey()).append('\n').append(f.getValue());
            }
            return all.toString();
        }

        private static String ports(Random random) {
            return switch (random.nextInt(3)) {
                case 0 -> "[{name: http, port: 80}]";
                case 1 -> "[{name: http, port: 80}, {name: http-alt, port: 9080}]";
                default -> "[{name: http-alt, port: 9080}]";
            };
        }

        private static String service(String name, String ports) {
            return """
                    apiVersion: v1
                    kind: Service
                    metadata: {name: %s, namespace: default}
                    spec:
                      selector: {app: %s}
                      ports: %s
                    """.formatted(name, name.equals("remote") ? "my-app" : name, ports);
        }

        private static String deployment(String name, String app, String version, int replicas) {
            return """
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: %s, namespace: default}
                    spec:
                      replicas: %d
                      selector: {matchLabels: {app: %s, version: %s}}
                      template: {metadata: {labels: {app: %s, version: %s}}}
                    """.formatted(name, replicas, app, version, app, version);
        }

        private static String destinationRule(Random random) {
            String policy = switch (random.nextInt(3)) {
                case 0 -> "";
                case 1 -> "  trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: x-user}}}\n";
                default -> "  trafficPolicy: {loadBalancer: {simple: RANDOM}}\n";
            };
            StringBuilder subsets = new StringBuilder();
            for (String v : List.of("v1", "v2")) {
                if (random.nextInt(4) != 0) {
                    subsets.append("  - {name: ").append(v).append(", labels: {version: ").append(v).append("}}\n");
                }
            }
            return """
                    apiVersion: networking.istio.io/v1
                    kind: DestinationRule
                    metadata: {name: my-app-dr, namespace: default}
                    spec:
                      host: my-app.default.svc.cluster.local
                    %s  subsets:
                    %s""".formatted(policy, subsets.isEmpty() ? "  - {name: v1, labels: {version: v1}}\n" : subsets);
        }

        private static List<String> randomHosts(Random random) {
            List<String> hosts = new ArrayList<>();
            for (int i = 1 + random.nextInt(2); i > 0; i--) {
                String h = HOSTS[random.nextInt(HOSTS.length)];
                if (!hosts.contains(h)) {
                    hosts.add(h);
                }
            }
            return hosts;
        }

        /** One {@code http} rule, in flow style on one line. */
        static String rule(Random random) {
            StringBuilder r = new StringBuilder("{name: r").append(random.nextInt(5));
            if (random.nextInt(5) != 0) {
                List<String> matches = new ArrayList<>();
                for (int i = 1 + random.nextInt(2); i > 0; i--) {
                    String uri = switch (random.nextInt(4)) {
                        case 0 -> "{exact: /a" + random.nextInt(3) + "}";
                        case 1 -> "{prefix: /" + (random.nextBoolean() ? "" : "p" + random.nextInt(3)) + "}";
                        case 2 -> "{regex: \"/r[0-9]+\"}";
                        default -> null;
                    };
                    List<String> parts = new ArrayList<>();
                    if (uri != null) {
                        parts.add("uri: " + uri);
                    }
                    if (random.nextInt(4) == 0) {
                        parts.add("headers: {x-env: {exact: e" + random.nextInt(2) + "}}");
                    }
                    if (random.nextInt(6) == 0) {
                        parts.add("port: " + (random.nextBoolean() ? 80 : 9080));
                    }
                    if (random.nextInt(8) == 0) {
                        parts.add("sourceLabels: {app: " + (random.nextBoolean() ? "meshroute-client" : "x") + "}");
                    }
                    matches.add("{" + String.join(", ", parts) + "}");
                }
                r.append(", match: [").append(String.join(", ", matches)).append("]");
            }
            switch (random.nextInt(8)) {
                case 0 -> r.append(", redirect: {uri: /moved}");
                case 1 -> r.append(", directResponse: {status: 418}");
                default -> {
                    int n = 1 + random.nextInt(2);
                    List<String> dests = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        String subset = SUBSETS[random.nextInt(SUBSETS.length)];
                        dests.add("{destination: {host: " + DESTINATIONS[random.nextInt(DESTINATIONS.length)]
                                + (subset == null ? "" : ", subset: " + subset) + "}"
                                + (n > 1 ? ", weight: " + (i == 0 ? 30 : 70) : "") + "}");
                    }
                    r.append(", route: [").append(String.join(", ", dests)).append("]");
                    if (random.nextInt(4) == 0) {
                        r.append(", timeout: ").append(1 + random.nextInt(3)).append("s");
                    }
                    if (random.nextInt(4) == 0) {
                        r.append(", retries: {attempts: ").append(random.nextInt(4)).append("}");
                    }
                    if (random.nextInt(6) == 0) {
                        r.append(", mirror: {host: other}");
                    }
                }
            }
            return r.append("}").toString();
        }
    }

    /** A VirtualService as editable parts. */
    private static final class VsDoc {
        private static int nextId;
        final int id = nextId++;
        String name;
        String namespace = "default";
        List<String> hosts;
        final List<String> rules = new ArrayList<>();
        boolean isDelegate;

        static VsDoc random(Random random, String name) {
            VsDoc vs = new VsDoc();
            vs.name = name;
            vs.hosts = World.randomHosts(random);
            for (int i = 1 + random.nextInt(6); i > 0; i--) {
                vs.rules.add(World.rule(random));
            }
            if (random.nextInt(3) == 0) {
                vs.rules.add(random.nextInt(vs.rules.size() + 1),
                        "{name: d, match: [{uri: {prefix: /team}}], delegate: {name: team-routes, namespace: team}}");
            }
            return vs;
        }

        static VsDoc delegate(Random random) {
            VsDoc vs = new VsDoc();
            vs.name = "team-routes";
            vs.namespace = "team";
            vs.hosts = List.of();
            vs.isDelegate = true;
            for (int i = 0; i < 3; i++) {
                vs.rules.add(World.rule(random).replace("{exact: /a", "{exact: /team/a")
                        .replace("{prefix: /", "{prefix: /team/"));
            }
            return vs;
        }

        String yaml() {
            StringBuilder b = new StringBuilder("""
                    apiVersion: networking.istio.io/v1
                    kind: VirtualService
                    metadata: {name: %s, namespace: %s}
                    spec:
                      hosts: [%s]
                      http:
                    """.formatted(name, namespace, String.join(", ", hosts)));
            rules.forEach(r -> b.append("  - ").append(r).append('\n'));
            return b.toString();
        }
    }
}
