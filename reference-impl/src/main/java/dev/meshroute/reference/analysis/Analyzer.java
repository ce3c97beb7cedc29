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
import java.util.List;

/**
 * {@code istioctl analyze} for accepted configuration: messages that do not reject anything but
 * predict broken traffic, with Istio's codes and texts ({@code pkg/config/analysis/msg/messages.yaml}).
 */
public final class Analyzer {

    private Analyzer() {
    }

    public static List<Diagnostic> analyze(MeshConfig config) {
        ServiceRegistry registry = new ServiceRegistry(config, declaredPods(config));
        List<Diagnostic> out = new ArrayList<>();
        for (VirtualService vs : config.virtualServices()) {
            for (HttpRoute rule : vs.http()) {
                for (HttpRouteDestination rd : rule.route()) {
                    referencedSubset(vs, rd.destination(), registry, out);
                }
            }
        }
        for (DestinationRule dr : config.destinationRules()) {
            subsetsSelectPods(dr, registry, out);
        }
        return out;
    }

    /** IST0101 ReferencedResourceNotFound (analyzers/virtualservice/destinationrules.go, destinationhosts.go). */
    private static void referencedSubset(VirtualService vs, Destination d, ServiceRegistry registry,
                                         List<Diagnostic> out) {
        String fqdn = Hosts.resolve(d.host(), vs.meta().namespace());
        if (registry.service(fqdn).isEmpty()) {
            out.add(new Diagnostic(Diagnostic.Level.ERROR, "IST0101", vs.key(), d.location(),
                    "Referenced host not found: \"" + d.host() + "\""));
            return;
        }
        if (d.subset() != null && registry.subsets(fqdn).stream().noneMatch(s -> s.name().equals(d.subset()))) {
            out.add(new Diagnostic(Diagnostic.Level.ERROR, "IST0101", vs.key(), d.location(),
                    "Referenced host+subset in destinationrule not found: \"" + d.host() + "+" + d.subset() + "\""));
        }
    }

    /** IST0173 DestinationRuleSubsetNotSelectPods (analyzers/destinationrule/subset.go, Istio 1.27+). */
    private static void subsetsSelectPods(DestinationRule dr, ServiceRegistry registry, List<Diagnostic> out) {
        if (dr.host() == null) {
            return;
        }
        Service service = registry.service(Hosts.resolve(dr.host(), dr.meta().namespace())).orElse(null);
        if (service == null) {
            return; // IST0174 UnknownDestinationRuleHost comes with issue #5
        }
        for (Subset subset : dr.subsets()) {
            if (registry.endpoints(service, subset.labels()).isEmpty()) {
                out.add(new Diagnostic(Diagnostic.Level.ERROR, "IST0173", dr.key(), subset.location(),
                        "The Subset " + subset.name() + " defined in the DestinationRule does not select any pods."
                                + " Which may lead to 503 UH (NoHealthyUpstream)."));
            }
        }
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
