package dev.meshroute.reference.dataplane;

import java.net.InetSocketAddress;
import java.util.Map;

/** What the proxy does with one request: forward it to an endpoint, or answer it itself. */
public sealed interface RouteDecision {

    /** The name of the route that matched, or null when none did. */
    String routeName();

    /**
     * Forward the request to {@code endpoint}, a member of {@code cluster}.
     *
     * @param podName   the endpoint's pod name if the control plane sent it (for logs), or null
     * @param path      the request target to send upstream when the route rewrites it, or null to keep it
     * @param authority the Host to send upstream when the route rewrites it, or null to keep it
     * @param timeoutMillis the route timeout: no response by then is answered 504 UT (0: none)
     * @param delayMillis   an injected fault delay before forwarding (0: none)
     * @param requestHeaders  header changes before forwarding
     * @param responseHeaders header changes to the upstream's response
     * @param upstream        the cluster's live state (circuit breakers, outlier detection), or null to forward
     *                        without either
     * @param endpointCount   how many endpoints the cluster has (outlier detection's max ejection percent)
     * @param attempts        retries, the attempt count header and mirrors
     */
    record Forward(String routeName, String cluster, InetSocketAddress endpoint, String podName, String path,
                   String authority, long timeoutMillis, long delayMillis, HeaderMutation requestHeaders,
                   HeaderMutation responseHeaders, UpstreamCluster upstream, int endpointCount, Attempts attempts)
            implements RouteDecision {

        public Forward(String routeName, String cluster, InetSocketAddress endpoint, String podName) {
            this(routeName, cluster, endpoint, podName, null, null, 0, 0, HeaderMutation.NONE, HeaderMutation.NONE);
        }

        public Forward(String routeName, String cluster, InetSocketAddress endpoint, String podName, String path,
                       String authority, long timeoutMillis, long delayMillis, HeaderMutation requestHeaders,
                       HeaderMutation responseHeaders) {
            this(routeName, cluster, endpoint, podName, path, authority, timeoutMillis, delayMillis, requestHeaders,
                    responseHeaders, null, 0);
        }

        public Forward(String routeName, String cluster, InetSocketAddress endpoint, String podName, String path,
                       String authority, long timeoutMillis, long delayMillis, HeaderMutation requestHeaders,
                       HeaderMutation responseHeaders, UpstreamCluster upstream, int endpointCount) {
            this(routeName, cluster, endpoint, podName, path, authority, timeoutMillis, delayMillis, requestHeaders,
                    responseHeaders, upstream, endpointCount, Attempts.NONE);
        }
    }

    /**
     * How the router tries upstreams beyond the one endpoint: retries, the attempt count header and mirrors.
     *
     * @param retry             the route's retry policy, or null for none
     * @param attemptCountHeader the virtual host's include_request_attempt_count: send x-envoy-attempt-count
     * @param mirrors           endpoints that get a fire-and-forget copy of the request
     */
    record Attempts(RetryRule retry, boolean attemptCountHeader, java.util.List<InetSocketAddress> mirrors) {

        public static final Attempts NONE = new Attempts(null, false, java.util.List.of());

        public Attempts {
            mirrors = java.util.List.copyOf(mirrors);
        }
    }

    /**
     * A reply the proxy makes itself, as Envoy does: the status, the body and Envoy's response flag
     * (NR, NC, UH, ...), which the proxy returns in the {@code x-response-flags} header; {@code headers}
     * are added to the reply (a redirect's {@code location}).
     */
    record LocalReply(String routeName, int status, String body, String responseFlags, Map<String, String> headers)
            implements RouteDecision {

        public LocalReply {
            headers = Map.copyOf(headers);
        }

        public LocalReply(String routeName, int status, String body, String responseFlags) {
            this(routeName, status, body, responseFlags, Map.of());
        }

        public static LocalReply noRoute() {
            return new LocalReply(null, 404, "", "NR");
        }

        public static LocalReply noCluster(String routeName) {
            return new LocalReply(routeName, 503, "", "NC");
        }

        /** Envoy's fault filter abort: the configured status, body "fault filter abort", flag FI. */
        public static LocalReply faultAbort(String routeName, int status) {
            return new LocalReply(routeName, status, "fault filter abort", "FI");
        }

        public static LocalReply noHealthyUpstream(String routeName) {
            return new LocalReply(routeName, 503, "no healthy upstream", "UH");
        }
    }
}
