package dev.meshroute.reference.dataplane;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fixed parts of wildcard domains ("*.example.com" holds ".example.com", "example.*" holds "example."), grouped
 * by length, longest first, as Envoy's {@code wildcard_virtual_host_suffixes_}: a lookup costs one hash lookup per
 * distinct length, not one comparison per domain.
 */
final class WildcardDomains<V> {

    private final TreeMap<Integer, Map<String, V>> byLength = new TreeMap<>(java.util.Comparator.reverseOrder());

    void put(String fixedPart, V value) {
        byLength.computeIfAbsent(fixedPart.length(), n -> new HashMap<>()).put(fixedPart, value);
    }

    /** The value of the longest fixed part that {@code host} ends with, leaving at least one character; or null. */
    V longestSuffixOf(String host) {
        if (byLength.isEmpty()) {
            return null;
        }
        for (Map.Entry<Integer, Map<String, V>> e : byLength.entrySet()) {
            int n = e.getKey();
            if (host.length() > n) {
                V v = e.getValue().get(host.substring(host.length() - n));
                if (v != null) {
                    return v;
                }
            }
        }
        return null;
    }

    /** The value of the longest fixed part that {@code host} starts with, leaving at least one character; or null. */
    V longestPrefixOf(String host) {
        if (byLength.isEmpty()) {
            return null;
        }
        for (Map.Entry<Integer, Map<String, V>> e : byLength.entrySet()) {
            int n = e.getKey();
            if (host.length() > n) {
                V v = e.getValue().get(host.substring(0, n));
                if (v != null) {
                    return v;
                }
            }
        }
        return null;
    }
}
