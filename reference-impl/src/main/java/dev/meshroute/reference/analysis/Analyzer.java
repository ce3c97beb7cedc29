package dev.meshroute.reference.analysis;

import dev.meshroute.reference.model.Destination;
import dev.meshroute.reference.model.DestinationRule;
import dev.meshroute.reference.model.Diagnostic;
import dev.meshroute.reference.model.Hosts;
import dev.meshroute.reference.model.HttpRoute;
import dev.meshroute.reference.model.HttpRouteDestination;
import dev.meshroute.reference.model.MeshConfig;
import dev.meshroute.reference.model.Service;
import dev.meshroute.reference.model.Subset;
import dev.meshroute.reference.model.VirtualService;
import dev.meshroute.reference.model.Workload;
import dev.meshroute.reference.registry.Pod;
import dev.meshroute.reference.registry.ServiceRegistry;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code istioctl analyze} for accepted configuration: messages that do not reject anything but
 * predict broken traffic, with Istio's codes and texts ({@code pkg/config/analysis/msg/messages.yaml}).
 */
public final class Analyzer {

    private Analyzer() {
    }

    public static List<Diagnostic> analyze(MeshConfig config) {
        return analyze(config, new Memo());
    }

    /**
     * The findings of each VirtualService of the last analysis, by identity: they depend on nothing but the
     * VirtualService and the rest of the configuration (Services, DestinationRules, workloads, Gateways), so while
     * that rest is equal a VirtualService object seen before (a reload reuses the resources of unchanged files) is
     * not analysed again. One analysis at a time.
     */
    public static final class Memo {
        private MeshConfig rest;
        private Map<VirtualService, List<Diagnostic>> findings = new IdentityHashMap<>();
    }

    /** As {@link #analyze(MeshConfig)}, reusing from {@code memo} the findings of unchanged VirtualServices. */
    public static List<Diagnostic> analyze(MeshConfig config, Memo memo) {
        MeshConfig rest = new MeshConfig(List.of(), config.destinationRules(), config.services(), config.workloads(),
                config.gateways());
        Map<VirtualService, List<Diagnostic>> before = rest.equals(memo.rest) ? memo.findings : Map.of();
        Map<VirtualService, List<Diagnostic>> now = new IdentityHashMap<>();
        ServiceRegistry registry = new ServiceRegistry(config, declaredPods(config));
        List<Diagnostic> out = new ArrayList<>();
        for (VirtualService vs : config.virtualServices()) {
            List<Diagnostic> found = before.get(vs);
            if (found == null) {
                found = new ArrayList<>();
                analyze(vs, registry, found);
            }
            now.put(vs, found);
            out.addAll(found);
        }
        memo.rest = rest;
        memo.findings = now;
        for (DestinationRule dr : config.destinationRules()) {
            subsetsSelectPods(dr, registry, out);
        }
        conflictingMeshGatewayHosts(config, out);
        return out;
    }

    private static void analyze(VirtualService vs, ServiceRegistry registry, List<Diagnostic> out) {
        for (HttpRoute rule : vs.http()) {
            for (HttpRouteDestination rd : rule.route()) {
                referencedSubset(vs, rd.destination(), registry, out, "");
            }
            for (var mirror : rule.allMirrors()) {
                if (mirror.destination() != null) {
                    referencedSubset(vs, mirror.destination(), registry, out, "mirror ");
                }
            }
        }
        UnreachableRules.analyze(vs, out);
    }

    /**
     * IST0101 ReferencedResourceNotFound (analyzers/virtualservice/destinationrules.go, destinationhosts.go), for a
     * route destination ({@code kind} "") or a mirror ({@code kind} "mirror ": "mirror host", "mirror+subset").
     */
    private static void referencedSubset(VirtualService vs, Destination d, ServiceRegistry registry,
                                         List<Diagnostic> out, String kind) {
        String fqdn = Hosts.resolve(d.host(), vs.meta().namespace());
        if (registry.service(fqdn).isEmpty()) {
            out.add(new Diagnostic(Diagnostic.Level.ERROR, "IST0101", vs.key(), d.location(),
                    "Referenced " + kind + "host not found: \"" + d.host() + "\""));
            return;
        }
        if (kind.isEmpty()) {
            destinationPort(vs, d, registry.service(fqdn).get(), out);
        }
        if (d.subset() != null && registry.subsets(fqdn).stream().noneMatch(s -> s.name().equals(d.subset()))) {
            out.add(new Diagnostic(Diagnostic.Level.ERROR, "IST0101", vs.key(), d.location(),
                    "Referenced " + (kind.isEmpty() ? "" : "mirror+") + (kind.isEmpty() ? "host+" : "")
                            + "subset in destinationrule not found: \"" + d.host() + "+" + d.subset() + "\""));
        }
    }

