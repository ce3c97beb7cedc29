package dev.meshroute.reference.model;

/** A configuration object read from YAML: Istio networking resources and Kubernetes workloads. */
public sealed interface Resource permits VirtualService, DestinationRule, Gateway, Service, Workload {

    /** The Kubernetes kind, e.g. {@code VirtualService}. */
    String kind();

    ObjectMeta meta();

    /** Where the resource starts in its file. */
    SourceLocation location();

    /** The identity of a resource across reloads: kind, namespace and name. */
    default String key() {
        return kind() + " " + meta().qualifiedName();
    }
}
