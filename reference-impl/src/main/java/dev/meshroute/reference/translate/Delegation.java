package dev.meshroute.reference.translate;

import dev.meshroute.reference.model.Delegate;
import dev.meshroute.reference.model.Destination;
import dev.meshroute.reference.model.Hosts;
import dev.meshroute.reference.model.HttpMatchRequest;
import dev.meshroute.reference.model.HttpRoute;
import dev.meshroute.reference.model.HttpRouteDestination;
import dev.meshroute.reference.model.StringMatch;
import dev.meshroute.reference.model.VirtualService;
import dev.meshroute.reference.mutants.Mutant;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * VirtualService delegation as istiod applies it before building any route (SEMANTICS.md 4.10; istio/istio
 * {@code pilot/pkg/model/virtualservice_controller.go} {@code mergeVirtualServices}, {@code virtualservice.go}
 * {@code MergeHTTPRoutes}, {@code mergeHTTPRoute}, {@code mergeHTTPMatchRequests}, {@code hasConflict}).
 * A pure function over accepted VirtualServices.
 *
 * <p>A VirtualService without hosts is a delegate and never applies on its own. In a root VirtualService, a rule
 * with {@code delegate} is replaced, in place, by the delegate's rules in their order, each merged with the root
 * rule: its matches narrowed by the root's, the root's route-level fields filling what it leaves unset. A
 * delegate rule whose matches conflict with every root match is dropped (istiod only logs a warning); a delegate
 * that does not exist, or is not exported to the root's namespace, drops only the root rule naming it.
 */
public final class Delegation {

    private Delegation() {
    }

    /** The VirtualServices that apply: delegates left out, and every root's delegate rules replaced. */
    public static List<VirtualService> apply(List<VirtualService> virtualServices) {
        return apply(virtualServices, Mutant.NONE);
    }

    /** As {@link #apply(List)}; {@code mutant} is a deliberate bug, for the suite's self-test only. */
    public static List<VirtualService> apply(List<VirtualService> virtualServices, Mutant mutant) {
        Map<String, VirtualService> delegates = new LinkedHashMap<>();
        for (VirtualService vs : virtualServices) {
            if (vs.isDelegate()) {
                delegates.putIfAbsent(vs.meta().qualifiedName(), vs);
            }
        }
        List<VirtualService> out = new ArrayList<>();
        for (VirtualService vs : virtualServices) {
            if (vs.isDelegate()) {
                continue;
            }
            if (vs.http().stream().noneMatch(r -> r.delegate() != null)) {
                out.add(vs);
                continue;
            }
            List<HttpRoute> merged = new ArrayList<>();
            List<HttpRoute> appended = new ArrayList<>();
            for (HttpRoute rule : vs.http()) {
                if (rule.delegate() == null) {
                    merged.add(rule);
                    continue;
                }
                VirtualService delegate = delegates.get(delegateKey(rule.delegate(), vs.meta().namespace()));
                if (delegate == null || !exportedTo(delegate, vs.meta().namespace())) {
                    continue; // istiod logs "delegate virtual service ... not found" / "is not exported to"
                }
                List<HttpRoute> rules = mergeHttpRoutes(rule, delegate);
                (mutant == Mutant.DELEGATE_RULES_APPENDED ? appended : merged).addAll(rules);
            }
            merged.addAll(appended);
            out.add(new VirtualService(vs.meta(), vs.location(), vs.hosts(), vs.gateways(), merged, vs.exportTo()));
        }
        return out;
    }

    private static String delegateKey(Delegate d, String rootNamespace) {
        return d.namespaceOr(rootNamespace) + "/" + (d.name() == null ? "" : d.name());
    }

