package dev.meshroute.reference.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** An immutable set of accepted resources: what the control plane translates. */
public record MeshConfig(List<VirtualService> virtualServices, List<DestinationRule> destinationRules,
                         List<Service> services, List<Workload> workloads, List<Gateway> gateways) {

    public static final MeshConfig EMPTY = new MeshConfig(List.of(), List.of(), List.of(), List.of());

    public MeshConfig {
        virtualServices = List.copyOf(virtualServices);
        destinationRules = List.copyOf(destinationRules);
        services = List.copyOf(services);
        workloads = List.copyOf(workloads);
        gateways = List.copyOf(gateways);
    }

    /** A configuration without Gateways. */
    public MeshConfig(List<VirtualService> virtualServices, List<DestinationRule> destinationRules,
                      List<Service> services, List<Workload> workloads) {
        this(virtualServices, destinationRules, services, workloads, List.of());
    }

    /** Sorts resources into their kinds, keeping their order. */
    public static MeshConfig of(Collection<? extends Resource> resources) {
        List<VirtualService> vs = new ArrayList<>();
        List<DestinationRule> dr = new ArrayList<>();
        List<Service> svc = new ArrayList<>();
        List<Workload> wl = new ArrayList<>();
        List<Gateway> gw = new ArrayList<>();
        for (Resource r : resources) {
            // Java 17 has no pattern matching for switch; the interface is sealed to these five.
            if (r instanceof VirtualService v) {
                vs.add(v);
            } else if (r instanceof DestinationRule d) {
                dr.add(d);
            } else if (r instanceof Service s) {
                svc.add(s);
            } else if (r instanceof Workload w) {
                wl.add(w);
            } else if (r instanceof Gateway g) {
                gw.add(g);
            }
        }
        return new MeshConfig(vs, dr, svc, wl, gw);
    }
}
