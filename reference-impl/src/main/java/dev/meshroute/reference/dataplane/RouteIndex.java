package dev.meshroute.reference.dataplane;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An index over the path conditions of one virtual host's routes, so that finding the first matching route does
 * not test every route. It only narrows: it yields, for a request path, every route whose path condition could
 * match (a superset of those that do), by position; the caller tests each candidate's full match (path, headers,
 * query). The answer is the lowest position that matches, which is exactly Envoy's first-match-wins order
 * ({@code config_impl.cc} {@code VirtualHostImpl::getRouteFromEntries}) whatever order candidates are tested in,
 * because testing a route is free of side effects.
 *
 * <ul>
 *   <li>exact paths: a hash map from the path (lower-cased for case-insensitive routes) to positions;</li>
 *   <li>prefixes: a character trie walked along the request's path (a separate trie over the lower-cased path for
 *   case-insensitive routes); a route sits on the node of its prefix;</li>
 *   <li>regexes: on the trie node of their literal prefix (the characters every match must start with; none for
 *   a regex that starts with an operator), so "/api/v[0-9]+/.*" is only tried for paths under "/api/v".</li>
 * </ul>
 */
final class RouteIndex {

    /** Tests whether the route at a position matches the request (pure; no side effects). */
    interface Test<R> {
        boolean matches(int position, R request);
    }

    private static final int[] NONE = new int[0];

    private final Map<String, int[]> exact;
    private final Map<String, int[]> exactIgnoreCase;
    private final Node trie;
    private final Node trieIgnoreCase;

    private RouteIndex(Map<String, int[]> exact, Map<String, int[]> exactIgnoreCase, Node trie, Node trieIgnoreCase) {
        this.exact = exact;
        this.exactIgnoreCase = exactIgnoreCase;
        this.trie = trie;
        this.trieIgnoreCase = trieIgnoreCase;
    }

    /** Indexes the path conditions of routes, in route order. */
    static RouteIndex create(List<StringMatcher> paths) {
        Map<String, List<Integer>> exact = new HashMap<>();
        Map<String, List<Integer>> exactIgnoreCase = new HashMap<>();
        Builder trie = new Builder();
        Builder trieIgnoreCase = new Builder();
        for (int i = 0; i < paths.size(); i++) {
            StringMatcher p = paths.get(i);
            switch (p.kind()) {
                case EXACT -> (p.ignoreCase() ? exactIgnoreCase : exact)
                        .computeIfAbsent(p.ignoreCase() ? lower(p.value()) : p.value(), k -> new ArrayList<>()).add(i);
                case PREFIX -> {
                    if (p.ignoreCase()) {
                        trieIgnoreCase.add(lower(p.value()), i);
                    } else {
                        trie.add(p.value(), i);
                    }
                }
                // a case-insensitive regex (only a mutant compiles one) or a partial one can match anywhere
                case REGEX -> trie.add(p.partialRegex() || (p.regex().flags() & com.google.re2j.Pattern.CASE_INSENSITIVE) != 0
                        ? "" : literalPrefix(p.value()), i);
                default -> throw new IllegalArgumentException("not a path condition: " + p.kind());
            }
        }
        return new RouteIndex(freeze(exact), freeze(exactIgnoreCase), trie.build(),
                trieIgnoreCase.isEmpty() ? null : trieIgnoreCase.build());
    }

    /**
     * The lowest position whose route matches, or -1. Exact and regex conditions see the path without its query
     * string, prefixes the whole {@code :path}, as {@link RouteTable} evaluates them.
     */
    <R> int firstMatch(String path, R request, Test<R> test) {
        int best = Integer.MAX_VALUE;
        if (!exact.isEmpty() || !exactIgnoreCase.isEmpty()) {
            int q = path.indexOf('?');
            String withoutQuery = q < 0 ? path : path.substring(0, q);
            if (!exact.isEmpty()) {
                best = scan(exact.get(withoutQuery), best, request, test);
            }
            if (!exactIgnoreCase.isEmpty()) {
                best = scan(exactIgnoreCase.get(lower(withoutQuery)), best, request, test);
            }
        }
        best = walk(trie, path, best, request, test);
        if (trieIgnoreCase != null) {
            best = walk(trieIgnoreCase, lower(path), best, request, test);
        }
        return best == Integer.MAX_VALUE ? -1 : best;
    }

