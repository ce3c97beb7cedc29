package dev.meshroute.reference.registry;

import dev.meshroute.reference.model.DestinationRule;
import dev.meshroute.reference.model.Hosts;
import dev.meshroute.reference.model.Service;
import dev.meshroute.reference.model.Subset;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which DestinationRule a client sidecar uses for a service, as istiod decides it (SEMANTICS.md 3.4-3.6):
 * {@code push_context.go} {@code setDestinationRules} / {@code destinationRule} /
 * {@code getExportedDestinationRuleFromNamespace}, {@code destination_rule.go} {@code mergeDestinationRule},
 * {@code sidecar.go} {@code SidecarScope.DestinationRule}.
 * <ul>
 *   <li>Order: by {@code metadata.creationTimestamp} (none = the zero time, so before any stated time, as Go
 *       compares), then name, then namespace ({@code sortConfigBySelectorAndCreationTime}). Without timestamps in
 *       the YAML the name decides, as it does in a cluster for rules created in the same second.</li>
 *   <li>Merge: rules of one namespace for one host (resolved in the rule's namespace; a dotted name is verbatim)
 *       with equal {@code exportTo} sets merge: subsets are a union by name, the first rule's subset wins a
 *       duplicate name. Rules whose {@code exportTo} differ stay apart ({@code ENABLE_ENHANCED_DESTINATIONRULE_MERGE},
 *       on by default), with Istio's superset quirk kept.</li>
 *   <li>Lookup for a client: (1) the rules of the client's namespace that are visible there ({@code .}, {@code *},
 *       the namespace itself, or no exportTo); else (2) the rules of the service's namespace exported to the
 *       client; else (3) those of the root namespace {@code istio-system}. The first level with a host match is
 *       used alone, even if its rule has no subsets (istio/istio#30080); the most specific host wins within a
 *       level (exact, then the longest wildcard). Of several unmerged rules found, the LAST one is used
 *       ({@code SidecarScope.DestinationRule} keeps overwriting its catch-all).</li>
 * </ul>
 * Top-level traffic policies ("the first non-nil wins wholesale") are not modelled here yet.
 */
public final class DestinationRuleIndex {

    public static final String ROOT_NAMESPACE = "istio-system";

    /** Rules merged for one host, as {@code ConsolidatedDestRule}. */
    public static final class Consolidated {
        private final String host;
        private final Set<String> exportTo;
        private final List<Subset> subsets = new ArrayList<>();
        private final List<DestinationRule> from = new ArrayList<>();

        private Consolidated(String host, DestinationRule first, Set<String> exportTo) {
            this.host = host;
            this.exportTo = exportTo;
            merge(first);
        }

        private void merge(DestinationRule rule) {
            // the top-level trafficPolicy is the first rule's that has one, wholesale (trafficPolicy()); subset-level
            // policies travel with their Subset
            from.add(rule);
            for (Subset s : rule.subsets()) {
                if (subsets.stream().noneMatch(m -> m.name().equals(s.name()))) {
                    subsets.add(s);
                }
            }
        }

        public String host() {
            return host;
        }

        public List<Subset> subsets() {
            return List.copyOf(subsets);
        }

        /**
         * The top-level traffic policy: the first (oldest) merged rule's that has one, taken whole
         * (mergeDestinationRule: "only adopt the incoming top level policy when the merged rule does not have one
         * yet"; SEMANTICS.md 3.4); null when none has.
         */
        public dev.meshroute.reference.model.TrafficPolicy trafficPolicy() {
            return from.stream().map(DestinationRule::trafficPolicy).filter(java.util.Objects::nonNull).findFirst()
                    .orElse(null);
        }

        /** The rules merged into this one, oldest first. */
        public List<DestinationRule> from() {
            return List.copyOf(from);
        }

        boolean exportedTo(String namespace) {
            return exportTo.isEmpty() || exportTo.contains("*") || exportTo.contains(namespace);
        }
    }

    /** One namespace's rules by resolved host, as {@code consolidatedDestRules}. */
    private static final class Level {
        private final Map<String, List<Consolidated>> byHost = new HashMap<>();

        void merge(String host, DestinationRule rule, Set<String> exportTo) {
            List<Consolidated> list = byHost.get(host);
            if (list == null) {
                byHost.computeIfAbsent(host, h -> new ArrayList<>()).add(new Consolidated(host, rule, exportTo));
                return;
            }
            boolean appendSeparately = true;
            for (Consolidated existing : list) {
                if (!exportTo.equals(existing.exportTo)
                        && (existing.exportTo.isEmpty() || !exportTo.containsAll(existing.exportTo))) {
                    appendSeparately = true; // cannot merge with this one
                    continue;
                }
                // equal sets, or a superset of a non-empty set: merged (and, without workload selectors, not
                // appended apart even for the superset: mergeDestinationRule resets appendSeparately)
                existing.merge(rule);
                appendSeparately = false;
            }
            if (appendSeparately) {
                list.add(new Consolidated(host, rule, exportTo));
            }
        }

        /** {@code MostSpecificHostMatch}: the exact host, else the longest matching wildcard. */
        Optional<List<Consolidated>> find(String fqdn) {
            List<Consolidated> exact = byHost.get(fqdn);
            if (exact != null) {
                return Optional.of(exact);
            }
            String best = null;
            for (String h : byHost.keySet()) {
                if (h.startsWith("*") && fqdn.endsWith(h.substring(1)) && (best == null || h.length() > best.length())) {
                    best = h;
                }
            }
            return best == null ? Optional.empty() : Optional.of(byHost.get(best));
        }
    }

    private final Map<String, Level> namespaceLocal = new HashMap<>();
    private final Map<String, Level> exportedByNamespace = new HashMap<>();
    private final Level rootNamespaceLocal = new Level();

    public DestinationRuleIndex(List<DestinationRule> rules) {
        List<DestinationRule> sorted = rules.stream().filter(r -> r.host() != null)
                .sorted(Comparator.comparing((DestinationRule r) -> Optional.ofNullable(r.meta().creationTimestamp())
                                .orElse(Instant.MIN))
                        .thenComparing(r -> r.meta().name())
                        .thenComparing(r -> r.meta().namespace()))
                .toList();
        for (DestinationRule rule : sorted) {
            String ns = rule.meta().namespace();
            String host = Hosts.resolve(rule.host(), ns);
            Set<String> exportTo = new LinkedHashSet<>(rule.exportTo());
            if (exportTo.isEmpty() || exportTo.contains("*") || exportTo.contains(".") || exportTo.contains(ns)) {
                namespaceLocal.computeIfAbsent(ns, n -> new Level()).merge(host, rule, exportTo);
            }
            boolean privateOnly = exportTo.size() == 1 && (exportTo.contains(".") || exportTo.contains(ns));
            if (!privateOnly) {
                exportedByNamespace.computeIfAbsent(ns, n -> new Level()).merge(host, rule, exportTo);
            } else if (ns.equals(ROOT_NAMESPACE)) {
                rootNamespaceLocal.merge(host, rule, exportTo);
            }
        }
    }

    /** The rule a sidecar in {@code clientNamespace} applies to {@code service}, if any ({@code destinationRule}). */
    public Optional<Consolidated> forClient(String clientNamespace, Service service) {
        List<Consolidated> found = lookup(clientNamespace, service);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(found.size() - 1));
    }

    /** The subsets a sidecar in {@code clientNamespace} knows for {@code service} (empty: none). */
    public List<Subset> subsets(String clientNamespace, Service service) {
        return forClient(clientNamespace, service).map(Consolidated::subsets).orElse(List.of());
    }

    private List<Consolidated> lookup(String clientNamespace, Service service) {
        String fqdn = service.fqdn();
        if (!clientNamespace.equals(ROOT_NAMESPACE)) {
            Level local = namespaceLocal.get(clientNamespace);
            Optional<List<Consolidated>> hit = local == null ? Optional.empty() : local.find(fqdn);
            if (hit.isPresent()) {
                return hit.get();
            }
        } else {
            Optional<List<Consolidated>> hit = rootNamespaceLocal.find(fqdn);
            if (hit.isPresent()) {
                return hit.get();
            }
        }
        List<Consolidated> fromService = exported(service.meta().namespace(), fqdn, clientNamespace);
        if (!fromService.isEmpty()) {
            return fromService;
        }
        return exported(ROOT_NAMESPACE, fqdn, clientNamespace);
    }

    private List<Consolidated> exported(String owningNamespace, String fqdn, String clientNamespace) {
        Level level = exportedByNamespace.get(owningNamespace);
        if (level == null) {
            return List.of();
        }
        return level.find(fqdn).map(list -> list.stream().filter(c -> c.exportedTo(clientNamespace)).toList())
                .orElse(List.of());
    }
}