    /**
     * {@code exportTo}: none means the mesh default, every namespace ({@code *}); {@code .} is the delegate's own
     * namespace.
     */
    static boolean exportedTo(VirtualService delegate, String namespace) {
        if (delegate.exportTo().isEmpty()) {
            return true;
        }
        for (String e : delegate.exportTo()) {
            String ns = e.equals(".") ? delegate.meta().namespace() : e;
            if (ns.equals("*") || ns.equals(namespace)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code MergeHTTPRoutes}: the delegate's rules merged with the root rule, in the delegate's order, without
     * those that conflict. Destination hosts are resolved in the delegate's namespace first (istiod resolves
     * short names of each VirtualService in its own namespace, {@code ResolveVirtualServiceShortnames}).
     */
    static List<HttpRoute> mergeHttpRoutes(HttpRoute root, VirtualService delegate) {
        List<HttpRoute> out = new ArrayList<>();
        for (HttpRoute rule : delegate.http()) {
            HttpRoute merged = mergeHttpRoute(root, resolveHosts(rule, delegate.meta().namespace()));
            if (merged != null) {
                out.add(merged);
            }
        }
        return out;
    }

    private static HttpRoute resolveHosts(HttpRoute rule, String namespace) {
        List<HttpRouteDestination> route = new ArrayList<>();
        for (HttpRouteDestination d : rule.route()) {
            Destination dest = d.destination();
            if (dest != null && dest.host() != null) {
                dest = new Destination(Hosts.resolve(dest.host(), namespace), dest.subset(), dest.port(),
                        dest.location());
            }
            route.add(new HttpRouteDestination(dest, d.weight(), d.headers(), d.location()));
        }
        return new HttpRoute(rule.name(), rule.match(), route, rule.redirect(), rule.directResponse(),
                rule.rewrite(), rule.timeoutMillis(), rule.fault(), rule.headers(), rule.corsPolicy(),
                rule.retries(), rule.mirror(), rule.mirrors(), rule.location(), rule.delegate());
    }

    /**
     * {@code mergeHTTPRoute}: null if the matches conflict; otherwise the delegate rule with merged matches, the
     * name {@code root-delegate}, and each route-level field the delegate leaves unset taken whole from the root
     * (no deep merge: a delegate's {@code headers} replace the root's).
     */
    static HttpRoute mergeHttpRoute(HttpRoute root, HttpRoute delegate) {
        List<HttpMatchRequest> match = mergeMatches(root.match(), delegate.match());
        if (match == null) {
            return null; // istiod: "HTTPMatchRequests conflict: root route ..., delegate route ..."
        }
        // Istio inherits mirror and mirrorPercentage separately; here a mirror carries its own percentage, so a
        // delegate's mirror without a percentage does not take the root's (it mirrors everything).
        return new HttpRoute(joinNames(root.name(), delegate.name()), match, delegate.route(), delegate.redirect(),
                or(delegate.directResponse(), root.directResponse()), or(delegate.rewrite(), root.rewrite()),
                or(delegate.timeoutMillis(), root.timeoutMillis()), or(delegate.fault(), root.fault()),
                or(delegate.headers(), root.headers()), or(delegate.corsPolicy(), root.corsPolicy()),
                or(delegate.retries(), root.retries()), or(delegate.mirror(), root.mirror()),
                delegate.mirrors().isEmpty() ? root.mirrors() : delegate.mirrors(), delegate.location(), null);
    }

    /**
     * {@code mergeHTTPMatchRequests}: an empty side takes the other's list; else each delegate match is merged
     * with every root match it does not conflict with, and one that conflicts with all of them makes the whole
     * rule conflict (null).
     */
    static List<HttpMatchRequest> mergeMatches(List<HttpMatchRequest> root, List<HttpMatchRequest> delegate) {
        if (root.isEmpty()) {
            return delegate;
        }
        if (delegate.isEmpty()) {
            return root;
        }
        List<HttpMatchRequest> out = new ArrayList<>();
        for (HttpMatchRequest leaf : delegate) {
            boolean found = false;
            for (HttpMatchRequest r : root) {
                if (!hasConflict(r, leaf)) {
                    out.add(mergeMatch(r, leaf));
                    found = true;
                }
            }
            if (!found) {
                return null;
            }
        }
        return out;
    }

    /** {@code mergeHTTPMatchRequest}: the delegate's conditions, the root's where the delegate has none. */
    static HttpMatchRequest mergeMatch(HttpMatchRequest root, HttpMatchRequest leaf) {
        return new HttpMatchRequest(joinNames(root.name(), leaf.name()),
                or(leaf.uri(), root.uri()), or(leaf.scheme(), root.scheme()), or(leaf.method(), root.method()),
                or(leaf.authority(), root.authority()),
                union(root.headers(), leaf.headers()), union(root.withoutHeaders(), leaf.withoutHeaders()),
                union(root.queryParams(), leaf.queryParams()), leaf.ignoreUriCase(),
                leaf.port() != null && leaf.port() != 0 ? leaf.port() : root.port(),
                union(root.sourceLabels(), leaf.sourceLabels()),
                isEmpty(leaf.sourceNamespace()) ? root.sourceNamespace() : leaf.sourceNamespace(),
                leaf.gateways().isEmpty() ? root.gateways() : leaf.gateways(), leaf.location());
    }

    /** {@code hasConflict}: whether a delegate match can not be narrowed by a root match. */
    static boolean hasConflict(HttpMatchRequest root, HttpMatchRequest leaf) {
        if (conflict(root.uri(), leaf.uri()) || conflict(root.scheme(), leaf.scheme())
                || conflict(root.method(), leaf.method()) || conflict(root.authority(), leaf.authority())) {
            return true;
        }
        if (anyConflict(root.headers(), leaf.headers()) || anyConflict(root.withoutHeaders(), leaf.withoutHeaders())
                || anyConflict(root.queryParams(), leaf.queryParams())) {
            return true;
        }
        if (root.ignoreUriCase() != leaf.ignoreUriCase()) {
            return true;
        }
        if (positive(root.port()) && positive(leaf.port()) && !root.port().equals(leaf.port())) {
            return true;
        }
        // a root sourceNamespace must be repeated by the delegate (an unset one differs too)
        if (!isEmpty(root.sourceNamespace()) && !root.sourceNamespace().equals(leaf.sourceNamespace())) {
            return true;
        }
        for (Map.Entry<String, String> e : leaf.sourceLabels().entrySet()) {
            String rootValue = root.sourceLabels().get(e.getKey());
            if (rootValue != null && !rootValue.equals(e.getValue())) {
                return true;
            }
        }
        if (!root.gateways().isEmpty() && !leaf.gateways().isEmpty()) {
            Set<String> rootGateways = new HashSet<>(root.gateways());
            return root.gateways().size() < leaf.gateways().size() || !rootGateways.containsAll(leaf.gateways());
        }
        return false;
    }

    private static boolean anyConflict(Map<String, StringMatch> root, Map<String, StringMatch> leaf) {
        return leaf.entrySet().stream().anyMatch(e -> conflict(root.get(e.getKey()), e.getValue()));
    }

    /**
     * {@code stringMatchConflict}: none if either side is unset; a regex on either side conflicts with anything
     * set on the other; an exact root takes only the same exact value; a prefix root takes a prefix or exact
     * value that starts with it; anything else ({@code {}} or an empty value on the root) conflicts.
     */
    static boolean conflict(StringMatch root, StringMatch leaf) {
        if (root == null || leaf == null) {
            return false;
        }
        if (!value(root, StringMatch.Kind.REGEX).isEmpty() || !value(leaf, StringMatch.Kind.REGEX).isEmpty()) {
            return true; // whatever the other side holds, even {}
        }
        String exact = value(root, StringMatch.Kind.EXACT);
        if (!exact.isEmpty()) {
            return !value(leaf, StringMatch.Kind.PREFIX).isEmpty() || !value(leaf, StringMatch.Kind.EXACT).equals(exact);
        }
        String prefix = value(root, StringMatch.Kind.PREFIX);
        if (!prefix.isEmpty()) {
            String leafPrefix = value(leaf, StringMatch.Kind.PREFIX);
            if (!leafPrefix.isEmpty()) {
                return !leafPrefix.startsWith(prefix);
            }
            String leafExact = value(leaf, StringMatch.Kind.EXACT);
            if (!leafExact.isEmpty()) {
                return !leafExact.startsWith(prefix);
            }
        }
        return true;
    }

    /** The proto getter's view: the value if the match is of that kind, else "". */
    private static String value(StringMatch m, StringMatch.Kind kind) {
        return m.kind() == kind && m.value() != null ? m.value() : "";
    }

    /** {@code root-delegate}, or whichever of the two names is set. */
    private static String joinNames(String root, String delegate) {
        if (isEmpty(delegate)) {
            return root;
        }
        return isEmpty(root) ? delegate : root + "-" + delegate;
    }

    private static <K, V> Map<K, V> union(Map<K, V> root, Map<K, V> leaf) {
        Map<K, V> out = new LinkedHashMap<>(root);
        out.putAll(leaf);
        return out;
    }

    private static <T> T or(T first, T second) {
        return first != null ? first : second;
    }

    private static boolean positive(Integer port) {
        return port != null && port > 0;
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }
}