    private static <R> int walk(Node root, String path, int best, R request, Test<R> test) {
        Node node = root;
        best = scan(node.routes, best, request, test);
        for (int i = 0, n = path.length(); i < n && node.minBelow < best; i++) {
            node = node.child(path.charAt(i));
            if (node == null) {
                break;
            }
            best = scan(node.routes, best, request, test);
        }
        return best;
    }

    /** The first position in {@code positions} (ascending) below {@code best} that matches; else {@code best}. */
    private static <R> int scan(int[] positions, int best, R request, Test<R> test) {
        if (positions == null) {
            return best;
        }
        for (int position : positions) {
            if (position >= best) {
                break;
            }
            if (test.matches(position, request)) {
                return position;
            }
        }
        return best;
    }

    /**
     * The literal text every full match of an RE2 regex starts with: the leading characters that stand for
     * themselves, up to the first operator; a character followed by a quantifier that allows zero or several
     * repetitions is left out. Any alternation makes it empty (a top-level "|" offers other starts).
     */
    static String literalPrefix(String regex) {
        if (regex.indexOf('|') >= 0) {
            return "";
        }
        int end = 0;
        while (end < regex.length() && isLiteral(regex.charAt(end))) {
            end++;
        }
        if (end < regex.length() && end > 0 && "*?{".indexOf(regex.charAt(end)) >= 0) {
            end--;
        }
        return regex.substring(0, end);
    }

    /** Characters that RE2 syntax always takes literally outside a class (conservative: ASCII only). */
    private static boolean isLiteral(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "/-_~%=,;:@!&'\"<> #".indexOf(c) >= 0;
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    private static Map<String, int[]> freeze(Map<String, List<Integer>> lists) {
        Map<String, int[]> out = new HashMap<>();
        lists.forEach((k, v) -> out.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
        return out;
    }

    /** An immutable trie node: children by character (sorted), the routes whose key ends here (ascending). */
    private static final class Node {
        final char[] keys;
        final Node[] children;
        final int[] routes;
        /** The lowest position in this node's subtree below it: the walk stops once nothing lower can match. */
        final int minBelow;

        Node(char[] keys, Node[] children, int[] routes, int minBelow) {
            this.keys = keys;
            this.children = children;
            this.routes = routes;
            this.minBelow = minBelow;
        }

        Node child(char c) {
            int i = Arrays.binarySearch(keys, c);
            return i < 0 ? null : children[i];
        }
    }

    private static final class Builder {
        final java.util.TreeMap<Character, Builder> children = new java.util.TreeMap<>();
        final List<Integer> routes = new ArrayList<>();
        boolean empty = true;

        void add(String key, int position) {
            empty = false;
            Builder b = this;
            for (int i = 0; i < key.length(); i++) {
                b = b.children.computeIfAbsent(key.charAt(i), c -> new Builder());
            }
            b.routes.add(position);
        }

        boolean isEmpty() {
            return empty;
        }

        Node build() {
            char[] keys = new char[children.size()];
            Node[] nodes = new Node[children.size()];
            int i = 0;
            int min = Integer.MAX_VALUE;
            for (Map.Entry<Character, Builder> e : children.entrySet()) {
                keys[i] = e.getKey();
                nodes[i] = e.getValue().build();
                min = Math.min(min, Math.min(nodes[i].minBelow, nodes[i].routes.length == 0
                        ? Integer.MAX_VALUE : nodes[i].routes[0]));
                i++;
            }
            int[] positions = routes.isEmpty() ? NONE : routes.stream().mapToInt(Integer::intValue).toArray();
            return new Node(keys, nodes, positions, min);
        }
    }
}