    /**
     * {@code checkServiceEntryPorts} (destinationhosts.go): without {@code destination.port}, a service with several
     * ports is IST0112 VirtualServiceDestinationPortSelectorRequired (the ports as Go prints an int slice); with a
     * port the service does not have, IST0101 for {@code host:port}.
     */
    private static void destinationPort(VirtualService vs, Destination d, Service service, List<Diagnostic> out) {
        List<Integer> ports = service.ports().stream().map(p -> p.port()).toList();
        if (d.port() == null) {
            if (ports.size() > 1) {
                out.add(new Diagnostic(Diagnostic.Level.ERROR, "IST0112", vs.key(), d.location(),
                        "This VirtualService routes to a service \"" + d.host() + "\" that exposes multiple ports "
                                + ports.stream().map(String::valueOf).collect(Collectors.joining(" ", "[", "]"))
                                + ". Specifying a port in the destination is required to disambiguate."));
            }
        } else if (!ports.contains(d.port())) {
            out.add(new Diagnostic(Diagnostic.Level.ERROR, "IST0101", vs.key(), d.location(),
                    "Referenced host:port not found: \"" + d.host() + ":" + d.port() + "\""));
        }
    }

    /**
     * IST0173 DestinationRuleSubsetNotSelectPods and IST0174 UnknownDestinationRuleHost
     * (analyzers/destinationrule/subset.go, Istio 1.27+). The host is looked up as {@code util.GetDestinationHost}
     * does with Kubernetes Services only: {@code ConvertHostToFQDN} in the DestinationRule's namespace, so a dotted
     * short name ({@code my-app.default}) or a wildcard host matches no Service and is IST0174.
     */
    private static void subsetsSelectPods(DestinationRule dr, ServiceRegistry registry, List<Diagnostic> out) {
        if (dr.host() == null) {
            return;
        }
        Service service = registry.service(convertHostToFqdn(dr.meta().namespace(), dr.host())).orElse(null);
        if (service == null) {
            out.add(new Diagnostic(Diagnostic.Level.WARNING, "IST0174", dr.key(), dr.location(),
                    "The host " + dr.host() + " defined in the DestinationRule does not match any services in the mesh."));
            return;
        }
        for (Subset subset : dr.subsets()) {
            if (registry.endpoints(service, subset.labels()).isEmpty()) {
                out.add(new Diagnostic(Diagnostic.Level.ERROR, "IST0173", dr.key(), subset.location(),
                        "The Subset " + subset.name() + " defined in the DestinationRule does not select any pods."
                                + " Which may lead to 503 UH (NoHealthyUpstream)."));
            }
        }
    }

    /**
     * IST0109 ConflictingMeshGatewayVirtualServiceHosts
     * ({@code pkg/config/analysis/analyzers/virtualservice/conflictingmeshgatewayhosts.go}): mesh VirtualServices are never merged (SEMANTICS.md 6.2), so two of them naming the same host is an error,
     * reported on every one of them (the first, which wins, included), each message naming them all in order.
     * Hosts are compared as {@code ConvertHostToFQDN} writes them: a short name expanded in the VirtualService's
     * namespace, anything with a dot or a wildcard verbatim (so {@code *.default.svc.cluster.local} and
     * {@code my-app} do not conflict). The scope is {@code *}: the reference reads no exportTo.
     */
    private static void conflictingMeshGatewayHosts(MeshConfig config, List<Diagnostic> out) {
        Map<String, List<VirtualService>> byHost = new LinkedHashMap<>();
        for (VirtualService vs : config.virtualServices()) {
            if (!vs.gateways().isEmpty() && !vs.gateways().contains("mesh")) {
                continue;
            }
            for (String host : vs.hosts()) {
                byHost.computeIfAbsent("*/" + convertHostToFqdn(vs.meta().namespace(), host), k -> new ArrayList<>())
                        .add(vs);
            }
        }
        byHost.forEach((scopedFqdn, list) -> {
            if (list.size() < 2) {
                return;
            }
            String names = list.stream().map(vs -> vs.meta().qualifiedName()).collect(Collectors.joining(","));
            for (VirtualService vs : list) {
                out.add(new Diagnostic(Diagnostic.Level.ERROR, "IST0109", vs.key(), vs.location(),
                        "The VirtualServices " + names + " associated with mesh gateway define the same host "
                                + scopedFqdn + " which can lead to undefined behavior. This can be fixed by merging"
                                + " the conflicting VirtualServices into a single resource."));
            }
        });
    }

    /** {@code util.ConvertHostToFQDN}: only a name without a dot and without a wildcard is expanded. */
    static String convertHostToFqdn(String namespace, String host) {
        return host.startsWith("*") || host.contains(".") ? host : Hosts.fqdn(host, namespace);
    }

    /** The pods the workloads will run, without addresses: analysis is static, like istioctl analyze on files. */
    private static List<Pod> declaredPods(MeshConfig config) {
        List<Pod> pods = new ArrayList<>();
        for (Workload w : config.workloads()) {
            if (w.replicas() > 0) {
                pods.add(new Pod(w.meta().name(), w.meta().namespace(), w.podLabels(), null));
            }
        }
        return pods;
    }
}
