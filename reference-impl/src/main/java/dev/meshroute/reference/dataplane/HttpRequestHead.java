package dev.meshroute.reference.dataplane;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The parts of an HTTP request that routing looks at, independent of any HTTP library.
 *
 * @param method    the request method as sent (case preserved: routing is case-sensitive)
 * @param path      the request target as sent, including any query string
 * @param authority the Host header value as sent (port and case preserved)
 * @param scheme    {@code http} or {@code https}
 * @param headers   every header line in arrival order; names are lower-cased, values as sent
 * @param source    the downstream connection's remote address ({@code ip:port}), or null when unknown
 */
public record HttpRequestHead(String method, String path, String authority, String scheme,
                              List<Map.Entry<String, String>> headers, String source) {

    public HttpRequestHead {
        headers = List.copyOf(headers);
    }

    public HttpRequestHead(String method, String path, String authority, String scheme,
                           List<Map.Entry<String, String>> headers) {
        this(method, path, authority, scheme, headers, null);
    }

    /** The source IP without the port, or null when unknown. */
    public String sourceIp() {
        if (source == null) {
            return null;
        }
        int colon = source.lastIndexOf(':');
        return colon > 0 ? source.substring(0, colon) : source;
    }

    /** All values of a header, in arrival order; the name is compared case-insensitively. */
    public List<String> headerValues(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        List<String> values = new ArrayList<>(1);
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equals(lower)) {
                values.add(header.getValue());
            }
        }
        return values;
    }

    /** The path without its query string, as Envoy's path matchers see it. */
    public String pathWithoutQuery() {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    /** The raw query string (without '?'), or an empty string. */
    public String query() {
        int q = path.indexOf('?');
        return q < 0 ? "" : path.substring(q + 1);
    }
}
