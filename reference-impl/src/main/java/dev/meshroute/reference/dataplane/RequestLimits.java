package dev.meshroute.reference.dataplane;

import java.time.Duration;

/**
 * What the proxy accepts of a downstream request head, as Envoy's HTTP connection manager limits it, and how long a
 * client may take to send it.
 *
 * @param maxRequestHeadersKb   the request line's URL plus every header name and value, in KiB; over it: 431
 *                              (Envoy {@code max_request_headers_kb}, default 60: source/common/http/http1/codec_impl.cc
 *                              counts the URL in {@code checkMaxHeadersSize})
 * @param maxHeadersCount       header lines; over it: 431 (Envoy {@code common_http_protocol_options.max_headers_count},
 *                              default 100)
 * @param requestHeadersTimeout how long a request may take from its first byte to the end of its headers; then 408
 *                              and the connection closes (Envoy {@code request_headers_timeout}, which is off by
 *                              default; the reference sets one so that a stuck client cannot hold a connection)
 */
public record RequestLimits(int maxRequestHeadersKb, int maxHeadersCount, Duration requestHeadersTimeout) {

    /** Envoy's header limits, and a 10 s head timeout. */
    public static final RequestLimits DEFAULTS = new RequestLimits(60, 100, Duration.ofSeconds(10));

    public RequestLimits {
        if (maxRequestHeadersKb < 1 || maxHeadersCount < 1 || requestHeadersTimeout.isNegative()) {
            throw new IllegalArgumentException("limits must be positive: " + maxRequestHeadersKb + " KiB, "
                    + maxHeadersCount + " headers, " + requestHeadersTimeout);
        }
    }

    int maxHeaderBytes() {
        return maxRequestHeadersKb * 1024;
    }

    /**
     * What Netty's decoder may buffer for a head: Envoy counts names and values only, Netty whole lines, so Netty's
     * own limit sits above Envoy's by the ": " and CRLF of every allowed header; this proxy then applies Envoy's.
     */
    int decoderHeaderBytes() {
        return maxHeaderBytes() + 4 * (maxHeadersCount + 1) + 64;
    }
}
