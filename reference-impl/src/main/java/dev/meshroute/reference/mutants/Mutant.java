package dev.meshroute.reference.mutants;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Deliberate, realistic bugs the reference can be built with, so the suite can prove it catches them
 * (a survivor is a gap in the suite). Only a test harness chooses one, by passing it to
 * {@link dev.meshroute.reference.mesh.ReferenceMesh}; the command line never does, and {@link #NONE}
 * is the reference itself. Each mutant changes one place of the control plane or the proxy.
 */
public enum Mutant {

    NONE("the reference as it is"),
    // ---- the proxy's matching
    REGEX_PARTIAL_MATCH("a regex matches a substring (find) instead of the whole value; Istio's simulator,"
            + " grpc-go before PR #4875"),
    REGEX_CASE_INSENSITIVE("regexes are compiled case-insensitive"),
    HEADER_NAME_CASE_SENSITIVE("a header matcher's configured name is compared as written, not lower-cased"),
    HEADER_VALUE_CASE_INSENSITIVE("header values are compared ignoring case"),
    ABSENT_HEADER_MATCHES_EMPTY("an absent header is matched as if it were present and empty"),
    FIRST_VALUE_ONLY_FOR_REPEATED_HEADERS("only the first of repeated headers is matched, not all joined with ','"),
    PREFIX_SEGMENT_AWARE("a URI prefix only matches at a '/' boundary (Gateway API's PathPrefix, not Istio's)"),
    EXACT_INCLUDES_QUERY("an exact URI is compared with the query string still attached"),
    OR_WITHIN_MATCH("the conditions inside one match entry are ORed instead of ANDed"),
    LAST_MATCH_WINS("the last matching route wins instead of the first"),
    LONGEST_PREFIX_WINS("the matching route with the longest path wins, as in nginx or Gateway API"),
    NO_ROUTE_FALLS_BACK("a request that matches no route goes to the service's pods instead of 404 NR"),
    REDIRECT_ALWAYS_301("a redirect always answers 301, whatever its redirectCode"),
    REDIRECT_DROPS_QUERY("a redirect that replaces the path drops the request's query string"),
    REWRITE_DROPS_QUERY("a rewritten path loses the request's query string"),
    REWRITE_REPLACES_WHOLE_PATH("a rewrite after a prefix match replaces the whole path, not just the prefix"),
    TIMEOUT_IGNORED("a rule's timeout is not passed on to the proxy"),
    FAULT_WITHOUT_PERCENTAGE_APPLIES_TO_ALL("a fault without a percentage applies to every request (Istio: none)"),
    MISSING_SUBSET_404("a missing cluster is answered 404, as Envoy's outdated validate_clusters doc says"),
    HOST_HEADER_KEY_MATCHES("a header matcher on 'host' reads the Host header (Envoy only knows :authority)"),
    AUTHORITY_PORT_STRIPPED("an authority matcher sees the Host without its port"),
    IGNORE_URI_CASE_FOR_REGEX("ignoreUriCase also makes a URI regex case-insensitive"),
    QUERY_LAST_VALUE("a repeated query parameter is matched by its last value, not its first"),
    CONSISTENT_HASH_IGNORES_KEY("a ring-hash or Maglev cluster picks a random endpoint, ignoring the route's hash"
            + " policy"),
    ROUND_ROBIN_PICKS_AT_RANDOM("a ROUND_ROBIN cluster draws each endpoint at random instead of taking turns"),
    ALWAYS_EJECTS_ONE_HOST("outlier detection ejects one endpoint even past maxEjectionPercent (Envoy's"
            + " always_eject_one_host, which Istio does not set)"),
    CIRCUIT_BREAKER_IGNORED("a cluster's connection and pending-request limits are not enforced"),
    // ---- the proxy's weighted choice
    WEIGHTS_IGNORED("weighted destinations are chosen uniformly"),
    WEIGHTS_OFF_BY_5_POINTS("the first destination's share is 5 points too small and the last's 5 too large"),
    // ---- the control plane's translation
    NO_CATCH_ALL_CUT("route generation does not stop after a catch-all route"),
    WEIGHT_ZERO_NOT_DROPPED("a weight-0 destination stays in the split with the smallest weight, 1"),
    MISSING_SUBSET_FALLS_BACK_TO_ANY_POD("a route to an undefined subset goes to the whole service"),
    EMPTY_SUBSET_FALLS_BACK("a subset that selects no pod gets all the service's pods as endpoints"),
    DESTINATION_RULES_MERGED_ACROSS_NAMESPACES("every DestinationRule for a host is merged into one, whatever its"
            + " namespace and exportTo (no client-namespace lookup; the reference before issue #5)"),
    DUPLICATE_SUBSET_NEWEST_WINS("of two DestinationRules defining one subset name, the newer one's definition wins"),
    DESTINATION_RULE_EXPORT_TO_IGNORED("a DestinationRule's exportTo is ignored: every rule is visible everywhere"),
    ZERO_ROUTES_ANSWER_404("a VirtualService that yields no route for this client answers 404 instead of"
            + " leaving the service its default route"),
    // ---- retries and mirroring
    NO_DEFAULT_RETRIES("a rule without retries gets no retry policy instead of Istio's default"),
    RETRY_STATUS_CODES_IGNORED("status codes in retryOn are dropped instead of becoming retriable status codes"),
    RETRY_SAME_HOST("a retry may go back to the endpoint that just failed: the previous_hosts predicate is ignored"),
    RETRIES_INCLUDE_FIRST_TRY("attempts counts the first try: attempts 3 makes 3 tries in all instead of 4"),
    MIRROR_ZERO_PERCENT_MIRRORS_ALL("an explicit mirrorPercentage of 0 is read as unset, so every request is"
            + " mirrored"),
    // ---- delegation
    DELEGATE_RULES_APPENDED("a delegate's rules are appended after the root's own rules instead of replacing"
            + " the delegating rule in place"),
    // ---- the control plane's gateway translation
    GATEWAY_FIRST_VIRTUAL_SERVICE_WINS("VirtualServices bound to one gateway host are not merged: the first one wins,"
            + " as in the mesh"),
    GATEWAY_CATCH_ALL_NOT_MOVED_LAST("merged gateway VirtualServices keep their routes in order: an earlier"
            + " VirtualService's catch-all hides a later one's routes"),
    // ---- traffic policies
    SUBSET_POLICY_DEEP_MERGED("a subset's loadBalancer is merged field by field into the DestinationRule's instead"
            + " of replacing it (SEMANTICS.md 5.5)"),
    OUTLIER_DETECTION_NEVER_EJECTS("a DestinationRule's outlierDetection is not passed on to the proxy, so no"
            + " endpoint is ever ejected"),
    LAST_TRAFFIC_POLICY_WINS("of several DestinationRules for one host, the last top-level trafficPolicy wins"
            + " instead of the first");

    private final String description;

    Mutant(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** The kebab-case name used on command lines and in reports, e.g. {@code regex-partial-match}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The mutant with this id; the error lists them all. */
    public static Mutant fromId(String id) {
        for (Mutant m : values()) {
            if (m.id().equals(id)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown mutant '" + id + "'; known: "
                + Arrays.stream(values()).map(Mutant::id).collect(Collectors.joining(", ")));
    }
}
