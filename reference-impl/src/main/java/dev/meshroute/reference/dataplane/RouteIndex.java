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
 *   <li>exact paths: on the trie node of the path, taken only where the path without its query ends (no
 *   substring per request); case-insensitive ones in a hash map from the lower-cased path;</li>
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

    private final Map<String, int[]> exactIgnoreCase;
    private final Node trie;
    private final Node trieIgnoreCase;

    private RouteIndex(Map<String, int[]> exactIgnoreCase, Node trie, Node trieIgnoreCase) {
        this.exactIgnoreCase = exactIgnoreCase;
        this.trie = trie;
        this.trieIgnoreCase = trieIgnoreCase;
    }

    /** Indexes the path conditions of routes, in route order. */
    static RouteIndex create(List<StringMatcher> paths) {
        Map<String, List<Integer>> exactIgnoreCase = new HashMap<>();
        Builder trie = new Builder();
        Builder trieIgnoreCase = new Builder();
        for (int i = 0; i < paths.size(); i++) {
            StringMatcher p = paths.get(i);
            switch (p.kind()) {
                case EXACT -> {
                    if (p.ignoreCase()) {
                        exactIgnoreCase.computeIfAbsent(lower(p.value()), k -> new ArrayList<>()).add(i);
                    } else {
                        trie.addExact(p.value(), i);
                    }
                }
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
        return new RouteIndex(freeze(exactIgnoreCase), trie.build(),
                trieIgnoreCase.isEmpty() ? null : trieIgnoreCase.build());
    }

    /**
     * The lowest position whose route matches, or -1. Exact and regex conditions see the path without its query
     * string, prefixes the whole {@code :path}, as {@link RouteTable} evaluates them.
     */
    <R> int firstMatch(String path, R request, Test<R> test) {
        int best = Integer.MAX_VALUE;
        int q = path.indexOf('?');
        int pathEnd = q < 0 ? path.length() : q;
        if (!exactIgnoreCase.isEmpty()) {
            best = scan(exactIgnoreCase.get(lower(path.substring(0, pathEnd))), best, request, test);
        }
        best = walk(trie, path, pathEnd, best, request, test);
        if (trieIgnoreCase != null) {
            best = walk(trieIgnoreCase, lower(path), -1, best, request, test);
        }
        return best == Integer.MAX_VALUE ? -1 : best;
    }

    /** Walks along {@code path}; the exact routes of the node reached after {@code exactEnd} characters count. */
    private static <R> int walk(Node root, String path, int exactEnd, int best, R request, Test<R> test) {
        Node node = root;
        best = scan(node.routes, best, request, test);
        if (exactEnd == 0) {
            best = scan(node.exact, best, request, test);
        }
        for (int i = 0, n = path.length(); i < n && node.minBelow < best; i++) {
            node = node.child(path.charAt(i));
            if (node == null) {
                break;
            }
            best = scan(node.routes, best, request, test);
            if (i + 1 == exactEnd) {
                best = scan(node.exact, best, request, test);
            }
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
        /** Exact paths that end here (ascending). */
        final int[] exact;
        /** The lowest position in this node's subtree below it: the walk stops once nothing lower can match. */
        final int minBelow;

        Node(char[] keys, Node[] children, int[] routes, int[] exact, int minBelow) {
            this.keys = keys;
            this.children = children;
            this.routes = routes;
            this.exact = exact;
            this.minBelow = minBelow;
        }

        Node child(char c) {
            int i = Arrays.binarySearch(keys, c);
            return i < 0 ? null : children[i];
        }
    }

    /** The keys of one trie with their route positions; built by sorting, one node per distinct prefix. */
    private static final class Builder {
        private record Entry(String key, int position, boolean exact) {
        }

        private final List<Entry> entries = new ArrayList<>();

        void add(String key, int position) {
            entries.add(new Entry(key, position, false));
        }

        void addExact(String key, int position) {
            entries.add(new Entry(key, position, true));
        }

        boolean isEmpty() {
            return entries.isEmpty();
        }

        Node build() {
            // by key, then by position: the routes of one key end up adjacent and in route order
            entries.sort(java.util.Comparator.comparing(Entry::key).thenComparingInt(Entry::position));
            return build(0, entries.size(), 0);
        }

        /** The node for the keys in [from, to), which share their first {@code depth} characters. */
        private Node build(int from, int to, int depth) {
            int i = from;
            while (i < to && entries.get(i).key().length() == depth) {
                i++; // keys that end here sort first
            }
            // entries are sorted by key, then position: those ending here are already in route order
            int[] positions = positionsEndingHere(from, i, false);
            int[] exact = positionsEndingHere(from, i, true);
            // plain loops, no streams: a table of 10,000 routes has some 100,000 nodes, built on every push
            int childCount = 0;
            for (int j = i; j < to; childCount++) {
                char c = entries.get(j).key().charAt(depth);
                while (j < to && entries.get(j).key().charAt(depth) == c) {
                    j++;
                }
            }
            char[] keys = new char[childCount];
            Node[] children = new Node[childCount];
            int min = Integer.MAX_VALUE;
            for (int n = 0; i < to; n++) {
                char c = entries.get(i).key().charAt(depth);
                int end = i;
                while (end < to && entries.get(end).key().charAt(depth) == c) {
                    end++;
                }
                Node child = build(i, end, depth + 1);
                keys[n] = c;
                children[n] = child;
                min = Math.min(min, Math.min(child.minBelow, Math.min(first(child.routes), first(child.exact))));
                i = end;
            }
            return new Node(keys, children, positions, exact, min);
        }

        /** The positions of the entries in [from, to) that are (or are not) exact paths, ascending. */
        private int[] positionsEndingHere(int from, int to, boolean exact) {
            int count = 0;
            for (int j = from; j < to; j++) {
                count += entries.get(j).exact() == exact ? 1 : 0;
            }
            if (count == 0) {
                return NONE;
            }
            int[] out = new int[count];
            int n = 0;
            for (int j = from; j < to; j++) {
                if (entries.get(j).exact() == exact) {
                    out[n++] = entries.get(j).position();
                }
            }
            return out;
        }

        private static int first(int[] positions) {
            return positions.length == 0 ? Integer.MAX_VALUE : positions[0];
        }
    }
}
