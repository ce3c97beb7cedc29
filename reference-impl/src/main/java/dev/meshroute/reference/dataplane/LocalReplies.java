package dev.meshroute.reference.dataplane;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/** Responses the proxy makes itself, shaped like Envoy's local replies. */
final class LocalReplies {

    static final String RESPONSE_FLAGS_HEADER = "x-response-flags";

    private LocalReplies() {
    }

    static FullHttpResponse of(RouteDecision.LocalReply reply) {
        FullHttpResponse response = of(reply.status(), reply.body(), reply.responseFlags());
        reply.headers().forEach((name, value) -> response.headers().set(name, value));
        return response;
    }

    static FullHttpResponse upstreamFailure() {
        return of(503, "upstream connect error or disconnect/reset before headers. reset reason: connection failure",
                "UF");
    }

    /** Envoy's answer when the upstream connection ends after the request was sent and before a response. */
    static FullHttpResponse upstreamReset() {
        return of(503, "upstream connect error or disconnect/reset before headers. reset reason: connection"
                + " termination", "UC");
    }

    /**
     * Envoy's answer when a circuit breaker overflows (too many connections, pending requests or requests): 503,
     * flag UO, and {@code x-envoy-overloaded: true}.
     */
    static FullHttpResponse overflow() {
        FullHttpResponse response = of(503,
                "upstream connect error or disconnect/reset before headers. reset reason: overflow", "UO");
        response.headers().set("x-envoy-overloaded", "true");
        return response;
    }

    /** Envoy's answer when the route timeout passes before the upstream response: 504, flag UT. */
    static FullHttpResponse upstreamTimeout() {
        return of(504, "upstream request timeout", "UT");
    }

    static FullHttpResponse internalError() {
        return of(500, "internal proxy error", null);
    }

    /** A request the decoder could not parse; DPE is Envoy's flag for a downstream protocol error. */
    static FullHttpResponse badRequest() {
        return of(400, "Bad Request", "DPE");
    }

    /**
     * Envoy's HTTP/1 codec errors (source/common/http/http1/codec_impl.cc {@code sendProtocolError}): the status,
     * the status text as body, flag DPE (downstream protocol error); the connection then closes.
     */
    static FullHttpResponse headersTooLarge() {
        return of(431, "Request Header Fields Too Large", "DPE");
    }

    /** A transfer coding other than chunked (Envoy: http1.invalid_transfer_encoding). */
    static FullHttpResponse transferCodingNotImplemented() {
        return of(501, "Not Implemented", "DPE");
    }

    /**
     * Envoy's answer to an HTTP/1.0 or HTTP/0.9 request when {@code accept_http_10} is off, as under Istio by
     * default: 426 with the status text as body, details low_version, flag DPE (a codec protocol error), and the
     * connection closes (codec_impl.cc {@code checkProtocolVersion}, conn_manager_impl.cc {@code handleCodecError}).
     */
    static FullHttpResponse upgradeRequired() {
        return of(426, "Upgrade Required", "DPE");
    }

    /** The request's headers did not arrive in time (Envoy's request_headers_timeout; details request_header_timeout). */
    static FullHttpResponse requestHeaderTimeout() {
        FullHttpResponse response = of(408, "request header timeout", null);
        HttpUtil.setKeepAlive(response, false);
        return response;
    }

    /**
     * Envoy's answer when a request stays silent for the stream idle timeout before its response started: 408, or
     * 504 once the request was complete (source/common/http/utility.cc {@code maybeRequestTimeoutCode}), body
     * "stream timeout", flag SI (details stream_idle_timeout); the connection then closes.
     */
    static FullHttpResponse streamIdleTimeout(boolean requestComplete) {
        FullHttpResponse response = of(requestComplete ? 504 : 408, "stream timeout", "SI");
        HttpUtil.setKeepAlive(response, false);
        return response;
    }

    /** The local reply for a request the decoder or {@link RequestAssembler} failed. */
    static FullHttpResponse forDecoderFailure(Throwable cause) {
        if (cause instanceof RequestAssembler.Refused refused) {
            return refused.reply();
        }
        if (cause instanceof io.netty.handler.codec.http.TooLongHttpHeaderException
                || cause instanceof io.netty.handler.codec.http.TooLongHttpLineException) {
            return headersTooLarge(); // Envoy counts the URL in the header bytes too
        }
        return badRequest();
    }

    /**
     * A reply with the given status and body; the flags header is left out when there are no flags.
     *
     * @throws IllegalArgumentException if {@code status} is not a three-digit code
     */
    static FullHttpResponse of(int status, String body, String flags) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("not an HTTP status code: " + status);
        }
        String text = body == null ? "" : body;
        ByteBuf content = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        FullHttpResponse response =
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), content);
        if (!text.isEmpty()) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
        }
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        if (flags != null && !flags.isEmpty()) {
            response.headers().set(RESPONSE_FLAGS_HEADER, flags);
        }
        return response;
    }
}
