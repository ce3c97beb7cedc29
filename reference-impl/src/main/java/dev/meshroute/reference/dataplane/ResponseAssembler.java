package dev.meshroute.reference.dataplane;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

import java.util.List;

/**
 * The upstream side's counterpart of {@link RequestAssembler}: a response whose body fits the buffer limit comes out
 * whole, framed by {@code content-length} (as Netty's aggregator framed it before); a larger one comes out as a
 * {@link StreamedResponse} once the limit is reached, and the rest of its body goes to its {@link BodyStream} as it
 * arrives (Envoy streams response bodies; its cluster {@code per_connection_buffer_limit_bytes}, default 1 MiB,
 * bounds what it holds). A response that cannot be decoded comes out as one whose {@link DecoderResult} is the
 * failure.
 */
final class ResponseAssembler extends BodyAssembler<HttpResponse> {

    private final int bufferLimitBytes;

    ResponseAssembler(int bufferLimitBytes) {
        this.bufferLimitBytes = bufferLimitBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, HttpObject msg, List<Object> out) {
        if (msg.decoderResult().isFailure()) {
            if (streaming != null) {
                abandonStream();
                ctx.close();
                return;
            }
            out.add(failed(msg.decoderResult()));
            return;
        }
        if (msg instanceof HttpResponse response) {
            begin(ctx, response);
        }
        if (msg instanceof HttpContent content && head != null) {
            body.addComponent(true, content.content().retain());
            if (content instanceof LastHttpContent last) {
                DefaultFullHttpResponse whole = new DefaultFullHttpResponse(head.protocolVersion(), head.status(),
                        body, head.headers(), last.trailingHeaders());
                if (whole.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)) {
                    HttpUtil.setTransferEncodingChunked(whole, false);
                }
                if (!HttpUtil.isContentLengthSet(whole)) {
                    whole.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
                }
                out.add(whole);
                handedOn();
            } else if (body.readableBytes() > bufferLimitBytes) {
                streaming = BodyStream.fromUpstream(ctx.channel());
                out.add(new StreamedResponse(head, body, head.headers(), streaming));
                handedOn();
            }
        }
    }

    private DefaultFullHttpResponse failed(DecoderResult result) {
        discardPartial();
        DefaultFullHttpResponse response =
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_GATEWAY);
        response.setDecoderResult(result);
        return response;
    }
}
