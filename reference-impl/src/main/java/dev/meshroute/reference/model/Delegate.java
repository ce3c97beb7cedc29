package dev.meshroute.reference.model;

/**
 * Istio's {@code Delegate} on an HTTP rule of a root VirtualService: the rule is replaced by the rules of the
 * delegate VirtualService {@code namespace/name}. {@code namespace} is null when omitted (the root's namespace).
 */
public record Delegate(String name, String namespace, SourceLocation location) {

    /** The delegate's namespace: the one written, or else the root VirtualService's. */
    public String namespaceOr(String rootNamespace) {
        return namespace == null || namespace.isEmpty() ? rootNamespace : namespace;
    }
}
