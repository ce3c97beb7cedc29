package dev.meshroute.reference.dataplane;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;

/**
 * An upstream response whose body is over the buffer limit: the head and the body's first, buffered part as a
 * {@link io.netty.handler.codec.http.FullHttpResponse} (so retries, header mutation and outlier detection, which
 * need only the head, treat it like any response), and the rest of the body in {@link #rest()}. Drop one with
 * {@link BodyStream#discard}, which also closes its upstream connection.
 */
final class StreamedResponse extends DefaultFullHttpResponse {

    private final BodyStream rest;

    StreamedResponse(HttpResponse head, ByteBuf firstPart, HttpHeaders headers, BodyStream rest) {
        super(head.protocolVersion(), head.status(), firstPart, headers,
                io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
        this.rest = rest;
    }

    BodyStream rest() {
        return rest;
    }

    /** The head to send downstream: the message without its body, so the encoder does not end it. */
    HttpResponse head() {
        return new DefaultHttpResponse(protocolVersion(), status(), headers());
    }

    /** The buffered first part of the body as a chunk that does not end it; takes over one reference. */
    HttpContent firstPart() {
        return new DefaultHttpContent(content());
    }

    @Override
    public StreamedResponse replace(ByteBuf content) {
        StreamedResponse copy = new StreamedResponse(this, content, headers().copy(), rest);
        copy.setDecoderResult(decoderResult());
        return copy;
    }
}
