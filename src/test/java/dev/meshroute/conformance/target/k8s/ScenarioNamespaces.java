package dev.meshroute.conformance.target.k8s;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Per-scenario isolation on a shared cluster: every namespace a scenario names (and {@code default}) becomes a
 * fresh namespace {@code mr-<run>-<n>-<name>}, and the names inside Istio resources that refer to a namespace
 * (hosts {@code x.NS.svc.cluster.local}, {@code NS/x} gateway and sidecar references, exportTo, delegate and
 * sourceNamespace) are rewritten with it. The mesh's root namespace, {@code istio-system}, is shared and kept.
 */
public final class ScenarioNamespaces {

    public static final String ROOT = "istio-system";
    private static final Pattern FQDN = Pattern.compile("^(.+)\\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\\.svc\\.cluster\\.local$");
    private static final Pattern SLASHED = Pattern.compile("^([a-z0-9]([-a-z0-9]*[a-z0-9])?)/(.+)$");
    /** The fields whose values name a host or a namespace (VirtualService, DestinationRule, Gateway, Sidecar). */
    static final Set<String> NAMESPACED_FIELDS = Set.of("hosts", "host", "gateways", "exportTo", "namespace",
            "sourceNamespace");

    private final String prefix;
    private final Map<String, String> mapping = new LinkedHashMap<>();

    /** @param prefix for example {@code mr-1a2b3c-7}: the run and the scenario's sequence number */
    public ScenarioNamespaces(String prefix) {
        this.prefix = prefix;
    }

    /** The cluster namespace for the scenario's {@code namespace} (created on first use by the caller). */
    public String map(String namespace) {
        if (namespace == null || namespace.isEmpty()) {
            namespace = "default";
        }
        if (namespace.equals(ROOT)) {
            return ROOT;
        }
        return mapping.computeIfAbsent(namespace, ns -> {
            String name = prefix + "-" + ns;
            return name.length() <= 63 ? name : name.substring(0, 63).replaceAll("-+$", "");
        });
    }

    /** The scenario's namespaces mapped so far, scenario name to cluster name. */
    public Map<String, String> mapped() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(mapping));
    }

    /** The scenario's name for a cluster namespace, if this scenario created it. */
    public Optional<String> original(String clusterNamespace) {
        if (ROOT.equals(clusterNamespace)) {
            return Optional.of(ROOT);
        }
        return mapping.entrySet().stream().filter(e -> e.getValue().equals(clusterNamespace))
                .map(Map.Entry::getKey).findFirst();
    }

    /** Rewrites one value of a namespaced field, when it names one of {@code known} namespaces. */
    String rewrite(String field, String value, Set<String> known) {
        Matcher fqdn = FQDN.matcher(value);
        if (fqdn.matches() && known.contains(fqdn.group(2))) {
            return fqdn.group(1) + "." + map(fqdn.group(2)) + ".svc.cluster.local";
        }
        Matcher slashed = SLASHED.matcher(value);
        if (slashed.matches() && known.contains(slashed.group(1)) && !field.equals("host")) {
            return map(slashed.group(1)) + "/" + slashed.group(3);
        }
        if ((field.equals("exportTo") || field.equals("namespace") || field.equals("sourceNamespace"))
                && known.contains(value)) {
            return map(value);
        }
        return value;
    }

    /** Rewrites, in place, every namespaced field under {@code node} (a parsed YAML document's spec). */
    @SuppressWarnings("unchecked")
    void rewriteTree(Object node, String field, Set<String> known) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<String, Object> e : ((Map<String, Object>) map).entrySet()) {
                if (e.getValue() instanceof String s && NAMESPACED_FIELDS.contains(e.getKey())) {
                    e.setValue(rewrite(e.getKey(), s, known));
                } else {
                    rewriteTree(e.getValue(), e.getKey(), known);
                }
            }
        } else if (node instanceof java.util.List<?> list) {
            java.util.List<Object> l = (java.util.List<Object>) list;
            for (int i = 0; i < l.size(); i++) {
                if (l.get(i) instanceof String s && field != null && NAMESPACED_FIELDS.contains(field)) {
                    l.set(i, rewrite(field, s, known));
                } else {
                    rewriteTree(l.get(i), field, known);
                }
            }
        }
    }
}
