package dev.meshroute.reference.dataplane;

import com.google.re2j.Pattern;

import java.util.Locale;

/** A compiled Envoy {@code StringMatcher}: exact, prefix, suffix, contains or RE2 full match. */
record StringMatcher(Kind kind, String value, boolean ignoreCase, Pattern regex) {

    enum Kind { EXACT, PREFIX, SUFFIX, CONTAINS, REGEX }

    static StringMatcher compile(io.envoyproxy.envoy.type.matcher.v3.StringMatcher proto) {
        boolean ic = proto.getIgnoreCase();
        return switch (proto.getMatchPatternCase()) {
            case EXACT -> new StringMatcher(Kind.EXACT, proto.getExact(), ic, null);
            case PREFIX -> new StringMatcher(Kind.PREFIX, proto.getPrefix(), ic, null);
            case SUFFIX -> new StringMatcher(Kind.SUFFIX, proto.getSuffix(), ic, null);
            case CONTAINS -> new StringMatcher(Kind.CONTAINS, proto.getContains(), ic, null);
            case SAFE_REGEX -> regex(proto.getSafeRegex().getRegex());
            default -> throw new XdsRejection("unsupported string matcher " + proto.getMatchPatternCase());
        };
    }

    static StringMatcher regex(String regex) {
        try {
            return new StringMatcher(Kind.REGEX, regex, false, Pattern.compile(regex));
        } catch (com.google.re2j.PatternSyntaxException e) {
            throw new XdsRejection("invalid RE2 regex \"" + regex + "\": " + e.getDescription());
        }
    }

    boolean matches(String input) {
        if (kind == Kind.REGEX) {
            return regex.matches(input); // RE2 full match: the whole value, never a substring
        }
        String in = ignoreCase ? input.toLowerCase(Locale.ROOT) : input;
        String v = ignoreCase ? value.toLowerCase(Locale.ROOT) : value;
        return switch (kind) {
            case EXACT -> in.equals(v);
            case PREFIX -> in.startsWith(v);
            case SUFFIX -> in.endsWith(v);
            case CONTAINS -> in.contains(v);
            case REGEX -> throw new IllegalStateException("unreachable");
        };
    }
}
