package dev.meshroute.reference.registry;

import dev.meshroute.reference.model.DestinationRule;
import dev.meshroute.reference.model.Hosts;
import dev.meshroute.reference.model.MeshConfig;
import dev.meshroute.reference.model.Service;
import dev.meshroute.reference.model.Subset;
import dev.meshroute.reference.model.TrafficPolicy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Services, their endpoints and their subsets, as istiod's service registry and push context see
 * them: a service selects the pods of its namespace by label, a subset narrows that further.
 */
public final class ServiceRegistry {

    private final Map<String, Service> servicesByHost = new LinkedHashMap<>();
    private final Map<String, List<Subset>> subsetsByHost = new LinkedHashMap<>();
    private final Map<String, TrafficPolicy> policiesByHost = new LinkedHashMap<>();
    private final List<Pod> pods;

    public ServiceRegistry(MeshConfig config, List<Pod> pods) {
        this.pods = List.copyOf(pods);
        for (Service s : config.services()) {
            servicesByHost.putIfAbsent(s.fqdn(), s);
        }
        // Several DestinationRules for one host merge their subsets; for a duplicate subset name the first
        // one wins (istiod: pilot/pkg/model/destination_rule.go mergeDestinationRule).
        for (DestinationRule dr : config.destinationRules()) {
            if (dr.host() == null) {
                continue;
            }
            List<Subset> merged = subsetsByHost.computeIfAbsent(Hosts.resolve(dr.host(), dr.meta().namespace()),
                    h -> new ArrayList<>());
            for (Subset s : dr.subsets()) {
                if (merged.stream().noneMatch(m -> m.name().equals(s.name()))) {
                    merged.add(s);
                }
            }
        }
        // The first non-nil top-level trafficPolicy wins wholesale; later ones are not field-merged into it
        // (SEMANTICS.md 3.4, mergeDestinationRule).
        for (DestinationRule dr : config.destinationRules()) {
            if (dr.host() != null && dr.trafficPolicy() != null) {
                policiesByHost.putIfAbsent(Hosts.resolve(dr.host(), dr.meta().namespace()), dr.trafficPolicy());
            }
        }
    }

    /** The top-level traffic policy of the DestinationRules for a host, or null when none sets one. */
    public TrafficPolicy trafficPolicy(String fqdn) {
        return policiesByHost.get(fqdn);
    }

    public List<Service> services() {
        return List.copyOf(servicesByHost.values());
    }

    public Optional<Service> service(String fqdn) {
        return Optional.ofNullable(servicesByHost.get(fqdn));
    }

    /** The subsets the DestinationRules define for a host (empty when none does). */
    public List<Subset> subsets(String fqdn) {
        return subsetsByHost.getOrDefault(fqdn, List.of());
    }

    /** The pods a service selects, narrowed by subset labels (empty map: the whole service). */
    public List<Pod> endpoints(Service service, Map<String, String> subsetLabels) {
        List<Pod> out = new ArrayList<>();
        if (service.selector().isEmpty()) {
            return out; // a Service without a selector has no pod endpoints
        }
        for (Pod pod : pods) {
            if (pod.namespace().equals(service.meta().namespace()) && pod.hasLabels(service.selector())
                    && pod.hasLabels(subsetLabels)) {
                out.add(pod);
            }
        }
        return out;
    }
}
