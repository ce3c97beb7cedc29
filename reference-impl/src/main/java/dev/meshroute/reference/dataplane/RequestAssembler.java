package dev.meshroute.reference.dataplane;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

import java.util.List;

/**
 * A decoder that joins a request's head and body into one {@link FullHttpRequest} with its headers as sent, as long
 * as the body fits the buffer limit; a larger body is streamed: the head and the buffered part come out as a
 * {@link StreamedRequest} as soon as the limit is reached, and the rest of the body goes to its {@link BodyStream}
 * as it arrives. (Envoy's router likewise buffers a body for retries and shadows up to the buffer limit, then gives
 * them up and streams: source/common/router/router.cc {@code decodeData}. It has no limit on a streamed body.)
 *
 * <p>Netty's {@code HttpObjectAggregator} would do the joining, but it rewrites framing headers (adds
 * {@code content-length: 0} to every GET, drops {@code transfer-encoding}), and routing and the upstream must see
 * the headers the client sent. A request that cannot be decoded comes out as a request whose {@link DecoderResult}
 * is the failure.
 */
final class RequestAssembler extends BodyAssembler<HttpRequest> {

    private final RequestLimits limits;

    RequestAssembler(RequestLimits limits) {
        this.limits = limits;
    }

    /** A request head the proxy refuses before routing, with the local reply Envoy gives it. */
    static final class Refused extends RuntimeException {
        private final transient java.util.function.Supplier<io.netty.handler.codec.http.FullHttpResponse> reply;

        Refused(String message, java.util.function.Supplier<io.netty.handler.codec.http.FullHttpResponse> reply) {
            super(message, null, false, false);
            this.reply = reply;
        }

        io.netty.handler.codec.http.FullHttpResponse reply() {
            return reply.get();
        }
    }

    /**
     * Envoy's HTTP/1 codec checks on a head (source/common/http/http1/codec_impl.cc): a transfer coding other than
     * exactly {@code chunked} is 501 (http1.invalid_transfer_encoding), Content-Length with Transfer-Encoding 400
     * (http1.content_length_and_chunked_not_allowed), too many headers or too many header bytes 431
     * (http1.too_many_headers, http1.headers_too_large); then a request that is not HTTP/1.1 is 426, as Istio leaves
     * Envoy's {@code accept_http_10} off (see {@link #isHttp11}). Null when the head passes.
     */
    private Refused refuse(HttpRequest request) {
        List<String> codings = request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (!codings.isEmpty() && !(codings.size() == 1 && codings.get(0).trim().equalsIgnoreCase("chunked"))) {
            return new Refused("transfer coding " + codings, LocalReplies::transferCodingNotImplemented);
        }
        if (!codings.isEmpty() && request.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            return new Refused("content-length with transfer-encoding", LocalReplies::badRequest);
        }
        if (request.headers().size() > limits.maxHeadersCount()) {
            return new Refused(request.headers().size() + " headers", LocalReplies::headersTooLarge);
        }
        long bytes = request.uri().length();
        for (java.util.Map.Entry<String, String> header : request.headers()) {
            bytes += header.getKey().length() + header.getValue().length();
        }
        if (bytes > limits.maxHeaderBytes()) {
            return new Refused(bytes + " header bytes", LocalReplies::headersTooLarge);
        }
        // (a head Netty failed to decode says HTTP/1.0 whatever was sent: its failure is answered instead)
        if (request.decoderResult().isSuccess() && !isHttp11(request.protocolVersion())) {
            return new Refused(request.protocolVersion() + " request", LocalReplies::upgradeRequired);
        }
        return null;
    }

    /**
     * Whether a request line says HTTP/1.1. Envoy's HTTP/1 codec treats every other version as HTTP/1.0
     * ({@code onHeadersCompleteImpl}: "not necessarily true, but it's good enough"), and refuses HTTP/1.0 with 426
     * before any routing unless the connection manager sets {@code http_protocol_options.accept_http_10}
     * (envoyproxy/envoy source/common/http/http1/codec_impl.cc {@code ServerConnectionImpl::checkProtocolVersion}).
     * Istio sets it only when istiod runs with {@code PILOT_HTTP10} or the proxy's metadata has {@code HTTP10}
     * (istio/istio pilot/pkg/networking/core/listener.go and listener_inbound.go; pilot/pkg/features:
     * PILOT_HTTP10, default false), both off by default, so the reference refuses them always: HTTP/1.0, HTTP/0.9,
     * and also HTTP/1.2 or HTTP/2.0 in an HTTP/1 request line. A version Envoy's parser does not accept at all
     * ({@code HTTP/} then one digit, a dot, one digit: balsa_parser.cc {@code isVersionValid}), such as
     * {@code HTTP/1.10} or {@code FOO/1.1}, is 400 there; Netty's decoder refuses those already, with the same 400
     * (HttpRobustnessTest), and {@link DownstreamCodec} refuses a lower-case {@code http/1.1} as Envoy does (its
     * version prefix is case-sensitive), which Netty's version parser would accept.
     */
    static boolean isHttp11(HttpVersion version) {
        return version.protocolName().equals("HTTP") && version.majorVersion() == 1 && version.minorVersion() == 1;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, HttpObject msg, List<Object> out) {
        if (streaming != null) {
            // a broken chunk in the middle of a streamed body: the upstream cannot get a whole body either
            abandonStream();
            ctx.close();
            return;
        }
        if (msg instanceof HttpRequest request) {
            Refused refused = refuse(request);
            if (refused != null) {
                out.add(failed(refused));
                return;
            }
        }
        if (msg.decoderResult().isFailure()) {
            out.add(failed(msg.decoderResult().cause()));
            return;
        }
        if (msg instanceof HttpRequest request) {
            begin(ctx, request);
            if (HttpUtil.is100ContinueExpected(request)) {
                // As Envoy does by default: the proxy answers the expectation itself and the upstream never sees it.
                request.headers().remove(HttpHeaderNames.EXPECT);
                ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
            }
        }
        if (msg instanceof HttpContent content && head != null) {
            body.addComponent(true, content.content().retain());
            if (!(content instanceof LastHttpContent) && body.readableBytes() > limits.bufferLimitBytes()) {
                streaming = BodyStream.fromDownstream(ctx.channel());
                out.add(new StreamedRequest(head, body, head.headers(), streaming));
                handedOn();
                return;
            }
            if (content instanceof LastHttpContent last) {
                out.add(new DefaultFullHttpRequest(head.protocolVersion(), head.method(), head.uri(), body,
                        head.headers(), last.trailingHeaders()));
                handedOn();
            }
        }
    }

    private FullHttpRequest failed(Throwable cause) {
        discardPartial();
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        request.setDecoderResult(DecoderResult.failure(cause));
        return request;
    }
}
