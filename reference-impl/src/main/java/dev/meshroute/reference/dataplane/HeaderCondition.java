package dev.meshroute.reference.dataplane;

import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;

import java.util.List;
import java.util.Locale;

/**
 * A compiled Envoy {@code HeaderMatcher}, evaluated as {@code HeaderUtility::matchHeaders} does:
 * repeated headers are joined with ",", names are case-insensitive, and an absent header only
 * matches a {@code present_match: false} (or an inverted {@code present_match: true}) unless
 * {@code treat_missing_header_as_empty} is set.
 */
record HeaderCondition(String name, StringMatcher matcher, Boolean present, boolean invert,
                       boolean treatMissingAsEmpty) {

    static HeaderCondition compile(HeaderMatcher proto) {
        // Envoy stores matcher names lower-cased (header_utility.h HeaderData.name_ is a LowerCaseString).
        String name = proto.getName().toLowerCase(Locale.ROOT);
        return switch (proto.getHeaderMatchSpecifierCase()) {
            case STRING_MATCH -> new HeaderCondition(name, StringMatcher.compile(proto.getStringMatch()), null,
                    proto.getInvertMatch(), proto.getTreatMissingHeaderAsEmpty());
            case PRESENT_MATCH -> new HeaderCondition(name, null, proto.getPresentMatch(), proto.getInvertMatch(),
                    proto.getTreatMissingHeaderAsEmpty());
            case EXACT_MATCH -> legacy(proto, new StringMatcher(StringMatcher.Kind.EXACT, proto.getExactMatch(),
                    false, null));
            case PREFIX_MATCH -> legacy(proto, new StringMatcher(StringMatcher.Kind.PREFIX, proto.getPrefixMatch(),
                    false, null));
            case SAFE_REGEX_MATCH -> legacy(proto, StringMatcher.regex(proto.getSafeRegexMatch().getRegex()));
            default -> throw new XdsRejection("header matcher for '" + proto.getName() + "' uses an unsupported"
                    + " specifier " + proto.getHeaderMatchSpecifierCase());
        };
    }

    private static HeaderCondition legacy(HeaderMatcher proto, StringMatcher matcher) {
        return new HeaderCondition(proto.getName().toLowerCase(Locale.ROOT), matcher, null, proto.getInvertMatch(),
                proto.getTreatMissingHeaderAsEmpty());
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
                return request.authority();
            case ":scheme":
                return request.scheme();
            case ":path":
                return request.path();
            default:
                List<String> values = request.headerValues(name);
                return values.isEmpty() ? null : String.join(",", values);
        }
    }
}
