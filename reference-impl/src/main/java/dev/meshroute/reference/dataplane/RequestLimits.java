package dev.meshroute.reference.dataplane;

import java.time.Duration;

/**
 * What the proxy accepts of a downstream request head, as Envoy's HTTP connection manager limits it, how long a
 * client may take to send it, how much of a body the proxy holds, and how long a request may stay silent.
 *
 * @param maxRequestHeadersKb   the request line's URL plus every header name and value, in KiB; over it: 431
 *                              (Envoy {@code max_request_headers_kb}, default 60: source/common/http/http1/codec_impl.cc
 *                              counts the URL in {@code checkMaxHeadersSize})
 * @param maxHeadersCount       header lines; over it: 431 (Envoy {@code common_http_protocol_options.max_headers_count},
 *                              default 100)
 * @param requestHeadersTimeout how long a request may take from its first byte to the end of its headers; then 408
 *                              and the connection closes (Envoy {@code request_headers_timeout}, which is off by
 *                              default; the reference sets one so that a stuck client cannot hold a connection)
 * @param bufferLimitBytes      how much of a request or response body the proxy holds: a body up to this size is
 *                              buffered whole (so it can be retried and mirrored), a larger one is streamed and
 *                              neither retried nor mirrored (Envoy's listener and cluster
 *                              {@code per_connection_buffer_limit_bytes}, default 1 MiB, which the router uses as its
 *                              retry and shadow buffer: source/common/router/router.cc {@code decodeData},
 *                              {@code retry_or_shadow_abandoned})
 * @param streamIdleTimeout     how long a request may go without a byte read from the client or written to it
 *                              before the proxy gives up on it: 408 (504 when the request was complete) with flag
 *                              SI if no response was started, else the connection just closes (Envoy's HTTP
 *                              connection manager {@code stream_idle_timeout}, default 5 minutes;
 *                              {@code ConnectionManagerImpl::ActiveStream::onIdleTimeout}). Istio turns it off in
 *                              every connection manager it builds (istio/istio
 *                              pilot/pkg/networking/core/listener_builder.go, {@code buildHTTPConnectionManager}:
 *                              {@code StreamIdleTimeout = 0}); the reference keeps Envoy's default so that a stalled
 *                              client cannot hold a connection, as with its head timeout. Zero turns it off, as Istio
 */
public record RequestLimits(int maxRequestHeadersKb, int maxHeadersCount, Duration requestHeadersTimeout,
                            int bufferLimitBytes, Duration streamIdleTimeout) {

    /** Envoy's per_connection_buffer_limit_bytes default. */
    public static final int DEFAULT_BUFFER_LIMIT_BYTES = 1024 * 1024;
    /** Envoy's stream_idle_timeout default. */
    public static final Duration DEFAULT_STREAM_IDLE_TIMEOUT = Duration.ofMinutes(5);

    /** Envoy's limits, and a 10 s head timeout. */
    public static final RequestLimits DEFAULTS = new RequestLimits(60, 100, Duration.ofSeconds(10));

    public RequestLimits {
        if (maxRequestHeadersKb < 1 || maxHeadersCount < 1 || requestHeadersTimeout.isNegative()
                || bufferLimitBytes < 1 || streamIdleTimeout.isNegative()) {
            throw new IllegalArgumentException("limits must be positive: " + maxRequestHeadersKb + " KiB, "
                    + maxHeadersCount + " headers, " + requestHeadersTimeout + ", buffer " + bufferLimitBytes
                    + " bytes, stream idle " + streamIdleTimeout);
        }
    }

    /** Header limits and head timeout as given, Envoy's buffer limit and stream idle timeout. */
    public RequestLimits(int maxRequestHeadersKb, int maxHeadersCount, Duration requestHeadersTimeout) {
        this(maxRequestHeadersKb, maxHeadersCount, requestHeadersTimeout, DEFAULT_BUFFER_LIMIT_BYTES,
                DEFAULT_STREAM_IDLE_TIMEOUT);
    }

    /** These limits with another buffer limit. */
    public RequestLimits withBufferLimitBytes(int bytes) {
        return new RequestLimits(maxRequestHeadersKb, maxHeadersCount, requestHeadersTimeout, bytes,
                streamIdleTimeout);
    }

    /** These limits with another stream idle timeout. */
    public RequestLimits withStreamIdleTimeout(Duration timeout) {
        return new RequestLimits(maxRequestHeadersKb, maxHeadersCount, requestHeadersTimeout, bufferLimitBytes,
                timeout);
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
