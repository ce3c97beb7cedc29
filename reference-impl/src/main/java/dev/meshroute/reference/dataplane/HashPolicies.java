package dev.meshroute.reference.dataplane;

import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.route.v3.RouteAction;

import java.util.List;
import java.util.OptionalLong;

/**
 * Envoy's route {@code hash_policy} ({@code HashPolicyImpl}): each policy hashes one thing of the request (a
 * header, a cookie, the source IP, a query parameter) or yields nothing when the request lacks it; several hashes
 * are combined by rotating and XORing. A cookie policy with a TTL whose cookie is absent makes one up from the
 * downstream connection and asks the client to keep it ({@code Set-Cookie}), so the request is hashed anyway.
 */
final class HashPolicies {

    /** A request's hash (empty: none, so a hashing load balancer picks at random) and a cookie to set, if any. */
    record Hash(OptionalLong value, HeaderMutation setCookie) {
        static final Hash NONE = new Hash(OptionalLong.empty(), HeaderMutation.NONE);
    }

    private HashPolicies() {
    }

    static Hash compute(List<RouteAction.HashPolicy> policies, HttpRequestHead request) {
        Long combined = null;
        HeaderMutation setCookie = HeaderMutation.NONE;
        for (RouteAction.HashPolicy p : policies) {
            String key = null;
            switch (p.getPolicySpecifierCase()) {
                case HEADER -> {
                    List<String> values = request.headerValues(p.getHeader().getHeaderName());
                    key = values.isEmpty() ? null : String.join(",", values);
                }
                case COOKIE -> {
                    RouteAction.HashPolicy.Cookie c = p.getCookie();
                    key = cookie(request, c.getName());
                    if (key == null && c.hasTtl()) {
                        key = Long.toHexString(LoadBalancer.hash("cookie:" + request.source()));
                        setCookie = setCookie.then(new HeaderMutation(List.of(new HeaderMutation.Op("set-cookie",
                                setCookieValue(c.getName(), key, c.getPath(), Durations.toSeconds(c.getTtl())), true)),
                                List.of()));
                    }
                }
                case CONNECTION_PROPERTIES -> key = p.getConnectionProperties().getSourceIp() ? request.sourceIp() : null;
                case QUERY_PARAMETER -> key = queryParameter(request, p.getQueryParameter().getName());
                default -> key = null;
            }
            if (key != null) {
                long h = LoadBalancer.hash(key);
                combined = combined == null ? h : Long.rotateLeft(combined, 1) ^ h;
            }
        }
        return new Hash(combined == null ? OptionalLong.empty() : OptionalLong.of(combined), setCookie);
    }

    /** Envoy's {@code makeSetCookieValue}: a quoted value, Max-Age unless 0 (a session cookie), Path, HttpOnly. */
    static String setCookieValue(String name, String value, String path, long maxAgeSeconds) {
        StringBuilder sb = new StringBuilder(name).append("=\"").append(value).append('"');
        if (maxAgeSeconds != 0) {
            sb.append("; Max-Age=").append(maxAgeSeconds);
        }
        if (!path.isEmpty()) {
            sb.append("; Path=").append(path);
        }
        return sb.append("; HttpOnly").toString();
    }

    /** The value of a cookie in the request's Cookie headers, without surrounding quotes; null when absent. */
    static String cookie(HttpRequestHead request, String name) {
        for (String header : request.headerValues("cookie")) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).trim().equals(name)) {
                    String v = pair.substring(eq + 1).trim();
                    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                        v = v.substring(1, v.length() - 1);
                    }
                    return v;
                }
            }
        }
        return null;
    }

    /** The first value of a query parameter (undecoded), or null when absent. */
    private static String queryParameter(HttpRequestHead request, String name) {
        String query = request.query();
        if (query.isEmpty()) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            if (k.equals(name)) {
                return eq < 0 ? "" : pair.substring(eq + 1);
            }
        }
        return null;
    }
}
