package dev.meshroute.reference.check;

import dev.meshroute.reference.dataplane.HeaderMutation;
import dev.meshroute.reference.dataplane.HttpRequestHead;
import dev.meshroute.reference.dataplane.RouteDecision;
import dev.meshroute.reference.dataplane.RouteTable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the reference proxy's route table does with one request, as the check compares it.
 *
 * @param virtualHost     the virtual host's name, or null when none matched
 * @param route           the matched route's name, or null
 * @param position        the matched route's position in its virtual host (1-based), or 0
 * @param cluster         the cluster forwarded to, or null for a local reply
 * @param possible        the clusters the matched route may pick, by weight (empty for a local reply)
 * @param status          the local reply's status (0 when forwarded)
 * @param flag            the local reply's Envoy response flag (NR, NC, UH, FI), or null
 * @param path            the :path sent upstream (after any rewrite), or null for a local reply
 * @param authority       the Host sent upstream (after any rewrite), or null for a local reply
 * @param location        a redirect's Location, or null
 * @param upstreamHeaders the request headers sent upstream (after the route's header changes), or empty
 */
record Observation(String virtualHost, String route, int position, String cluster, Map<String, Long> possible,
                   int status, String flag, String path, String authority, String location,
                   List<Map.Entry<String, String>> upstreamHeaders) {

    static Observation of(RouteTable table, HttpRequestHead request) {
        RouteTable.Explain explain = table.explain(request);
        RouteDecision decision = table.route(request);
        if (decision instanceof RouteDecision.Forward f) {
            return new Observation(explain.virtualHost(), f.routeName(), explain.position(), f.cluster(),
                    explain.weights(), 0, null,
                    f.path() != null ? f.path() : request.path(),
                    f.authority() != null ? f.authority() : request.authority(), null,
                    apply(f.requestHeaders(), request.headers()));
        }
        RouteDecision.LocalReply r = (RouteDecision.LocalReply) decision;
        return new Observation(explain.virtualHost(), r.routeName(), explain.position(), null, Map.of(), r.status(),
                r.responseFlags(), null, null, r.headers().get("location"), List.of());
    }

    /** Envoy's header changes: removals first, then each header set (replacing every value) or appended. */
    static List<Map.Entry<String, String>> apply(HeaderMutation mutation, List<Map.Entry<String, String>> headers) {
        List<Map.Entry<String, String>> out = new ArrayList<>(headers);
        out.removeIf(h -> mutation.remove().contains(h.getKey()));
        for (HeaderMutation.Op op : mutation.ops()) {
            if (!op.append()) {
                out.removeIf(h -> h.getKey().equals(op.name()));
            }
            out.add(Map.entry(op.name(), op.value()));
        }
        return out;
    }

    /** The values of a request header sent upstream, comma-joined as one line, or null when absent. */
    String upstreamHeader(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        if (lower.equals(":path") || lower.equals(":authority") || lower.equals("host")) {
            return lower.equals(":path") ? path : authority;
        }
        List<String> values = upstreamHeaders.stream().filter(h -> h.getKey().equals(lower))
                .map(Map.Entry::getValue).toList();
        return values.isEmpty() ? null : String.join(",", values);
    }

    /** A redirect or direct response of a matched route (Envoy's direct response entry). */
    boolean directResponse() {
        return cluster == null && position > 0 && flag == null;
    }

    /** One line: where the request went, or the local reply, and the route that decided it. */
    String describe() {
        String where = cluster != null ? cluster
                : status + (flag != null ? " " + flag : "") + (location != null ? " location " + location : "");
        String matched = position == 0 ? "no route"
                : "route " + position + (route == null || route.isEmpty() ? "" : " '" + route + "'");
        return where + " (virtual host " + (virtualHost == null ? "none" : virtualHost) + ", " + matched + ")";
    }
}
