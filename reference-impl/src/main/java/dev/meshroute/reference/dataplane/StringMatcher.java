package dev.meshroute.reference.dataplane;

import com.google.re2j.Pattern;
import dev.meshroute.reference.mutants.Mutant;

import java.util.Locale;

/** A compiled Envoy {@code StringMatcher}: exact, prefix, suffix, contains or RE2 full match. */
record StringMatcher(Kind kind, String value, boolean ignoreCase, Pattern regex, boolean partialRegex) {

    enum Kind { EXACT, PREFIX, SUFFIX, CONTAINS, REGEX }

    static StringMatcher literal(Kind kind, String value, boolean ignoreCase) {
        return new StringMatcher(kind, value, ignoreCase, null, false);
    }

    static StringMatcher compile(io.envoyproxy.envoy.type.matcher.v3.StringMatcher proto, Mutant mutant) {
        boolean ic = proto.getIgnoreCase();
        return switch (proto.getMatchPatternCase()) {
            case EXACT -> literal(Kind.EXACT, proto.getExact(), ic);
            case PREFIX -> literal(Kind.PREFIX, proto.getPrefix(), ic);
            case SUFFIX -> literal(Kind.SUFFIX, proto.getSuffix(), ic);
            case CONTAINS -> literal(Kind.CONTAINS, proto.getContains(), ic);
            case SAFE_REGEX -> regex(proto.getSafeRegex().getRegex(), mutant);
            default -> throw new XdsRejection("unsupported string matcher " + proto.getMatchPatternCase());
        };
    }

    static StringMatcher regex(String regex, Mutant mutant) {
        String tooLarge = dev.meshroute.reference.regex.RegexLimits.problem(regex);
        if (tooLarge != null) {
            // Envoy rejects the whole route configuration (a NACK) rather than compile such a regex
            throw new XdsRejection("regex \"" + regex + "\" is refused: " + tooLarge);
        }
        try {
            int flags = mutant == Mutant.REGEX_CASE_INSENSITIVE ? Pattern.CASE_INSENSITIVE : 0;
            return new StringMatcher(Kind.REGEX, regex, false, Pattern.compile(regex, flags),
                    mutant == Mutant.REGEX_PARTIAL_MATCH);
        } catch (com.google.re2j.PatternSyntaxException e) {
            throw new XdsRejection("invalid RE2 regex \"" + regex + "\": " + e.getDescription());
        }
    }

    /** The same matcher, ignoring case (exact, prefix, ...) or compiled case-insensitive (regex). */
    StringMatcher ignoringCase() {
        if (kind == Kind.REGEX) {
            return new StringMatcher(kind, value, false, Pattern.compile(value, Pattern.CASE_INSENSITIVE),
                    partialRegex);
        }
        return literal(kind, value, true);
    }

    boolean matches(String input) {
        if (kind == Kind.REGEX) {
            // RE2 full match: the whole value, never a substring
            return partialRegex ? regex.matcher(input).find() : regex.matches(input);
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
