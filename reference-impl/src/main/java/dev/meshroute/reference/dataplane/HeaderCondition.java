package dev.meshroute.reference.dataplane;

import dev.meshroute.reference.mutants.Mutant;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;

import java.util.Map;
import java.util.Locale;

/**
 * A compiled Envoy {@code HeaderMatcher}, evaluated as {@code HeaderUtility::matchHeaders} does:
 * repeated headers are joined with ",", names are case-insensitive, and an absent header only
 * matches a {@code present_match: false} (or an inverted {@code present_match: true}) unless
 * {@code treat_missing_header_as_empty} is set.
 */
record HeaderCondition(String name, StringMatcher matcher, Boolean present, boolean invert,
                       boolean treatMissingAsEmpty, Mutant mutant) {

    static HeaderCondition compile(HeaderMatcher proto, Mutant mutant) {
        // Envoy stores matcher names lower-cased (header_utility.h HeaderData.name_ is a LowerCaseString).
        String name = mutant == Mutant.HEADER_NAME_CASE_SENSITIVE
                ? proto.getName() : proto.getName().toLowerCase(Locale.ROOT);
        boolean missingAsEmpty = proto.getTreatMissingHeaderAsEmpty() || mutant == Mutant.ABSENT_HEADER_MATCHES_EMPTY;
        if (proto.getHeaderMatchSpecifierCase() == HeaderMatcher.HeaderMatchSpecifierCase.PRESENT_MATCH) {
            return new HeaderCondition(name, null, proto.getPresentMatch(), proto.getInvertMatch(), missingAsEmpty,
                    mutant);
        }
        StringMatcher matcher = valueMatcher(proto, mutant);
        if (mutant == Mutant.HEADER_VALUE_CASE_INSENSITIVE) {
            matcher = matcher.ignoringCase();
        }
        return new HeaderCondition(name, matcher, null, proto.getInvertMatch(), missingAsEmpty, mutant);
    }

    private static StringMatcher valueMatcher(HeaderMatcher proto, Mutant mutant) {
        return switch (proto.getHeaderMatchSpecifierCase()) {
            case STRING_MATCH -> StringMatcher.compile(proto.getStringMatch(), mutant);
            case EXACT_MATCH -> StringMatcher.literal(StringMatcher.Kind.EXACT, proto.getExactMatch(), false);
            case PREFIX_MATCH -> StringMatcher.literal(StringMatcher.Kind.PREFIX, proto.getPrefixMatch(), false);
            case SAFE_REGEX_MATCH -> StringMatcher.regex(proto.getSafeRegexMatch().getRegex(), mutant);
            default -> throw new XdsRejection("header matcher for '" + proto.getName() + "' uses an unsupported"
                    + " specifier " + proto.getHeaderMatchSpecifierCase());
        };
    }

    boolean matches(HttpRequestHead request) {
        String value = valueOf(request);
        if (value == null && !treatMissingAsEmpty) {
            boolean isPresentMatcher = present != null;
            return invert ? isPresentMatcher && present : isPresentMatcher && !present;
        }
        String v = value == null ? "" : value;
        boolean match = present != null ? present : matcher.matches(v);
        return match != invert;
    }

    /** All values of the header joined with ",", or null when absent; pseudo-headers come from the request line. */
    private String valueOf(HttpRequestHead request) {
        switch (name) {
            case ":method":
                return request.method();
            case ":authority":
                if (mutant == Mutant.AUTHORITY_PORT_STRIPPED && request.authority().lastIndexOf(':') > 0) {
                    return request.authority().substring(0, request.authority().lastIndexOf(':'));
                }
                return request.authority();
            case ":scheme":
                return request.scheme();
            case ":path":
                return request.path();
            case "host":
                // Envoy's HTTP/1 codec turns the Host line into :authority, so its header map never holds a
                // "host" header: a matcher on "host" sees an absent header (SEMANTICS.md 1.7; istio/istio#23083).
                if (mutant != Mutant.HOST_HEADER_KEY_MATCHES) {
                    return null;
                }
                return joined(request);
            default:
                return joined(request);
        }
    }

    /** Every value of the header, in order, joined with ","; null when absent. */
    private String joined(HttpRequestHead request) {
        // the proxy lower-cases request header names, and so is the matcher's name
        // no allocation unless the header is repeated (the common case is on the hot path of every request)
        String first = null;
        StringBuilder joined = null;
        for (Map.Entry<String, String> header : request.headers()) {
            if (header.getKey().equals(name)) {
                if (first == null) {
                    first = header.getValue();
                } else if (mutant != Mutant.FIRST_VALUE_ONLY_FOR_REPEATED_HEADERS) {
                    joined = (joined == null ? new StringBuilder(first) : joined).append(',').append(header.getValue());
                }
            }
        }
        return joined != null ? joined.toString() : first;
    }
}
