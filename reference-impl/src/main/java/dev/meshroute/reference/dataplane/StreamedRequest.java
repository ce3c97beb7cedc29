package dev.meshroute.reference.dataplane;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;

/**
 * A request whose body is over the buffer limit: the head and the body's first, buffered part as a
 * {@link io.netty.handler.codec.http.FullHttpRequest} (so routing and header rewriting treat it like any request),
 * and the rest of the body in {@link #rest()}. Such a request is sent once: neither retried nor mirrored, as Envoy
 * gives up retries and shadows when a body outgrows its buffer.
 */
final class StreamedRequest extends DefaultFullHttpRequest {

    private final BodyStream rest;

    StreamedRequest(HttpRequest head, ByteBuf firstPart, HttpHeaders headers, BodyStream rest) {
        super(head.protocolVersion(), head.method(), head.uri(), firstPart, headers,
                io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
        this.rest = rest;
    }

    BodyStream rest() {
        return rest;
    }

    /** The head to send upstream: the message without its body, so the encoder does not end it. */
    HttpRequest head() {
        return new DefaultHttpRequest(protocolVersion(), method(), uri(), headers());
    }

    /** The buffered first part of the body as a chunk that does not end it; takes over one reference. */
    HttpContent firstPart() {
        return new DefaultHttpContent(content());
    }

    @Override
    public StreamedRequest replace(ByteBuf content) {
        StreamedRequest copy = new StreamedRequest(this, content, headers().copy(), rest);
        copy.setDecoderResult(decoderResult());
        return copy;
    }
}
