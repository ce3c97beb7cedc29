package dev.meshroute.reference.dataplane;

import dev.meshroute.reference.mutants.Mutant;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;

/**
 * A compiled Envoy {@code QueryParameterMatcher}: only the first value of a repeated key counts,
 * values are compared as sent (not percent-decoded).
 */
record QueryCondition(String name, StringMatcher matcher, Mutant mutant) {

    static QueryCondition compile(QueryParameterMatcher proto, Mutant mutant) {
        return switch (proto.getQueryParameterMatchSpecifierCase()) {
            case STRING_MATCH -> new QueryCondition(proto.getName(),
                    StringMatcher.compile(proto.getStringMatch(), mutant), mutant);
            case PRESENT_MATCH -> new QueryCondition(proto.getName(), null, mutant);
            default -> throw new XdsRejection("query parameter matcher for '" + proto.getName()
                    + "' has no match specifier");
        };
    }

    boolean matches(HttpRequestHead request) {
        String value = mutant == Mutant.QUERY_LAST_VALUE
                ? lastValue(request.query(), name) : firstValue(request.query(), name);
        if (value == null) {
            return false;
        }
        return matcher == null || matcher.matches(value);
    }

    private static String lastValue(String query, String key) {
        String last = null;
        for (String pair : query.isEmpty() ? new String[0] : query.split("&")) {
            int eq = pair.indexOf('=');
            if ((eq < 0 ? pair : pair.substring(0, eq)).equals(key)) {
                last = eq < 0 ? "" : pair.substring(eq + 1);
            }
        }
        return last;
    }

    static String firstValue(String query, String key) {
        if (key.isEmpty()) {
            return firstValueSplit(query, key); // split's dropping of trailing empty pairs matters only here
        }
        // scans in place: String.split would allocate every pair of every request
        int start = 0;
        int n = query.length();
        while (start < n) {
            int amp = query.indexOf('&', start);
            int end = amp < 0 ? n : amp;
            int eq = query.indexOf('=', start);
            int keyEnd = eq < 0 || eq > end ? end : eq;
            if (keyEnd - start == key.length() && query.startsWith(key, start)) {
                return keyEnd == end ? "" : query.substring(keyEnd + 1, end);
            }
            start = end + 1;
        }
        return null;
    }

    private static String firstValueSplit(String query, String key) {
        if (query.isEmpty()) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            if (k.equals(key)) {
                return eq < 0 ? "" : pair.substring(eq + 1);
            }
        }
        return null;
    }
}
